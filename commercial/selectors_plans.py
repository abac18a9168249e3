"""Reads of account plans: the metrics table with actuals computed from the data, a plan at a glance,
the objectives and reviews on a person's week.

Every read costs a fixed number of queries whatever the history holds: the stakeholder map as at a
quarter's end is one query over the contacts' history per quarter, meetings one grouped
count, income one read of the client's spend history and one of its contracts.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractQuarter
from django.utils import timezone

from clients.models import Call, Client, Contact
from csops.dates import add_months, month_end, quarter_start

from .models import (
    LOWER_IS_BETTER,
    MONEY_METRICS,
    QUARTERS,
    AccountPlan,
    Contract,
    Metric,
    Opportunity,
    PlanMetric,
    PlanObjective,
    PlanReview,
    Trigger,
)

ALLY_STANCES = (Contact.Stance.ALLY, Contact.Stance.FRIEND)
ENEMY_STANCES = (Contact.Stance.ENEMY, Contact.Stance.PROTESTER)
INCOME_CONTRACT_STATUSES = (Contract.Status.SIGNED, Contract.Status.ENDED, Contract.Status.RENEWED)


def quarter_bounds(year: int, q: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * q - 2, 1)
    return start, month_end(add_months(start, 2))


def day_start(day: datetime.date) -> datetime.datetime:
    """The start of `day`, local time (an exclusive end for "as at the end of the day before")."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _quarters_seen(year: int, today: datetime.date) -> list[int]:
    """The quarters of `year` that have started by `today`."""
    return [q for q in QUARTERS if quarter_bounds(year, q)[0] <= today]


# --- actuals from the data ---------------------------------------------------------------------


def stakeholders_as_at(client_id: int, moment: datetime.datetime | None) -> dict:
    """{"allies": n, "enemies": n}: the stakeholder map as it stood at `moment` (None: now).

    From simple_history: each contact's latest historical row before the moment, not
    deleted and not archived by then. One query.
    """
    if moment is None or moment >= timezone.now():
        rows = Contact.objects.filter(client_id=client_id, archived_at__isnull=True)
    else:
        history = Contact.history.model
        before = history.objects.filter(client_id=client_id, history_date__lt=moment)
        # each contact's newest row before the moment: a correlated subquery, so SQLite (make run)
        # answers it as PostgreSQL does (DISTINCT ON is PostgreSQL's alone)
        newest = (
            before.filter(id=OuterRef("id")).order_by("-history_date", "-history_id").values("history_id")
        )
        rows = (
            before.annotate(newest=Subquery(newest[:1]))
            .filter(history_id=F("newest"))
            .exclude(history_type="-")
        )
        rows = rows.filter(Q(archived_at__isnull=True) | Q(archived_at__gte=moment))
    return rows.aggregate(
        allies=Count("pk", filter=Q(stance__in=ALLY_STANCES)),
        enemies=Count("pk", filter=Q(stance__in=ENEMY_STANCES)),
    )


def meetings_by_quarter(client_id: int, year: int) -> dict[int, int]:
    """Calls and meetings held in each quarter of `year` (one grouped count)."""
    rows = (
        Call.objects.filter(
            client_id=client_id,
            held=True,
            held_at__gte=day_start(datetime.date(year, 1, 1)),
            held_at__lt=day_start(datetime.date(year + 1, 1, 1)),
        )
        .annotate(q=ExtractQuarter("held_at"))
        .values("q")
        .annotate(n=Count("pk"))
    )
    return {row["q"]: row["n"] for row in rows}


def monthly_income(client_id: int, first: datetime.date, last: datetime.date) -> dict[datetime.date, Decimal]:
    """{first day of month: income} from `first` to `last`: a retained client's monthly spend as it
    stood at each month's end (the client's history), plus signed contracts of project work counted in
    the month they start. Two queries."""
    history = Client.history.model
    changes = list(
        history.objects.filter(id=client_id, history_date__lt=day_start(last + datetime.timedelta(days=1)))
        .order_by("history_date", "history_id")
        .values_list("history_date", "engagement_type", "monthly_spend")
    )
    months, day = {}, first
    index, spend = 0, Decimal(0)
    while day <= last:
        end = day_start(month_end(day) + datetime.timedelta(days=1))
        while index < len(changes) and changes[index][0] < end:
            _, engagement, monthly = changes[index]
            spend = (monthly or Decimal(0)) if engagement == "retained" else Decimal(0)
            index += 1
        months[day] = spend
        day = add_months(day, 1)
    contracts = (
        Contract.objects.filter(
            client_id=client_id,
            client__engagement_type="project",
            status__in=INCOME_CONTRACT_STATUSES,
            start_date__gte=first,
            start_date__lte=last,
        )
        .values_list("start_date", "value")
        .order_by()
    )
    for start, value in contracts:
        key = start.replace(day=1)
        months[key] = months.get(key, Decimal(0)) + value
    return months


