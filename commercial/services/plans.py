"""Account plans' writes: plans and their targets, objectives, plan reviews (raised by the calendar, by
hand, or by the clients services when a decision maker leaves or the lead AM changes), the monthly
client review mark, and the QBRs beat schedules."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone

from clients.models import AccountTeamMembership, Client, Contact
from clients.services.activity import action_add, contact_set_stance
from csops.dates import month_end, month_start, quarter_end, quarter_start
from csops.rows import BATCH_SIZE, RunReport, run_in_batches
from csops.versioning import version_claim
from people.models import ReminderClaim
from people.services import Notice, notify_each, notify_many
from people.services.digests import Item, notify_digests
from reporting.models import AGENCY_CURRENCY, ExchangeRate
from reporting.services.occurrences import occurrence_complete

from ..models import (
    CALENDAR_TRIGGERS,
    AccountPlan,
    ClientReviewMonth,
    Metric,
    PlanMetric,
    PlanObjective,
    PlanReview,
    PlanSettings,
    Qbr,
    Trigger,
)

REVIEW_DAYS = 14  # a review raised by an event is due within two weeks


# --- plans -------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, client, year: int, business_objective: str, goal: str, by, targets=None) -> AccountPlan:
    """A plan with the six rows of seed 002's table; `targets` {metric: [q1, q2, q3, q4]} fills them.

    A second plan for the client and year is refused by the unique constraint (IntegrityError)."""
    plan = AccountPlan(
        client=client, year=year, business_objective=business_objective, goal=goal, created_by=by
    )
    plan.full_clean(validate_constraints=False)
    plan.save()
    targets = targets or {}
    PlanMetric.objects.bulk_create(
        [
            PlanMetric(plan=plan, metric=metric, **_quarters("target", targets.get(metric)))
            for metric in Metric.values
        ]
    )
    return plan


def _quarters(prefix: str, values) -> dict:
    values = list(values or [None] * 4)
    return {f"{prefix}_q{q}": values[q - 1] for q in (1, 2, 3, 4)}


@transaction.atomic
def plan_update(*, plan, by, version, business_objective: str, goal: str, rows: dict) -> AccountPlan:
    """Save the plan's words and its table: rows {metric: {"target_q1": …, "actual_q1": …}}.

    StaleEdit when someone saved the plan after the form was loaded (nothing is written)."""
    version_claim(plan, version)
    plan.business_objective, plan.goal = business_objective, goal
    plan.full_clean(validate_constraints=False)
    plan.save()
    for metric in plan.metrics.select_for_update():
        wanted = rows.get(metric.metric, {})
        changed = [f for f, v in wanted.items() if getattr(metric, f) != v]
        for field in changed:
            setattr(metric, field, wanted[field])
        if changed:
            metric.save(update_fields=changed)
    return plan


@transaction.atomic
def objective_add(*, plan, by, description: str, owner, due_date) -> PlanObjective:
    objective = PlanObjective(plan=plan, description=description.strip(), owner=owner, due_date=due_date)
    objective.full_clean()
    objective.save()
    if owner.pk != by.pk:
        notify_many(
            [
                Notice(
                    user=owner,
                    key=f"plan-objective-{objective.pk}",
                    url=reverse("commercial:plan_detail", args=[plan.client_id, plan.year]),
                    subject=f"Account plan objective for you: {plan.client.name}",
                    body=f"{objective.description} — by {due_date:%d %B %Y}.",
                )
            ]
        )
    return objective


def objective_set_done(*, objective, by, done: bool = True) -> PlanObjective:
    if done and objective.status == PlanObjective.Status.OPEN:
        objective.status, objective.done_at = PlanObjective.Status.DONE, timezone.now()
    elif not done and objective.status == PlanObjective.Status.DONE:
        objective.status, objective.done_at = PlanObjective.Status.OPEN, None
    else:
        return objective
    objective.save(update_fields=["status", "done_at"])
    return objective


# --- reviews -----------------------------------------------------------------------------------


def _review_notice(review, plan, lead) -> Notice:
    return Notice(
        user=lead,
        key=f"plan-review-{review.pk}-due",
        url=reverse("commercial:review_detail", args=[plan.client_id, review.pk]),
        subject=f"Plan review due: {plan.client.name} ({review.get_trigger_display()})",
        body=(f"{review.what_happened}\n\n" if review.what_happened else "")
        + f"Walk the {plan.year} plan by {review.due_date:%d %B %Y}: each metric, each stakeholder. "
        "A review produces actions, or says why nothing changes.",
    )


def _lead_of(client_id):
    membership = (
        AccountTeamMembership.objects.filter(client_id=client_id, is_lead=True).select_related("user").first()
    )
    return membership.user if membership else None


@transaction.atomic
def review_raise(
    *, plan, trigger: str, what_happened: str, by, event_key: str = "", due_date=None
) -> PlanReview:
    """Raise a review of the plan by hand (what happened) or for an event; the lead AM hears.

    An event raises one review however often its write runs (the event key is unique per plan)."""
    if trigger in CALENDAR_TRIGGERS:
        raise ValidationError({"trigger": "Calendar reviews come from the calendar: choose what happened."})
    if not what_happened.strip():
        raise ValidationError({"what_happened": "Say what happened that calls for a review."})
    review = PlanReview(
        plan=plan,
        trigger=trigger,
        what_happened=what_happened.strip(),
        event_key=event_key,
        due_date=due_date or timezone.localdate() + datetime.timedelta(days=REVIEW_DAYS),
        raised_by=by,
    )
    review.full_clean(validate_constraints=False)
    if event_key:
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            return PlanReview.objects.get(plan=plan, event_key=event_key)
    else:
        review.save()
    lead = _lead_of(plan.client_id)
    if lead is not None and (by is None or lead.pk != by.pk):
        notify_many([_review_notice(review, plan, lead)])
    return review


def review_on_event(*, client, trigger: str, event_key: str, what_happened: str, by) -> PlanReview | None:
    """What the clients services call when a decision maker leaves or the lead AM changes: a review of
    this year's plan, if the client has one (nothing to review otherwise)."""
    plan = AccountPlan.objects.filter(client=client, year=timezone.localdate().year).first()
    if plan is None:
        return None
    return review_raise(plan=plan, trigger=trigger, what_happened=what_happened, by=by, event_key=event_key)


