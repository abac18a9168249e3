"""Reads for relationship investment: the entertainment ledger (per client and per AM), the event
calendar, a sponsor's events, the surprise-and-delight vote, and the weekly meet's item 4.

Ledger arithmetic (seed 000 "Entertainment"): each month's budget accrues; an event takes its actual
cost once known, else its estimate (nothing if cancelled). Balance = accrued − spent, carried from
pot to pot. A pot is the month, quarter or half-year holding today (quarters and halves from
January); a client is overspent when even what is still to accrue in the current pot would not cover
the balance: balance + (months left in the pot × monthly budget) < 0.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client
from csops.dates import add_months, month_start, week_start

from .models import (
    POT_MONTHS,
    DelightRound,
    DelightVote,
    EntertainmentAccrual,
    EntertainmentEvent,
    Pooling,
    pot_bounds,
)

MONEY = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
# what an event takes from the pot
EVENT_COST = Case(
    When(status="cancelled", then=ZERO),
    default=Coalesce(F("actual_cost"), F("estimated_cost")),
    output_field=MONEY,
)


CURRENT = [Client.Status.ACTIVE, Client.Status.ONBOARDING]


def _sum_subquery(qs, field):
    return Coalesce(
        Subquery(
            qs.order_by().values("client_id").annotate(t=Sum(field)).values("t")[:1], output_field=MONEY
        ),
        ZERO,
    )


def _pots(today):
    return {p: pot_bounds(today, p) for p in POT_MONTHS}


def _pot_case(today, index):
    pots = _pots(today)
    return Case(
        *(When(pooling=p, then=Value(pots[p][index])) for p in (Pooling.QUARTERLY, Pooling.HALF_YEARLY)),
        default=Value(pots[Pooling.MONTHLY][index]),
    )


def _months_left_case(today):
    """Whole months of the current pot after this one, per pooling (a constant for the day)."""
    left = {p: months_to_come(today, p, True) for p in POT_MONTHS}
    return Case(
        *(When(pooling=p, then=Value(left[p])) for p in (Pooling.QUARTERLY, Pooling.HALF_YEARLY)),
        default=Value(left[Pooling.MONTHLY]),
    )


def overspent(qs):
    return qs.filter(balance__lt=-F("to_come"))


def ledger_clients(today, *, owner_id=None):
    """Every current client with an entertainment budget or ledger activity, annotated with its ledger."""
    month = month_start(today)
    accruals = EntertainmentAccrual.objects.filter(client_id=OuterRef("pk"))
    events = EntertainmentEvent.objects.filter(client_id=OuterRef("pk")).annotate(cost=EVENT_COST)
    qs = (
        Client.objects.current()
        .annotate(
            pooling=Coalesce(F("entertainment_pot__pooling"), Value(Pooling.MONTHLY)),
            monthly_budget=Coalesce(F("comms_plan__entertainment_budget"), ZERO),
            pot_start=_pot_case(today, 0),
            pot_end=_pot_case(today, 1),
        )
        .annotate(
            accrued=_sum_subquery(accruals, "amount"),
            spent=_sum_subquery(events, "cost"),
            pot_accrued=_sum_subquery(accruals.filter(month__gte=OuterRef("pot_start")), "amount"),
            pot_spent=_sum_subquery(
                events.filter(held_on__gte=OuterRef("pot_start"), held_on__lt=OuterRef("pot_end")), "cost"
            ),
            this_month_accrued=Exists(accruals.filter(month=month)),
        )
        .annotate(
            balance=F("accrued") - F("spent"),
            months_to_come=_months_left_case(today)
            + Case(When(this_month_accrued=True, then=Value(0)), default=Value(1)),
        )
        .annotate(to_come=F("monthly_budget") * F("months_to_come"))
        .filter(Q(monthly_budget__gt=0) | Q(accrued__gt=0) | Q(spent__gt=0))
    )
    if owner_id:
        qs = qs.filter(memberships__user_id=owner_id, memberships__is_lead=True)
    return qs


def months_to_come(today, pooling, this_month_accrued: bool) -> int:
    """Months of the current pot not yet credited (this one too if beat has not run yet)."""
    _, end = pot_bounds(today, pooling)
    left = (end.year - today.year) * 12 + end.month - today.month - 1
    return left + (0 if this_month_accrued else 1)


def _ledger_row(row):
    row["pot_balance"] = row["pot_accrued"] - row["pot_spent"]
    row["overspent"] = row["balance"] + row["to_come"] < 0
    return row


LEDGER_ROW = (
    "pk",
    "name",
    "pooling",
    "monthly_budget",
    "pot_start",
    "pot_end",
    "accrued",
    "spent",
    "balance",
    "pot_accrued",
    "pot_spent",
    "this_month_accrued",
    "to_come",
)


def ledger_rows(qs) -> list[dict]:
    return [_ledger_row(row) for row in qs.values(*LEDGER_ROW)]


def ledger_by_am(today) -> list[dict]:
    """Per lead AM (the AM is accountable): accrued, spent and balance over their clients, in SQL.

    One query: the ledger's clients grouped by their lead (one per client), summing each client's
    ledger; the weekly meet's item 4 and the ledger page both show it."""
    rows = list(
        ledger_clients(today)
        .filter(memberships__is_lead=True)
        .values(
            user_id=F("memberships__user_id"),
            user__first_name=F("memberships__user__first_name"),
            user__last_name=F("memberships__user__last_name"),
        )
        .annotate(clients=Count("pk"), accrued_sum=Sum("accrued"), spent_sum=Sum("spent"))
        .order_by()
    )
    for row in rows:
        row["accrued"] = row.pop("accrued_sum") or Decimal(0)
        row["spent"] = row.pop("spent_sum") or Decimal(0)
        row["balance"] = row["accrued"] - row["spent"]
    return sorted(
        rows, key=lambda r: (r["balance"], r["user__first_name"], r["user__last_name"], r["user_id"])
    )


