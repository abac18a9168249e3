"""Team objectives' measures, computed from the data where it exists (seed 000, "Team Objectives").

Each computed measure is a function of a date: its value as of the end of that (local) day. The
progress page reads it at each month end from January to the deadline — a contact moved red → orange
on 29 June counts for June — against a straight line from nothing on 1 January to the target at the
deadline. A handful of grouped queries per measure, whatever the size of the book.

Readings of the seed, where it is silent:
- red senior contacts: those red at the start of the year, and those first put on the map red during
  it; the value is the share of them at least orange (or green) by the date;
- main contacts: a client's decision makers; a one-to-one is a held call with exactly one client
  attendee and one of ours (the attendee, else the author), and each lead AM meets each main contact
  of the clients they lead;
- projects converted to retained: clients whose engagement went project → retained in the year;
- tier 1 growth: the monthly spend of the clients retained in tier 1 at the start of the year, now
  against then, in each client's own currency summed as entered;
- projects from every tier 2 client: the share of current tier 2 clients with a contract starting in
  the year.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Min
from django.utils import timezone

from clients.models import AccountTeamMembership, Call, Client, Contact, EngagementType, Tier
from commercial.models import Contract
from csops.dates import month_end
from people.models import Measure, TeamYear

Kind = Measure.Kind
PERCENT = {Kind.RED_TO_ORANGE, Kind.RED_TO_GREEN, Kind.ONE_TO_ONES, Kind.TIER2_PROJECTS, Kind.TIER1_GROWTH}


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, local time: what happened on `day` counts for it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _share(done: int, of: int) -> Decimal | None:
    return (Decimal(done) * 100 / of).quantize(Decimal("0.1")) if of else None


def _states(rows):
    """{id: [(when, row), …]} from history rows ordered by id and date."""
    out = defaultdict(list)
    for row in rows:
        out[row["id"]].append((row["history_date"], row))
    return out


def _as_of(timeline, moment):
    """The row in force just before `moment` (None: not created yet, or deleted)."""
    current = None
    for when, row in timeline:
        if when >= moment:
            break
        current = None if row["history_type"] == "-" else row
    return current


# --- the computations: each returns f(day) → value ------------------------------------------------------


def red_contacts(year: int, *, green: bool):
    start = _end_of(datetime.date(year, 1, 1) - datetime.timedelta(days=1))
    ever_red = Contact.history.filter(rag=Contact.Rag.RED).values("id")
    timelines = _states(
        Contact.history.filter(id__in=ever_red)
        .order_by("id", "history_date", "history_id")
        .values("id", "rag", "history_date", "history_type")
    )
    tracked = []
    for contact_id, timeline in timelines.items():
        at_start = _as_of(timeline, start)
        first_in_year = next((row for when, row in timeline if when >= start), None)
        if (at_start and at_start["rag"] == Contact.Rag.RED) or (
            at_start is None and first_in_year is not None and first_in_year["rag"] == Contact.Rag.RED
        ):
            tracked.append((contact_id, timeline))
    good = {Contact.Rag.GREEN} if green else {Contact.Rag.GREEN, Contact.Rag.ORANGE}

    def value(day):
        moment = _end_of(day)
        # those added red after `day` are not counted yet
        counted = [t for _, t in tracked if _as_of(t, moment) is not None]
        return _share(sum(1 for t in counted if _as_of(t, moment)["rag"] in good), len(counted))

    return value


def one_to_ones(year: int):
    pairs = set(
        AccountTeamMembership.objects.filter(
            is_lead=True,
            client__in=Client.objects.current(),
            client__contacts__decision_maker=True,
            client__contacts__archived_at__isnull=True,
        ).values_list("user_id", "client__contacts__id")
    )
    calls = list(
        Call.objects.filter(
            held=True,
            held_at__gte=_end_of(datetime.date(year - 1, 12, 31)),
            held_at__lt=_end_of(datetime.date(year, 12, 31)),
        )
        .annotate(
            contacts=Count("contact_attendees", distinct=True), ours=Count("staff_attendees", distinct=True)
        )
        .filter(contacts=1, ours__lte=1)
        .values_list("pk", "author_id", "held_at")
    )
    ids = [pk for pk, _, _ in calls]
    contact_of = dict(
        Call.contact_attendees.through.objects.filter(call_id__in=ids).values_list("call_id", "contact_id")
    )
    staff_of = dict(
        Call.staff_attendees.through.objects.filter(call_id__in=ids).values_list("call_id", "user_id")
    )
    met = {}
    for pk, author_id, held_at in calls:
        pair = (staff_of.get(pk, author_id), contact_of.get(pk))
        if pair in pairs and (pair not in met or held_at < met[pair]):
            met[pair] = held_at

    def value(day):
        moment = _end_of(day)
        return _share(sum(1 for when in met.values() if when < moment), len(pairs))

    return value


def projects_to_retained(year: int):
    both = Client.history.filter(engagement_type=EngagementType.PROJECT).values("id")
    timelines = _states(
        Client.history.filter(
            id__in=both, engagement_type__in=[EngagementType.PROJECT, EngagementType.RETAINED]
        )
        .order_by("id", "history_date", "history_id")
        .values("id", "engagement_type", "history_date", "history_type")
    )
    start = _end_of(datetime.date(year - 1, 12, 31))
    converted = []
    for timeline in timelines.values():
        previous = None
        for when, row in timeline:
            if (
                previous == EngagementType.PROJECT
                and row["engagement_type"] == EngagementType.RETAINED
                and when >= start
            ):
                converted.append(when)
                break
            previous = row["engagement_type"]

    def value(day):
        return Decimal(sum(1 for when in converted if when < _end_of(day)))

    return value


def tier1_growth(year: int):
    tier = Tier.objects.filter(rank=1).first()
    if tier is None:
        return lambda day: None
    in_tier = Client.history.filter(tier_id=tier.pk).values("id")
    timelines = _states(
        Client.history.filter(id__in=in_tier)
        .order_by("id", "history_date", "history_id")
        .values("id", "tier_id", "engagement_type", "monthly_spend", "status", "history_date", "history_type")
    )
    start = _end_of(datetime.date(year - 1, 12, 31))
    base = {}
    for client_id, timeline in timelines.items():
        row = _as_of(timeline, start)
        if row and row["tier_id"] == tier.pk and row["engagement_type"] == EngagementType.RETAINED:
            base[client_id] = row["monthly_spend"] or Decimal(0)
    before = sum(base.values(), Decimal(0))

    def value(day):
        if not before:
            return None
        now = Decimal(0)
        for client_id in base:
            row = _as_of(timelines[client_id], _end_of(day))
            if (
                row
                and row["engagement_type"] == EngagementType.RETAINED
                and row["status"] != Client.Status.LOST
            ):
                now += row["monthly_spend"] or Decimal(0)
        return ((now - before) * 100 / before).quantize(Decimal("0.1"))

    return value


def tier2_projects(year: int):
    clients = set(Client.objects.current().filter(tier__rank=2).values_list("pk", flat=True))
    first = dict(
        Contract.objects.filter(client_id__in=clients, start_date__year=year)
        .values("client_id")
        .annotate(first=Min("start_date"))
        .values_list("client_id", "first")
        .order_by()
    )

    def value(day):
        return _share(sum(1 for started in first.values() if started <= day), len(clients))

    return value


COMPUTE = {
    Kind.RED_TO_ORANGE: lambda year: red_contacts(year, green=False),
    Kind.RED_TO_GREEN: lambda year: red_contacts(year, green=True),
    Kind.ONE_TO_ONES: one_to_ones,
    Kind.PROJECTS_TO_RETAINED: projects_to_retained,
    Kind.TIER1_GROWTH: tier1_growth,
    Kind.TIER2_PROJECTS: tier2_projects,
}


# --- the progress page ----------------------------------------------------------------------------------


def month_ends(year: int, deadline: datetime.date) -> list[datetime.date]:
    last = min(deadline, datetime.date(year, 12, 31))
    ends = [month_end(datetime.date(year, m, 1)) for m in range(1, last.month + 1)]
    ends[-1] = min(ends[-1], last) if ends else last
    return ends


def measure_progress(measure: Measure, year: int, today: datetime.date, cache: dict) -> dict:
    """A measure's value now, its trajectory by month end, and the straight line to its target."""
    compute = COMPUTE.get(measure.kind)
    if compute is not None and measure.kind not in cache:
        cache[measure.kind] = compute(year)
    value_of = cache.get(measure.kind) if compute else None
    start = datetime.date(year, 1, 1)
    span = max((measure.deadline - start).days, 1)
    points = []
    for end in month_ends(year, measure.deadline):
        expected = (measure.target * min((end - start).days + 1, span) / span).quantize(Decimal("0.1"))
        actual = value_of(end) if value_of and end <= today else None
        points.append({"date": end, "expected": min(expected, measure.target), "actual": actual})
    now = value_of(min(today, measure.deadline)) if value_of else measure.manual_value
    expected_now = (measure.target * min(max((today - start).days + 1, 0), span) / span).quantize(
        Decimal("0.1")
    )
    pct = None if now is None else max(0, min(100, round(now * 100 / measure.target)))
    return {
        "pk": measure.pk,
        "description": measure.description,
        "kind": measure.get_kind_display(),
        "computed": value_of is not None,
        "unit": "%" if measure.kind in PERCENT else "",
        "target": measure.target,
        "deadline": measure.deadline,
        "value": now,
        "pct": pct,
        "on_track": now is not None and now >= min(expected_now, measure.target),
        "done": now is not None and now >= measure.target,
        "points": points,
    }