def clients_with_plan_this_year(client_ids) -> set[int]:
    """Of these clients, those with a plan for review_on_event to review (one query: a bulk import
    asks it before raising reviews one by one, for those clients only)."""
    if not client_ids:
        return set()
    plans = AccountPlan.objects.filter(client_id__in=client_ids, year=timezone.localdate().year)
    return set(plans.values_list("client_id", flat=True))


def contact_archived(*, contact, by) -> PlanReview | None:
    if not contact.decision_maker:
        return None
    return review_on_event(
        client=contact.client,
        trigger=Trigger.CLIENT_PERSONNEL,
        event_key=f"contact-{contact.pk}-archived",
        what_happened=f"{contact.name}{f' ({contact.title})' if contact.title else ''}, a decision maker, "
        "left the stakeholder map.",
        by=by,
    )


def contact_decision_maker_changed(*, contact, was: bool, by) -> PlanReview | None:
    """A decision maker replaced: one no longer decides, or a new one does."""
    if was == contact.decision_maker:
        return None
    change = "is no longer a decision maker" if was else "is a new decision maker"
    return review_on_event(
        client=contact.client,
        trigger=Trigger.CLIENT_PERSONNEL,
        event_key=f"contact-{contact.pk}-dm-{'off' if was else 'on'}-{timezone.localdate():%Y%m%d}",
        what_happened=f"{contact.name}{f' ({contact.title})' if contact.title else ''} {change}.",
        by=by,
    )


def lead_changed(*, client, old_user, new_user, by) -> PlanReview | None:
    if old_user is None or new_user is None or old_user.pk == new_user.pk:
        return None
    return review_on_event(
        client=client,
        trigger=Trigger.OUR_PERSONNEL,
        event_key=f"lead-{old_user.pk}-{new_user.pk}-{timezone.localdate():%Y%m%d}",
        what_happened=(
            f"The lead AM changed: {old_user.get_full_name() or old_user.username} → "
            f"{new_user.get_full_name() or new_user.username}."
        ),
        by=by,
    )


