"""Reporting's writes, split by sub-domain: plans (matrices → comms plans), occurrences (what plans
make due, missed, reminded, adherence), feedback (NPS check-ins, surveys), meetings (the weekly meet).
The monthly satisfaction notice lives beside its report, in reporting/satisfaction.py.

Project code imports the submodule (`from reporting.services.plans import comms_plan_create`). The
names below are the package's public API, for the shell and tests that use several at once; the
order matters at import time (the lower sub-domains first), so the import sorter is kept out.
"""

# isort: skip_file
from .plans import (
    HORIZON_DAYS,
    PLAN_FIELDS,
    comms_plan_create,
    comms_plan_refresh,
    comms_plan_reset,
    comms_plan_update,
    comms_plans_refresh_all,
    comms_plans_refresh_later,
    matrix_values,
    plan_differences,
    plan_occurrences_sync,
    plans_in_play,
)
from .occurrences import (
    CALL_GRACE_DAYS,
    ESCALATE_AFTER_DAYS,
    adherence,
    adherence_by_am,
    calls_remind_tomorrow,
    occurrence_complete,
    occurrence_fulfil_by_call,
    occurrences_generate,
    occurrences_mark_missed,
    percent,
)
from .feedback import (
    SurveyLinkError,
    nps_checkin_record,
    nps_checkins_run,
    survey_expires_at,
    survey_invite_create,
    survey_invite_for_token,
    survey_link_days,
    survey_response_record,
    survey_token,
)
from .meetings import meet_pack_notify, meeting_action_add, meeting_open, meeting_update
from ..satisfaction import satisfaction_report_notify

__all__ = [
    "CALL_GRACE_DAYS",
    "ESCALATE_AFTER_DAYS",
    "HORIZON_DAYS",
    "PLAN_FIELDS",
    "SurveyLinkError",
    "adherence",
    "adherence_by_am",
    "calls_remind_tomorrow",
    "comms_plan_create",
    "comms_plan_refresh",
    "comms_plan_reset",
    "comms_plan_update",
    "comms_plans_refresh_all",
    "comms_plans_refresh_later",
    "matrix_values",
    "meet_pack_notify",
    "meeting_action_add",
    "meeting_open",
    "meeting_update",
    "nps_checkin_record",
    "nps_checkins_run",
    "occurrence_complete",
    "occurrence_fulfil_by_call",
    "occurrences_generate",
    "occurrences_mark_missed",
    "percent",
    "plan_differences",
    "plan_occurrences_sync",
    "plans_in_play",
    "satisfaction_report_notify",
    "survey_expires_at",
    "survey_invite_create",
    "survey_invite_for_token",
    "survey_link_days",
    "survey_response_record",
    "survey_token",
]
