"""What the weekly CS meet works through (PRODUCT.md §4, seed 000 "Meetings" and "Flags meetings").

The agenda is read live in the framework's order, each item in a fixed number of queries so the page
costs the same with 30 clients or 2,000:
  1. actions from last week (the meet's and the account plan reviews'), outstanding first;
  2. flags, grouped by AM;
  3. contracts up for renewal in the next 90 days;
  4. entertainment and surprise-and-delight: events this week and month, pots and balances, the vote;
  5. upsell / cross-sell: open opportunities by weighted value, audits due, channel-map gaps on tier
     1–2 clients, and the commercial discovery of recent calls.
A closed meeting is not read live: its page and pack show the snapshot stored when it closed.
"""

import datetime
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone

from clients.models import Action, Call, Client, Flag
from commercial.selectors import renewals
from commercial.selectors_entertainment import meet_entertainment
from commercial.selectors_growth import meet_growth
from commercial.selectors_plans import review_actions_before

from .models import CommsPlan, Meeting
from .services.occurrences import adherence_by_am, percent

DISCOVERY_DAYS = 30
LIST_LIMIT = 20  # lists show the first twenty and say how many more; the meet prioritises, not reads


def _day_start(day):
    """Midnight at the start of `day`, local time: date bounds as datetimes keep the indexes usable."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def previous_meeting(meeting):
    return Meeting.objects.filter(kind=meeting.kind, held_on__lt=meeting.held_on).order_by("-held_on").first()


def carried_actions(meeting, previous):
    """Item 1: every meeting action still open (oldest due first), then those done since the last meet."""
    earlier = Action.objects.filter(
        Q(meeting__isnull=False, meeting__held_on__lt=meeting.held_on)
        | review_actions_before(meeting.held_on)  # and those agreed in account plan reviews since
    ).select_related("client", "owner", "flag", "meeting")
    outstanding = list(earlier.filter(status=Action.Status.OPEN).order_by("due_date", "pk"))
    since = previous.held_on if previous else meeting.held_on - datetime.timedelta(days=7)
    done = list(
        earlier.filter(status=Action.Status.DONE, done_at__gte=_day_start(since)).order_by("-done_at")[
            :LIST_LIMIT
        ]
    )
    return outstanding, done


FLAGS_EXPANDED_MAX = 40  # more open flags than this and item 2 goes AM by AM


def flags_by_am(today, owner_id=None, expand_all=False):
    """Item 2: open flags, most severe first, grouped by the AM who owns them, with their open actions.

    A large agency has a few hundred open flags: then the meet sees a line per AM (how many, how
    severe, since when) and the critical ones, and opens one AM's flags at a time as each AM speaks.
    """
    open_flags = Flag.objects.filter(status__in=Flag.OPEN_STATUSES)
    summary = list(
        open_flags.values("owner_id", "owner__first_name", "owner__last_name")
        .annotate(
            n=Count("pk"),
            critical=Count("pk", filter=Q(severity=Flag.Severity.CRITICAL)),
            major=Count("pk", filter=Q(severity=Flag.Severity.MAJOR)),
            oldest=Min("raised_at"),
        )
        .order_by("owner__first_name", "owner__last_name", "owner_id")
    )
    total = sum(row["n"] for row in summary)
    collapsed = not expand_all and owner_id is None and total > FLAGS_EXPANDED_MAX
    if collapsed:
        shown = open_flags.filter(severity=Flag.Severity.CRITICAL)
    elif owner_id is not None and not expand_all:
        shown = open_flags.filter(owner_id=owner_id)
    else:
        shown = open_flags
    flags = list(
        shown.select_related("client", "owner", "raised_by").prefetch_related(
            Prefetch(
                "actions", queryset=Action.objects.open().select_related("owner"), to_attr="open_actions"
            )
        )
    )
    flags.sort(
        key=lambda f: (
            f.owner.get_full_name() or f.owner.username,
            Flag.SEVERITY_ORDER[f.severity],
            f.raised_at,
        )
    )
    groups = [
        {"owner": owner, "flags": list(group)} for owner, group in groupby(flags, key=lambda f: f.owner)
    ]
    return {
        "total": total,
        "summary": summary,
        "groups": groups,
        "collapsed": collapsed,
        "owner_id": owner_id,
    }


def relationship_plans():
    """Item 4: active clients whose plan holds entertainment or surprise-and-delight notes."""
    return list(
        CommsPlan.objects.filter(client__archived_at__isnull=True, client__status=Client.Status.ACTIVE)
        .filter(~Q(entertainment_notes="") | ~Q(surprise_delight_notes=""))
        .select_related("client", "client__exec_sponsor")
        .order_by("-entertainment_budget", "client__name")[:LIST_LIMIT]
    )


def commercial_discovery(today, days=DISCOVERY_DAYS):
    """Item 5: what calls found out about other areas, budgets and competitors: the latest note per
    client, high-propensity clients first, so the meet prioritises rather than reads every call."""
    start = today - datetime.timedelta(days=days)
    calls = (
        Call.objects.filter(
            held_at__gte=_day_start(start), held_at__lt=_day_start(today + datetime.timedelta(days=1))
        )
        .exclude(commercial="")
        .select_related("client", "author")
        .only(
            "held_at",
            "commercial",
            "client__name",
            "client__propensity",
            "author__first_name",
            "author__last_name",
        )
        .order_by("-held_at")[: LIST_LIMIT * 5]
    )
    latest = {}
    for call in calls:
        latest.setdefault(call.client_id, call)
    rank = {"high": 0, "medium": 1, "low": 2}
    ordered = sorted(
        latest.values(), key=lambda c: (rank.get(c.client.propensity, 3), -c.held_at.timestamp())
    )
    return ordered[:LIST_LIMIT]


def am_adherence(today, totals=None):
    """Cadence adherence per AM over the last 90 days, worst first (for the flags discussion)."""
    totals = totals if totals is not None else adherence_by_am(today=today)["ams"]
    names = {u.pk: u for u in get_user_model().objects.filter(pk__in=[k for k in totals if k])}
    rows = [
        {"am": names.get(k), "held": held, "due": due, "percent": percent((held, due))}
        for k, (held, due) in totals.items()
        if k in names
    ]
    return sorted(rows, key=lambda r: (r["percent"] if r["percent"] is not None else 101, str(r["am"])))


def wash_up_prompts(meeting):
    """For a wash-up: clients lost and major or critical flags raised in the month before it."""
    since = meeting.held_on - datetime.timedelta(days=31)
    lost = list(
        Client.objects.filter(lost_date__gte=since, lost_date__lte=meeting.held_on)
        .select_related("tier")
        .order_by("-lost_date")
    )
    serious = list(
        Flag.objects.filter(
            raised_at__gte=_day_start(since),
            raised_at__lt=_day_start(meeting.held_on + datetime.timedelta(days=1)),
            severity__in=[Flag.Severity.MAJOR, Flag.Severity.CRITICAL],
        )
        .select_related("client", "owner")
        .order_by("-raised_at")[:LIST_LIMIT]
    )
    return {"lost": lost, "serious_flags": serious}


def renewals_item(today, all_renewals=False) -> dict:
    """Item 3: contracts up for renewal, the soonest LIST_LIMIT unless all are asked for."""
    total, shown = renewals(today, limit=None if all_renewals else LIST_LIMIT)
    return {"renewals_total": total, "renewals": shown}


def agenda(
    meeting, today, all_renewals=False, owner_id=None, everything=False, previous=None, with_renewals=True
):
    """Everything the meet works through; `with_renewals=False` leaves item 3 to renewals_item()."""
    previous = previous or previous_meeting(meeting)
    outstanding, done = carried_actions(meeting, previous)
    plans = relationship_plans()
    month_budget = sum((p.entertainment_budget for p in plans), 0)
    data = {
        "previous": previous,
        "outstanding": outstanding,
        "done_since": done,
        "flags": flags_by_am(today, owner_id=owner_id, expand_all=everything),
        **(renewals_item(today, all_renewals or everything) if with_renewals else {}),
        "plans": plans,
        "plans_budget": month_budget,
        "discovery": commercial_discovery(today),
        "adherence": am_adherence(today),
        "agreed": list(meeting.actions.select_related("client", "owner", "flag").order_by("due_date", "pk")),
    }
    if meeting.kind == Meeting.Kind.WEEKLY_MEET:  # items 4 and 5, from commercial's records
        data.update(entertainment=meet_entertainment(today), growth=meet_growth(today))
    if meeting.kind == Meeting.Kind.WASH_UP:
        data.update(wash_up_prompts(meeting))
    return data
