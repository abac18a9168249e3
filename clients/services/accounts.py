"""Workflows on clients, their contacts, account teams and escalation rules: each one a transaction,
called by views, admin actions and seed commands."""

from django.db import transaction
from django.utils import timezone

from commercial.services import plans as account_plans
from csops.versioning import version_claim
from reporting.models import money
from reporting.services.plans import comms_plan_create, comms_plan_refresh

from ..models import AccountTeamMembership, Client, Contact, EscalationRule


@transaction.atomic
def client_create(
    *, by, lead=None, lead_responsibility: str = "Lead AM: day-to-day comms, reporting, plan", **fields
):
    client = Client(**fields)
    client.full_clean()
    client.save()
    if lead is not None:
        team_member_set(client=client, user=lead, responsibility=lead_responsibility, is_lead=True, by=by)
    comms_plan_create(client=client, by=by)
    return client


PLAN_INPUTS = ("engagement_type", "monthly_spend", "project_value", "currency", "propensity", "bespoke_plan")


@transaction.atomic
def client_update(*, client, by, form) -> tuple[Client, str]:
    """Save the client form; a change to what the matrices read re-derives the comms plan.

    Returns the client and what happened to its plan ("" when nothing did). Raises StaleEdit when
    someone saved the client after the form was loaded (nothing is written).
    """
    version_claim(client, form.cleaned_data.get("version"))
    before = Client.objects.get(pk=client.pk)
    client = form.save()
    if not any(getattr(before, f) != getattr(client, f) for f in PLAN_INPUTS):
        return client, ""
    return client, comms_plan_refresh(client=client, by=by, reason=_spend_reason(before, client))


@transaction.atomic
def client_spend_change(*, client, by, monthly_spend) -> tuple[Client, str]:
    """A retained client's monthly spend changes (an upsell won): the plan re-derives as from the form."""
    before = Client.objects.select_for_update().get(pk=client.pk)
    client.monthly_spend = monthly_spend
    client.full_clean()
    client.save()
    if before.monthly_spend == client.monthly_spend:
        return client, ""
    return client, comms_plan_refresh(client=client, by=by, reason=_spend_reason(before, client))


def _spend_reason(before, after) -> str:
    if before.amount != after.amount or before.engagement_type != after.engagement_type:
        unit = "/month" if after.engagement_type == "retained" else ""
        old = money(round(before.amount), before.currency) if before.amount is not None else "none"
        return f"Spend changed {old} → {money(round(after.amount), after.currency)}{unit}"
    if before.currency != after.currency:
        return f"Currency changed {before.currency} → {after.currency}"
    if before.propensity != after.propensity:
        return f"Propensity changed {before.get_propensity_display()} → {after.get_propensity_display()}"
    return "Bespoke override changed"


@transaction.atomic
def contact_create(*, client, by, form) -> Contact:
    contact = form.save(commit=False)
    contact.client = client
    contact.save()
    account_plans.contact_decision_maker_changed(contact=contact, was=False, by=by)  # a new decision maker
    return contact


@transaction.atomic
def contact_update(*, form, by) -> Contact:
    """Save the contact form; StaleEdit when someone saved the contact after it was loaded."""
    version_claim(form.instance, form.cleaned_data.get("version"))
    was = Contact.objects.filter(pk=form.instance.pk).values_list("decision_maker", flat=True).first()
    contact = form.save()
    account_plans.contact_decision_maker_changed(contact=contact, was=bool(was), by=by)
    return contact


@transaction.atomic
def team_member_set(*, client, user, responsibility: str, is_lead: bool, by) -> AccountTeamMembership:
    """Add a person to the account team, or change what they do; making them lead demotes the old lead."""
    demoted = []
    if is_lead:
        for old in client.memberships.select_for_update().filter(is_lead=True).exclude(user=user):
            old.is_lead = False
            old.save(update_fields=["is_lead"])
            demoted.append(old.user)
    membership, created = AccountTeamMembership.objects.select_for_update().get_or_create(
        client=client, user=user, defaults={"responsibility": responsibility, "is_lead": is_lead}
    )
    if not created and (membership.responsibility, membership.is_lead) != (responsibility, is_lead):
        membership.responsibility = responsibility
        membership.is_lead = is_lead
        membership.save(update_fields=["responsibility", "is_lead"])
    for old_user in demoted:  # the lead AM changed: review the account plan (seed 002, personnel)
        account_plans.lead_changed(client=client, old_user=old_user, new_user=user, by=by)
    return membership


@transaction.atomic
def team_member_remove(*, membership: AccountTeamMembership, by) -> None:
    # The removal is kept in the membership's history (who and when), shown on the client page.
    membership.delete()


def client_archive(*, client: Client, by) -> None:
    if client.archived_at is None:
        client.archive()
        client.save(update_fields=["archived_at", "updated_at"])


def client_unarchive(*, client: Client, by) -> None:
    if client.archived_at is not None:
        client.archived_at = None
        client.save(update_fields=["archived_at", "updated_at"])


@transaction.atomic
def contact_archive(*, contact, by) -> None:
    """Contacts leave the stakeholder map but stay in history and in past calls."""
    if contact.archived_at is None:
        contact.archived_at = timezone.now()
        contact.save(update_fields=["archived_at"])
        account_plans.contact_archived(contact=contact, by=by)  # a decision maker gone: review the plan


def escalation_rule_save(*, client, form, by) -> EscalationRule:
    """Save a client's own escalation rule (the form says which matter and who)."""
    rule = form.save(commit=False)
    rule.client = client
    rule.save()
    return rule


def agency_escalation_rules_save(*, formset, by) -> None:
    """Save the agency-wide escalation table; new rows have no client, so they are agency-wide."""
    formset.save()