def team_objectives(year: int, today: datetime.date) -> dict | None:
    """The year's mantra, objectives and each measure's progress; None when the year has none."""
    team_year = TeamYear.objects.filter(year=year).prefetch_related("objectives__measures").first()
    if team_year is None:
        return None
    cache = {}
    objectives = [
        {
            "pk": o.pk,
            "title": o.title,
            "description": o.description,
            "measures": [measure_progress(m, year, today, cache) for m in o.measures.all()],
        }
        for o in team_year.objectives.all()
    ]
    measures = [m for o in objectives for m in o["measures"]]
    return {
        "year": year,
        "pk": team_year.pk,
        "mantra": team_year.mantra,
        "objectives": objectives,
        "on_track": sum(1 for m in measures if m["on_track"]),
        "measures": len(measures),
    }


def followed_progress(targets, today: datetime.date) -> dict:
    """{target pk: progress %} for PDP targets that follow a team measure (the measure's progress
    today, computed once per kind and year however many targets follow it) or an account-plan
    objective (100% once it is done)."""
    caches, out = defaultdict(dict), {}
    for target in targets:
        if target.follows_id:
            measure = target.follows
            year = measure.objective.team_year.year
            out[target.pk] = measure_progress(measure, year, today, caches[year])["pct"]
        elif target.follows_objective_id:  # an account-plan objective: done or not yet
            out[target.pk] = 100 if target.follows_objective.status == "done" else 0
    return out