@transaction.atomic
def review_complete(
    *, review, by, walk: list[dict], changes: str, no_change_reason: str, actions=(), stances=None
) -> PlanReview:
    """Record the walk and what changed, apply stakeholder moves, add the actions [(description,
    owner, due_date)]; refused (ValidationError, nothing written) without an action or a reason."""
    locked = PlanReview.objects.select_for_update().get(pk=review.pk)
    if locked.status == PlanReview.Status.DONE:
        raise ValidationError("This review is already done.")
    actions = [a for a in actions if a]
    if not actions and not no_change_reason.strip():
        raise ValidationError(
            {"no_change_reason": "A review produces at least one action, or says why nothing changes."}
        )
    client = review.plan.client
    for contact in Contact.objects.filter(client=client, pk__in=list((stances or {}).keys())):
        contact_set_stance(contact=contact, by=by, stance=stances[contact.pk])
    made = [
        action_add(client=client, by=by, description=description, owner=owner, due_date=due)
        for description, owner, due in actions
    ]
    locked.walk, locked.changes, locked.no_change_reason = walk, changes.strip(), no_change_reason.strip()
    locked.status, locked.completed_at, locked.completed_by = PlanReview.Status.DONE, timezone.now(), by
    locked.save()
    locked.actions.set(made)
    return locked


def calendar_trigger(day: datetime.date) -> str:
    """Each month has one calendar review: the quarter's last month the quarterly, December the annual."""
    if day.month == 12:
        return Trigger.ANNUAL
    if day.month in (3, 6, 9):
        return Trigger.QUARTERLY
    return Trigger.MONTHLY


def plan_reviews_due(*, today) -> RunReport:
    """Make this month's calendar review due on every current client's plan for the year, and remind
    the lead AM (once per review). Run twice, or on two workers: one review, one notice."""
    period, trigger = month_start(today), calendar_trigger(today)
    plans = (
        AccountPlan.objects.filter(year=today.year, client__in=Client.objects.current())
        .exclude(Exists(PlanReview.objects.filter(plan=OuterRef("pk"), trigger=trigger, period=period)))
        .values_list("pk", flat=True)
    )

    def make_due(ids) -> int:
        before = PlanReview.objects.filter(plan_id__in=ids, trigger=trigger, period=period).count()
        PlanReview.objects.bulk_create(
            [PlanReview(plan_id=pk, trigger=trigger, period=period, due_date=month_end(today)) for pk in ids],
            ignore_conflicts=True,
        )
        return PlanReview.objects.filter(plan_id__in=ids, trigger=trigger, period=period).count() - before

    report = run_in_batches(
        plans.iterator(chunk_size=BATCH_SIZE),
        make_due,
        report=RunReport("plan reviews made due"),
        describe=lambda pk: f"plan {pk}",
    )
    # the lead of each plan with this period's review still due, with the review: one query
    leads = (
        AccountTeamMembership.objects.filter(
            is_lead=True,
            client__account_plans__reviews__period=period,
            client__account_plans__reviews__trigger=trigger,
            client__account_plans__reviews__status=PlanReview.Status.DUE,
        )
        .select_related("user", "client")
        .annotate(
            review_id=F("client__account_plans__reviews__pk"),
            plan_year=F("client__account_plans__year"),
        )
    )
    label = Trigger(trigger).label
    report.failed += notify_each(
        (
            Notice(
                user=m.user,
                key=f"plan-review-{m.review_id}-due",
                url=reverse("commercial:review_detail", args=[m.client_id, m.review_id]),
                subject=f"Plan review due: {m.client.name} ({label})",
                body=f"Walk the {m.plan_year} plan by {month_end(today):%d %B %Y}: each metric, each "
                "stakeholder. A review produces actions, or says why nothing changes.",
            )
            for m in leads.iterator(chunk_size=BATCH_SIZE)
        ),
        task="plan review reminders",
    ).failed
    return report


# --- the client review document --------------------------------------------------------------


@transaction.atomic
def client_review_mark(*, client, month: datetime.date, by, note: str = "") -> ClientReviewMonth:
    """Mark the month's client review document reviewed (once; a second mark changes nothing)."""
    row, _ = ClientReviewMonth.objects.get_or_create(
        client=client, month=month_start(month), defaults={"reviewed_by": by, "note": note.strip()}
    )
    return row


