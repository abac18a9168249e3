"""Commercial's Celery tasks, each named after the service it calls; each takes the day as ISO text."""

import datetime

from celery import shared_task
from django.utils import timezone

from .services import contracts as services
from .services import delight, entertainment, plans


@shared_task
def contract_renewal_reminders(today: str | None = None) -> dict:
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return services.contract_renewal_reminders(today=day).as_dict()


def _day(today):
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@shared_task
def plan_reviews_due(today: str | None = None) -> dict:
    return plans.plan_reviews_due(today=_day(today)).as_dict()


@shared_task
def client_review_reminders(today: str | None = None) -> dict:
    return plans.client_review_reminders(today=_day(today)).as_dict()


@shared_task
def qbrs_schedule(today: str | None = None) -> dict:
    return plans.qbrs_schedule(today=_day(today)).as_dict()


@shared_task
def entertainment_accrue(today: str | None = None) -> dict:
    return entertainment.entertainment_accrue(today=_day(today)).as_dict()


@shared_task
def delight_rounds_run(today: str | None = None) -> dict:
    return delight.delight_rounds_run(today=_day(today)).as_dict()
