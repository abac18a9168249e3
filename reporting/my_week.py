"""An account manager's week across their clients (PRODUCT.md §2 dashboards, "my week").

The page shows what the person acts on this week: each list its first SHOWN rows (the most urgent)
and how many there are, read in one query with a window count, so the page stays the same size for
an AM with 20 clients or 200. "Show all" opens one list as pages of PAGE rows: a plain link without
JavaScript, the one card swapped in place with htmx (clients/views/activity.py `my_week`).
Rows are `.values()` dicts of what the row shows: no model objects are built for a list of names.
"""

from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When, Window
from django.utils import timezone

from clients.models import Action, Call, Client, Flag
from clients.models.activity import REPORT_WINDOW
from commercial import panels as commercial_panels
from commercial.selectors_plans import week_plan_items
from csops.dates import week_start

from .models import Occurrence

# Rows of each list on the page before "show all", and rows per page of a list shown in full.
SHOWN = 10
PAGE = 50

# The lists "show all" can open (the URL's `?<name>=all`), and the card (its id) each lives in.
SECTIONS = {
    "calls": "calls-due",
    "planned": "calls-due",
    "reports": "reports-due",
    "unsent": "reports-unsent",
    "overdue": "my-actions",
    "week": "my-actions",
    "later": "my-actions",
    "flags": "my-flags",
}
CARD_TEMPLATES = {
    "calls-due": "clients/partials/my_week_calls.html",
    "reports-due": "clients/partials/my_week_reports.html",
    "reports-unsent": "clients/partials/my_week_unsent.html",
    "my-actions": "clients/partials/my_week_actions.html",
    "my-flags": "clients/partials/my_week_flags.html",
}

ACTION_ROW = (
    "pk",
    "client_id",
    "client__name",
    "flag_id",
    "flag__title",
    "description",
    "due_date",
    "status",
    "done_at",
    "owner__first_name",
    "owner__last_name",
)
_SEVERITY_RANK = Case(
    *(When(severity=s, then=Value(rank)) for s, rank in Flag.SEVERITY_ORDER.items()),
    default=Value(len(Flag.SEVERITY_ORDER)),
    output_field=IntegerField(),
)
_SEVERITY = dict(Flag.Severity.choices)
_FLAG_STATUS = dict(Flag.Status.choices)


def week_bounds(today):
    monday = week_start(today)
    return monday, monday + timedelta(days=6)


def client_ids_of(user) -> list[int]:
    """The active clients on `user`'s account teams (what my week reads, and its cache scopes)."""
    return list(Client.objects.active().filter(memberships__user=user).values_list("pk", flat=True))


class Section:
    """One list of the page: its first SHOWN rows and its length in one query, or, shown in full, one
    page of PAGE rows (`page` is the Paginator's page). Read when the template first asks."""

    def __init__(self, name, make_queryset, fields, expanded=False, page=1, shown=SHOWN, tidy=None):
        self.name, self.card = name, SECTIONS[name]
        # built only when read: building a queryset's filters is most of an unread list's cost
        self._make, self._fields, self._tidy = make_queryset, fields, tidy
        self.expanded, self._page_number, self._shown = expanded, page, shown
        self._rows = None

    def _load(self):
        if self._rows is not None:
            return
        queryset = self._make()
        if not self.expanded and not self._shown:  # a count and a link
            self._page, rows, self._count = None, [], queryset.count()
        elif self.expanded:
            self._page = Paginator(queryset.values(*self._fields), PAGE).get_page(self._page_number)
            rows, self._count = list(self._page.object_list), self._page.paginator.count
        else:
            self._page = None
            counted = queryset.annotate(_total=Window(Count("pk")))
            rows = list(counted.values(*self._fields, "_total")[: self._shown])
            self._count = rows[0]["_total"] if rows else 0
        self._rows = [self._tidy(r) for r in rows] if self._tidy else rows

    @property
    def rows(self):
        self._load()
        return self._rows

    @property
    def page(self):
        """The page of the list shown in full (None when summarised)."""
        self._load()
        return self._page

    @property
    def count(self):
        self._load()
        return self._count

    @property
    def more(self):
        """How many are not on the page (0 when shown in full: its pages have their own links)."""
        return 0 if self.expanded else self.count - len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)


