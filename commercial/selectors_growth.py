"""Reads for cross- and upsell: a client's channel map, the pipeline, my opportunities and the
weekly meet's item 5. Each a fixed number of queries, whatever the size of the book."""

import datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from clients.models import Client
from csops.params import int_param

from .models import Audit, Channel, ChannelRow, Opportunity

MEET_LIMIT = 20
AUDIT_HORIZON_DAYS = 14  # the meet lists audits due within two weeks, and any overdue

# first-year value × probability: a monthly upsell counts twelve months, a one-off once
WEIGHTED = ExpressionWrapper(
    Coalesce(F("value"), Value(Decimal(0)))
    * Case(When(value_period="monthly", then=Value(12)), default=Value(1))
    * F("probability")
    / Value(100),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)
OPPORTUNITY_ROW = (
    "pk",
    "client_id",
    "client__name",
    "client__tier__name",
    "title",
    "kind",
    "service__name",
    "value",
    "value_period",
    "probability",
    "stage",
    "next_step",
    "next_step_date",
    "owner__first_name",
    "owner__last_name",
    "weighted",
)


def channel_map(client) -> list[dict]:
    """One line per active channel (and any retired one the client still has a row for)."""
    rows = {
        r.channel_id: r
        for r in ChannelRow.objects.filter(client=client).select_related("budget_owner", "channel")
    }
    channels = Channel.objects.filter(Q(active=True) | Q(pk__in=list(rows)))
    return [{"channel": ch, "row": rows.get(ch.pk)} for ch in channels]


def opportunities_for(user):
    """The opportunities this person may see: those of the clients they may read — the rule the
    opportunity page applies (views/growth.py `_opportunity`: clients.permissions VIEW on its client)."""
    return Opportunity.objects.filter(client__in=Client.objects.for_user(user).values("pk"))


def open_opportunities():
    return Opportunity.objects.filter(
        stage__in=Opportunity.OPEN_STAGES, client__archived_at__isnull=True
    ).annotate(weighted=WEIGHTED)


def pipeline_filters(params) -> dict:
    """The pipeline page's query parameters (am, tier, service, stage) as pipeline()'s filters; a bad
    value is "not given". The page, its export and the API read them through this one function."""
    stage = params.get("stage")
    return {
        "owner_id": int_param(params.get("am")),
        "tier_id": int_param(params.get("tier")),
        "service_id": int_param(params.get("service")),
        "stage": stage if stage in Opportunity.Stage.values else None,
    }


def pipeline_opportunities():
    """The pipeline's opportunities, with their weighted value: those on current clients (the pipeline
    is the CS team's, and the CS team reads every client)."""
    return Opportunity.objects.filter(client__archived_at__isnull=True).annotate(weighted=WEIGHTED)


def opportunities_narrowed(qs, *, owner_id=None, tier_id=None, service_id=None):
    """`qs` narrowed by owner, the client's tier and the service (the pipeline's filters but its stage)."""
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if tier_id:
        qs = qs.filter(client__tier_id=tier_id)
    if service_id:
        qs = qs.filter(service_id=service_id)
    return qs


def pipeline_rows(qs, stage=None):
    """One stage's opportunities, or every open one without a stage: the rows the pipeline lists."""
    rows = qs.filter(stage=stage) if stage else qs.filter(stage__in=Opportunity.OPEN_STAGES)
    return rows.order_by("-weighted", "next_step_date", "pk")


def pipeline_narrow(qs, params):
    """`qs` narrowed as the pipeline page narrows its rows for these query parameters (its export)."""
    filters = pipeline_filters(params)
    stage = filters.pop("stage")
    return pipeline_rows(opportunities_narrowed(qs, **filters), stage)


def pipeline(*, owner_id=None, tier_id=None, service_id=None, stage=None):
    """The pipeline: per stage (count, value, weighted value) in one query, and the rows to page."""
    qs = opportunities_narrowed(
        pipeline_opportunities(), owner_id=owner_id, tier_id=tier_id, service_id=service_id
    )
    by_stage = {
        row["stage"]: row
        for row in qs.order_by().values("stage").annotate(n=Count("pk"), weighted_total=Sum("weighted"))
    }
    stages = [
        {"code": code, "label": label, **by_stage.get(code, {"n": 0, "weighted_total": 0})}
        for code, label in Opportunity.Stage.choices
    ]
    rows = pipeline_rows(qs, stage).values(*OPPORTUNITY_ROW)
    open_weighted = sum((s["weighted_total"] or 0) for s in stages if s["code"] in Opportunity.OPEN_STAGES)
    return {"stages": stages, "rows": rows, "open_weighted": open_weighted}


def my_opportunities(user) -> dict:
    """My week: the open opportunities this person owns, next step soonest."""
    qs = open_opportunities().filter(owner=user)
    rows = list(qs.order_by(F("next_step_date").asc(nulls_last=True), "pk").values(*OPPORTUNITY_ROW)[:10])
    return {"rows": rows, "total": qs.count() if len(rows) == 10 else len(rows)}


def client_opportunities(client) -> list[dict]:
    return list(
        Opportunity.objects.filter(client=client)
        .annotate(weighted=WEIGHTED, audits_open=Count("audits", filter=~Q(audits__status="done")))
        .order_by(Case(When(stage__in=Opportunity.OPEN_STAGES, then=0), default=1), "-created_at")
        .values(*OPPORTUNITY_ROW, "audits_open")[:20]
    )


def tier_gaps():
    """Channel-map gaps on tier 1–2 clients: channels nobody runs, or run in-house and under KPI."""
    return ChannelRow.objects.filter(
        ChannelRow.GAP,
        client__archived_at__isnull=True,
        client__status__in=[Client.Status.ACTIVE, Client.Status.ONBOARDING],
        client__tier__rank__lte=2,
    )


def meet_growth(today, limit=MEET_LIMIT) -> dict:
    """Item 5 of the weekly meet: opportunities by priority, audits due, gaps on tier 1–2 clients,
    the first `limit` of each (None: all) and how many there are."""
    opportunities = open_opportunities()
    audits = Audit.objects.filter(
        ~Q(status=Audit.Status.DONE),
        due_date__lte=today + datetime.timedelta(days=AUDIT_HORIZON_DAYS),
        opportunity__client__archived_at__isnull=True,
    )
    gaps = tier_gaps()
    opportunity_rows = list(
        opportunities.order_by("-weighted", F("next_step_date").asc(nulls_last=True), "pk").values(
            *OPPORTUNITY_ROW
        )[:limit]
    )
    audit_rows = list(
        audits.order_by("due_date", "pk").values(
            "pk",
            "kind",
            "due_date",
            "status",
            "audience",
            "opportunity_id",
            "opportunity__title",
            "opportunity__client_id",
            "opportunity__client__name",
            "assignee__first_name",
            "assignee__last_name",
        )[:limit]
    )
    gap_rows = list(
        gaps.order_by("client__tier__rank", "client__name", "channel__position").values(
            "pk",
            "client_id",
            "client__name",
            "client__tier__name",
            "channel_id",
            "channel__name",
            "worker",
            "kpi",
            "kpi_note",
            "appetite",
        )[:limit]
    )
    return {
        "opportunities": opportunity_rows,
        "opportunities_total": _total(opportunity_rows, opportunities),
        "audits": audit_rows,
        "audits_total": _total(audit_rows, audits),
        "gaps": gap_rows,
        "gaps_total": _total(gap_rows, gaps),
    }


def _total(rows, qs) -> int:
    """How many in all (always counted, so the meet costs the same whatever the numbers)."""
    return qs.count()
