"""Notifications (in the app and by email, once per person and event) and PDPs. The team's sub-domains
have modules of their own: team (invite, edit, deactivate), time (timesheets), objectives."""

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from csops.dates import add_months
from csops.rows import BATCH_SIZE, RunReport, run_in_batches
from csops.text import clip_to_field
from csops.versioning import version_claim

from ..models import Notification, Pdp, PdpReview
from ..outbox import email_message, messages_enqueue
from ..selectors import heads_of_cs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """What to tell one person about one event; `key` names the event (e.g. "contract-12-renewal-60")."""

    user: object
    key: str
    subject: str
    body: str = ""
    url: str = ""


def notify(*, user, key: str, subject: str, body: str = "", url: str = "") -> bool:
    """Tell `user` about the event `key`; True if this call created it, False if they already know.

    The unique (user, key) constraint decides: a task run twice, or on two workers at once, notifies
    once and emails once.
    """
    return notify_many([Notice(user=user, key=key, subject=subject, body=body, url=url)]) == 1


def _email_text(notice: Notice, note: Notification, template) -> str:
    return template.render(
        {"user": notice.user, "note": note, "link": f"{settings.SITE_URL}{note.url}" if note.url else ""},
    )


# A person with this many new notices from one run of a recurring task gets them in one email (each
# still in the app's list): an AM with 54 clients hears of 54 client reviews once on the 1st, not 54 times.
DIGEST_FROM = 3


@transaction.atomic
def notify_many(notices, *, digest: str = "") -> int:
    """Create each notice once per (person, event), with its email in the outbox, in one transaction.

    The notification and its email commit with whatever the caller changed, so a worker killed after
    the commit loses neither; a rerun finds them there and adds nothing. Returns how many were new.
    Subjects and links are clipped to their columns, so a long client name can never fail the row.
    `digest` (a recurring task's name, "contract renewal reminders"): a person with DIGEST_FROM or
    more of the new notices gets one email listing them all instead of one email each.
    """
    wanted = {}
    for notice in notices:
        if notice.user is not None and notice.user.is_active:
            wanted.setdefault((notice.user.pk, notice.key), notice)
    if not wanted:
        return 0
    known = set(
        Notification.objects.filter(
            user_id__in={user_id for user_id, _ in wanted}, key__in={key for _, key in wanted}
        ).values_list("user_id", "key")
    )
    fresh = [notice for pair, notice in wanted.items() if pair not in known]
    rows = [
        Notification(
            user=notice.user,
            key=notice.key,
            subject=clip_to_field(Notification, "subject", notice.subject),
            body=notice.body,
            url=clip_to_field(Notification, "url", notice.url),
        )
        for notice in fresh
    ]
    # ignore_conflicts: a second worker racing this one loses quietly; the email's dedupe key below
    # makes sure the person hears once even then
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    messages_enqueue(_emails(list(zip(fresh, rows, strict=True)), digest))
    for notice in fresh:
        log.info("notified %s: %s", notice.user.username, notice.key)
    return len(fresh)


def _emails(pairs: list[tuple[Notice, Notification]], digest: str) -> list:
    """The outbox rows for new (notice, notification) pairs: one email each, or one per person who
    has DIGEST_FROM or more of them when `digest` names the run."""
    by_user = {}
    for notice, note in pairs:
        if notice.user.email:
            by_user.setdefault(notice.user.pk, []).append((notice, note))
    # once per batch, not per email
    single, grouped = get_template("people/email/notification.txt"), get_template("people/email/digest.txt")
    emails = []
    for mine in by_user.values():
        user = mine[0][0].user
        if digest and len(mine) >= DIGEST_FROM:
            keys = hashlib.sha256("\0".join(sorted(notice.key for notice, _ in mine)).encode()).hexdigest()
            emails.append(
                email_message(
                    subject=clip_to_field(
                        Notification, "subject", f"{digest[:1].upper()}{digest[1:]}: {len(mine)} for you"
                    ),
                    body=grouped.render(
                        {
                            "user": user,
                            "digest": digest,
                            "notes": [
                                {"note": note, "link": f"{settings.SITE_URL}{note.url}" if note.url else ""}
                                for _, note in mine
                            ],
                        }
                    ),
                    to=[user.email],
                    dedupe_key=f"digest:{user.pk}:{keys[:40]}",
                )
            )
            continue
        emails += [
            email_message(
                subject=note.subject,
                body=_email_text(notice, note, single),
                to=[user.email],
                dedupe_key=f"notification:{user.pk}:{notice.key}",
            )
            for notice, note in mine
        ]
    return emails


def not_yet_notified(users, key: str) -> list:
    """Those of `users` (a user queryset) who have no notice `key` yet, in one query: a once-a-week or
    once-a-month notice checks this first, so a rerun skips building what it would say."""
    return list(users.exclude(Exists(Notification.objects.filter(user=OuterRef("pk"), key=key))))


def notify_each(notices, *, task: str) -> RunReport:
    """A recurring task's notices (any iterable, e.g. a generator over a queryset), in batches.

    Each batch commits on its own; a notice that cannot be created is logged with its event and
    person and skipped, and the rest go out. Its report's `done` counts the new notices.
    """
    report = run_in_batches(
        notices,
        lambda batch: notify_many(batch, digest=task),
        report=RunReport(task),
        describe=lambda n: f"notice {n.key} for {n.user}",
    )
    log.info("%s", report)
    return report


def notifications_mark_read(*, user, pk=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def pdp_update(*, form, by) -> Pdp:
    """Save the PDP form; StaleEdit when the PDP was saved (or reviewed) after the form was loaded."""
    version_claim(form.instance, form.cleaned_data.get("version"))
    return form.save()


@transaction.atomic
def pdp_review_record(*, pdp, by, held_on, notes: str, target_progress: str = ""):
    """Record the quarterly review; the next one falls three months on (seed 000)."""
    review = PdpReview.objects.create(
        pdp=pdp, reviewer=by, held_on=held_on, notes=notes, target_progress=target_progress
    )
    pdp.next_review_date = add_months(held_on, 3)
    pdp.save(update_fields=["next_review_date"])
    return review


# --- PDP reviews (beat, daily) ----------------------------------------------------------------------


def pdp_reviews_remind(*, today) -> RunReport:
    """Quarterly PDP reviews due within a week, and annual salary reviews within a fortnight."""
    heads = list(heads_of_cs())
    # only the PDPs with something due (the rest are never read): a quiet day reads no rows
    pdps = (
        Pdp.objects.filter(year__gte=today.year - 1)
        .filter(
            Q(next_review_date__lte=today + datetime.timedelta(days=7))
            | Q(salary_reviewed_at__isnull=True, salary_review_date__lte=today + datetime.timedelta(days=14))
        )
        .select_related("staff__profile__line_manager", "staff")
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
