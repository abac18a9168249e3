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
from .support import Priority, SupportArrangement, SupportRequest

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
    "Priority",
    "SupportArrangement",
    "SupportRequest",
]
