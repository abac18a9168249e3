"""Comms plans from the matrices, the occurrences they make due, and the recurring reminders.

Every function that a beat task calls is idempotent: rows are created with unique constraints
(ignore_conflicts) and people are told through `notify`, which tells each person once per event.
"""

import datetime
import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clients.models import Call, Client, cs_team_users, heads_of_cs, leads_prefetch
from csops.dates import add_months, month_start, quarter_end, quarter_label, quarter_start, week_start
from csops.rows import BATCH_SIZE, RunReport, run_in_batches
from csops.versioning import version_claim
from people.outbox import email_enqueue, task_enqueue
from people.services import Notice, notify, notify_each, notify_many

from .models import (
    BandTable,
    Cadence,
    CommsPlan,
    FeedbackCadence,
    Meeting,
    NpsCheckIn,
    Occurrence,
    SurveyInvite,
    SurveyResponse,
)
from .schedule import call_dates, report_dates

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


def counted(n: int, noun: str) -> str:
    """ "1 action", "2 actions": a count people read in a notification."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


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


def _same(field, a, b) -> bool:
    """Whether a plan's value and the matrix's agree: as values, never as their text.

    A budget read back from the database is Decimal("0.00") where the matrix says 0; compared as
    strings they differed, so plans were falsely "edited by hand" and got "£0 → £0" notes.
    """
    if field == "entertainment_budget":
        return Decimal(str(a or 0)) == Decimal(str(b or 0))
    if field == "live_dashboard":
        return bool(a) == bool(b)
    return (a or "") == (b or "")


def _departures(plan, matrix) -> list[str]:
    """The matrix-derived fields (never the notes or call details) where the plan differs."""
    return [f for f in PLAN_FIELDS if not _same(f, getattr(plan, f), matrix[f])]


def plan_differences(plan) -> list[tuple[str, str, str]]:
    """(what, the plan's value, the matrix's value) wherever a hand-edited plan departs from the matrix."""
    matrix = matrix_values(plan.client)
    return [
        (PLAN_FIELDS[f], _display(f, getattr(plan, f)), _display(f, matrix[f]))
        for f in _departures(plan, matrix)
    ]


def plan_occurrences_sync(*, plan, today=None) -> None:
    """Bring a client's future due occurrences into line with its plan, at once.

    Beat generates occurrences each morning and leaves existing rows alone, so a cadence change
    showed the old schedule under "Coming up" until the next run. Due rows from today on that the
    plan no longer makes are removed, those it now makes (to the usual horizon) created, and call
    times follow the plan. Done and missed rows are history and stay. A client beat does not plan
    for (paused, lost, archived) is left with no future due rows, as beat would leave it.
    """
    today = today or timezone.localdate()
    end = today + datetime.timedelta(days=HORIZON_DAYS)
    client = plan.client
    in_play = client.archived_at is None and client.status in (Client.Status.ACTIVE, Client.Status.ONBOARDING)
    wanted = {
        Occurrence.Kind.CALL: set(call_dates(plan, today, end)) if in_play else set(),
        Occurrence.Kind.REPORT: set(report_dates(plan, today, end)) if in_play else set(),
    }
    future = Occurrence.objects.filter(client=client, status=Occurrence.Status.DUE, due_date__gte=today)
    for kind, dates in wanted.items():
        future.filter(kind=kind).exclude(due_date__in=dates).delete()
    future.filter(kind=Occurrence.Kind.CALL).exclude(due_time=plan.call_time).update(due_time=plan.call_time)
    lead = client.memberships.filter(is_lead=True).values_list("user_id", flat=True).first()
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                client=client,
                kind=kind,
                due_date=day,
                due_time=plan.call_time if kind == Occurrence.Kind.CALL else None,
                assignee_id=lead,
            )
            for kind, dates in wanted.items()
            for day in sorted(dates)
        ],
        ignore_conflicts=True,
    )


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
        f"{PLAN_FIELDS[f]} {_display(f, getattr(plan, f))} → {_display(f, matrix[f])}"
        for f in _departures(plan, matrix)
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
    plan_occurrences_sync(plan=plan)
    return plan.last_change_note


@transaction.atomic
def comms_plan_update(*, plan, by, version: int | None = None, **fields) -> CommsPlan:
    """Save the plan form. With `version` (the form's), StaleEdit when the plan moved since it was loaded."""
    if version is not None:
        version_claim(plan, version)
    for name, value in fields.items():
        setattr(plan, name, value)
    matrix = matrix_values(plan.client)
    plan.customised = bool(_departures(plan, matrix))
    plan.last_change_note = f"Edited by {by.get_full_name() or by.username}."
    plan.full_clean()
    plan.save()
    plan_occurrences_sync(plan=plan)
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
    plan_occurrences_sync(plan=plan)
    return plan


def comms_plans_refresh_later():
    """A matrix changed: re-derive the plans in a worker, once this transaction commits (through the
    outbox, so a broker outage delays the refresh and never loses it)."""
    task_enqueue("reporting.tasks.refresh_all_plans")


def comms_plans_refresh_all() -> RunReport:
    """After a matrix change: re-derive every current client's plan, each client in its own savepoint."""
    clients = Client.objects.active().filter(comms_plan__isnull=False)
    return run_in_batches(
        clients.iterator(chunk_size=BATCH_SIZE),
        lambda batch: sum(bool(comms_plan_refresh(client=c, reason="Matrix changed")) for c in batch),
        report=RunReport("comms plans refreshed"),
        describe=lambda client: f"client {client.pk}",
        size=50,
    )


# --- occurrences -------------------------------------------------------------------------------------


def plans_in_play():
    return (
        CommsPlan.objects.filter(
            client__archived_at__isnull=True,
            client__status__in=[Client.Status.ACTIVE, Client.Status.ONBOARDING],
        )
        .select_related("client")
        .prefetch_related(leads_prefetch("client__"))
    )


def occurrences_generate(*, today, horizon_days=HORIZON_DAYS) -> RunReport:
    """Create the calls and reports due from today to the horizon; existing rows are left alone."""
    end = today + datetime.timedelta(days=horizon_days)

    def generate(plans) -> int:
        rows = []
        for plan in plans:
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
        window = Occurrence.objects.filter(
            client_id__in=[plan.client_id for plan in plans], due_date__range=(today, end)
        )
        before = window.count()
        Occurrence.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        return window.count() - before

    report = run_in_batches(
        plans_in_play().iterator(chunk_size=BATCH_SIZE),
        generate,
        report=RunReport("occurrences generated"),
        describe=lambda plan: f"comms plan of client {plan.client_id}",
    )
    log.info("%s, due by %s", report, end)
    return report


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


def _missed_notice(occ) -> Notice:
    what = "call" if occ.kind == Occurrence.Kind.CALL else "report"
    return Notice(
        user=occ.assignee,
        key=f"occ-{occ.pk}-missed",
        url=_client_url(occ.client_id),
        subject=f"Missed {what}: {occ.client.name}, due {occ.due_date:%a %d %b}",
        body=f"The {what} due {occ.due_date:%A %d %B} has not been logged. Log it, or agree a new date.",
    )


def occurrences_mark_missed(*, today) -> RunReport:
    """Calls not held within the grace days, and reports past their date, become missed.

    The assignee hears at once; the heads of CS hear when one is still missed a week on. Each batch
    marks its rows and creates their notices (with their emails, in the outbox) in one transaction, so a
    worker killed mid-run leaves every row either untouched (the redelivered task does it) or marked
    with its notice: never marked and unannounced.
    """
    late = Q(kind=Occurrence.Kind.CALL, due_date__lt=today - datetime.timedelta(days=CALL_GRACE_DAYS)) | Q(
        kind=Occurrence.Kind.REPORT, due_date__lt=today
    )

    def mark(ids) -> int:
        # the row lock makes a second worker wait, then skip what this one marked
        due = list(
            Occurrence.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status=Occurrence.Status.DUE)
            .select_related("client", "assignee")
        )
        Occurrence.objects.filter(pk__in=[occ.pk for occ in due]).update(status=Occurrence.Status.MISSED)
        notify_many([_missed_notice(occ) for occ in due])
        return len(due)

    ids = Occurrence.objects.filter(late, status=Occurrence.Status.DUE).values_list("pk", flat=True)
    report = run_in_batches(
        ids.iterator(),
        mark,
        report=RunReport("occurrences marked missed"),
        describe=lambda pk: f"occurrence {pk}",
    )
    log.info("%s", report)

    heads = list(heads_of_cs())
    still_missed = Occurrence.objects.filter(
        status=Occurrence.Status.MISSED,
        due_date__gte=today - datetime.timedelta(days=30),
        due_date__lte=today - datetime.timedelta(days=ESCALATE_AFTER_DAYS),
    ).select_related("client", "assignee")
    escalated = notify_each(
        (
            Notice(
                user=head,
                key=f"occ-{occ.pk}-escalated",
                url=_client_url(occ.client_id),
                subject=f"Still missed after a week: {occ.get_kind_display().lower()} with {occ.client.name}",
                body=f"Due {occ.due_date:%d %b}, assigned to "
                f"{occ.assignee.get_full_name() if occ.assignee else 'nobody (no lead AM)'}.",
            )
            for occ in still_missed.iterator(chunk_size=BATCH_SIZE)
            for head in heads
        ),
        task="missed escalations",
    )
    report.failed += escalated.failed
    return report