def client_review_reminders(*, today) -> RunReport:
    """From the 1st: the lead AM of each current client whose last month's review document is not
    marked reviewed hears, once per client and month — in one digest listing all those clients."""
    last = month_start(month_start(today) - datetime.timedelta(days=1))
    rows = list(
        AccountTeamMembership.objects.filter(is_lead=True, client__in=Client.objects.current())
        .exclude(Exists(ClientReviewMonth.objects.filter(client=OuterRef("client_id"), month=last)))
        # claimed already this month (by an earlier run's digest): the daily rerun reads no rows
        .exclude(
            Exists(
                ReminderClaim.objects.filter(
                    user=OuterRef("user_id"),
                    key=Concat(
                        Value("client-review-"),
                        Cast(OuterRef("client_id"), CharField()),
                        Value(f"-{last:%Y-%m}"),
                    ),
                )
            )
        )
        .values_list("client_id", "client__name", "user_id")
    )
    # the lead AMs once each (a few hundred people), not a user row per client
    users = get_user_model().objects.in_bulk({user_id for _, _, user_id in rows})
    return notify_digests(
        (
            Item(
                user=users[user_id],
                key=f"client-review-{client_id}-{last:%Y-%m}",
                label=name,
                url=reverse("commercial:client_review", args=[client_id]),
            )
            for client_id, name, user_id in rows
        ),
        task="client review reminders",
        key=f"client-review-{last:%Y-%m}",
        subject=f"Client review for {last:%B}: {{count}} of your clients not marked reviewed",
        body="Seed 000: the client review document is updated monthly — stakeholders, channels, "
        "plan metrics, NPS, flags, opportunities. Review each client's document below and mark it reviewed.",
    )


# --- QBRs --------------------------------------------------------------------------------------


def qbr_clients(threshold: Decimal | None = None):
    """Current clients worth `threshold` (default: the admin's setting) a year or more — 12 × monthly
    spend, or the project value — in pounds through the exchange rates; a currency with no rate
    cannot qualify. One query: the setting and the rates are subqueries."""
    if threshold is None:
        setting = PlanSettings.objects.order_by("pk").values("qbr_threshold")[:1]
        threshold = Coalesce(Subquery(setting), Value(PlanSettings._meta.get_field("qbr_threshold").default))
    else:
        threshold = Value(threshold)
    money = DecimalField(max_digits=20, decimal_places=4)
    rate = Case(
        When(currency=AGENCY_CURRENCY, then=Value(Decimal(1))),
        default=Subquery(ExchangeRate.objects.filter(currency=OuterRef("currency")).values("rate")[:1]),
        output_field=money,
    )
    annual = Case(
        When(engagement_type="retained", then=F("monthly_spend") * 12),
        default=F("project_value"),
        output_field=money,
    )
    return (
        Client.objects.current()
        .annotate(annual_pounds=ExpressionWrapper(annual * rate, output_field=money), qbr_floor=threshold)
        .filter(annual_pounds__gte=F("qbr_floor"))
    )


def qbrs_schedule(*, today) -> RunReport:
    """This quarter's QBR for every client at or above the threshold; the lead AM hears once."""
    quarter = quarter_start(today)
    clients = qbr_clients().exclude(Exists(Qbr.objects.filter(client=OuterRef("pk"), quarter=quarter)))

    def schedule(ids) -> int:
        before = Qbr.objects.filter(client_id__in=ids, quarter=quarter).count()
        Qbr.objects.bulk_create([Qbr(client_id=pk, quarter=quarter) for pk in ids], ignore_conflicts=True)
        return Qbr.objects.filter(client_id__in=ids, quarter=quarter).count() - before

    report = run_in_batches(
        clients.values_list("pk", flat=True).iterator(chunk_size=BATCH_SIZE),
        schedule,
        report=RunReport("QBRs scheduled"),
        describe=lambda pk: f"client {pk}",
    )
    leads = AccountTeamMembership.objects.filter(
        is_lead=True, client__qbrs__quarter=quarter, client__qbrs__status=Qbr.Status.SCHEDULED
    ).select_related("user", "client")
    label = f"Q{(quarter.month - 1) // 3 + 1} {quarter.year}"
    report.failed += notify_each(
        (
            Notice(
                user=m.user,
                key=f"qbr-{m.client_id}-{quarter}",
                url=reverse("commercial:qbr_list", args=[m.client_id]),
                subject=f"{label} business review due: {m.client.name}",
                body=f"Book the on-site QBR with the key decision makers before {quarter_end(quarter):%d %B} "
                "and write the progress report (seed 003).",
            )
            for m in leads.iterator(chunk_size=BATCH_SIZE)
        ),
        task="QBR notices",
    ).failed
    return report


@transaction.atomic
def qbr_update(*, form, by) -> Qbr:
    """Save the QBR's narrative; StaleEdit when someone saved it after the form was loaded."""
    version_claim(form.instance, form.cleaned_data.get("version"))
    return form.save()


# --- the monthly client report ---------------------------------------------------------------


def client_report_sent(*, occurrence, by):
    """The monthly report went to the client: tick its occurrence done (reporting's service)."""
    return occurrence_complete(occurrence=occurrence, by=by)
