"""Forms of the clients app: core.py (clients, contacts, account team), activity.py (calls, flags,
actions, escalation rules of one client), escalation.py (the agency-wide escalation table). Import the
submodule.
"""

# TEMPORARY, for the issue-12 merge only: commercial/forms.py (another helper's area) still says
# `from clients.forms import DateInput`. The lead points it at clients.forms.core when merging and
# deletes these lines.
from .core import DateInput  # noqa: F401