def calls_remind_tomorrow(*, today) -> RunReport:
    """The day before each call: a reminder to its AM with the call details."""
    tomorrow = today + datetime.timedelta(days=1)
    due = Occurrence.objects.filter(
        kind=Occurrence.Kind.CALL, status=Occurrence.Status.DUE, due_date=tomorrow
    ).select_related("client__comms_plan", "assignee")
    return notify_each(
        (_reminder_notice(occ) for occ in due.iterator(chunk_size=BATCH_SIZE)), task="call reminders"
    )


def _reminder_notice(occ) -> Notice:
    plan = getattr(occ.client, "comms_plan", None)
    details = plan.call_details if plan else ""
    return Notice(
        user=occ.assignee,
        key=f"occ-{occ.pk}-reminder",
        url=_client_url(occ.client_id),
        subject=f"Call tomorrow: {occ.client.name} at {occ.due_time:%H:%M}"
        if occ.due_time
        else f"Call tomorrow: {occ.client.name}",
        body="Rapport, delivery, strategy, commercial discovery."
        + (f"\nCall details: {details}" if details else ""),
    )


def _settled_calls(today, days):
    """Call occurrences of the last `days` whose outcome is settled (due more than the grace days ago)."""
    return Occurrence.objects.filter(
        kind=Occurrence.Kind.CALL,
        due_date__gte=today - datetime.timedelta(days=days),
        due_date__lt=today - datetime.timedelta(days=CALL_GRACE_DAYS),
    )