def income_increase_by_quarter(client_id: int, year: int, today: datetime.date) -> dict[int, Decimal]:
    """The year's income to each quarter's end (or to date) minus the same months of last year."""
    income = monthly_income(client_id, datetime.date(year - 1, 1, 1), datetime.date(year, 12, 1))
    out = {}
    for q in _quarters_seen(year, today):
        months = [
            datetime.date(year, m, 1) for m in range(1, 3 * q + 1) if datetime.date(year, m, 1) <= today
        ]
        this = sum((income.get(m, 0) for m in months), Decimal(0))
        last = sum((income.get(m.replace(year=year - 1), 0) for m in months), Decimal(0))
        out[q] = this - last
    return out


def hand_entered(metric_row: dict) -> dict[int, Decimal | None]:
    """A metric the data cannot give: the actuals the account team typed in."""
    return {q: metric_row[f"actual_q{q}"] for q in QUARTERS}


def won_by_quarter(client_id: int, year: int) -> dict[int, dict]:
    """Per quarter of `year`: opportunities won (by won_at) and the distinct services of the
    cross-sell ones among them, the new services used. One grouped query."""
    rows = (
        Opportunity.objects.filter(
            client_id=client_id,
            stage=Opportunity.Stage.WON,
            won_at__gte=day_start(datetime.date(year, 1, 1)),
            won_at__lt=day_start(datetime.date(year + 1, 1, 1)),
        )
        .annotate(q=ExtractQuarter("won_at"))
        .values("q")
        .annotate(
            won=Count("pk"),
            services=Count("service", distinct=True, filter=Q(kind=Opportunity.Kind.CROSS_SELL)),
        )
        .order_by()
    )
    return {row["q"]: row for row in rows}


def computed_actuals(plan: AccountPlan, today: datetime.date, only: int | None = None) -> dict[str, dict]:
    """The metrics the data gives, per quarter started (or `only` that one): allies and enemies as at
    each quarter's end (enemies as the change since the year began), meetings held, income increase,
    opportunities won and the new services (cross-sells) among them."""
    year, seen = plan.year, _quarters_seen(plan.year, today)
    if only is not None:
        seen = [q for q in seen if q == only]
    baseline = stakeholders_as_at(plan.client_id, day_start(datetime.date(year, 1, 1)))
    allies, enemies = {}, {}
    for q in seen:
        end = quarter_bounds(year, q)[1]
        state = stakeholders_as_at(
            plan.client_id, None if end >= today else day_start(end + datetime.timedelta(days=1))
        )
        allies[q] = state["allies"]
        enemies[q] = state["enemies"] - baseline["enemies"]
    meetings = meetings_by_quarter(plan.client_id, year)
    won = won_by_quarter(plan.client_id, year)
    return {
        Metric.NEW_SERVICES: {q: won.get(q, {}).get("services", 0) for q in seen},
        Metric.OPPORTUNITIES: {q: won.get(q, {}).get("won", 0) for q in seen},
        Metric.ALLIES: allies,
        Metric.ENEMIES: enemies,
        Metric.MEETINGS: {q: meetings.get(q, 0) for q in seen},
        Metric.INCOME: income_increase_by_quarter(plan.client_id, year, today),
    }


# Metrics the data cannot give, read from what the account team typed (metric: reader). Empty since
# new services and opportunities secured come from won opportunities; the form keeps the hook.
HAND_ENTERED: dict = {}


def _state(metric: str, target, actual) -> str | None:
    if target is None:
        return None
    if actual is None:
        return "not_entered"
    good = actual <= target if metric in LOWER_IS_BETTER else actual >= target
    return "on_track" if good else "behind"


def metrics_table(
    plan: AccountPlan, today: datetime.date | None = None, only: int | None = None
) -> list[dict]:
    """The plan's metrics table: per metric, each quarter's target, actual and on track / behind
    (`only`: that quarter's actuals alone, the others left unread)."""
    today = today or timezone.localdate()
    computed = computed_actuals(plan, today, only)
    seen = set(_quarters_seen(plan.year, today))
    if only is not None:
        seen &= {only}
    table = []
    for row in PlanMetric.objects.filter(plan=plan).values():
        metric = row["metric"]
        if metric in HAND_ENTERED:
            actuals, by_hand = HAND_ENTERED[metric](plan, row)
        else:
            actuals, by_hand = computed.get(metric, {}), False
        quarters = []
        for q in QUARTERS:
            target = row[f"target_q{q}"]
            actual = actuals.get(q) if q in seen else None
            quarters.append(
                {
                    "q": q,
                    "target": target,
                    "actual": actual,
                    "started": q in seen,
                    "state": _state(metric, target, actual) if q in seen else None,
                }
            )
        table.append(
            {
                "metric": metric,
                "label": Metric(metric).label,
                "hand_entered": by_hand,
                "money": metric in MONEY_METRICS,
                "lower_is_better": metric in LOWER_IS_BETTER,
                "quarters": quarters,
            }
        )
    order = list(Metric.values)
    table.sort(key=lambda r: order.index(r["metric"]))
    return table


def current_quarter(plan: AccountPlan, today: datetime.date) -> int:
    if plan.year < today.year:
        return 4
    if plan.year > today.year:
        return 1
    return (today.month - 1) // 3 + 1