EVENT_ROW = (
    "pk",
    "title",
    "held_on",
    "venue",
    "status",
    "sponsor_attending",
    "estimated_cost",
    "actual_cost",
    "client_id",
    "client__name",
    "client__exec_sponsor__first_name",
    "client__exec_sponsor__last_name",
)


def calendar_events(qs=None):
    """The events the calendar shows: all but the cancelled, by date."""
    qs = EntertainmentEvent.objects.all() if qs is None else qs
    return qs.exclude(status=EntertainmentEvent.Status.CANCELLED).order_by("held_on", "pk")


def events_between(start, end):
    return calendar_events().filter(held_on__gte=start, held_on__lt=end)


def calendar_month(value, today) -> datetime.date:
    """The calendar's `month` parameter (YYYY-MM); this month when missing or bad."""
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        return month_start(today)


def calendar_narrow(qs, params):
    """`qs` as the calendar narrows it (its export): the events it shows, of `month` when one is given
    (read by the calendar's own function), of every month without."""
    qs = calendar_events(qs)
    if params.get("month"):
        first = calendar_month(params["month"], timezone.localdate())
        qs = qs.filter(held_on__gte=first, held_on__lt=add_months(first, 1))
    return qs


def month_calendar(first: datetime.date) -> list[list[dict]]:
    """The month's weeks (Monday first), each day with its events: one query."""
    end = add_months(first, 1)
    by_day = {}
    for e in events_between(first, end).values(*EVENT_ROW):
        by_day.setdefault(e["held_on"], []).append(e)
    day = week_start(first)
    weeks = []
    while day < end:
        week = []
        for _ in range(7):
            week.append({"day": day, "in_month": day.month == first.month, "events": by_day.get(day, [])})
            day += datetime.timedelta(days=1)
        weeks.append(week)
    return weeks


def sponsor_events(user, today) -> list[dict]:
    """The exec sponsor's home: upcoming events they attend (as the client's sponsor, or named)."""
    return list(
        events_between(today, today + datetime.timedelta(days=180))
        .filter(Q(sponsor_attending=True, client__exec_sponsor=user) | Q(staff_attending=user))
        .distinct()
        .values(*EVENT_ROW)[:20]
    )


def delight_round_current(today):
    """This month's round with its winner, gift and how many have voted, in one query."""
    return (
        DelightRound.objects.select_related("winner", "gift")
        .annotate(n_votes=Count("votes"))
        .filter(month=month_start(today))
        .first()
    )


def delight_page(today, user) -> dict:
    current = delight_round_current(today)
    tally, mine, voters = [], None, 0
    if current:
        votes = DelightVote.objects.filter(round=current)
        voters = votes.count()
        mine = votes.filter(voter=user).select_related("client").first()
        if current.status != DelightRound.Status.OPEN:
            tally = list(
                votes.values("client_id", "client__name")
                .annotate(votes=Count("pk"))
                .order_by("-votes", "client__name")
            )
    past = list(
        DelightRound.objects.filter(month__lt=month_start(today))
        .select_related("winner", "gift", "gift__contact")
        .order_by("-month")[:24]
    )
    return {"round": current, "tally": tally, "mine": mine, "voters": voters, "past": past}


def meet_entertainment(today) -> dict:
    """Item 4 of the weekly meet: events this week and this month, pots and balances, the vote."""
    monday = week_start(today)
    first = month_start(today)
    month_end = add_months(first, 1)
    week_end = monday + datetime.timedelta(days=7)
    month_events = list(events_between(min(first, monday), max(month_end, week_end)).values(*EVENT_ROW)[:80])
    clients = ledger_clients(today)
    current = Q(client__archived_at__isnull=True, client__status__in=CURRENT)
    totals = {
        "accrued": EntertainmentAccrual.objects.filter(current).aggregate(t=Sum("amount"))["t"] or Decimal(0),
        "spent": EntertainmentEvent.objects.filter(current)
        .annotate(cost=EVENT_COST)
        .aggregate(t=Sum("cost"))["t"]
        or Decimal(0),
    }
    totals["balance"] = totals["accrued"] - totals["spent"]
    round_ = delight_round_current(today)
    gift = getattr(round_, "gift", None) if round_ and round_.status == DelightRound.Status.DECIDED else None
    return {
        "week": [e for e in month_events if monday <= e["held_on"] < week_end],
        "month": [e for e in month_events if first <= e["held_on"] < month_end],
        "overspent": ledger_rows(overspent(clients).order_by("balance", "name")[:20]),
        "totals": totals,
        "by_am": ledger_by_am(today),
        "round": round_,
        "votes": round_.n_votes if round_ else 0,
        "gift": gift,
    }
