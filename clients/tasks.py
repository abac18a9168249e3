import datetime

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from csops.rows import BATCH_SIZE, RunReport
from people.services import Notice, notify_each

from .models import Call
from .models.activity import REPORT_WINDOW


def call_reports_overdue_run(*, now) -> RunReport:
    """A held call whose report is past its 48 hours: its author hears, once."""
    late = Call.objects.filter(
        held=True,
        report_required=True,
        report_sent_at__isnull=True,
        held_at__lt=now - REPORT_WINDOW,
        held_at__gte=now - datetime.timedelta(days=30),
    ).select_related("client", "author")
    return notify_each(
        (
            Notice(
                user=call.author,
                key=f"call-{call.pk}-report-late",
                url=reverse("clients:call_detail", args=[call.client_id, call.pk]),
                subject=f"Call report overdue: {call.client.name}, {timezone.localtime(call.held_at):%d %b}",
                body="Meeting call reports go to the attendees within 48 hours (seed 003).",
            )
            for call in late.iterator(chunk_size=BATCH_SIZE)
        ),
        task="overdue call report reminders",
    )


@shared_task
def call_reports_overdue(now: str | None = None) -> dict:
    return call_reports_overdue_run(
        now=datetime.datetime.fromisoformat(now) if now else timezone.now()
    ).as_dict()
