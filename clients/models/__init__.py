from .activity import Action, Call, EscalationRule, Flag
from .core import (
    AccountTeamMembership,
    Client,
    ClientQuerySet,
    Contact,
    EngagementType,
    Industry,
    Tier,
    leads_prefetch,
)

__all__ = [
    "AccountTeamMembership",
    "Action",
    "Call",
    "Client",
    "ClientQuerySet",
    "Contact",
    "EngagementType",
    "EscalationRule",
    "Flag",
    "Industry",
    "Tier",
    "leads_prefetch",
]

# TEMPORARY, for the issue-12 merge only: reporting/services.py and commercial/services.py (another
# helper's area) still import these two from clients.models. They live in people/selectors.py; the lead
# points those imports there when merging and deletes these lines. Nothing else may use them from here.
from people.selectors import cs_team_users, heads_of_cs  # noqa: E402, F401
