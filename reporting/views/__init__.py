"""reporting/ views: comms plans and matrices, the weekly meet, NPS and satisfaction, the portfolio."""

from .dashboard import portfolio
from .feedback import (
    checkin,
    nps_analytics,
    satisfaction_pdf,
    satisfaction_report,
    sponsor_home,
    survey,
    survey_create,
    survey_invite,
)
from .meet import (
    meeting_action_create,
    meeting_close,
    meeting_detail,
    meeting_edit,
    meeting_list,
    meeting_open,
    meeting_pack_file,
    meeting_pdf,
)
from .plans import matrix, occurrence_done, plan_edit, plan_reset

__all__ = [
    "checkin",
    "matrix",
    "meeting_action_create",
    "meeting_detail",
    "meeting_close",
    "meeting_edit",
    "meeting_list",
    "meeting_open",
    "meeting_pdf",
    "meeting_pack_file",
    "nps_analytics",
    "occurrence_done",
    "plan_edit",
    "plan_reset",
    "portfolio",
    "satisfaction_pdf",
    "satisfaction_report",
    "sponsor_home",
    "survey",
    "survey_create",
    "survey_invite",
]
