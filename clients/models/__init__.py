from .activity import Action, Call, EscalationRule, Flag
from .core import (
    AccountTeamMembership,
    Client,
    ClientQuerySet,
    Contact,
    EngagementType,
    Industry,
    Tier,
    cs_team_users,
    exec_sponsor_users,
    heads_of_cs,
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
    "cs_team_users",
    "exec_sponsor_users",
    "heads_of_cs",
    "leads_prefetch",
]
