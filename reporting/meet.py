"""What the weekly CS meet works through (PRODUCT.md §4, seed 000 "Meetings" and "Flags meetings").

The agenda is read live in the framework's order, each item in a fixed number of queries so the page
costs the same with 30 clients or 2,000:
  1. actions from last week (the meet's and the account plan reviews'), outstanding first;
  2. flags, grouped by AM;
  3. contracts up for renewal in the next 90 days;
  4. entertainment and surprise-and-delight: events this week and month, pots and balances, the vote;
  5. upsell / cross-sell: open opportunities by weighted value, audits due, channel-map gaps on tier
     1–2 clients, and the commercial discovery of recent calls.
Each item is a section of its own (SECTIONS, `section()`): the page renders and caches them one by
one, so a write outdates only the items that read it. Lists show what the meet acts on — the first
LIST_LIMIT, with how many there are in all — and the rest on asking ("show all"); the closed
meeting's snapshot and the PDF pack list everything (`agenda()`). Display-only rows are read with
.values(): no model is built for a line of the agenda.
A closed meeting is not read live: its page and pack show the snapshot stored when it closed.
"""

import datetime
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Min, Q, Value, When, Window
from django.utils import timezone

from clients.models import Action, Call, Client, Flag
from commercial.selectors import renewals
from commercial.selectors_entertainment import meet_entertainment
from commercial.selectors_growth import meet_growth
from commercial.selectors_plans import review_actions_before
from csops.statements import Compiled

from .models import CommsPlan, Meeting
from .services.occurrences import adherence_by_am, percent

DISCOVERY_DAYS = 30
LIST_LIMIT = 20  # lists show the first twenty and say how many more; the meet prioritises, not reads


def _day_start(day):
    """Midnight at the start of `day`, local time: date bounds as datetimes keep the indexes usable."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _full_name(row, prefix):
    """User.get_full_name() of a .values() row's `<prefix>__first_name` and `__last_name`."""
    return f"{row[prefix + '__first_name']} {row[prefix + '__last_name']}".strip()


# asked on every view of a meeting: its SQL compiled once per process (csops/statements.py)
_PREVIOUS = Compiled(
    lambda kind, held_on: (
        Meeting.objects.filter(kind=kind, held_on__lt=held_on)
        .order_by("-held_on", "-pk")
        .values_list("pk", "kind", "held_on")[:1]
    )
)


def previous_meeting(meeting):
    """The meeting of the same kind before this one, with only its pk, kind and date loaded."""
    rows = _PREVIOUS.rows(meeting.kind, meeting.held_on)
    if not rows:
        return None
    loaded = dict(zip(("id", "kind", "held_on"), rows[0], strict=True))
    names = [f.attname for f in Meeting._meta.concrete_fields if f.attname in loaded]  # from_db's order
    return Meeting.from_db(Meeting.objects.db, names, [loaded[name] for name in names])


ACTION_ROW = (
    "pk",
    "description",
    "client_id",
    "client__name",
    "owner__first_name",
    "owner__last_name",
    "due_date",
    "status",
    "done_at",
    "meeting_id",
    "meeting__held_on",
    "flag_id",
    "flag__title",
)


def _action_rows(qs, limit=None, counted=False) -> tuple[list[dict], int]:
    """Display rows of `qs` (the first `limit`), and how many there are in all, in one query."""
    if counted:
        qs = qs.annotate(n_all=Window(Count("pk")))
    rows = list(qs.values(*ACTION_ROW, *(["n_all"] if counted else []))[:limit])
    labels = dict(Action.Status.choices)
    for row in rows:
        row["owner_name"] = _full_name(row, "owner")
        row["status_label"] = labels.get(row["status"], row["status"])
    return rows, (rows[0]["n_all"] if rows else 0) if counted else len(rows)


