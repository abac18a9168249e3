"""Writes on clients (each one a transaction): accounts.py (clients, contacts, account teams),
activity.py (calls, call reports, flags, actions, the stakeholder map). Import the submodule.
"""

# TEMPORARY, for the issue-12 merge only: clients/management/commands/seed_demo.py (moved by another
# helper) still says `from clients.services import client_create, team_member_set`. The lead points it at
# clients.services.accounts when merging and deletes these lines.
from .accounts import client_create, team_member_set  # noqa: F401
