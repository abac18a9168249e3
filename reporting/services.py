"""Comms plans from the matrices, the occurrences they make due, and the recurring reminders.

Every function that a beat task calls is idempotent: rows are created with unique constraints
(ignore_conflicts) and people are told through `notify`, which tells each person once per event.
"""

import datetime
import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from clients.models import AccountTeamMembership, Call, Client, heads_of_cs
from people.services import notify

from .models import (
    BandTable,
    Cadence,
    CommsPlan,
    FeedbackCadence,
    NpsCheckIn,
    Occurrence,
    quarter_end,
    quarter_label,
    quarter_start,
)

log = logging.getLogger(__name__)

HORIZON_DAYS = 28  # occurrences are generated four weeks ahead
CALL_GRACE_DAYS = 2  # a call held up to two days either side of its date counts as on time
ESCALATE_AFTER_DAYS = 7  # missed for a week → the head of CS hears
PLAN_FIELDS = {
    "report_cadence": "reports",
    "call_cadence": "calls",
    "live_dashboard": "live dashboard",
    "entertainment_budget": "entertainment budget",
}


# --- comms plans -------------------------------------------------------------------------------------


def matrix_values(client, bands=None, budgets=None) -> dict:
    """What the reporting and entertainment matrices give this client."""
    from commercial.models import EntertainmentBudget

    band = (bands or BandTable.load()).for_client(client)
    values = {
        "report_cadence": "",
        "call_cadence": "",
        "live_dashboard": False,
        "entertainment_budget": 0,
        "derived_from": band,
    }
    if band is None:
        return values
    if not (band.is_bespoke or client.bespoke_plan):
        values.update(
            report_cadence=band.report_cadence,
            call_cadence=band.call_cadence,
            live_dashboard=band.live_dashboard == "yes",
        )
    budget = (
        budgets.get((band.pk, client.propensity))
        if budgets is not None
        else EntertainmentBudget.objects.filter(band=band, propensity=client.propensity)
        .values_list("monthly_budget", flat=True)
        .first()
    )
    values["entertainment_budget"] = budget or 0
    return values


def _display(field, value):
    if field == "live_dashboard":
        return "yes" if value else "no"
    if field == "entertainment_budget":
        return f"£{value:,.0f}/month"
    return dict(Cadence.choices).get(value, "to be set").lower() if value else "to be set"


def plan_differences(plan) -> list[tuple[str, str, str]]:
    """(what, the plan's value, the matrix's value) wherever a hand-edited plan departs from the matrix."""
    matrix = matrix_values(plan.client)
    return [
        (label, _display(f, getattr(plan, f)), _display(f, matrix[f]))
        for f, label in PLAN_FIELDS.items()
        if str(getattr(plan, f)) != str(matrix[f])
    ]


@transaction.atomic
def comms_plan_create(*, client, by=None) -> CommsPlan:
    plan, _ = CommsPlan.objects.get_or_create(
        client=client, defaults={**matrix_values(client), "anchor_date": timezone.localdate()}
    )
    return plan


@transaction.atomic
def comms_plan_refresh(*, client, by=None, reason: str = "") -> str:
    """After spend, engagement or propensity change: re-derive the plan; returns what changed ("" if nothing).

    A plan edited by hand is not overwritten: it keeps its values and notes that the matrix now
    says otherwise (the client page offers a reset).
    """
    plan = CommsPlan.objects.select_for_update().filter(client=client).first()
    if plan is None:
        comms_plan_create(client=client, by=by)
        return "Comms plan created from the matrix."
    matrix = matrix_values(client)
    changes = [
        f"{label} {_display(f, getattr(plan, f))} → {_display(f, matrix[f])}"
        for f, label in PLAN_FIELDS.items()
        if str(getattr(plan, f)) != str(matrix[f])
    ]
    if not changes:
        return ""
    prefix = f"{reason}: " if reason else ""
    if plan.customised:
        plan.last_change_note = (
            f"{prefix}the matrix now gives {'; '.join(changes)}. This plan was edited "
            "by hand and was left as it is."
        )
        plan.save(update_fields=["last_change_note", "updated_at"])
        return plan.last_change_note
    for field in PLAN_FIELDS:
        setattr(plan, field, matrix[field])
    plan.derived_from = matrix["derived_from"]
    plan.last_change_note = f"{prefix}{'; '.join(changes)}."
    plan._change_reason = plan.last_change_note[:100]  # simple_history keeps 100 characters of reason
    plan.save()
    return plan.last_change_note


