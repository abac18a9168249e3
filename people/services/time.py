"""Timesheets (issue 18, item 3): saving a person's week, and the weekly reminder when one is missing."""

import datetime
import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from csops.dates import week_start
from csops.rows import RunReport

from ..models import MAX_WEEK_HOURS, ClientCsFee, Role, TimeEntry, Timesheet
from . import Notice, not_yet_notified, notify_each

log = logging.getLogger(__name__)


class WeekTooLong(ValueError):
    pass


@transaction.atomic
def timesheet_save(*, user, week: datetime.date, client_hours: dict, internal_hours: dict) -> Timesheet:
    """Save `user`'s week: `{client_id: hours}` and `{category: hours}`; a blank cell is 0 hours.

    Cells are updated in place (their history shows each change); the week's total is at most 80 hours.
    """
    total = sum(client_hours.values(), Decimal(0)) + sum(internal_hours.values(), Decimal(0))
    if total > MAX_WEEK_HOURS:
        raise WeekTooLong(f"{total} hours is more than a week holds ({MAX_WEEK_HOURS}).")
    sheet, _ = Timesheet.objects.select_for_update().get_or_create(user=user, week=week_start(week))
    existing = {(e.client_id, e.category): e for e in sheet.entries.all()}
    wanted = {(pk, TimeEntry.Category.CLIENT): hours for pk, hours in client_hours.items()}
    wanted |= {(None, category): hours for category, hours in internal_hours.items()}
    changed, fresh = [], []
    for key, hours in wanted.items():
        entry = existing.get(key)
        if entry is None:
            if hours:
                fresh.append(TimeEntry(timesheet=sheet, client_id=key[0], category=key[1], hours=hours))
        elif entry.hours != hours:
            entry.hours = hours
            changed.append(entry)
    if changed:
        bulk_update_with_history(changed, TimeEntry, ["hours"], default_user=user)
    if fresh:
        bulk_create_with_history(fresh, TimeEntry, default_user=user)
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["submitted_at", "updated_at"])
    return sheet


@transaction.atomic
def cs_fee_save(*, client, by, client_size: str, services: list, monthly_fee) -> ClientCsFee:
    fee, _ = ClientCsFee.objects.update_or_create(
        client=client, defaults={"client_size": client_size, "services": services, "monthly_fee": monthly_fee}
    )
    return fee


# --- the weekly reminder (beat, Mondays) ----------------------------------------------------------------


def timesheets_remind(*, today: datetime.date) -> RunReport:
    """Everyone in the CS team with hours to log and no timesheet for last week hears, once per week.

    Set-based: one query finds who is missing (and not yet told); the notice key carries the week, so
    a rerun, or two workers at once, tell each person once (people.services.notify_many).
    """
    week = week_start(today) - datetime.timedelta(days=7)
    key = f"timesheet-missing-{week:%Y-%m-%d}"
    users = (
        get_user_model()
        .objects.filter(is_active=True, profile__roles__code__in=Role.CS_TEAM, profile__capacity_hours__gt=0)
        .exclude(Exists(Timesheet.objects.filter(user=OuterRef("pk"), week=week, submitted_at__isnull=False)))
        .distinct()
    )
    url = f"{reverse('people:timesheet')}?week={week:%Y-%m-%d}"
    return notify_each(
        (
            Notice(
                user=user,
                key=key,
                url=url,
                subject=f"Your timesheet for the week of {week:%d %b} is missing",
                body=(
                    "Log your hours per client and your internal time: "
                    "utilisation and cost to serve read them."
                ),
            )
            for user in not_yet_notified(users, key)
        ),
        task="timesheet reminders",
    )
