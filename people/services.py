"""Notifications: in the app and by email, once per person and event."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from csops.versioning import version_claim

from .models import Notification, Pdp
from .tasks import send_email

log = logging.getLogger(__name__)


def notify(*, user, key: str, subject: str, body: str = "", url: str = "") -> bool:
    """Tell `user` about the event `key`; True if this call created it, False if they already know.

    The unique (user, key) constraint decides: a task run twice, or on two workers at once, notifies
    once and emails once.
    """
    if user is None or not user.is_active:
        return False
    try:
        with transaction.atomic():
            note, created = Notification.objects.get_or_create(
                user=user, key=key, defaults={"subject": subject, "body": body, "url": url}
            )
    except IntegrityError:  # the other worker won the race
        return False
    if created and user.email:
        text = render_to_string(
            "people/email/notification.txt",
            {
                "user": user,
                "note": note,
                "link": f"{settings.SITE_URL}{url}" if url else "",
            },
        )
        transaction.on_commit(lambda: send_email.delay(subject=subject, body=text, to=[user.email]))
    if created:
        log.info("notified %s: %s", user.username, key)
    return created


def notifications_mark_read(*, user, pk=None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def add_months(day, months: int):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def pdp_update(*, form, by) -> Pdp:
    """Save the PDP form; StaleEdit when the PDP was saved (or reviewed) after the form was loaded."""
    version_claim(form.instance, form.cleaned_data.get("version"))
    return form.save()


@transaction.atomic
def pdp_review_record(*, pdp, by, held_on, notes: str, target_progress: str = ""):
    """Record the quarterly review; the next one falls three months on (seed 000)."""
    from .models import PdpReview

    review = PdpReview.objects.create(
        pdp=pdp, reviewer=by, held_on=held_on, notes=notes, target_progress=target_progress
    )
    pdp.next_review_date = add_months(held_on, 3)
    pdp.save(update_fields=["next_review_date"])
    return review
