"""Onboarding's reads: a pitch's CS price and fit, the pipeline, the onboarding list, the client
page's onboarding panel. `.values()` rows and SQL aggregates; a fixed number of queries per page."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Case, Count, DecimalField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients import permissions as perms
from people.models import Role

from .models import (
    CsPrice,
    FinanceDetails,
    FormLink,
    Onboarding,
    OnboardingChannel,
    OnboardingEmail,
    OnboardingForm,
    OnboardingStep,
    Pitch,
    ProjectInitiation,
    SpendBand,
    band_for,
)

PAGE_SIZE = 25
# who may read a client's finance details: exactly those who may edit its contacts (§1: the
# account team, the head of CS and admins), not the whole CS team or the exec sponsor
FINANCE = perms.EDIT_CONTACTS
# who runs a client's onboarding: the account team and the head of CS
RUN = perms.LOG_CALL


@dataclass
class Pricing:
    band: SpendBand | None
    tier: object | None  # the tier the spend suggests
    lines: list = field(default_factory=list)  # (service label, fee or None)
    matrix_fee: Decimal | None = None
    missing: list = field(default_factory=list)  # services the matrix has no price for
    fee: Decimal | None = None  # what the proposal charges: the override, else the matrix
    fit: dict | None = None  # the proposed CS person against the tier


def best_rank(user) -> int:
    if user is None:
        return 0
    return Role.objects.filter(profiles__user=user).aggregate(best=Coalesce(Max("rank"), 0))["best"]


def role_fit(user, tier) -> dict | None:
    """Does `user`'s most senior role reach what the tier asks of its lead (Tier.lead_min_role)?"""
    if user is None or tier is None or tier.lead_min_role_id is None:
        return None
    needs = tier.lead_min_role
    return {"fits": best_rank(user) >= needs.rank, "needs": needs.name, "tier": tier.name}


def pricing_for(
    *, engagement_type, amount, client_size, services, industry=None, proposed=None, override=None
):
    bands = list(SpendBand.objects.select_related("suggested_tier__lead_min_role"))
    band = band_for(bands, engagement_type, amount)
    tier = band.suggested_tier if band else None
    pricing = Pricing(band=band, tier=tier)
    rows = CsPrice.objects.filter(client_size=client_size, service__in=services).filter(
        Q(industry=industry) | Q(industry__isnull=True) if industry else Q(industry__isnull=True),
        Q(spend_band=band) | Q(spend_band__isnull=True) if band else Q(spend_band__isnull=True),
    )
    best = {}
    for row in rows.values("service", "industry_id", "spend_band_id", "monthly_fee"):
        rank = (row["industry_id"] is not None, row["spend_band_id"] is not None)
        if row["service"] not in best or rank > best[row["service"]][0]:
            best[row["service"]] = (rank, row["monthly_fee"])
    names = dict(CsPrice.Service.choices)
    for code in services:
        fee = best.get(code, (None, None))[1]
        pricing.lines.append((names.get(code, code), fee))
        if fee is None:
            pricing.missing.append(names.get(code, code))
    if services and not pricing.missing:
        pricing.matrix_fee = sum(fee for _, fee in pricing.lines)
    pricing.fee = override if override is not None else pricing.matrix_fee
    pricing.fit = role_fit(proposed, tier)
    return pricing


def pitch_pricing(pitch: Pitch) -> Pricing:
    return pricing_for(
        engagement_type=pitch.engagement_type,
        amount=pitch.amount,
        client_size=pitch.client_size,
        services=pitch.services,
        industry=pitch.industry,
        proposed=pitch.proposed_cs,
        override=pitch.cs_fee_override,
    )


PIPELINE_STAGES = [
    Pitch.Stage.LEAD,
    Pitch.Stage.PITCHING,
    Pitch.Stage.WON,
    Pitch.Stage.LOST,
    Pitch.Stage.WITHDRAWN,
    Pitch.Stage.NOT_PITCHED,
]


def _stage_q(stage: str) -> Q:
    if stage in (Pitch.Stage.WON, Pitch.Stage.LOST, Pitch.Stage.WITHDRAWN):
        return Q(outcome=stage)
    open_ = Q(outcome=Pitch.Outcome.OPEN)
    if stage == Pitch.Stage.NOT_PITCHED:
        return open_ & Q(decision=Pitch.Decision.NO)
    decision = Pitch.Decision.YES if stage == Pitch.Stage.PITCHING else Pitch.Decision.PENDING
    return open_ & Q(decision=decision)


def pipeline_stage(value) -> str | None:
    """The pipeline page's `stage` parameter: one of its stages, or None (a bad value is "not given")."""
    return value if value in PIPELINE_STAGES else None


def pipeline_pitches(qs, stage: str | None):
    """The pitches the pipeline lists: one stage's, or every open one without a stage."""
    qs = qs.filter(_stage_q(stage)) if stage else qs.open()
    return qs.order_by("pitch_date", "prospect_name", "pk")


def pipeline_narrow(qs, params):
    """`qs` narrowed as the pipeline page narrows its list for these query parameters (its export)."""
    return pipeline_pitches(qs, pipeline_stage(params.get("stage")))


def with_stage_label(qs):
    """Each pitch's stage (decided by decision and outcome, not stored) as `stage_label`."""
    return qs.annotate(
        stage_label=Case(
            *(When(_stage_q(code), then=Value(Pitch.Stage(code).label)) for code in PIPELINE_STAGES),
            default=Value(""),
        )
    )


