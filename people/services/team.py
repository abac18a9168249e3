"""Managing the team in the app (issue 18, item 1): invite, edit, deactivate; tiers and role definitions.

Reassigning a leaver's open actions and client leads writes those clients' rows: the one place where
people's services write another app's models, because deactivation is one workflow in one transaction.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clients.models import AccountTeamMembership, Action
from csops.versioning import version_claim
from reporting.versions import versions_bump

from ..invitations import INVITATION_VALID, invitation_path_args
from ..models import Invitation, Role, StaffProfile
from ..outbox import email_enqueue
from . import Notice, notify_many

log = logging.getLogger(__name__)


class LastHeadOfCs(Exception):
    """Deactivating this person would leave the team with no head of CS (escalation needs one)."""


@transaction.atomic
def person_invite(*, by, email: str, first_name: str, last_name: str, profile_fields: dict, roles) -> object:
    """Create the person (no password yet), their profile and roles, and email a set-password link."""
    user = get_user_model().objects.create(
        username=email.lower(), email=email.lower(), first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    profile = StaffProfile.objects.create(user=user, **profile_fields)
    profile.roles.set(roles)
    invitation_send(user=user, by=by)
    log.info("%s invited %s", by.username, user.username)
    return user


@transaction.atomic
def invitation_send(*, user, by) -> Invitation:
    """A (new) invitation email; earlier links keep working until they expire or a password is set."""
    invitation = Invitation.objects.create(user=user, invited_by=by, sent_at=timezone.now())
    uidb64, token = invitation_path_args(user)
    link = f"{settings.SITE_URL}{reverse('people:invitation_accept', args=[uidb64, token])}"
    email_enqueue(
        subject="You are invited to CS Ops: set your password",
        body=render_to_string(
            "people/email/invitation.txt",
            {"user": user, "by": by, "link": link, "days": INVITATION_VALID.days},
        ),
        to=[user.email],
    )
    return invitation


@transaction.atomic
def invitation_accept(*, form) -> object:
    """Set the password from the invitation link; the link stops working (the hash moved)."""
    user = form.save()
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(accepted_at=timezone.now())
    return user


@transaction.atomic
def person_update(*, form, by) -> StaffProfile:
    """Save the profile form; StaleEdit when someone saved the profile after the form was loaded."""
    version_claim(form.instance, form.cleaned_data.get("version"))
    profile = form.save()
    log.info("%s updated the profile of %s", by.username, profile.user.username)
    return profile


@transaction.atomic
def person_deactivate(*, user, by, action_owners: dict, lead_successors: dict) -> None:
    """Deactivate `user` (never delete: their calls, actions and history stay theirs) after handing
    their open actions (`{action: new owner}`) and client leads (`{membership: new lead}`) on.

    Raises LastHeadOfCs if they are the last active head of CS: the heads' rows are locked first, so
    two heads deactivating each other at the same moment cannot both succeed.
    """
    heads = list(
        get_user_model()
        .objects.select_for_update()
        .filter(is_active=True, profile__roles__code=Role.HEAD_OF_CS)
        .values_list("pk", flat=True)
    )
    if user.pk in heads and len(heads) <= 1:
        raise LastHeadOfCs("The team needs a head of CS: make someone else head of CS first.")
    actions = list(action_owners)
    for action, owner in action_owners.items():
        action.owner = owner
    if actions:
        bulk_update_with_history(actions, Action, ["owner"], default_user=by)
    _hand_leads_on(lead_successors, by)
    if actions or lead_successors:
        # bulk writes send no signals: the handed-on clients' pages, the new owners' and leads'
        # weeks, the meet's and NPS's per-AM figures move here, in this transaction
        versions_bump(
            client_ids={a.client_id for a in actions} | {m.client_id for m in lead_successors},
            user_ids={
                user.pk,
                *(o.pk for o in action_owners.values()),
                *(s.pk for s in lead_successors.values()),
            },
            kinds=[*(["actions"] if actions else []), *(["team"] if lead_successors else [])],
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    notify_many(_handover_notices(user, action_owners, lead_successors))
    log.info("%s deactivated %s", by.username, user.username)


def _hand_leads_on(lead_successors: dict, by) -> None:
    if not lead_successors:
        return
    old = list(lead_successors)
    for membership in old:
        membership.is_lead = False
    # the one-lead constraint: the leaver stops leading before anyone else starts
    bulk_update_with_history(old, AccountTeamMembership, ["is_lead"], default_user=by)
    wanted = {(m.client_id, successor.pk): m for m, successor in lead_successors.items()}
    existing = list(
        AccountTeamMembership.objects.filter(
            client_id__in={c for c, _ in wanted}, user_id__in={u for _, u in wanted}
        )
    )
    promote = [m for m in existing if (m.client_id, m.user_id) in wanted]
    for membership in promote:
        membership.is_lead = True
    if promote:
        bulk_update_with_history(promote, AccountTeamMembership, ["is_lead"], default_user=by)
    have = {(m.client_id, m.user_id) for m in promote}
    fresh = [
        AccountTeamMembership(
            client_id=client_id,
            user_id=user_id,
            is_lead=True,
            responsibility=wanted[client_id, user_id].responsibility,
        )
        for client_id, user_id in wanted
        if (client_id, user_id) not in have
    ]
    if fresh:
        bulk_create_with_history(fresh, AccountTeamMembership, default_user=by)


def _handover_notices(user, action_owners: dict, lead_successors: dict) -> list[Notice]:
    name = user.get_full_name() or user.username
    notices = []
    by_owner = {}
    for action, owner in action_owners.items():
        by_owner.setdefault(owner, []).append(action)
    for owner, actions in by_owner.items():
        notices.append(
            Notice(
                user=owner,
                key=f"handover-{user.pk}-actions-{min(a.pk for a in actions)}",
                subject=f"{len(actions)} open action(s) handed to you from {name}",
                url=reverse("my_week"),
            )
        )
    for membership, successor in lead_successors.items():
        notices.append(
            Notice(
                user=successor,
                key=f"handover-{user.pk}-lead-{membership.client_id}",
                subject=f"You now lead {membership.client.name} (from {name})",
                url=reverse("clients:detail", args=[membership.client_id]),
            )
        )
    return notices


@transaction.atomic
def tier_save(*, form, by):
    return form.save()


@transaction.atomic
def role_definition_save(*, form, by):
    return form.save()
