import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from .models import Throttle

log = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=30 * 60, retry_jitter=True, max_retries=8
)
def send_email(*, subject: str, body: str, to: list[str], html: str = "") -> int:
    """Send one email; a refused or unreachable SMTP server is retried with exponential backoff."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    sent = message.send()
    log.info("sent email %r to %d recipient(s)", subject, len(to))
    return sent


@shared_task
def clear_expired_sessions() -> int:
    """Daily housekeeping: what `manage.py clearsessions` does, and the throttles' past windows.
    Idempotent by nature."""
    now = timezone.now()
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    throttles, _ = Throttle.objects.filter(expires_at__lt=now).delete()
    log.info("cleared %d expired session(s) and %d past throttle window(s)", deleted, throttles)
    return deleted


def pdp_reviews_due_run(*, today) -> int:
    """Quarterly PDP reviews due within a week, and annual salary reviews within a fortnight."""
    import datetime

    from django.urls import reverse

    from clients.models import heads_of_cs

    from .models import Pdp
    from .services import notify

    heads = list(heads_of_cs())
    sent = 0
    pdps = Pdp.objects.filter(year__gte=today.year - 1).select_related(
        "staff__profile__line_manager", "staff"
    )
    for pdp in pdps:
        profile = getattr(pdp.staff, "profile", None)
        managers = [profile.line_manager] if profile and profile.line_manager else heads
        name = pdp.staff.get_full_name() or pdp.staff.username
        url = reverse("people:pdp_detail", args=[pdp.pk])
        if pdp.next_review_date <= today + datetime.timedelta(days=7):
            for manager in managers:
                sent += notify(
                    user=manager,
                    key=f"pdp-{pdp.pk}-review-{pdp.next_review_date}",
                    url=url,
                    subject=f"PDP review due {pdp.next_review_date:%d %b}: {name}",
                    body="Quarterly PDP review: progress against each target, and what happens next.",
                )
        if pdp.salary_reviewed_at is None and pdp.salary_review_date <= today + datetime.timedelta(days=14):
            for manager in managers:
                sent += notify(
                    user=manager,
                    key=f"pdp-{pdp.pk}-salary-{pdp.salary_review_date}",
                    url=url,
                    subject=f"Annual salary and promotion review due {pdp.salary_review_date:%d %b}: {name}",
                    body="Salary, promotion and a pathway reset, as part of the PDP review.",
                )
    log.info("pdps: %d review reminders", sent)
    return sent


@shared_task
def pdp_reviews_due(today: str | None = None) -> int:
    import datetime

    return pdp_reviews_due_run(today=datetime.date.fromisoformat(today) if today else timezone.localdate())