def pipeline(*, stage: str | None, page: str | None) -> dict:
    """Counts and values per stage (one grouped query) and one stage's pitches, paginated."""
    money = DecimalField(max_digits=14, decimal_places=2)
    totals = {
        (r["decision"], r["outcome"]): r
        for r in Pitch.objects.values("decision", "outcome")
        .annotate(
            n=Count("pk"),
            monthly=Coalesce(Sum("monthly_spend"), Value(0, output_field=money)),
            projects=Coalesce(Sum("project_value"), Value(0, output_field=money)),
        )
        .order_by()
    }
    stages = []
    for code in PIPELINE_STAGES:
        rows = [r for (d, o), r in totals.items() if Pitch(decision=d, outcome=o).stage == code]
        stages.append(
            {
                "code": code,
                "label": Pitch.Stage(code).label,
                "count": sum(r["n"] for r in rows),
                "monthly": sum((r["monthly"] for r in rows), Decimal(0)),
                "projects": sum((r["projects"] for r in rows), Decimal(0)),
            }
        )
    chosen = pipeline_stage(stage)
    qs = pipeline_pitches(Pitch.objects.all(), chosen).values(
        "pk",
        "prospect_name",
        "engagement_type",
        "monthly_spend",
        "project_value",
        "decision",
        "outcome",
        "pitch_date",
        "client_id",
        "new_business_owner__first_name",
        "new_business_owner__last_name",
        "proposed_cs__first_name",
        "proposed_cs__last_name",
    )
    page_obj = Paginator(qs, PAGE_SIZE).get_page(page)
    for row in page_obj.object_list:
        row["stage"] = Pitch.Stage(Pitch(decision=row["decision"], outcome=row["outcome"]).stage).label
    return {"stages": stages, "stage": chosen, "page": page_obj}


def onboarding_list(*, today, overdue_only: bool, page: str | None) -> dict:
    """Clients in onboarding with their progress and overdue steps, in SQL (counts per onboarding)."""
    open_ = Q(steps__status=OnboardingStep.Status.OPEN)
    qs = (
        Onboarding.objects.filter(completed_at__isnull=True, client__archived_at__isnull=True)
        .annotate(
            total=Count("steps"),
            finished=Count("steps", filter=~open_),
            overdue=Count("steps", filter=open_ & Q(steps__due_date__lt=today)),
        )
        .order_by("-overdue", "won_on", "pk")
    )
    if overdue_only:
        qs = qs.filter(overdue__gt=0)
    rows = qs.values(
        "pk",
        "client_id",
        "client__name",
        "won_on",
        "meeting",
        "total",
        "finished",
        "overdue",
        "new_business_owner__first_name",
        "new_business_owner__last_name",
    )
    page_obj = Paginator(rows, PAGE_SIZE).get_page(page)
    ids = [r["pk"] for r in page_obj.object_list]
    late = {}
    for step in (
        OnboardingStep.objects.filter(
            onboarding_id__in=ids, status=OnboardingStep.Status.OPEN, due_date__lt=today
        )
        .order_by("due_date", "order")
        .values("onboarding_id", "title", "due_date", "owner__first_name", "owner__last_name")
    ):
        late.setdefault(step["onboarding_id"], []).append(step)
    for row in page_obj.object_list:
        row["late_steps"] = late.get(row["pk"], [])
        row["percent"] = round(100 * row["finished"] / row["total"]) if row["total"] else 0
    return {"page": page_obj, "overdue_only": overdue_only}


def client_onboarding_panel(client, user) -> dict:
    """The client page's onboarding section: checklist, forms, channels, emails, project forms."""
    today = timezone.localdate()
    onboarding = Onboarding.objects.filter(client=client).select_related("new_business_owner").first()
    steps = []
    if onboarding is not None:
        steps = list(onboarding.steps.select_related("owner").order_by("order"))
        for step in steps:
            step.overdue = step.status == OnboardingStep.Status.OPEN and step.due_date < today
    finished = sum(1 for s in steps if s.status != OnboardingStep.Status.OPEN)
    may_run = perms.may(user, RUN, client)
    may_finance = perms.may(user, FINANCE, client)
    form = (
        OnboardingForm.objects.filter(client=client)
        .only("pk", "kind", "submitted_at", "submitted_by_contact")
        .first()
    )
    finance = FinanceDetails.objects.filter(client=client).first() if may_finance else None
    links = list(
        FormLink.objects.filter(client=client, used_at__isnull=True)
        .order_by("-created_at")
        .values("kind", "created_at")[:5]
    )
    return {
        "onboarding": onboarding,
        "steps": steps,
        "finished": finished,
        "percent": round(100 * finished / len(steps)) if steps else 0,
        "may_run": may_run,
        "may_finance": may_finance,
        "intake_form": form,
        "finance": finance,
        "has_finance": finance is not None
        or (not may_finance and FinanceDetails.objects.filter(client=client).exists()),
        "waiting_links": links,
        "channels": list(
            OnboardingChannel.objects.filter(client=client, archived_at__isnull=True).values(
                "channel", "budget_owner", "done_by", "done_by_name"
            )[:50]
        ),
        "doers": dict(OnboardingChannel.Doer.choices),
        "emails": list(OnboardingEmail.objects.filter(client=client).values("code", "to", "sent_at")[:10]),
        "projects": list(
            ProjectInitiation.objects.filter(client=client).values(
                "pk", "kind", "job_number", "name", "budget", "start_date", "end_date"
            )[:20]
        ),
    }
