"""Reporting's Celery tasks. A task is named after the service it calls (`reporting.tasks.X` runs
`services.<sub-domain>.X`); each periodic one takes the day as ISO text (default: today), so beat,
`run_beat_tasks --date` and a shell all run the same thing for a given day.

"""

import datetime

from celery import shared_task
from django.utils import timezone

from . import packs, satisfaction
from .services import feedback, jobs, meetings, occurrences, plans


def _day(today):
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@shared_task
def occurrences_generate(today: str | None = None) -> dict:
    return occurrences.occurrences_generate(today=_day(today)).as_dict()


@shared_task
def occurrences_mark_missed(today: str | None = None) -> dict:
    return occurrences.occurrences_mark_missed(today=_day(today)).as_dict()


@shared_task
def calls_remind_tomorrow(today: str | None = None) -> dict:
    return occurrences.calls_remind_tomorrow(today=_day(today)).as_dict()


@shared_task
def nps_checkins_run(today: str | None = None) -> dict:
    return feedback.nps_checkins_run(today=_day(today)).as_dict()


@shared_task
def meet_pack_notify(today: str | None = None) -> dict:
    return meetings.meet_pack_notify(today=_day(today)).as_dict()


@shared_task
def satisfaction_report_notify(today: str | None = None) -> dict:
    return satisfaction.satisfaction_report_notify(today=_day(today)).as_dict()


@shared_task
def comms_plans_refresh_all() -> dict:
    """After a matrix change: re-derive every plan that follows the matrix (hand-edited ones get a note)."""
    return plans.comms_plans_refresh_all().as_dict()


@shared_task(autoretry_for=(OSError,), retry_backoff=10, max_retries=3)
def meeting_pack_render(pack_id: int) -> bool:
    pack = packs.meeting_pack_render(pack_id=pack_id)
    return bool(pack and pack.rendered_at)


@shared_task
def status_reports_remind(today: str | None = None) -> dict:
    return jobs.status_reports_remind(today=_day(today)).as_dict()