def adherence(*, today, client_ids=None, days=90) -> dict:
    """Calls held on time / calls due over the last `days`, per client and per AM (one query).

    Returns {"clients": {id: (held, due)}, "ams": {user_id: (held, due)}, "total": (held, due)}.
    """
    qs = _settled_calls(today, days)
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


def adherence_by_am(*, today, days=90) -> dict:
    """As `adherence`, for the dashboards: grouped by AM only, so it is one short aggregate."""
    rows = (
        _settled_calls(today, days)
        .values("assignee_id")
        # counting an indexed column keeps this an index-only scan (occurrence_adherence)
        .annotate(due=Count("due_date"), held=Count("due_date", filter=Q(status=Occurrence.Status.DONE)))
        .order_by()
    )
    ams = {r["assignee_id"]: (r["held"], r["due"]) for r in rows}
    return {
        "ams": ams,
        "total": (sum(h for h, _ in ams.values()), sum(d for _, d in ams.values())),
    }


def percent(pair) -> int | None:
    held, due = pair
    return round(100 * held / due) if due else None


# --- NPS check-ins -----------------------------------------------------------------------------------


def nps_checkins_run(*, today) -> RunReport:
    """Open this quarter's check-ins for sponsored clients, remind at +3 weeks, escalate at quarter end."""
    start = quarter_start(today)
    label = quarter_label(start)
    half_year = start.month in (1, 7)
    clients = (
        Client.objects.current()
        .filter(exec_sponsor__isnull=False)
        .exclude(comms_plan__feedback_cadence=FeedbackCadence.NONE)
    )
    if not half_year:
        clients = clients.exclude(comms_plan__feedback_cadence=FeedbackCadence.HALF_YEARLY)

    def open_checkins(batch) -> int:
        this_quarter = NpsCheckIn.objects.filter(quarter=start, client_id__in=[pk for pk, _ in batch])
        before = this_quarter.count()
        NpsCheckIn.objects.bulk_create(
            [NpsCheckIn(client_id=pk, quarter=start, sponsor_id=sponsor) for pk, sponsor in batch],
            ignore_conflicts=True,
        )
        return this_quarter.count() - before

    report = run_in_batches(
        clients.values_list("pk", "exec_sponsor_id").iterator(),
        open_checkins,
        report=RunReport("NPS check-ins opened"),
        describe=lambda row: f"check-in of client {row[0]}",
    )

    due = list(
        NpsCheckIn.objects.filter(quarter=start, status=NpsCheckIn.Status.DUE).select_related(
            "client", "sponsor"
        )
    )
    by_sponsor = defaultdict(list)
    for checkin in due:
        by_sponsor[checkin.sponsor].append(checkin)

    notices = []
    for sponsor, checkins in by_sponsor.items():
        names = ", ".join(c.client.name for c in checkins)
        notices.append(
            Notice(
                user=sponsor,
                key=f"nps-{start}-due",
                url=reverse("reporting:sponsor_home"),
                subject=f"{label}: your quarterly NPS calls are due ({len(checkins)})",
                body=f"Call each client, ask how likely they are to recommend us (0–10) and why: {names}.",
            )
        )
        if today >= start + datetime.timedelta(weeks=3):
            notices.append(
                Notice(
                    user=sponsor,
                    key=f"nps-{start}-reminder",
                    url=reverse("reporting:sponsor_home"),
                    subject=f"Reminder: {counted(len(checkins), 'NPS call')} still to make this quarter",
                    body=f"Still to call: {names}.",
                )
            )
    if today >= quarter_end(start) and due:
        names = "; ".join(
            f"{c.client.name} ({c.sponsor.get_full_name() if c.sponsor else 'no sponsor'})" for c in due
        )
        notices += [
            Notice(
                user=head,
                key=f"nps-{start}-escalated",
                url=reverse("reporting:nps"),
                subject=f"{label} ends with {counted(len(due), 'NPS check-in')} not done",
                body=names,
            )
            for head in heads_of_cs()
        ]
    report.failed += notify_each(notices, task="NPS notices").failed
    log.info("%s", report)
    return report


