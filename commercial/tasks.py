"""Commercial's Celery task, named after the service it calls; it takes the day as ISO text."""

import datetime

from celery import shared_task
from django.utils import timezone

from .services import contracts as services


@shared_task
def contract_renewal_reminders(today: str | None = None) -> dict:
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return services.contract_renewal_reminders(today=day).as_dict()