def carried_actions(meeting, previous, limit=None):
    """Item 1: meeting actions still open (oldest due first), then those done since the last meet:
    the first `limit` of each (all with None) and how many of each there are."""
    earlier = Action.objects.filter(
        Q(meeting__isnull=False, meeting__held_on__lt=meeting.held_on)
        | review_actions_before(meeting.held_on)  # and those agreed in account plan reviews since
    )
    since = previous.held_on if previous else meeting.held_on - datetime.timedelta(days=7)
    outstanding, n_outstanding = _action_rows(
        earlier.filter(status=Action.Status.OPEN).order_by("due_date", "pk"), limit, counted=True
    )
    done, n_done = _action_rows(
        earlier.filter(status=Action.Status.DONE, done_at__gte=_day_start(since)).order_by("-done_at", "pk"),
        limit,
        counted=True,
    )
    return {
        "outstanding": outstanding,
        "outstanding_total": n_outstanding,
        "outstanding_more": n_outstanding - len(outstanding),
        "done_since": done,
        "done_total": n_done,
        "done_more": n_done - len(done),
    }


FLAGS_EXPANDED_MAX = 40  # more open flags than this and item 2 goes AM by AM
SEVERITY_RANK = Case(
    *(When(severity=s, then=Value(n)) for s, n in Flag.SEVERITY_ORDER.items()), default=Value(9)
)
FLAG_ROW = (
    "pk",
    "client_id",
    "client__name",
    "title",
    "description",
    "source",
    "severity",
    "status",
    "raised_at",
    "owner_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "raised_by__first_name",
    "raised_by__last_name",
)


