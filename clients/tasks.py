import datetime

from celery import shared_task
from django.utils import timezone

from .services import activity, support


@shared_task
def call_reports_overdue_remind(now: str | None = None) -> dict:
    return activity.call_reports_overdue_remind(
        now=datetime.datetime.fromisoformat(now) if now else timezone.now()
    ).as_dict()


@shared_task
def support_breaches_warn(now: str | None = None) -> dict:
    return support.support_breaches_warn(
        now=datetime.datetime.fromisoformat(now) if now else timezone.now()
    ).as_dict()
