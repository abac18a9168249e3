"""Onboarding's Celery tasks: thin, named after the service they call, the day as ISO text."""

import datetime

from celery import shared_task
from django.utils import timezone

from .services import checklist


@shared_task
def onboarding_steps_overdue_remind(today: str | None = None) -> dict:
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return checklist.onboarding_steps_overdue_remind(today=day).as_dict()
