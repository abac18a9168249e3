"""Workflows of the account manager's day: calls, call reports, flags and actions.

Each is one transaction; emails are written to the outbox in it and go out after commit.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from csops.rows import BATCH_SIZE, RunReport
from people.outbox import email_enqueue
from people.selectors import heads_of_cs
from people.services import Notice, notify, notify_each
from reporting.services.occurrences import occurrence_fulfil_by_call
from reporting.versions import versions_bump

from ..models import Action, Call, Flag
from ..models.activity import REPORT_WINDOW

# a flag this severe is the head of CS's business the moment it is raised, not at the next meet
HEADS_HEAR_OF = (Flag.Severity.MAJOR, Flag.Severity.CRITICAL)


@transaction.atomic
def call_log(*, client, by, staff_attendees=(), contact_attendees=(), actions=(), **fields) -> Call:
    """Record a call with its attendees and next actions [(description, owner, due_date), ...]."""
    call = Call(client=client, author=by, **fields)
    call.full_clean()
    call.save()
    call.staff_attendees.set(staff_attendees)
    call.contact_attendees.set(contact_attendees)
    for description, owner, due_date in actions:
        action_add(client=client, by=by, description=description, owner=owner, due_date=due_date, call=call)
    occurrence_fulfil_by_call(call)
    return call


@transaction.atomic
def call_update(*, form, by) -> Call:
    call = form.save()
    occurrence_fulfil_by_call(call)
    return call


def call_report_recipients(call: Call) -> list[str]:
    emails = [c.email for c in call.contact_attendees.all() if c.email]
    emails += [u.email for u in call.staff_attendees.all() if u.email]
    return sorted(set(emails), key=emails.index)


@transaction.atomic
def call_report_send(*, call: Call, by) -> list[str]:
    """Email the call notes to its attendees and record when; sends once however often it is asked."""
    if not call.held:
        raise ValidationError("A planned call has no report yet: mark it held first.")
    recipients = call_report_recipients(call)
    if not recipients:
        raise ValidationError("None of the attendees has an email address: add attendees with emails first.")
    # Claim the send atomically: a double click or two tabs send one report, not two.
    claimed = Call.objects.filter(pk=call.pk, report_sent_at__isnull=True).update(
        report_sent_at=timezone.now()
    )
    if not claimed:
        raise ValidationError("The report for this call has already been sent.")
    versions_bump(client_ids=[call.client_id], user_ids=[call.author_id], kinds=["calls"])
    call.refresh_from_db(fields=["report_sent_at"])
    context = {
        "call": call,
        "actions": list(call.actions.select_related("owner")),
        "site_name": settings.SITE_NAME,
    }
    subject = f"Call report: {call.client.name}, {timezone.localtime(call.held_at):%d %b %Y}"
    body = render_to_string("clients/email/call_report.txt", context)
    message = email_enqueue(subject=subject, body=body, to=recipients)
    Call.objects.filter(pk=call.pk).update(report_message=message)
    return recipients


@transaction.atomic
def action_add(
    *, client, by, description: str, owner, due_date, call=None, flag=None, meeting=None
) -> Action:
    if flag is not None and flag.client_id != client.pk:
        raise ValidationError({"flag": "That flag belongs to another client."})
    action = Action(
        meeting=meeting,
        client=client,
        created_by=by,
        description=description,
        owner=owner,
        due_date=due_date,
        call=call,
        flag=flag,
    )
    action.full_clean()
    action.save()
    return action


def action_set_done(*, action: Action, by, done: bool = True) -> Action:
    """Tick an action off (or re-open it). Repeating the same tick changes nothing."""
    if done and action.status == Action.Status.OPEN:
        action.status, action.done_at, action.done_by = Action.Status.DONE, timezone.now(), by
    elif not done and action.status == Action.Status.DONE:
        action.status, action.done_at, action.done_by = Action.Status.OPEN, None, None
    else:
        return action
    action.save(update_fields=["status", "done_at", "done_by"])
    return action


@transaction.atomic
def flag_raise(
    *, client, by, title: str, description: str, source: str, severity: str, owner, call=None
) -> Flag:
    flag = Flag(
        client=client,
        raised_by=by,
        title=title,
        description=description,
        source=source,
        severity=severity,
        owner=owner,
        call=call,
    )
    flag.full_clean()
    flag.save()
    if severity in HEADS_HEAR_OF:
        raiser = by.get_full_name() or by.username
        for head in heads_of_cs():
            if head.pk == by.pk:
                continue
            notify(
                user=head,
                # the NPS check-in tells heads of its flag under the same key: they hear once
                key=f"flag-{flag.pk}-raised",
                url=reverse("clients:flag_detail", args=[client.pk, flag.pk]),
                subject=f"{flag.get_severity_display()} — {client.name}: {title}",
                body=f"Raised by {raiser}, owner {owner.get_full_name() or owner.username}.\n\n{description}",
            )
    return flag


def flag_mark_in_hand(*, flag: Flag, by) -> Flag:
    if flag.status == Flag.Status.OPEN:
        flag.status = Flag.Status.IN_HAND
        flag.save(update_fields=["status"])
    return flag


@transaction.atomic
def flag_resolve(*, flag: Flag, by, resolution: str) -> Flag:
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": "Say how the issue was resolved."})
    if flag.status == Flag.Status.RESOLVED:
        raise ValidationError("This flag is already resolved.")
    flag.status, flag.resolution = Flag.Status.RESOLVED, resolution
    flag.resolved_at, flag.resolved_by = timezone.now(), by
    flag.save(update_fields=["status", "resolution", "resolved_at", "resolved_by"])
    return flag


@transaction.atomic
def contact_set_stance(*, contact, by, stance: str | None = None, rag: str | None = None):
    """Move a contact on the stakeholder map; history keeps every step (for the year's progression)."""
    changed = []
    if stance is not None and stance != contact.stance:
        contact.stance = stance
        changed.append("stance")
    if rag is not None and rag != contact.rag:
        contact.rag = rag
        changed.append("rag")
    if changed:
        contact.full_clean()
        contact.save(update_fields=changed)
    return contact


def call_reports_overdue_remind(*, now) -> RunReport:
    """A held call whose report is past its 48 hours: its author hears, once."""
    late = Call.objects.filter(
        held=True,
        report_required=True,
        report_sent_at__isnull=True,
        held_at__lt=now - REPORT_WINDOW,
        held_at__gte=now - datetime.timedelta(days=30),
    ).select_related("client", "author")
    return notify_each(
        (
            Notice(
                user=call.author,
                key=f"call-{call.pk}-report-late",
                url=reverse("clients:call_detail", args=[call.client_id, call.pk]),
                subject=f"Call report overdue: {call.client.name}, {timezone.localtime(call.held_at):%d %b}",
                body="Meeting call reports go to the attendees within 48 hours (seed 003).",
            )
            for call in late.iterator(chunk_size=BATCH_SIZE)
        ),
        task="overdue call report reminders",
    )
