"""TEMPORARY, for the issue-12 merge only: delete this file at merge.

The activity workflows live in clients/services/activity.py. reporting/services.py and
clients/management/commands/seed_demo.py (another helper's area) still import this path; the lead
points them at clients.services.activity when merging. Nothing else may import it.
"""

from clients.services.activity import action_add, action_set_done, call_log, flag_raise  # noqa: F401