@transaction.atomic
def comms_plan_update(*, plan, by, **fields) -> CommsPlan:
    for name, value in fields.items():
        setattr(plan, name, value)
    matrix = matrix_values(plan.client)
    plan.customised = any(str(getattr(plan, f)) != str(matrix[f]) for f in PLAN_FIELDS)
    plan.last_change_note = f"Edited by {by.get_full_name() or by.username}."
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def comms_plan_reset(*, plan, by) -> CommsPlan:
    matrix = matrix_values(plan.client)
    for field in PLAN_FIELDS:
        setattr(plan, field, matrix[field])
    plan.derived_from = matrix["derived_from"]
    plan.customised = False
    plan.last_change_note = f"Reset to the matrix by {by.get_full_name() or by.username}."
    plan.save()
    return plan


# --- occurrences -------------------------------------------------------------------------------------


def _first_weekday_of_month(year, month, weekday):
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _working_day(day):
    """Reports due on a weekend are due the Monday after."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def call_dates(plan, start, end):
    cadence, weekday = plan.call_cadence, plan.call_weekday
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    if cadence == Cadence.WEEKLY:
        return [d for d in days if d.weekday() == weekday]
    if cadence == Cadence.FORTNIGHTLY:
        anchor = plan.anchor_date - datetime.timedelta(days=plan.anchor_date.weekday())
        return [d for d in days if d.weekday() == weekday and ((d - anchor).days // 7) % 2 == 0]
    if cadence == Cadence.MONTHLY:
        return [d for d in days if d == _first_weekday_of_month(d.year, d.month, weekday)]
    if cadence == Cadence.INITIAL_ONLY:
        first = plan.anchor_date + datetime.timedelta(days=(weekday - plan.anchor_date.weekday()) % 7)
        return [first] if start <= first <= end else []
    return []


def report_dates(plan, start, end):
    cadence = plan.report_cadence
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    if cadence == Cadence.WEEKLY:  # weekly reports go out on Fridays
        return [d for d in days if d.weekday() == 4]
    if cadence in (Cadence.MONTHLY, Cadence.FORTNIGHTLY):  # monthly reports by the 5th (a working day)
        return sorted({_working_day(datetime.date(d.year, d.month, 5)) for d in days} & set(days))
    return []


def plans_in_play():
    lead = Prefetch(
        "client__memberships", queryset=AccountTeamMembership.objects.filter(is_lead=True), to_attr="leads"
    )
    return (
        CommsPlan.objects.filter(
            client__archived_at__isnull=True,
            client__status__in=[Client.Status.ACTIVE, Client.Status.ONBOARDING],
        )
        .select_related("client")
        .prefetch_related(lead)
    )


def occurrences_generate(*, today, horizon_days=HORIZON_DAYS) -> int:
    """Create the calls and reports due from today to the horizon; existing rows are left alone."""
    end = today + datetime.timedelta(days=horizon_days)
    rows = []
    for plan in plans_in_play():
        assignee = plan.client.leads[0].user_id if plan.client.leads else None
        rows += [
            Occurrence(
                client_id=plan.client_id,
                kind=Occurrence.Kind.CALL,
                due_date=d,
                due_time=plan.call_time,
                assignee_id=assignee,
            )
            for d in call_dates(plan, today, end)
        ]
        rows += [
            Occurrence(
                client_id=plan.client_id, kind=Occurrence.Kind.REPORT, due_date=d, assignee_id=assignee
            )
            for d in report_dates(plan, today, end)
        ]
    before = Occurrence.objects.count()
    Occurrence.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    created = Occurrence.objects.count() - before
    log.info("occurrences: %d new of %d due by %s", created, len(rows), end)
    return created


def occurrence_fulfil_by_call(call: Call):
    """A held call ticks off the call occurrence it answers (the nearest within the grace days)."""
    if not call.held:
        return None
    day = timezone.localdate(call.held_at)
    window = (day - datetime.timedelta(days=CALL_GRACE_DAYS), day + datetime.timedelta(days=CALL_GRACE_DAYS))
    candidates = Occurrence.objects.filter(
        client_id=call.client_id,
        kind=Occurrence.Kind.CALL,
        status__in=[Occurrence.Status.DUE, Occurrence.Status.MISSED],
        due_date__range=window,
    )
    occurrence = min(candidates, key=lambda o: abs((o.due_date - day).days), default=None)
    if occurrence is not None:
        Occurrence.objects.filter(pk=occurrence.pk).update(
            status=Occurrence.Status.DONE, done_at=call.held_at, call=call
        )
    return occurrence


def occurrence_complete(*, occurrence, by) -> Occurrence:
    if occurrence.status != Occurrence.Status.DONE:
        occurrence.status, occurrence.done_at = Occurrence.Status.DONE, timezone.now()
        occurrence.save(update_fields=["status", "done_at"])
    return occurrence


def _client_url(client_id):
    return reverse("clients:detail", args=[client_id])


def occurrences_mark_missed(*, today) -> int:
    """Calls not held within the grace days, and reports past their date, become missed.

    The assignee hears at once; the heads of CS hear when one is still missed a week on.
    """
    late = Q(kind=Occurrence.Kind.CALL, due_date__lt=today - datetime.timedelta(days=CALL_GRACE_DAYS)) | Q(
        kind=Occurrence.Kind.REPORT, due_date__lt=today
    )
    ids = list(Occurrence.objects.filter(late, status=Occurrence.Status.DUE).values_list("pk", flat=True))
    marked = Occurrence.objects.filter(pk__in=ids, status=Occurrence.Status.DUE).update(
        status=Occurrence.Status.MISSED
    )
    for occ in Occurrence.objects.filter(pk__in=ids).select_related("client", "assignee"):
        what = "call" if occ.kind == Occurrence.Kind.CALL else "report"
        notify(
            user=occ.assignee,
            key=f"occ-{occ.pk}-missed",
            url=_client_url(occ.client_id),
            subject=f"Missed {what}: {occ.client.name}, due {occ.due_date:%a %d %b}",
            body=f"The {what} due {occ.due_date:%A %d %B} has not been logged. Log it, or agree a new date.",
        )
    escalate = Occurrence.objects.filter(
        status=Occurrence.Status.MISSED,
        due_date__gte=today - datetime.timedelta(days=30),
        due_date__lte=today - datetime.timedelta(days=ESCALATE_AFTER_DAYS),
    ).select_related("client", "assignee")
    heads = list(heads_of_cs())
    for occ in escalate:
        who = occ.assignee.get_full_name() if occ.assignee else "nobody (no lead AM)"
        for head in heads:
            notify(
                user=head,
                key=f"occ-{occ.pk}-escalated",
                url=_client_url(occ.client_id),
                subject=f"Still missed after a week: {occ.get_kind_display().lower()} with {occ.client.name}",
                body=f"Due {occ.due_date:%d %b}, assigned to {who}.",
            )
    log.info("occurrences: %d marked missed", marked)
    return marked


def calls_remind_tomorrow(*, today) -> int:
    """The day before each call: a reminder to its AM with the call details."""
    tomorrow = today + datetime.timedelta(days=1)
    sent = 0
    due = Occurrence.objects.filter(
        kind=Occurrence.Kind.CALL, status=Occurrence.Status.DUE, due_date=tomorrow
    )
    for occ in due.select_related("client__comms_plan", "assignee"):
        plan = getattr(occ.client, "comms_plan", None)
        details = plan.call_details if plan else ""
        sent += notify(
            user=occ.assignee,
            key=f"occ-{occ.pk}-reminder",
            url=_client_url(occ.client_id),
            subject=f"Call tomorrow: {occ.client.name} at {occ.due_time:%H:%M}"
            if occ.due_time
            else f"Call tomorrow: {occ.client.name}",
            body="Rapport, delivery, strategy, commercial discovery."
            + (f"\nCall details: {details}" if details else ""),
        )
    return sent


def adherence(*, today, client_ids=None, days=90) -> dict:
    """Calls held on time / calls due over the last `days`, per client and per AM (one query).

    Only occurrences whose outcome is settled count (due date more than the grace days ago).
    Returns {"clients": {id: (held, due)}, "ams": {user_id: (held, due)}, "total": (held, due)}.
    """
    settled = today - datetime.timedelta(days=CALL_GRACE_DAYS)
    qs = Occurrence.objects.filter(
        kind=Occurrence.Kind.CALL, due_date__gte=today - datetime.timedelta(days=days), due_date__lt=settled
    )
    if client_ids is not None:
        qs = qs.filter(client_id__in=client_ids)
    rows = qs.values("client_id", "assignee_id").annotate(
        due=Count("pk"), held=Count("pk", filter=Q(status=Occurrence.Status.DONE))
    )
    clients, ams = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    total = [0, 0]
    for row in rows:
        for bucket in (clients[row["client_id"]], ams[row["assignee_id"]], total):
            bucket[0] += row["held"]
            bucket[1] += row["due"]
    return {
        "clients": {k: tuple(v) for k, v in clients.items()},
        "ams": {k: tuple(v) for k, v in ams.items()},
        "total": tuple(total),
    }


def percent(pair) -> int | None:
    held, due = pair
    return round(100 * held / due) if due else None


# --- NPS check-ins -----------------------------------------------------------------------------------


def nps_checkins_run(*, today) -> int:
    """Open this quarter's check-ins for sponsored clients, remind at +3 weeks, escalate at quarter end."""
    start = quarter_start(today)
    label = quarter_label(start)
    half_year = start.month in (1, 7)
    clients = (
        Client.objects.active()
        .filter(exec_sponsor__isnull=False, status__in=[Client.Status.ACTIVE, Client.Status.ONBOARDING])
        .exclude(comms_plan__feedback_cadence=FeedbackCadence.NONE)
    )
    if not half_year:
        clients = clients.exclude(comms_plan__feedback_cadence=FeedbackCadence.HALF_YEARLY)
    rows = [NpsCheckIn(client_id=c.pk, quarter=start, sponsor_id=c.exec_sponsor_id) for c in clients]
    before = NpsCheckIn.objects.filter(quarter=start).count()
    NpsCheckIn.objects.bulk_create(rows, ignore_conflicts=True)
    created = NpsCheckIn.objects.filter(quarter=start).count() - before

    due = list(
        NpsCheckIn.objects.filter(quarter=start, status=NpsCheckIn.Status.DUE).select_related(
            "client", "sponsor"
        )
    )
    by_sponsor = defaultdict(list)
    for checkin in due:
        by_sponsor[checkin.sponsor].append(checkin)
    for sponsor, checkins in by_sponsor.items():
        names = ", ".join(c.client.name for c in checkins)
        notify(
            user=sponsor,
            key=f"nps-{start}-due",
            url=reverse("home"),
            subject=f"{label}: your quarterly NPS calls are due ({len(checkins)})",
            body=f"Call each client, ask how likely they are to recommend us (0–10) and why: {names}.",
        )
        if today >= start + datetime.timedelta(weeks=3):
            notify(
                user=sponsor,
                key=f"nps-{start}-reminder",
                url=reverse("home"),
                subject=f"Reminder: {len(checkins)} NPS calls still to make this quarter",
                body=f"Still to call: {names}.",
            )
    if today >= quarter_end(start) and due:
        names = "; ".join(
            f"{c.client.name} ({c.sponsor.get_full_name() if c.sponsor else 'no sponsor'})" for c in due
        )
        for head in heads_of_cs():
            notify(
                user=head,
                key=f"nps-{start}-escalated",
                url=reverse("home"),
                subject=f"{label} ends with {len(due)} NPS check-ins not done",
                body=names,
            )
    return created
