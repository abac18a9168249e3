import datetime
import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import outbox, services
from .models import FormSubmission, Throttle
from .services import time as time_services

log = logging.getLogger(__name__)

SUBMISSIONS_KEPT = datetime.timedelta(days=7)


@shared_task
def outbox_deliver() -> dict:
    """Send the emails and start the tasks waiting in the outbox (after each commit, and every minute)."""
    report = outbox.outbox_deliver()
    return {"sent": report.sent, "failed": len(report.failed)}


@shared_task
def clear_expired_sessions() -> int:
    """Daily housekeeping: what `manage.py clearsessions` does, and the throttles' past windows.
    Idempotent by nature."""
    now = timezone.now()
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    throttles, _ = Throttle.objects.filter(expires_at__lt=now).delete()
    # a form token guards against a repeat within minutes (a back button, hours): a week is plenty
    forms_sent, _ = FormSubmission.objects.filter(created_at__lt=now - SUBMISSIONS_KEPT).delete()
    log.info(
        "cleared %d expired session(s), %d past throttle window(s), %d old form submission(s)",
        deleted,
        throttles,
        forms_sent,
    )
    return deleted


@shared_task
def pdp_reviews_remind(today: str | None = None) -> dict:
    return services.pdp_reviews_remind(
        today=datetime.date.fromisoformat(today) if today else timezone.localdate()
    ).as_dict()


@shared_task
def timesheets_remind(today: str | None = None) -> dict:
    """Mondays: a missing timesheet for last week (people.services.time.timesheets_remind)."""
    return time_services.timesheets_remind(
        today=datetime.date.fromisoformat(today) if today else timezone.localdate()
    ).as_dict()
