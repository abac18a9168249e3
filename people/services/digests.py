"""Digests: a reminder that lands on one person for many items on the same day (every lead AM's
client reviews on the 1st, their status reports on a Monday) is one notice and one email listing the
items, each with its link, rather than one per item.

Each item is still claimed on its own (ReminderClaim, unique per person and item key, e.g.
"client-review-12-2026-11"), in the transaction that writes the digest and its email to the outbox:
a rerun lists only items not yet claimed, so it sends nothing, and an item that falls due later the
same day goes into a later digest. The digest's own key carries a hash of its items, so two workers
racing over the same items write one notice.
"""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from csops.rows import BATCH_SIZE, RunReport, run_in_batches

from ..models import Notification, ReminderClaim
from . import Notice, notify_many

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One line of a person's digest: `key` names the item and its period, claimed once."""

    user: object
    key: str
    label: str
    url: str = ""


def notify_digests(items, *, task: str, key: str, subject: str, body: str = "", url: str = "") -> RunReport:
    """One notice `key`-<hash> per person listing their unclaimed `items`, and its email.

    `subject` may hold "{count}" (how many items the digest lists). The report's `done` counts the
    items claimed; a batch of people commits on its own, and a failing one is redone in halves.
    """
    by_user = defaultdict(dict)
    for item in items:
        if item.user is not None and item.user.is_active:
            by_user[item.user.pk].setdefault(item.key, item)

    def send(groups) -> int:
        users = {item.user.pk for group in groups for item in group.values()}
        keys = {k for group in groups for k in group}
        known = set(
            ReminderClaim.objects.filter(user_id__in=users, key__in=keys).values_list("user_id", "key")
        )
        # an item reminded on its own before digests existed counts as claimed
        known |= set(
            Notification.objects.filter(user_id__in=users, key__in=keys).values_list("user_id", "key")
        )
        claims, notices = [], []
        for group in groups:
            fresh = [item for k, item in sorted(group.items()) if (item.user.pk, k) not in known]
            if not fresh:
                continue
            claims += [ReminderClaim(user=item.user, key=item.key) for item in fresh]
            digest = hashlib.sha256("\n".join(item.key for item in fresh).encode()).hexdigest()[:16]
            lines = "\n".join(
                f"- {item.label}" + (f"\n  {settings.SITE_URL}{item.url}" if item.url else "")
                for item in sorted(fresh, key=lambda i: i.label.lower())
            )
            notices.append(
                Notice(
                    user=fresh[0].user,
                    key=f"{key}-{digest}",
                    subject=subject.format(count=len(fresh)),
                    body=f"{body}\n\n{lines}" if body else lines,
                    url=url,
                )
            )
        ReminderClaim.objects.bulk_create(claims, ignore_conflicts=True)
        notify_many(notices)
        return len(claims)

    report = run_in_batches(
        list(by_user.values()),
        send,
        report=RunReport(task),
        describe=lambda group: f"{key} digest for {next(iter(group.values())).user}",
        size=BATCH_SIZE,
    )
    log.info("%s", report)
    return report
