"""Entertainment ledger writes: the monthly accrual (beat), events, and a client's pooling."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from clients.models import Client
from commercial.models import EntertainmentAccrual, EntertainmentEvent, EntertainmentPot, Pooling, pot_bounds
from csops.dates import month_start
from csops.rows import RunReport, run_in_batches
from csops.versioning import version_claim
from reporting.models import CommsPlan
from reporting.versions import versions_bump


def pooling_of(client) -> str:
    return EntertainmentPot.objects.filter(client=client).values_list("pooling", flat=True).first() or (
        Pooling.MONTHLY
    )


def pot_is_closed(day: datetime.date, pooling: str, today: datetime.date) -> bool:
    """A pot is closed once the period it covers has ended: nothing more is spent from it."""
    return pot_bounds(day, pooling)[1] <= pot_bounds(today, pooling)[0]


def entertainment_accrue(*, today) -> RunReport:
    """Credit this month's entertainment budget (the comms plan's, from the matrix) to every current
    client's ledger. The unique (client, month) row makes a rerun, or two workers, credit it once."""
    month = month_start(today)
    plans = (
        CommsPlan.objects.filter(
            entertainment_budget__gt=0,
            client__archived_at__isnull=True,
            client__status__in=[Client.Status.ACTIVE, Client.Status.ONBOARDING],
        )
        .exclude(client__entertainment_accruals__month=month)
        .values_list("client_id", "entertainment_budget")
        .order_by("client_id")
    )

    def credit(rows) -> int:
        rows = list(rows)
        made = EntertainmentAccrual.objects.bulk_create(
            [EntertainmentAccrual(client_id=c, month=month, amount=amount) for c, amount in rows],
            ignore_conflicts=True,
        )
        # a bulk write sends no signal: the meet's pots (item 4) are outdated here (reporting/versions.py)
        versions_bump(client_ids=[c for c, _ in rows], kinds=["growth"])
        return len(made)

    return run_in_batches(
        plans.iterator(chunk_size=500),
        credit,
        report=RunReport("entertainment accruals"),
        describe=lambda row: f"client {row[0]}",
    )


@transaction.atomic
def event_save(
    *, event: EntertainmentEvent, by, today, contacts=(), staff=(), version: int | None = None
) -> EntertainmentEvent:
    """Plan or update an event. A new date in a pot that has closed is refused (the form says so first)."""
    moved = True
    if event.pk is not None:
        version_claim(event, version)
        moved = EntertainmentEvent.objects.filter(pk=event.pk).values_list("held_on", flat=True).first() != (
            event.held_on
        )
    else:
        event.created_by = by
    if moved and pot_is_closed(event.held_on, pooling_of(event.client), today):
        raise ValidationError(
            {"held_on": "That pot has closed: an event goes in the current pot or a later one."}
        )
    event._history_user = by
    event.full_clean()
    event.save()
    event.contacts_invited.set(contacts)
    event.staff_attending.set(staff)
    return event


@transaction.atomic
def pot_pooling_set(*, client, pooling: str, by) -> EntertainmentPot:
    pot, _ = EntertainmentPot.objects.select_for_update().get_or_create(client=client)
    if pot.pooling != pooling:
        pot.pooling = pooling
        pot._history_user = by
        pot.full_clean()
        pot.save()
    return pot
