"""Commercial's Celery tasks, each named after the service it calls; it takes the day as ISO text."""

import datetime

from celery import shared_task
from django.utils import timezone

from .services import contracts as services
from .services import delight, entertainment


@shared_task
def contract_renewal_reminders(today: str | None = None) -> dict:
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return services.contract_renewal_reminders(today=day).as_dict()


@shared_task
def entertainment_accrue(today: str | None = None) -> dict:
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return entertainment.entertainment_accrue(today=day).as_dict()


@shared_task
def delight_rounds_run(today: str | None = None) -> dict:
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return delight.delight_rounds_run(today=day).as_dict()