def flags_by_am(today, owner_id=None, expand_all=False, limit=LIST_LIMIT):
    """Item 2: open flags, most severe first, grouped by the AM who owns them, with their open actions.

    A large agency has a few hundred open flags: then the meet sees a line per AM (how many, how
    severe, since when) and the critical ones, and opens one AM's flags at a time as each AM speaks.
    The critical flags and one AM's flags show the first `limit` (None: all) of how many there are.
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
        shown, shown_total = (
            open_flags.filter(severity=Flag.Severity.CRITICAL),
            sum(row["critical"] for row in summary),
        )
    elif owner_id is not None and not expand_all:
        shown = open_flags.filter(owner_id=owner_id)
        shown_total = next((row["n"] for row in summary if row["owner_id"] == owner_id), 0)
    else:  # FLAGS_EXPANDED_MAX at most, or the pack's and the snapshot's every flag
        shown, shown_total, limit = open_flags, total, None
    flags = list(
        shown.order_by(
            "owner__first_name", "owner__last_name", "owner_id", SEVERITY_RANK, "raised_at", "pk"
        ).values(*FLAG_ROW)[:limit]
    )
    acts = {}
    if flags:
        for act in (
            Action.objects.open()
            .filter(flag_id__in=[f["pk"] for f in flags])
            .order_by("due_date", "pk")
            .values("flag_id", "description", "owner__first_name", "owner__last_name", "due_date")
        ):
            act["owner_name"] = _full_name(act, "owner")
            acts.setdefault(act["flag_id"], []).append(act)
    severities, sources = dict(Flag.Severity.choices), dict(Flag.Source.choices)
    for f in flags:
        f["severity_label"] = severities.get(f["severity"], f["severity"])
        f["source_label"] = sources.get(f["source"], f["source"])
        f["raised_by_name"] = _full_name(f, "raised_by")
        f["open_actions"] = acts.get(f["pk"], [])
    groups = [
        {"owner_id": owner, "owner_name": (rows := list(group))[0]["owner_name"], "flags": rows}
        for owner, group in groupby(
            ({**f, "owner_name": _full_name(f, "owner") or f["owner__username"]} for f in flags),
            key=lambda f: f["owner_id"],
        )
    ]
    return {
        "total": total,
        "critical_total": sum(row["critical"] for row in summary),
        "summary": summary,
        "groups": groups,
        "shown": len(flags),
        "shown_total": shown_total,
        "more": shown_total - len(flags),
        "collapsed": collapsed,
        "owner_id": owner_id,
    }


def relationship_plans(limit=LIST_LIMIT):
    """Item 4: active clients whose plan holds entertainment or surprise-and-delight notes."""
    rows = list(
        CommsPlan.objects.filter(client__archived_at__isnull=True, client__status=Client.Status.ACTIVE)
        .filter(~Q(entertainment_notes="") | ~Q(surprise_delight_notes=""))
        .order_by("-entertainment_budget", "client__name", "pk")
        .values(
            "pk",
            "client_id",
            "client__name",
            "entertainment_notes",
            "surprise_delight_notes",
            "entertainment_budget",
            "client__exec_sponsor__first_name",
            "client__exec_sponsor__last_name",
        )[: None if limit is None else limit + 1]  # one more than shown: is there more?
    )
    for row in rows:
        row["sponsor_name"] = (
            _full_name(row, "client__exec_sponsor")
            if row["client__exec_sponsor__first_name"] is not None
            else ""
        )
    return rows


def commercial_discovery(today, days=DISCOVERY_DAYS, limit=LIST_LIMIT):
    """Item 5: what calls found out about other areas, budgets and competitors: the latest note per
    client, high-propensity clients first, so the meet prioritises rather than reads every call."""
    start = today - datetime.timedelta(days=days)
    calls = (
        Call.objects.filter(
            held_at__gte=_day_start(start), held_at__lt=_day_start(today + datetime.timedelta(days=1))
        )
        .exclude(commercial="")
        .order_by("-held_at", "-pk")
        .values(
            "pk",
            "client_id",
            "held_at",
            "commercial",
            "client__name",
            "client__propensity",
            "author__first_name",
            "author__last_name",
        )
    )
    if limit is not None:
        calls = calls[: limit * 5]
    latest = {}
    for call in calls:
        latest.setdefault(call["client_id"], call)
    rank = {"high": 0, "medium": 1, "low": 2}
    labels = dict(Client.Propensity.choices)
    ordered = sorted(
        latest.values(), key=lambda c: (rank.get(c["client__propensity"], 3), -c["held_at"].timestamp())
    )[:limit]
    for call in ordered:
        call["propensity_label"] = labels.get(call["client__propensity"], "")
        call["author_name"] = _full_name(call, "author")
    return ordered


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


def agreed_actions(meeting) -> dict:
    """The actions agreed in this meeting: its own record, every one."""
    return {"agreed": _action_rows(meeting.actions.order_by("due_date", "pk"))[0]}


# The sections of each kind of meeting, in the framework's order (partials/meet_<name>.html each);
# the page's side column shows "adherence" too.
SECTIONS = {
    Meeting.Kind.WEEKLY_MEET: ("item1", "item2", "item3", "item4", "item5", "agreed"),
    Meeting.Kind.WASH_UP: ("washup", "item1", "item2", "agreed"),
}
OTHER_SECTIONS = ("item1", "agreed")


def sections_of(meeting) -> tuple[str, ...]:
    return SECTIONS.get(meeting.kind, OTHER_SECTIONS)


def section(name, meeting, today, *, previous=None, owner_id=None, show_all=False, everything=False) -> dict:
    """The data of one section of the agenda: the first LIST_LIMIT of each list, all of them if
    `show_all`; `everything` (the snapshot and the pack) lists all and every open flag, not AM by AM."""
    limit = None if everything or show_all else LIST_LIMIT
    if name == "item1":
        return {"previous": previous, **carried_actions(meeting, previous, limit)}
    if name == "item2":
        return {"flags": flags_by_am(today, owner_id=owner_id, expand_all=everything, limit=limit)}
    if name == "item3":
        return renewals_item(today, limit is None)
    if name == "item4":
        plans = relationship_plans(limit)
        return {
            "plans": plans[:limit],
            "plans_more": len(plans) > len(plans[:limit]),
            "entertainment": meet_entertainment(today),
        }
    if name == "item5":
        growth = meet_growth(today, limit)
        found = commercial_discovery(today, limit=None if limit is None else limit + 1)
        more = len(found) > len(found[:limit]) or any(
            growth[f"{k}_total"] > len(growth[k]) for k in ("opportunities", "audits", "gaps")
        )
        return {"discovery": found[:limit], "growth": growth, "item5_more": more}
    if name == "agreed":
        return agreed_actions(meeting)
    if name == "adherence":
        return {"adherence": am_adherence(today)}
    if name == "washup":
        return wash_up_prompts(meeting)
    raise ValueError(f"no section {name!r} on the meet")


def agenda(meeting, today, everything=True, previous=None) -> dict:
    """Everything the meeting works through, every section: the snapshot and the PDF pack list it all."""
    previous = previous or previous_meeting(meeting)
    data = {"previous": previous}
    for name in (*sections_of(meeting), "adherence"):
        data.update(section(name, meeting, today, previous=previous, everything=everything))
    return data
