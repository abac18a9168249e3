"""Forms of the people app: auth.py (password reset through the outbox), pdp.py (development plans).
Import the submodule.
"""