@transaction.atomic
def nps_checkin_record(
    *,
    client,
    quarter: datetime.date,
    by,
    score: int,
    comment: str = "",
    actions: str = "",
    raise_flag: bool = False,
    flag_severity: str = "",
) -> NpsCheckIn:
    """The exec sponsor's quarterly check-in: one per client per quarter; a second entry edits the first.

    "Raise a flag" hands the issue to the CS team: a flag owned by the client's lead AM (the head of
    CS when there is none), linked to this check-in, raised once however often the form is sent.
    """
    from clients.activity_services import flag_raise
    from clients.models import Flag

    NpsCheckIn.objects.get_or_create(
        client=client, quarter=quarter, defaults={"sponsor_id": client.exec_sponsor_id}
    )
    # lock the row: two submissions at once edit it one after the other
    checkin = NpsCheckIn.objects.select_for_update().get(client=client, quarter=quarter)
    checkin.score, checkin.comment, checkin.actions = score, comment.strip(), actions.strip()
    checkin.status = NpsCheckIn.Status.DONE
    checkin.sponsor_id = checkin.sponsor_id or client.exec_sponsor_id
    checkin.completed_at = checkin.completed_at or timezone.now()
    if raise_flag and checkin.flag_id is None:
        lead = client.memberships.filter(is_lead=True).select_related("user").first()
        owner = lead.user if lead else (heads_of_cs().first() or by)
        checkin.flag = flag_raise(
            client=client,
            by=by,
            title=f"NPS {quarter_label(quarter)}: scored {score}/10",
            description="\n\n".join(p for p in (checkin.comment, checkin.actions) if p),
            source=Flag.Source.EXEC_SPONSOR,
            severity=flag_severity or Flag.Severity.SERIOUS,
            owner=owner,
        )
        flag = checkin.flag
        for person in {owner, *heads_of_cs()} - {by}:
            notify(
                user=person,
                key=f"flag-{flag.pk}-raised",
                url=reverse("clients:flag_detail", args=[client.pk, flag.pk]),
                subject=f"Flag from the NPS check-in: {client.name} scored {score}/10",
                body=flag.description,
            )
    checkin.full_clean()
    checkin.save()
    return checkin


