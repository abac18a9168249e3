from .core import (
    CalendarFeed,
    FormSubmission,
    Notification,
    OutboxMessage,
    Pdp,
    PdpReview,
    PdpTarget,
    Role,
    StaffProfile,
    Throttle,
)
from .tokens import ApiToken

__all__ = [
    "Role",
    "StaffProfile",
    "Notification",
    "CalendarFeed",
    "Pdp",
    "PdpTarget",
    "PdpReview",
    "OutboxMessage",
    "Throttle",
    "FormSubmission",
    "ApiToken",
]
