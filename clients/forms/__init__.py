"""Forms of the clients app: core.py (clients, contacts, account team), activity.py (calls, flags,
actions, escalation rules of one client), escalation.py (the agency-wide escalation table). Import the
submodule.
"""