# --- client surveys ----------------------------------------------------------------------------------

SURVEY_SALT = "csops.reporting.survey"


def survey_link_days() -> int:
    return settings.CSOPS_SURVEY_LINK_DAYS


def survey_token(invite) -> str:
    """The link's token: the invite id, signed. Expiry is counted from the invite's creation."""
    return signing.Signer(salt=SURVEY_SALT).sign_object({"invite": invite.pk}, compress=True)


def survey_expires_at(invite):
    return invite.created_at + datetime.timedelta(days=survey_link_days())


@transaction.atomic
def survey_invite_create(*, contact, by) -> tuple[SurveyInvite, str]:
    """A single-use invite for one contact and the signed token of its link."""
    if contact.archived_at or contact.client.archived_at:
        raise ValidationError("This contact is archived: a survey goes to a current contact.")
    invite = SurveyInvite.objects.create(contact=contact, created_by=by)
    token = survey_token(invite)
    if contact.email:
        url = settings.SITE_URL.rstrip("/") + reverse("survey", args=[token])
        body = render_to_string(
            "reporting/email/survey_invite.txt",
            {
                "contact": contact,
                "url": url,
                "days": survey_link_days(),
                "by": by,
                "site_name": settings.SITE_NAME,
            },
        )
        subject = f"How are we doing? A one-question survey from {settings.SITE_NAME}"
        email_enqueue(subject=subject, body=body, to=[contact.email])
    return invite, token


class SurveyLinkError(Exception):
    """A survey link that cannot be answered: `reason` is invalid, expired or used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def survey_invite_for_token(token: str):
    """The invite a link stands for, or SurveyLinkError saying why it cannot be answered."""
    try:
        data = signing.Signer(salt=SURVEY_SALT).unsign_object(token)
        invite_id = int(data["invite"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise SurveyLinkError("invalid") from None
    invite = SurveyInvite.objects.select_related("contact__client").filter(pk=invite_id).first()
    if invite is None or invite.contact.archived_at or invite.contact.client.archived_at:
        raise SurveyLinkError("invalid")
    if invite.used_at:
        raise SurveyLinkError("used")
    if timezone.now() >= survey_expires_at(invite):
        raise SurveyLinkError("expired")
    return invite


@transaction.atomic
def survey_response_record(*, token: str, score: int, comment: str = ""):
    """The contact's answer; the link is claimed atomically, so it counts once even if sent twice."""
    invite = survey_invite_for_token(token)
    now = timezone.now()
    if not SurveyInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(used_at=now):
        raise SurveyLinkError("used")
    response = SurveyResponse(
        invite=invite,
        client=invite.contact.client,
        score=score,
        comment=comment.strip(),
        quarter=quarter_start(timezone.localdate(now)),
    )
    response.full_clean()
    response.save()
    notify(
        user=invite.created_by,
        key=f"survey-{response.pk}-answered",
        url=_client_url(response.client_id),
        subject=f"Survey answered: {invite.contact.name} ({response.client.name}) scored {score}/10",
        body=response.comment,
    )
    return response


