"""An account manager's week across their clients (PRODUCT.md §2 dashboards, "my week")."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from clients.models import Action, Call, Client, Flag
from commercial import panels as commercial_panels
from commercial.selectors_plans import week_plan_items
from csops.dates import week_start

from .cache import lazy
from .models import Occurrence

# What the page shows of each row: loading whole rows (a call's notes, a flag's description) for a
# list of names and dates was most of the page's database time.
PERSON = ("first_name", "last_name", "username")
# Overdue actions shown before "show all": a long backlog is read from the top (most overdue
# first), as the weekly meet's lists are, and a wall of ticks hides this week's work.
OVERDUE_SHOWN = 20


def week_bounds(today):
    monday = week_start(today)
    return monday, monday + timedelta(days=6)


# Calls due and actions due this week shown before "show all": the page stays the same size for an
# AM with 20 clients or 200 (a plain link shows all; htmx swaps the one card in place).
CALLS_SHOWN = 20
WEEK_ACTIONS_SHOWN = 20


def client_ids_of(user) -> list[int]:
    """The active clients on `user`'s account teams (what my week reads, and its cache scopes)."""
    return list(Client.objects.active().filter(memberships__user=user).values_list("pk", flat=True))


def my_week(
    user, today=None, all_overdue=False, show_later=False, all_calls=False, all_week=False, client_ids=None
):
    """The page's data. Each list is lazy (reporting.cache.lazy): read only when the page renders it,
    so a page served from the cache (clients/my_week.html's {% fragment %}) makes none of its queries."""
    today = today or timezone.localdate()
    monday, sunday = week_bounds(today)
    client_ids = client_ids if client_ids is not None else client_ids_of(user)
    mine = Q(assignee=user) | Q(client_id__in=client_ids)
    actions = lazy(lambda: list(_action_rows(Action.objects.open().filter(owner=user, due_date__lte=sunday))))
    overdue = lazy(lambda: [a for a in actions if a.due_date < today])
    week = lazy(lambda: [a for a in actions if a.due_date >= today])
    later = Action.objects.open().filter(owner=user, due_date__gt=sunday)
    later_actions = lazy(lambda: list(_action_rows(later))) if show_later else None

    def open_flags():
        flags = (
            Flag.objects.filter(client_id__in=client_ids)
            .filter(status__in=Flag.OPEN_STATUSES)
            .select_related("client", "owner")
            .only(
                "client_id",
                "title",
                "severity",
                "status",
                "raised_at",
                "client__name",
                *(f"owner__{f}" for f in PERSON),
            )
        )
        # most severe first (critical, major, serious), then the longest open
        return sorted(flags, key=lambda f: (Flag.SEVERITY_ORDER[f.severity], f.raised_at))

    occurrences = lazy(
        lambda: list(
            Occurrence.objects.filter(
                mine,
                due_date__lte=sunday,
                status__in=[Occurrence.Status.DUE, Occurrence.Status.MISSED],
                due_date__gte=today - timedelta(days=30),
            )
            .select_related("client")
            .only("client_id", "kind", "due_date", "due_time", "status", "client__name")
            .order_by("due_date", "due_time")
        )
    )
    calls = lazy(lambda: [o for o in occurrences if o.kind == Occurrence.Kind.CALL])
    return {
        **week_plan_items(user, today),  # account plan reviews due and plan objectives (commercial)
        "today": today,
        "monday": monday,
        "sunday": sunday,
        "client_count": len(client_ids),
        "opportunities": commercial_panels.my_week_panel(user),
        # from the occurrences beat generates from each comms plan; missed ones stay until logged
        "calls_due": lazy(lambda: calls if all_calls else calls[:CALLS_SHOWN]),
        "calls_due_count": lazy(lambda: len(calls)),
        "reports_due": lazy(lambda: [o for o in occurrences if o.kind == Occurrence.Kind.REPORT]),
        "planned_calls": lazy(
            lambda: list(
                Call.objects.filter(client_id__in=client_ids, held=False, held_at__date__lte=sunday)
                .select_related("client")
                .only("client_id", "held_at", "client__name")
                .order_by("held_at")
            )
        ),
        "overdue_actions": lazy(lambda: overdue if all_overdue else overdue[:OVERDUE_SHOWN]),
        "overdue_count": lazy(lambda: len(overdue)),
        "week_actions": lazy(lambda: week if all_week else week[:WEEK_ACTIONS_SHOWN]),
        "week_actions_count": lazy(lambda: len(week)),
        "later_actions": later_actions,
        "later_actions_count": lazy(lambda: len(later_actions) if show_later else later.count()),
        "open_flags": lazy(open_flags),
        "reports_unsent": lazy(
            lambda: list(
                Call.objects.filter(
                    Q(author=user) | Q(client_id__in=client_ids),
                    held=True,
                    report_required=True,
                    report_sent_at__isnull=True,
                )
                .select_related("client")
                .only("client_id", "held_at", "held", "report_required", "report_sent_at", "client__name")
                .order_by("held_at")
            )
        ),
    }


def _action_rows(actions):
    """Only what an action row shows (clients/partials/action_item.html), in due order."""
    return (
        actions.select_related("client", "owner", "flag")
        .only(
            "client_id",
            "flag_id",
            "owner_id",
            "description",
            "due_date",
            "status",
            "done_at",
            "client__name",
            "flag__title",
            *(f"owner__{f}" for f in PERSON),
        )
        .order_by("due_date", "pk")
    )