def plan_glance(client, today: datetime.date | None = None) -> dict:
    """The client page's plan at a glance: this year's plan and, per metric, this quarter's standing."""
    today = today or timezone.localdate()
    plan = (
        AccountPlan.objects.filter(client=client, year=today.year)
        .annotate(reviews_due=Count("reviews", filter=Q(reviews__status=PlanReview.Status.DUE)))
        .first()
    )
    if plan is None:
        return {"account_plan": None, "plan_year": today.year}
    q = current_quarter(plan, today)
    rows = [
        {**row, "now": row["quarters"][q - 1]}
        for row in metrics_table(plan, today, only=q)
        if row["quarters"][q - 1]["target"] is not None
    ]
    return {
        "account_plan": plan,
        "plan_year": today.year,
        "plan_quarter": q,
        "plan_rows": rows,
        "plan_behind": sum(1 for r in rows if r["now"]["state"] == "behind"),
        "plan_reviews_due": plan.reviews_due,
    }


def plan_history(plan: AccountPlan) -> list[dict]:
    """The plan's life: its edits (simple_history) and each review done, newest first."""
    edits = [
        {
            "when": h["history_date"],
            "kind": "edit",
            "text": "Plan created" if h["history_type"] == "+" else "Plan edited",
            "who": " ".join(filter(None, [h["history_user__first_name"], h["history_user__last_name"]])),
        }
        for h in AccountPlan.history.filter(id=plan.pk).values(
            "history_date", "history_type", "history_user__first_name", "history_user__last_name"
        )[:50]
    ]
    reviews = [
        {
            "when": r["completed_at"],
            "kind": "review",
            "review_id": r["pk"],
            "trigger_label": Trigger(r["trigger"]).label,
            "text": r["changes"] or r["no_change_reason"],
            "no_change": not r["changes"] and bool(r["no_change_reason"]),
            "actions": r["n_actions"],
            "who": " ".join(filter(None, [r["completed_by__first_name"], r["completed_by__last_name"]])),
        }
        for r in PlanReview.objects.filter(plan=plan, status=PlanReview.Status.DONE)
        .annotate(n_actions=Count("actions"))
        .values(
            "pk",
            "trigger",
            "completed_at",
            "changes",
            "no_change_reason",
            "n_actions",
            "completed_by__first_name",
            "completed_by__last_name",
        )
        .order_by("-completed_at")[:50]
    ]
    return sorted(edits + reviews, key=lambda e: e["when"], reverse=True)


def week_plan_items(user, today: datetime.date | None = None) -> dict:
    """My week: my open plan objectives due by the week's end, and plan reviews due on clients I lead."""
    today = today or timezone.localdate()
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    objectives = list(
        PlanObjective.objects.filter(
            owner=user, status=PlanObjective.Status.OPEN, due_date__lte=sunday + datetime.timedelta(days=21)
        )
        .values("pk", "description", "due_date", "plan__year", "plan__client_id", "plan__client__name")
        .order_by("due_date", "pk")[:20]
    )
    reviews = list(
        PlanReview.objects.filter(
            status=PlanReview.Status.DUE,
            plan__client__archived_at__isnull=True,
            plan__client__memberships__user=user,
            plan__client__memberships__is_lead=True,
        )
        .values(
            "pk",
            "trigger",
            "due_date",
            "what_happened",
            "plan__year",
            "plan__client_id",
            "plan__client__name",
        )
        .order_by("due_date", "pk")[:20]
    )
    for review in reviews:
        review["trigger_label"] = Trigger(review["trigger"]).label
    return {"plan_objectives": objectives, "plan_reviews": reviews, "plan_today": today}


def review_actions_before(day: datetime.date) -> Q:
    """Actions agreed in plan reviews completed before `day` (the weekly meet's item 1 carries them)."""
    done = PlanReview.actions.through.objects.filter(
        action_id=OuterRef("pk"), planreview__completed_at__lt=day_start(day)
    )
    return Q(Exists(done))


def spend_year(client_id: int, year: int) -> Decimal:
    """A year's income (spend history and project contracts), for the QBR's financial performance."""
    income = monthly_income(client_id, datetime.date(year, 1, 1), datetime.date(year, 12, 1))
    return sum(income.values(), Decimal(0))


def contracts_in_year(client_id: int, year: int) -> Decimal:
    return Contract.objects.filter(
        client_id=client_id, status__in=INCOME_CONTRACT_STATUSES, start_date__year=year
    ).aggregate(total=Sum("value"))["total"] or Decimal(0)


def quarter_label_of(day: datetime.date) -> str:
    start = quarter_start(day)
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


def reviews_due_of(plan) -> list[dict]:
    rows = list(
        PlanReview.objects.filter(plan=plan, status=PlanReview.Status.DUE)
        .values("pk", "trigger", "due_date", "what_happened")
        .order_by("due_date", "pk")
    )
    for row in rows:
        row["trigger_label"] = Trigger(row["trigger"]).label
    return rows