# --- meetings ----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_open(*, kind: str, held_on: datetime.date, by):
    """Open (or reopen) the meeting of this kind on this day; the CS team are its default attendees."""
    meeting, created = Meeting.objects.get_or_create(kind=kind, held_on=held_on, defaults={"chair": by})
    if created:
        meeting.attendees.set(cs_team_users())
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting, by, attendees, notes: str = "", significant_issues: str = "", lessons: str = ""
):
    meeting.notes, meeting.significant_issues, meeting.lessons = notes, significant_issues, lessons
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


def meeting_action_add(*, meeting, by, description: str, owner, due_date, client, flag=None):
    """An action agreed in a meeting: it joins the client's actions and next week's item 1."""
    from clients.activity_services import action_add

    action = action_add(
        client=client,
        by=by,
        description=description,
        owner=owner,
        due_date=due_date,
        flag=flag,
        meeting=meeting,
    )
    if owner != by:
        notify(
            user=owner,
            key=f"action-{action.pk}-assigned",
            url=_client_url(client.pk),
            subject=f"Action from the {meeting.get_kind_display().lower()}: {description[:80]}",
            body=f"{client.name}. Due {due_date:%a %d %b}.",
        )
    return action


# --- the head of CS's weekly pack and monthly report ---------------------------------------------------


def meet_pack_notify(*, today) -> RunReport:
    """Monday morning: the head of CS hears the week's agenda is ready, with what is on it.

    Keyed by the week, so a run later in the week (beat was down on Monday) still tells them once.
    """
    from clients.models import Action, Flag
    from commercial.models import Contract

    from .meet import RENEWAL_WINDOW_DAYS

    monday = week_start(today)
    outstanding = Action.objects.open().filter(meeting__isnull=False).count()
    flags = Flag.objects.filter(status__in=Flag.OPEN_STATUSES).count()
    due = Contract.objects.ending(today, RENEWAL_WINDOW_DAYS).filter(client__archived_at__isnull=True).count()
    return notify_each(
        (
            Notice(
                user=head,
                key=f"meet-pack-{monday}",
                url=reverse("reporting:meetings"),
                subject=f"Weekly CS meet, w/c {monday:%d %b}: the agenda pack is ready",
                body=(
                    f"{counted(outstanding, 'action')} outstanding from earlier meets, "
                    f"{counted(flags, 'open flag')}, {counted(due, 'contract')} up for renewal in the next "
                    "90 days. Open the meet to run it and download the PDF pack."
                ),
            )
            for head in heads_of_cs()
        ),
        task="weekly meet pack notices",
    )


def satisfaction_report_notify(*, today) -> RunReport:
    """The 1st of the month: last month's client satisfaction report, to the head of CS (seed 001)."""
    from .satisfaction import report

    month = add_months(month_start(today), -1)
    data = report(month)
    counts = (
        f"{data['rated']} of {counted(data['active'], 'account')} rated; {data['below_target']} below target."
    )
    verdict = (
        "no ratings yet"
        if data["score"] is None
        else f"{data['score']} against the {settings.CSOPS_SATISFACTION_TARGET}+ target"
    )
    return notify_each(
        (
            Notice(
                user=head,
                key=f"satisfaction-{month:%Y-%m}",
                url=reverse("reporting:satisfaction") + f"?month={month:%Y-%m}",
                subject=f"Client satisfaction, {month:%B %Y}: {verdict}",
                body=counts,
            )
            for head in heads_of_cs()
        ),
        task="satisfaction report notices",
    )
