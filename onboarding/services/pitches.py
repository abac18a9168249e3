"""Pitches, from a lead through "should we pitch" to won (a client in onboarding), lost or withdrawn."""

from django.core.exceptions import ValidationError
from django.db import transaction

from clients.models import Client
from clients.services.accounts import client_create
from csops.versioning import version_claim

from ..models import Pitch
from ..selectors import pitch_pricing
from .checklist import onboarding_open


@transaction.atomic
def pitch_create(*, by, form) -> Pitch:
    pitch = form.save(commit=False)
    pitch.created_by = by
    pitch.full_clean()
    pitch.save()
    return pitch


@transaction.atomic
def pitch_update(*, pitch, by, form) -> Pitch:
    """Save the pitch form; StaleEdit when someone saved the pitch after the form was loaded."""
    version_claim(pitch, form.cleaned_data.get("version"))
    pitch = form.save(commit=False)
    pitch.full_clean()
    pitch.save()
    return pitch


def _locked_open(pitch) -> Pitch:
    locked = (
        Pitch.objects.select_for_update(of=("self",))
        .select_related("proposed_cs", "industry")
        .get(pk=pitch.pk)
    )
    if locked.outcome != Pitch.Outcome.OPEN:
        raise ValidationError(f"This pitch is already {locked.get_outcome_display().lower()}.")
    return locked


@transaction.atomic
def pitch_win(*, pitch, by, won_on, start_date, link_to: Client | None = None) -> Client:
    """Won: the client (status onboarding, from the pitch: nothing typed twice), its comms plan from
    the matrices (clients' client_create), and its onboarding checklist. `link_to` is an existing
    client with the pitch's domain, chosen instead of a new one."""
    pitch = _locked_open(pitch)
    if pitch.decision != Pitch.Decision.YES:
        raise ValidationError("Only a pitch we decided to make can be won.")
    if link_to is not None:
        client = link_to
        if client.status in (Client.Status.PITCH, Client.Status.LOST, Client.Status.PAUSED):
            client.status = Client.Status.ONBOARDING
            client.save(update_fields=["status", "updated_at", "version"])
    else:
        pricing = pitch_pricing(pitch)
        if pricing.tier is None:
            raise ValidationError("The pitch's spend fits no spend band: fix the spend or the bands first.")
        client = client_create(
            by=by,
            lead=pitch.proposed_cs,
            name=pitch.prospect_name,
            domain=pitch.domain,
            industry=pitch.industry,
            status=Client.Status.ONBOARDING,
            engagement_type=pitch.engagement_type,
            monthly_spend=pitch.monthly_spend,
            project_value=pitch.project_value,
            tier=pricing.tier,
            start_date=start_date,
        )
    pitch.outcome = Pitch.Outcome.WON
    pitch.outcome_date = won_on
    pitch.client = client
    pitch.save()
    onboarding_open(client=client, by=by, won_on=won_on, new_business_owner=pitch.new_business_owner)
    return client


@transaction.atomic
def pitch_close(*, pitch, by, outcome: str, reason: str, on) -> Pitch:
    """Lost or withdrawn, with its reason."""
    if outcome not in (Pitch.Outcome.LOST, Pitch.Outcome.WITHDRAWN):
        raise ValidationError("A pitch closes as lost or withdrawn.")
    pitch = _locked_open(pitch)
    pitch.outcome = outcome
    pitch.outcome_reason = reason.strip()
    pitch.outcome_date = on
    pitch.full_clean()
    pitch.save()
    return pitch
