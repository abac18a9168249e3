"""Reads for the support register: a client's requests with their SLA outcome, and SLA performance
per client and month, counted by the database (due times are stored on each request)."""

import datetime

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from csops.dates import add_months, month_start

from .models import SupportArrangement, SupportRequest

REQUEST_ROW = (
    "pk",
    "client_id",
    "received_at",
    "priority",
    "summary",
    "first_response_at",
    "resolved_at",
    "response_due_at",
    "resolution_due_at",
    "flag_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "first_response_by__first_name",
    "first_response_by__last_name",
    "resolved_by__first_name",
    "resolved_by__last_name",
)


def _outcome(done_at, due_at, now) -> str:
    if done_at is not None:
        return "met" if done_at <= due_at else "breached"
    return "breached" if now > due_at else "open"


def outcome_rows(rows, now=None) -> list[dict]:
    now = now or timezone.now()
    labels = dict(SupportRequest._meta.get_field("priority").choices)
    for r in rows:
        r["priority_label"] = labels.get(r["priority"], r["priority"])
        r["response_outcome"] = _outcome(r["first_response_at"], r["response_due_at"], now)
        r["resolution_outcome"] = _outcome(r["resolved_at"], r["resolution_due_at"], now)
        r["breached"] = "breached" in (r["response_outcome"], r["resolution_outcome"])
        r["owner_name"] = f"{r['owner__first_name']} {r['owner__last_name']}".strip() or r["owner__username"]
    return rows


def _month_bounds(month: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(add_months(month, 1), datetime.time()))
    return start, end


def performance_counts(now):
    """Aggregates over a queryset of requests: counted in SQL with the due times on each row."""
    return {
        "total": Count("pk"),
        "response_met": Count("pk", filter=Q(first_response_at__lte=F("response_due_at"))),
        "response_breached": Count(
            "pk",
            filter=Q(first_response_at__gt=F("response_due_at"))
            | Q(first_response_at__isnull=True, response_due_at__lt=now),
        ),
        "resolution_met": Count("pk", filter=Q(resolved_at__lte=F("resolution_due_at"))),
        "resolution_breached": Count(
            "pk",
            filter=Q(resolved_at__gt=F("resolution_due_at"))
            | Q(resolved_at__isnull=True, resolution_due_at__lt=now),
        ),
        "still_open": Count("pk", filter=Q(resolved_at__isnull=True)),
    }


def _percent(row):
    decided = row["response_met"] + row["response_breached"]
    row["response_pct"] = round(100 * row["response_met"] / decided) if decided else None
    decided = row["resolution_met"] + row["resolution_breached"]
    row["resolution_pct"] = round(100 * row["resolution_met"] / decided) if decided else None
    return row


def client_support(client, now=None, months=6) -> dict:
    """The client page's support card and register: the arrangement, recent requests, months."""
    now = now or timezone.now()
    arrangement = SupportArrangement.objects.filter(client=client, ended_on__isnull=True).first()
    if arrangement is None:
        return {"support": None}
    requests = outcome_rows(
        list(SupportRequest.objects.filter(client=client).values(*REQUEST_ROW).order_by("-received_at")[:20]),
        now,
    )
    since, _ = _month_bounds(add_months(month_start(timezone.localdate(now)), -(months - 1)))
    by_month = [
        _percent(row)
        for row in SupportRequest.objects.filter(client=client, received_at__gte=since)
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(**performance_counts(now))
        .order_by("-month")
    ]
    return {"support": arrangement, "support_requests": requests, "support_months": by_month}


def sla_performance(month: datetime.date, now=None) -> list[dict]:
    """Every client's SLA performance for a month (the head of CS's page): one grouped query."""
    now = now or timezone.now()
    start, end = _month_bounds(month)
    rows = (
        SupportRequest.objects.filter(received_at__gte=start, received_at__lt=end)
        .values("client_id", "client__name")
        .annotate(**performance_counts(now))
        .order_by("client__name")
    )
    return [_percent(r) for r in rows]


def support_clients() -> list[dict]:
    """The register itself: clients on a current support arrangement, since when."""
    return list(
        SupportArrangement.objects.filter(ended_on__isnull=True, client__archived_at__isnull=True)
        .values("client_id", "client__name", "since", "description")
        .order_by("client__name")
    )


def client_support_panel(client, now=None) -> dict:
    """The client page's support card: the current arrangement and counts of open and breached requests."""
    now = now or timezone.now()
    arrangement = (
        SupportArrangement.objects.filter(client=client, ended_on__isnull=True)
        .values("since", "description")
        .first()
    )
    if arrangement is None:
        return {"support": None}
    counts = SupportRequest.objects.filter(client=client, resolved_at__isnull=True).aggregate(
        open=Count("pk"),
        breached=Count(
            "pk",
            filter=Q(resolution_due_at__lt=now)
            | Q(first_response_at__isnull=True, response_due_at__lt=now)
            | Q(first_response_at__gt=F("response_due_at")),
        ),
    )
    return {"support": arrangement, **counts}


def register_month(value, today) -> datetime.date:
    """The register page's `month` (YYYY-MM): this month unless a valid one of the last five years."""
    try:
        month = datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        month = None
    if month is None or month > month_start(today) or month.year < today.year - 5:
        return month_start(today)
    return month


def received_in(qs, month: datetime.date):
    """Requests received in `month` (the register's performance is counted over these)."""
    start, end = _month_bounds(month)
    return qs.filter(received_at__gte=start, received_at__lt=end)


def _outcome_sql(done, due, now):
    """_outcome in SQL: met or breached once done, breached when overdue, else open."""
    return Case(
        When(**{f"{done}__isnull": False, f"{done}__lte": F(due)}, then=Value("met")),
        When(**{f"{done}__isnull": False}, then=Value("breached")),
        When(**{f"{due}__lt": now}, then=Value("breached")),
        default=Value("open"),
        output_field=CharField(),
    )


def with_outcomes(qs, now=None):
    """Each request's SLA outcomes as `response_outcome` and `resolution_outcome` (for its export)."""
    now = now or timezone.now()
    return qs.annotate(
        response_outcome=_outcome_sql("first_response_at", "response_due_at", now),
        resolution_outcome=_outcome_sql("resolved_at", "resolution_due_at", now),
    )
