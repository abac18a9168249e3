"""The transactional outbox: emails and follow-up tasks written with the change that causes them.

`email_enqueue` and `task_enqueue` add a row in the caller's transaction and, once it commits, ask a
worker to deliver (`people.tasks.outbox_deliver`). If the broker is down, that ask fails quietly and
the row waits: beat runs the same delivery every minute, so an outage delays messages and loses none.
Delivery claims rows with a lease (a conditional UPDATE), so two workers never send one message twice;
a failed send is retried with exponential backoff, and given up (status "failed", logged as an error)
after MAX_ATTEMPTS.
"""

import contextlib
import datetime
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from importlib import import_module

from celery import current_app
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from csops.text import clip

from .models import OutboxMessage

log = logging.getLogger(__name__)

DELIVER_TASK = "people.tasks.outbox_deliver"
LEASE = datetime.timedelta(minutes=5)  # longer than one SMTP send or one publish can take
MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 30  # 30 s, 1 min, 2 min … capped at BACKOFF_MAX
BACKOFF_MAX = datetime.timedelta(hours=1)
BATCH = 1000  # one lease: a thousand SMTP sends take well under LEASE


def _summary(text: str) -> str:
    return clip(text, OutboxMessage._meta.get_field("summary").max_length)


def email_message(
    *, subject: str, body: str, to: list[str], html: str = "", dedupe_key=None
) -> OutboxMessage:
    """An unsaved outbox row for one email (for bulk creation)."""
    return OutboxMessage(
        kind=OutboxMessage.Kind.EMAIL,
        summary=_summary(subject),
        payload={"subject": subject, "body": body, "to": list(to), "html": html},
        dedupe_key=dedupe_key,
        available_at=timezone.now(),
    )


def email_enqueue(
    *, subject: str, body: str, to: list[str], html: str = "", dedupe_key=None
) -> OutboxMessage:
    """Send this email once the current transaction commits (and never if it rolls back)."""
    message = email_message(subject=subject, body=body, to=to, html=html, dedupe_key=dedupe_key)
    message.save()
    deliver_after_commit()
    return message


def task_enqueue(name: str, *, kwargs: dict | None = None, dedupe_key=None) -> OutboxMessage:
    """Start the Celery task `name` with `kwargs` once the current transaction commits."""
    message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.TASK,
        summary=_summary(name),
        payload={"task": name, "kwargs": kwargs or {}},
        dedupe_key=dedupe_key,
        available_at=timezone.now(),
    )
    deliver_after_commit()
    return message


def messages_enqueue(messages: list[OutboxMessage]) -> None:
    """Bulk-add unsaved rows (see `email_message`); a row whose dedupe key exists is skipped."""
    if messages:
        OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
        deliver_after_commit()


def _task(name: str):
    """The Celery task registered under `name`, importing its module first (a web process has not
    run the worker's autodiscovery). Looked up by name: the outbox sits below the apps' tasks."""
    import_module(name.rsplit(".", 1)[0])
    return current_app.tasks[name]


# After a failed publish, don't try again for a while: the rows wait for beat's sweep either way.
QUIET_SECONDS = 30
_quiet_until = 0.0


def _kick():
    """Ask a worker to deliver now, off the request's thread: a broker that is down (a publish can take
    seconds to fail) never holds a page. Failing to ask is not an error: beat's sweep delivers later."""
    task = _task(DELIVER_TASK)
    if task.app.conf.task_always_eager:  # development without a worker, and the tests: deliver in place
        task.apply_async()
    elif time.monotonic() >= _quiet_until:
        threading.Thread(target=_publish, args=(task,), name="outbox-kick", daemon=True).start()


def _publish(task):
    global _quiet_until
    try:
        task.apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001 - any publish failure leaves the rows pending, which is safe
        _quiet_until = time.monotonic() + QUIET_SECONDS
        log.warning("outbox: could not reach the broker (%s); beat's sweep will deliver", exc)


def deliver_after_commit():
    """Ask for delivery once the current transaction commits (a delivery that finds nothing is cheap)."""
    transaction.on_commit(_kick)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: list = field(default_factory=list)  # (pk, error) of this run's failed attempts

    def __str__(self):
        return f"{self.sent} delivered, {len(self.failed)} failed"


def _claim(now, limit) -> list[OutboxMessage]:
    """Lease up to `limit` due rows to this worker: the conditional UPDATE is the lock."""
    token = uuid.uuid4()
    due = (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, available_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("available_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    if not ids:
        return []
    OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.PENDING).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).update(claimed_by=token, claimed_until=now + LEASE)
    return list(OutboxMessage.objects.filter(pk__in=ids, claimed_by=token))


def _mail_connection():
    """One mail connection for a batch (one SMTP login, not one per message). If it cannot open, each
    message tries its own and fails (and backs off) on its own."""
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the sends below report it per message
        log.warning("outbox: could not open the mail connection (%s)", exc)
    return connection


def _send(message: OutboxMessage, mail=None):
    payload = message.payload
    if message.kind == OutboxMessage.Kind.EMAIL:
        email = EmailMultiAlternatives(
            subject=payload["subject"], body=payload["body"], to=payload["to"], connection=mail
        )
        if payload.get("html"):
            email.attach_alternative(payload["html"], "text/html")
        email.send()
        log.info("sent email %r to %d recipient(s)", payload["subject"], len(payload["to"]))
    else:
        # retry=False: a broker that is down fails at once and the row is retried, not the request held
        _task(payload["task"]).apply_async(kwargs=payload.get("kwargs") or {}, retry=False)
        log.info("started task %s", payload["task"])


def _backoff(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)), BACKOFF_MAX)


def outbox_deliver(*, now=None, limit: int = BATCH, rounds: int = 50) -> DeliveryReport:
    """Send what is pending and due; each message is marked sent only once it went out."""
    report = DeliveryReport()
    for _ in range(rounds):
        batch = _claim(now or timezone.now(), limit)
        if not batch:
            break
        sent, mail = [], _mail_connection()
        for message in batch:
            try:
                _send(message, mail)
            except Exception as exc:  # noqa: BLE001 - one bad message must not stop the others
                with contextlib.suppress(Exception):
                    mail.close()  # a dropped connection: the next message opens its own
                attempts = message.attempts + 1
                gave_up = attempts >= MAX_ATTEMPTS
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=attempts,
                    last_error=clip(f"{type(exc).__name__}: {exc}", 2000),
                    available_at=timezone.now() + _backoff(attempts),
                    claimed_until=None,
                    status=OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.PENDING,
                )
                (log.error if gave_up else log.warning)(
                    "outbox: %s #%d failed (attempt %d%s): %s",
                    message.kind,
                    message.pk,
                    attempts,
                    ", giving up" if gave_up else "",
                    exc,
                )
                report.failed.append((message.pk, str(exc)))
                continue
            sent.append(message.pk)
        # the batch's sent messages are marked in one UPDATE (a failure costs one of its own): a worker
        # killed before it resends the batch once its lease runs out, as it would one message before
        OutboxMessage.objects.filter(pk__in=sent).update(
            status=OutboxMessage.Status.SENT, sent_at=timezone.now(), claimed_until=None
        )
        report.sent += len(sent)
        with contextlib.suppress(Exception):
            mail.close()
        if len(batch) < limit:
            break
    if report.sent or report.failed:
        log.info("outbox: %s", report)
    return report
