"""The support register (seed 001, outcome 5): arrangements and their SLAs, requests, breaches.

A request's due times are worked out once, when it is logged, in the arrangement's working hours
(csops.dates.add_working_hours: weekdays, UK bank holidays excluded) and stored on the row.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from csops.dates import add_working_hours
from csops.rows import RunReport, run_in_batches
from csops.versioning import version_claim
from people.services import Notice, notify_many

from ..models import AccountTeamMembership, Flag, SupportArrangement, SupportRequest
from .activity import flag_raise

log = logging.getLogger(__name__)

ARRANGEMENT_FIELDS = (
    "since",
    "ended_on",
    "description",
    "day_starts",
    "day_ends",
    *(f"{p}_{t}_hours" for p in ("critical", "high", "normal", "low") for t in ("response", "resolution")),
)


@transaction.atomic
def support_arrangement_create(*, client, by, **fields) -> SupportArrangement:
    arrangement = SupportArrangement(
        client=client, created_by=by, **{k: fields[k] for k in ARRANGEMENT_FIELDS if k in fields}
    )
    arrangement.full_clean()
    arrangement.save()
    return arrangement


@transaction.atomic
def support_arrangement_update(*, arrangement, by, version, **fields) -> SupportArrangement:
    """Edit the SLA; requests already logged keep the due times of the SLA they came in under."""
    version_claim(arrangement, version)
    for name in ARRANGEMENT_FIELDS:
        if name in fields:
            setattr(arrangement, name, fields[name])
    arrangement.full_clean()
    arrangement.save()
    return arrangement


def current_arrangement(client):
    return SupportArrangement.objects.filter(client=client, ended_on__isnull=True).first()


def due_times(arrangement, priority: str, received_at) -> dict:
    """When the first response and the resolution are due, and when to warn, in working hours."""
    local = timezone.localtime(received_at)
    response, resolution = arrangement.times(priority)
    hours = {"start": arrangement.day_starts, "end": arrangement.day_ends}
    return {
        "response_due_at": add_working_hours(local, response, **hours),
        "resolution_due_at": add_working_hours(local, resolution, **hours),
        "response_warn_at": add_working_hours(local, float(response) * SupportRequest.WARN_AT, **hours),
        "resolution_warn_at": add_working_hours(local, float(resolution) * SupportRequest.WARN_AT, **hours),
    }


def _check_times(received_at, first_response_at, resolved_at) -> None:
    errors = {}
    if first_response_at and first_response_at < received_at:
        errors["first_response_at"] = "The first response cannot come before the request was received."
    if resolved_at and not first_response_at:
        errors["resolved_at"] = "Record the first response before the resolution."
    elif resolved_at and first_response_at and resolved_at < first_response_at:
        errors["resolved_at"] = "A request is resolved after its first response."
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["received_at"] = "A request cannot be received in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def support_request_log(
    *, client, by, received_at, priority, summary, owner, first_response_at=None, resolved_at=None
) -> SupportRequest:
    arrangement = current_arrangement(client)
    if arrangement is None:
        raise ValidationError("This client has no current support arrangement: set up its SLA first.")
    _check_times(received_at, first_response_at, resolved_at)
    request = SupportRequest(
        client=client,
        arrangement=arrangement,
        received_at=received_at,
        priority=priority,
        summary=summary.strip(),
        owner=owner,
        first_response_at=first_response_at,
        first_response_by=by if first_response_at else None,
        resolved_at=resolved_at,
        resolved_by=by if resolved_at else None,
        created_by=by,
        **due_times(arrangement, priority, received_at),
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def support_request_update(*, request, by, first_response_at=None, resolved_at=None) -> SupportRequest:
    """Record the first response and/or the resolution (each keeps who recorded it first)."""
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    _check_times(request.received_at, first_response_at, resolved_at)
    if first_response_at != request.first_response_at:
        request.first_response_at = first_response_at
        request.first_response_by = by if first_response_at else None
    if resolved_at != request.resolved_at:
        request.resolved_at = resolved_at
        request.resolved_by = by if resolved_at else None
    request.full_clean()
    request.save()
    return request


def _lead_id(client_id):
    return (
        AccountTeamMembership.objects.filter(client_id=client_id, is_lead=True)
        .values_list("user_id", flat=True)
        .first()
    )


@transaction.atomic
def support_breach_raise_flag(*, request, by) -> Flag:
    """One click from a breach to a flag with source "support"; raised once however often it is asked."""
    request = SupportRequest.objects.select_for_update().select_related("client", "owner").get(pk=request.pk)
    if request.flag_id:
        return request.flag
    now = timezone.now()
    if not request.breached(now):
        raise ValidationError("This request is within its SLA: there is no breach to flag.")
    lead = _lead_id(request.client_id)
    owner = get_user_model().objects.get(pk=lead) if lead else request.owner
    which = "first response" if request.response_outcome(now) == "breached" else "resolution"
    due = request.response_due_at if which == "first response" else request.resolution_due_at
    request.flag = flag_raise(
        client=request.client,
        by=by,
        title=f"Support SLA breached ({which}): {request.summary}"[:200],
        description=(
            f"{request.get_priority_display()} request received "
            f"{timezone.localtime(request.received_at):%d %b %Y %H:%M}; the {which} was due "
            f"{timezone.localtime(due):%d %b %Y %H:%M}."
        ),
        source=Flag.Source.SUPPORT,
        severity=Flag.Severity.SERIOUS,
        owner=owner,
    )
    request.save(update_fields=["flag"])
    return request.flag


def support_breaches_warn(*, now) -> RunReport:
    """Tell each open request's owner and the client's lead AM when it nears (or passes) its SLA.

    Set-based: one query for the requests whose warning time has come, one for the people, one
    insert of notices per batch. Notices are keyed per request and stage, so a rerun tells no one twice.
    """
    rows = (
        SupportRequest.objects.filter(
            Q(first_response_at__isnull=True, response_warn_at__lte=now)
            | Q(resolved_at__isnull=True, resolution_warn_at__lte=now)
        )
        .filter(client__archived_at__isnull=True)
        .values_list(
            "pk",
            "client_id",
            "client__name",
            "summary",
            "owner_id",
            "first_response_at",
            "response_due_at",
            "resolution_due_at",
        )
        .order_by("pk")
    )

    def warn(batch) -> int:
        leads = dict(
            AccountTeamMembership.objects.filter(
                client_id__in={r[1] for r in batch}, is_lead=True
            ).values_list("client_id", "user_id")
        )
        users = get_user_model().objects.in_bulk({r[4] for r in batch} | set(leads.values()))
        notices = []
        for pk, client_id, name, summary, owner_id, responded, response_due, resolution_due in batch:
            stage, due = ("response", response_due) if responded is None else ("resolution", resolution_due)
            state = "breached" if now > due else "due"
            subject = (
                f"{name}: support {stage} SLA {'breached' if state == 'breached' else 'due'} "
                f"{timezone.localtime(due):%a %d %b %H:%M}: {summary}"
            )
            url = reverse("clients:support_request", args=[client_id, pk])
            for user_id in {owner_id, leads.get(client_id)} - {None}:
                notices.append(
                    Notice(user=users[user_id], key=f"support-{pk}-{stage}-{state}", subject=subject, url=url)
                )
        return notify_many(notices)

    report = run_in_batches(
        rows.iterator(),
        warn,
        report=RunReport("support SLA warnings"),
        describe=lambda row: f"support request {row[0]}",
    )
    log.info("%s", report)
    return report
