from .core import (
    CalendarFeed,
    FormSubmission,
    Notification,
    OutboxMessage,
    Pathway,
    Pdp,
    PdpReview,
    PdpTarget,
    ReminderClaim,
    Role,
    StaffProfile,
    Throttle,
)
from .objectives import Measure, Objective, TeamYear
from .team import Invitation
from .time import MAX_WEEK_HOURS, ClientCsFee, TimeEntry, Timesheet
from .tokens import ApiToken

__all__ = [
    "Role",
    "StaffProfile",
    "Pathway",
    "Notification",
    "CalendarFeed",
    "Pdp",
    "PdpTarget",
    "PdpReview",
    "OutboxMessage",
    "Throttle",
    "FormSubmission",
    "ReminderClaim",
    "ApiToken",
    "Invitation",
    "Timesheet",
    "TimeEntry",
    "ClientCsFee",
    "MAX_WEEK_HOURS",
    "TeamYear",
    "Objective",
    "Measure",
]
