"""A won client's onboarding checklist: opened from the template, worked step by step, reminded daily."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.services.accounts import team_member_set
from clients.services.activity import action_add
from csops.rows import BATCH_SIZE, RunReport
from people.outbox import email_enqueue
from people.selectors import heads_of_cs
from people.services import Notice, notify_each
from reporting.versions import versions_bump

from ..models import Onboarding, OnboardingPolicy, OnboardingStep, StepTemplate

ACTION_DAYS = 7  # actions from the onboarding meeting are due a week on unless said otherwise


def meeting_format(client) -> str:
    """Face to face for a retainer at or above the admin-set spend; a call for projects and smaller ones."""
    policy = OnboardingPolicy.current()
    if client.engagement_type == "retained" and (client.monthly_spend or 0) >= policy.face_to_face_min_spend:
        return Onboarding.Meeting.FACE_TO_FACE
    return Onboarding.Meeting.CALL


@transaction.atomic
def onboarding_open(*, client, by, won_on, new_business_owner=None) -> Onboarding:
    """The client's onboarding and its steps from the active template rows (idempotent per client)."""
    existing = Onboarding.objects.filter(client=client).first()
    if existing is not None:
        return existing
    onboarding = Onboarding.objects.create(
        client=client, won_on=won_on, new_business_owner=new_business_owner, meeting=meeting_format(client)
    )
    lead = client.memberships.filter(is_lead=True).select_related("user").first()
    head = heads_of_cs().first()
    owners = {
        StepTemplate.Owner.NEW_BUSINESS: new_business_owner or (lead.user if lead else None),
        StepTemplate.Owner.LEAD_AM: lead.user if lead else None,
        StepTemplate.Owner.HEAD_OF_CS: head,
    }
    OnboardingStep.objects.bulk_create(
        OnboardingStep(
            onboarding=onboarding,
            template=t,
            order=t.order,
            title=t.title,
            kind=t.kind,
            owner=owners.get(t.owner) or head,
            due_date=won_on + datetime.timedelta(days=t.due_days),
        )
        for t in StepTemplate.objects.filter(active=True).order_by("order")
    )
    return onboarding


def escalation_path(client) -> str:
    lead = client.memberships.filter(is_lead=True).select_related("user").first()
    heads = ", ".join(h.get_full_name() for h in heads_of_cs()) or "the head of CS"
    sponsor = client.exec_sponsor.get_full_name() if client.exec_sponsor_id else "our exec sponsor"
    am = lead.user.get_full_name() if lead else "your account manager"
    return f"{am} (account manager) → {heads} (head of CS) → {sponsor} (exec sponsor)"


def _close(step, *, by, status, note):
    claimed = OnboardingStep.objects.filter(pk=step.pk, status=OnboardingStep.Status.OPEN).update(
        status=status, note=note, done_at=timezone.now(), done_by=by
    )
    if not claimed:
        raise ValidationError("This step was already ticked off.")
    step.refresh_from_db()
    return step


@transaction.atomic
def step_skip(*, step, by, note: str) -> OnboardingStep:
    if not note.strip():
        raise ValidationError({"note": "Say why the step is skipped."})
    return _close(step, by=by, status=OnboardingStep.Status.SKIPPED, note=note.strip())


@transaction.atomic
def step_complete(*, step, by, note: str = "", team=(), actions=(), contact=None) -> OnboardingStep:
    """Tick a step off, doing what its kind does: the internal onboarding puts the team chosen on the
    account team; the meeting records its actions and emails them to the client with the escalation
    path; going live makes the client active and closes the onboarding."""
    client = step.onboarding.client
    if step.kind == StepTemplate.Kind.INTERNAL:
        for user, responsibility in team:
            team_member_set(client=client, user=user, responsibility=responsibility, is_lead=False, by=by)
    if step.kind == StepTemplate.Kind.MEETING and actions:
        lead = client.memberships.filter(is_lead=True).select_related("user").first()
        due = timezone.localdate() + datetime.timedelta(days=ACTION_DAYS)
        for line in actions:
            action_add(client=client, by=by, description=line, owner=lead.user if lead else by, due_date=due)
        if contact is not None and contact.email:
            lines = "\n".join(f"- {a}" for a in actions)
            email_enqueue(
                subject=f"{client.name}: actions from our onboarding meeting",
                body=(
                    f"Hello {contact.name.split()[0]},\n\nThank you for the onboarding session. "
                    f"The actions we agreed:\n\n{lines}\n\nIf anything is not right, the path is: "
                    f"{escalation_path(client)}.\n\n{by.get_full_name()}\n"
                ),
                to=[contact.email],
            )
    step = _close(step, by=by, status=OnboardingStep.Status.DONE, note=note.strip())
    if step.kind == StepTemplate.Kind.GO_LIVE:
        Client.objects.filter(pk=client.pk, status=Client.Status.ONBOARDING).update(
            status=Client.Status.ACTIVE
        )
        # an update sends no signal: the client list and page show the status (reporting/versions.py)
        versions_bump(client_ids=[client.pk], kinds=["clients"])
        Onboarding.objects.filter(pk=step.onboarding_id, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
    return step


@transaction.atomic
def step_mark_done_by_kind(*, client, kind: str, by, note: str = "") -> bool:
    """Tick off the open step of this kind by what did it (an email sent, a form returned); False if none."""
    step = OnboardingStep.objects.filter(
        onboarding__client=client, kind=kind, status=OnboardingStep.Status.OPEN
    ).first()
    if step is None:
        return False
    _close(step, by=by, status=OnboardingStep.Status.DONE, note=note)
    return True


@transaction.atomic
def step_reschedule(*, step, by, due_date, owner=None) -> OnboardingStep:
    pitch_date = step.onboarding.client.pitch.pitch_date if hasattr(step.onboarding.client, "pitch") else None
    if pitch_date and due_date < pitch_date:
        raise ValidationError(
            {"due_date": f"A step cannot be due before the pitch date ({pitch_date:%d %b %Y})."}
        )
    step.due_date = due_date
    if owner is not None:
        step.owner = owner
    step.save(update_fields=["due_date", "owner"])
    return step


def onboarding_steps_overdue_remind(*, today) -> RunReport:
    """Each open step past its due date: its owner hears once (the notice key makes a rerun a no-op)."""
    late = (
        OnboardingStep.objects.filter(
            status=OnboardingStep.Status.OPEN,
            due_date__lt=today,
            owner__isnull=False,
            onboarding__completed_at__isnull=True,
            onboarding__client__archived_at__isnull=True,
        )
        .select_related("owner", "onboarding__client")
        .order_by("pk")
    )
    return notify_each(
        (
            Notice(
                user=step.owner,
                key=f"onboarding-step-{step.pk}-overdue",
                url=reverse("clients:detail", args=[step.onboarding.client_id]) + "#onboarding",
                subject=f"Onboarding step overdue: {step.onboarding.client.name}, {step.title}",
                body=f"Due {step.due_date:%d %b %Y}. Tick it off, or skip it with a reason.",
            )
            for step in late.iterator(chunk_size=BATCH_SIZE)
        ),
        task="onboarding overdue step reminders",
    )
