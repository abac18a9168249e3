"""Writes on clients (each one a transaction): accounts.py (clients, contacts, account teams),
activity.py (calls, call reports, flags, actions, the stakeholder map). Import the submodule.
"""
