import logging

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

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
    """Daily housekeeping: what `manage.py clearsessions` does. Idempotent by nature."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    log.info("cleared %d expired session(s)", deleted)
    return deleted
