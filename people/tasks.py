import datetime
import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from csops.rows import BATCH_SIZE, RunReport

from .models import FormSubmission, Pdp, Throttle
from .outbox import outbox_deliver
from .selectors import heads_of_cs
from .services import Notice, notify_each

log = logging.getLogger(__name__)

SUBMISSIONS_KEPT = datetime.timedelta(days=7)


@shared_task
def deliver_outbox() -> dict:
    """Send the emails and start the tasks waiting in the outbox (after each commit, and every minute)."""
    report = outbox_deliver()
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


def pdp_reviews_due_run(*, today) -> RunReport:
    """Quarterly PDP reviews due within a week, and annual salary reviews within a fortnight."""
    heads = list(heads_of_cs())
    pdps = Pdp.objects.filter(year__gte=today.year - 1).select_related(
        "staff__profile__line_manager", "staff"
    )
    return notify_each(
        (
            notice
            for pdp in pdps.iterator(chunk_size=BATCH_SIZE)
            for notice in _pdp_notices(pdp, today, heads)
        ),
        task="PDP review reminders",
    )


def _pdp_notices(pdp, today, heads) -> list[Notice]:
    profile = getattr(pdp.staff, "profile", None)
    managers = [profile.line_manager] if profile and profile.line_manager else heads
    name = pdp.staff.get_full_name() or pdp.staff.username
    url = reverse("people:pdp_detail", args=[pdp.pk])
    notices = []
    if pdp.next_review_date <= today + datetime.timedelta(days=7):
        notices += [
            Notice(
                user=manager,
                key=f"pdp-{pdp.pk}-review-{pdp.next_review_date}",
                url=url,
                subject=f"PDP review due {pdp.next_review_date:%d %b}: {name}",
                body="Quarterly PDP review: progress against each target, and what happens next.",
            )
            for manager in managers
        ]
    if pdp.salary_reviewed_at is None and pdp.salary_review_date <= today + datetime.timedelta(days=14):
        notices += [
            Notice(
                user=manager,
                key=f"pdp-{pdp.pk}-salary-{pdp.salary_review_date}",
                url=url,
                subject=f"Annual salary and promotion review due {pdp.salary_review_date:%d %b}: {name}",
                body="Salary, promotion and a pathway reset, as part of the PDP review.",
            )
            for manager in managers
        ]
    return notices


@shared_task
def pdp_reviews_due(today: str | None = None) -> dict:
    return pdp_reviews_due_run(
        today=datetime.date.fromisoformat(today) if today else timezone.localdate()
    ).as_dict()
