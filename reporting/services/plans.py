"""Comms plans: what the reporting and entertainment matrices give a client, the plan derived from
them, and its future occurrences kept in step with it.

Every function that a task calls is idempotent: rows are created with unique constraints
(ignore_conflicts), so a rerun changes nothing that is already right.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clients.models import AccountTeamMembership, Client, leads_prefetch
from commercial.models import EntertainmentBudget
from csops.rows import BATCH_SIZE, RunReport, run_in_batches
from csops.versioning import version_claim
from people.outbox import task_enqueue

from ..models import BandTable, Cadence, CommsPlan, Occurrence
from ..schedule import call_dates, report_dates
from ..versions import versions_bump

HORIZON_DAYS = 28  # occurrences are generated four weeks ahead
PLAN_FIELDS = {
    "report_cadence": "reports",
    "call_cadence": "calls",
    "live_dashboard": "live dashboard",
    "entertainment_budget": "entertainment budget",
}


def matrix_values(client, bands=None, budgets=None) -> dict:
    """What the reporting and entertainment matrices give this client."""
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
    versions_bump(client_ids=[client.pk], user_ids=[lead], kinds=["occurrences"])


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
    return _plan_rederive(plan, matrix_values(client), reason)[0]


def _plan_rederive(plan, matrix, reason) -> tuple[str, bool]:
    """Bring a locked plan in line with `matrix`: (what changed, whether anything was written)."""
    if not _plan_apply(plan, matrix, reason):
        # nothing to write: no departure, or a hand-edited plan's note says it already (a rerun)
        return (plan.last_change_note if _departures(plan, matrix) else ""), False
    if plan.customised:
        plan.save(update_fields=["last_change_note", "updated_at"])
        return plan.last_change_note, True
    plan.save()
    plan_occurrences_sync(plan=plan)
    return plan.last_change_note, True


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


# --- the same, for many clients at once (a spreadsheet import: clients/services/imports.py) -------


def _matrix_reader():
    """matrix_values for many clients: the bands, rates and budgets read once (three queries)."""
    bands = BandTable.load()
    budgets = {
        (band, propensity): amount
        for band, propensity, amount in EntertainmentBudget.objects.values_list(
            "band_id", "propensity", "monthly_budget"
        )
    }
    return lambda client: matrix_values(client, bands, budgets)


def comms_plans_create_bulk(*, clients, by=None) -> list[CommsPlan]:
    """comms_plan_create for each of `clients` (new clients, none with a plan): a fixed number of queries.

    The plans, their history rows ("+", by `by`) and the cache versions are what one
    comms_plan_create a client would have written; like it, no occurrence is made (beat makes them).
    """
    if not clients:
        return []
    matrix, today = _matrix_reader(), timezone.localdate()
    plans = [CommsPlan(client=client, **matrix(client), anchor_date=today) for client in clients]
    plans = bulk_create_with_history(plans, CommsPlan, batch_size=BATCH_SIZE, default_user=by)
    versions_bump(client_ids=[c.pk for c in clients], kinds=["clients"])
    return plans


def comms_plans_refresh_bulk(*, clients, by=None, reason: str = "") -> None:
    """comms_plan_refresh for each of `clients` (as they are in memory, saved), in a fixed number of
    queries: each plan re-derived as _plan_rederive does it, with the same notes, history rows and
    occurrence sync; a client without a plan gets one."""
    if not clients:
        return
    by_pk = {c.pk: c for c in clients}
    matrix, now = _matrix_reader(), timezone.now()
    plans = list(CommsPlan.objects.select_for_update().filter(client_id__in=by_pk).order_by("pk"))
    comms_plans_create_bulk(clients=[c for c in clients if c.pk not in {p.client_id for p in plans}], by=by)
    noted, rederived = [], []  # hand-edited plans get a note; the others follow the matrix
    for plan in plans:
        plan.client = by_pk[plan.client_id]
        if _plan_apply(plan, matrix(plan.client), reason):
            (noted if plan.customised else rederived).append(plan)
    for group, fields in (
        (noted, ["last_change_note"]),
        (rederived, [*PLAN_FIELDS, "derived_from", "last_change_note"]),
    ):
        for plan in group:
            plan.updated_at, plan.version = now, F("version") + 1
        if group:
            bulk_update_with_history(
                group, CommsPlan, [*fields, "updated_at", "version"], batch_size=BATCH_SIZE, default_user=by
            )
    if noted or rederived:
        versions_bump(client_ids=[p.client_id for p in noted + rederived], kinds=["clients"])
    plans_occurrences_sync(plans=rederived)


def _plan_apply(plan, matrix, reason) -> bool:
    """Bring `plan` in line with `matrix` in memory (a hand-edited plan only gets a note saying where
    the matrix departs from it): whether there is anything to write."""
    changes = [
        f"{PLAN_FIELDS[f]} {_display(f, getattr(plan, f))} → {_display(f, matrix[f])}"
        for f in _departures(plan, matrix)
    ]
    if not changes:
        return False
    prefix = f"{reason}: " if reason else ""
    if plan.customised:
        note = (
            f"{prefix}the matrix now gives {'; '.join(changes)}. This plan was edited "
            "by hand and was left as it is."
        )
        if note == plan.last_change_note:  # said already: a rerun writes nothing
            return False
        plan.last_change_note = note
        return True
    for field in PLAN_FIELDS:
        setattr(plan, field, matrix[field])
    plan.derived_from = matrix["derived_from"]
    plan.last_change_note = f"{prefix}{'; '.join(changes)}."
    plan._change_reason = plan.last_change_note[:100]  # simple_history keeps 100 characters of reason
    return True


def plans_occurrences_sync(*, plans, today=None) -> None:
    """plan_occurrences_sync for many plans (their `client` loaded) in a fixed number of queries."""
    if not plans:
        return
    today = today or timezone.localdate()
    end = today + datetime.timedelta(days=HORIZON_DAYS)
    by_client = {plan.client_id: plan for plan in plans}
    wanted = {}
    for plan in plans:
        client = plan.client
        in_play = client.archived_at is None and client.status in (
            Client.Status.ACTIVE,
            Client.Status.ONBOARDING,
        )
        wanted[plan.client_id] = {
            Occurrence.Kind.CALL: set(call_dates(plan, today, end)) if in_play else set(),
            Occurrence.Kind.REPORT: set(report_dates(plan, today, end)) if in_play else set(),
        }
    future = Occurrence.objects.filter(
        client_id__in=by_client, status=Occurrence.Status.DUE, due_date__gte=today
    )
    stale, retime, users = [], {}, set()
    for pk, client_id, kind, day, at, assignee in future.values_list(
        "pk", "client_id", "kind", "due_date", "due_time", "assignee_id"
    ):
        if kind in wanted[client_id] and day not in wanted[client_id][kind]:
            stale.append(pk)
            users.add(assignee)
        elif kind == Occurrence.Kind.CALL and at != by_client[client_id].call_time:
            retime.setdefault(by_client[client_id].call_time, []).append(pk)
    # no signal to send: an occurrence has no history and nothing points at it; the bump below says it
    Occurrence.objects.filter(pk__in=stale)._raw_delete(Occurrence.objects.db)
    for at, pks in retime.items():  # one statement per call time in the file, not per plan
        Occurrence.objects.filter(pk__in=pks).update(due_time=at)
    leads = dict(
        AccountTeamMembership.objects.filter(client_id__in=by_client, is_lead=True).values_list(
            "client_id", "user_id"
        )
    )
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                client_id=client_id,
                kind=kind,
                due_date=day,
                due_time=by_client[client_id].call_time if kind == Occurrence.Kind.CALL else None,
                assignee_id=leads.get(client_id),
            )
            for client_id, kinds in wanted.items()
            for kind, dates in kinds.items()
            for day in sorted(dates)
        ],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    versions_bump(client_ids=list(by_client), user_ids=[*leads.values(), *users], kinds=["occurrences"])


def comms_plans_refresh_later():
    """A matrix changed: re-derive the plans in a worker, once this transaction commits (through the
    outbox, so a broker outage delays the refresh and never loses it)."""
    task_enqueue("reporting.tasks.comms_plans_refresh_all")


def comms_plans_refresh_all() -> RunReport:
    """After a matrix change: re-derive every current client's plan, in batches.

    The matrix and budgets are read once, each batch's plans in one query; only a plan the matrix now
    departs from is written (with its history and occurrences), so a rerun, or a matrix change that
    moves no plan, costs a query per batch.
    """
    bands = BandTable.load()
    budgets = {
        (band, propensity): amount
        for band, propensity, amount in EntertainmentBudget.objects.values_list(
            "band_id", "propensity", "monthly_budget"
        )
    }

    def refresh(client_ids) -> int:
        plans = (
            CommsPlan.objects.select_for_update(of=("self",))
            .filter(client_id__in=client_ids)
            .select_related("client")
            .order_by("pk")
        )
        return sum(
            _plan_rederive(plan, matrix_values(plan.client, bands, budgets), "Matrix changed")[1]
            for plan in plans
        )

    clients = Client.objects.active().filter(comms_plan__isnull=False).order_by("pk")
    return run_in_batches(
        clients.values_list("pk", flat=True).iterator(chunk_size=BATCH_SIZE),
        refresh,
        report=RunReport("comms plans refreshed"),
        describe=lambda pk: f"client {pk}",
    )


def plans_in_play():
    return (
        CommsPlan.objects.filter(
            client__archived_at__isnull=True,
            client__status__in=[Client.Status.ACTIVE, Client.Status.ONBOARDING],
        )
        .select_related("client")
        .prefetch_related(leads_prefetch("client__"))
    )
