"""Occurrences: the calls and reports a plan makes due, ticked off, marked missed, reminded of, and
the adherence figures read from them.

Every function that a beat task calls is idempotent: rows are created with unique constraints
(ignore_conflicts) and people are told through `notify`, which tells each person once per event.
"""

import datetime
import logging
from collections import defaultdict

from django.db.models import CharField, Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone

from clients.models import AccountTeamMembership, Call
from csops.rows import BATCH_SIZE, RunReport, run_in_batches
from people.models import Notification
from people.selectors import heads_of_cs
from people.services import Notice, notify_each, notify_many

from ..models import Occurrence
from ..schedule import call_dates, report_dates
from ..versions import versions_bump
from .plans import HORIZON_DAYS, plans_in_play

log = logging.getLogger(__name__)

CALL_GRACE_DAYS = 2  # a call held up to two days either side of its date counts as on time
ESCALATE_AFTER_DAYS = 7  # missed for a week → the head of CS hears
# what call_dates and report_dates read of a plan
SCHEDULE_FIELDS = ("client_id", "call_cadence", "call_weekday", "call_time", "report_cadence", "anchor_date")


def occurrences_generate(*, today, horizon_days=HORIZON_DAYS) -> RunReport:
    """Create the calls and reports due from today to the horizon; existing rows are left alone."""
    end = today + datetime.timedelta(days=horizon_days)

    def generate(plans) -> int:
        # (client, kind, day, time, assignee) tuples first: a model object only for what is new
        wanted = []
        for plan in plans:
            assignee = plan.lead_id
            wanted += [
                (plan.client_id, Occurrence.Kind.CALL, d, plan.call_time, assignee)
                for d in call_dates(plan, today, end)
            ]
            wanted += [
                (plan.client_id, Occurrence.Kind.REPORT, d, None, assignee)
                for d in report_dates(plan, today, end)
            ]
        window = Occurrence.objects.filter(
            client_id__in=[plan.client_id for plan in plans], due_date__range=(today, end)
        )
        # what the window holds already is never offered again: a rerun reads it and writes nothing
        there = set(window.values_list("client_id", "kind", "due_date"))
        fresh = [
            Occurrence(client_id=client_id, kind=kind, due_date=d, due_time=at, assignee_id=assignee)
            for client_id, kind, d, at, assignee in wanted
            if (client_id, kind, d) not in there
        ]
        if not fresh:
            return 0
        Occurrence.objects.bulk_create(fresh, ignore_conflicts=True)
        versions_bump(client_ids={row.client_id for row in fresh}, kinds=["occurrences"])
        return window.count() - len(there)  # what this run added (a racing worker's rows aside)

    # only what the dates need, and the lead AM's id by a subquery: no client or user rows are built
    lead = (
        AccountTeamMembership.objects.filter(client=OuterRef("client_id"), is_lead=True)
        .order_by("user__first_name", "user__last_name")
        .values("user_id")[:1]
    )
    plans = (
        plans_in_play()
        .select_related(None)
        .prefetch_related(None)
        .only(*SCHEDULE_FIELDS)
        .annotate(lead_id=Subquery(lead))
    )
    report = run_in_batches(
        plans.iterator(chunk_size=BATCH_SIZE),
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
        versions_bump(client_ids=[call.client_id], user_ids=[occurrence.assignee_id], kinds=["occurrences"])
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
        if due:
            versions_bump(
                client_ids={occ.client_id for occ in due},
                user_ids={occ.assignee_id for occ in due},
                kinds=["occurrences"],
            )
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
    # how many of the heads heard of each one already: those all of them heard of are not read again
    told = (
        Notification.objects.filter(
            user_id__in=[head.pk for head in heads],
            key=Concat(Value("occ-"), Cast(OuterRef("pk"), CharField()), Value("-escalated")),
        )
        .order_by()
        .values("key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    still_missed = (
        Occurrence.objects.filter(
            status=Occurrence.Status.MISSED,
            due_date__gte=today - datetime.timedelta(days=30),
            due_date__lte=today - datetime.timedelta(days=ESCALATE_AFTER_DAYS),
        )
        .annotate(heads_told=Coalesce(Subquery(told), 0))
        .filter(heads_told__lt=len(heads))
        .select_related("client", "assignee")
    )
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
        (_reminder_notice(occ) for occ in due.iterator(chunk_size=BATCH_SIZE)),
        task="call reminders for tomorrow",
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
