import datetime
import logging

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from people.services import notify

from .models import Call
from .models.activity import REPORT_WINDOW

log = logging.getLogger(__name__)


def call_reports_overdue_run(*, now) -> int:
    """A held call whose report is past its 48 hours: its author hears, once."""
    late = Call.objects.filter(
        held=True,
        report_required=True,
        report_sent_at__isnull=True,
        held_at__lt=now - REPORT_WINDOW,
        held_at__gte=now - datetime.timedelta(days=30),
    )
    sent = 0
    for call in late.select_related("client", "author"):
        sent += notify(
            user=call.author,
            key=f"call-{call.pk}-report-late",
            url=reverse("clients:call_detail", args=[call.client_id, call.pk]),
            subject=f"Call report overdue: {call.client.name}, {timezone.localtime(call.held_at):%d %b}",
            body="Meeting call reports go to the attendees within 48 hours (seed 003).",
        )
    log.info("call reports: %d overdue reminders", sent)
    return sent


@shared_task
def call_reports_overdue(now: str | None = None) -> int:
    return call_reports_overdue_run(now=datetime.datetime.fromisoformat(now) if now else timezone.now())