def _flag_row(row):
    row["severity_label"] = _SEVERITY.get(row["severity"], row["severity"])
    row["status_label"] = _FLAG_STATUS.get(row["status"], row["status"])
    return row


def _unsent_row(row):
    """As Call.report_state() says for a held call whose report is required and not sent."""
    row["report_due_at"] = row["held_at"] + REPORT_WINDOW
    row["late"] = timezone.now() > row["report_due_at"]
    return row


def action_rows(actions):
    """The action rows my week shows (clients/partials/my_week_action_rows.html), in due order."""
    return actions.order_by("due_date", "pk")


def my_week(user, today=None, expanded=None, page=1, client_ids=None):
    """The page's data; `expanded` names the one list shown in full (SECTIONS), `page` its page.

    Each list is read only when the page renders it, so a page served from the cache
    (clients/my_week.html's {% fragment %}) makes none of its queries."""
    today = today or timezone.localdate()
    monday, sunday = week_bounds(today)
    client_ids = client_ids if client_ids is not None else client_ids_of(user)

    def section(name, queryset, fields, **kw):
        return Section(name, queryset, fields, expanded=expanded == name, page=page, **kw)

    # from the occurrences beat generates from each comms plan; missed ones stay until logged
    def occurrences(kind):
        return Occurrence.objects.filter(
            Q(assignee=user) | Q(client_id__in=client_ids),
            kind=kind,
            due_date__lte=sunday,
            status__in=[Occurrence.Status.DUE, Occurrence.Status.MISSED],
            due_date__gte=today - timedelta(days=30),
        ).order_by("due_date", "due_time", "pk")

    def actions(**due):
        return action_rows(Action.objects.open().filter(owner=user, **due))

    def unsent():
        return Call.objects.filter(
            Q(author=user) | Q(client_id__in=client_ids),
            held=True,
            report_required=True,
            report_sent_at__isnull=True,
        ).order_by("held_at", "pk")

    def flags():
        # most severe first (critical, major, serious), then the longest open
        return Flag.objects.filter(client_id__in=client_ids, status__in=Flag.OPEN_STATUSES).order_by(
            _SEVERITY_RANK, "raised_at", "pk"
        )

    def planned():
        return Call.objects.filter(client_id__in=client_ids, held=False, held_at__date__lte=sunday).order_by(
            "held_at", "pk"
        )

    occurrence_row = ("pk", "client_id", "client__name", "due_date", "due_time", "status")
    flag_row = ("pk", "client_id", "client__name", "title", "severity", "status", "raised_at")
    flag_row += ("owner__first_name", "owner__last_name")
    return {
        "today": today,
        "monday": monday,
        "sunday": sunday,
        "client_count": len(client_ids),
        "expanded": expanded,
        "calls_due": section("calls", lambda: occurrences(Occurrence.Kind.CALL), occurrence_row),
        "planned_calls": section("planned", planned, ("pk", "client_id", "client__name", "held_at")),
        "reports_due": section("reports", lambda: occurrences(Occurrence.Kind.REPORT), occurrence_row),
        "overdue_actions": section("overdue", lambda: actions(due_date__lt=today), ACTION_ROW),
        "week_actions": section(
            "week", lambda: actions(due_date__gte=today, due_date__lte=sunday), ACTION_ROW
        ),
        # later ones are a count (and a link) until asked for
        "later_actions": section("later", lambda: actions(due_date__gt=sunday), ACTION_ROW, shown=0),
        "open_flags": section("flags", flags, flag_row, tidy=_flag_row),
        "reports_unsent": section(
            "unsent", unsent, ("pk", "client_id", "client__name", "held_at"), tidy=_unsent_row
        ),
    }


def my_week_sections_below(user, today=None) -> dict:
    """The feature sections below the cached cards (rendered every request): account plan reviews and
    objectives (commercial), my opportunities."""
    return {**week_plan_items(user, today), "opportunities": commercial_panels.my_week_panel(user)}


def my_week_actions_of(action_ids):
    """Rows for actions just ticked on my week (the row swapped back in place)."""
    return list(action_rows(Action.objects.filter(pk__in=action_ids)).values(*ACTION_ROW))
