"""Apply an import plan (clients/imports.py): every create and update, in one transaction, or nothing.

Clients are made through `client_create` (their comms plan with them) and changed as the edit form
changes them (a change to what the matrices read re-derives the plan); team members through
`team_member_set`. A database rule broken on the way (a rival saved the same domain a moment ago)
rolls the whole import back and says which line.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reporting.services.plans import comms_plan_refresh

from ..models import AccountTeamMembership, Client, Contact
from .accounts import PLAN_INPUTS, client_create, team_member_set


class ImportFailed(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}")
        self.line = line


@transaction.atomic
def import_apply(*, plan, by) -> dict[str, int]:
    """Write the plan's creates and updates; {"created": n, "updated": n}. Raises ImportFailed
    (nothing written) when any row breaks a rule, and ValueError for a plan with errors."""
    if not plan.ok:
        raise ValueError("a plan with errors is not applied")
    apply_row = {"clients": _client_row, "contacts": _contact_row, "account-teams": _team_row}[plan.kind]
    counts = {"created": 0, "updated": 0}
    for row in plan.writes:
        try:
            with transaction.atomic():
                apply_row(row, by)
        except (ValidationError, IntegrityError) as exc:
            messages = getattr(exc, "messages", None) or [str(exc).splitlines()[0]]
            raise ImportFailed(row.line, " ".join(messages)) from exc
        counts["created" if row.action == "create" else "updated"] += 1
    return counts


def _client_row(row, by):
    lead = row.extra.get("lead")
    if row.action == "create":
        client_create(by=by, lead=lead, **row.fields)
        return
    client = Client.objects.select_for_update().get(pk=row.target.pk)
    before = {f: getattr(client, f) for f in PLAN_INPUTS}
    for name, value in row.fields.items():
        setattr(client, name, value)
    if row.fields:
        client.full_clean()
        client.save()
    if lead is not None and not client.memberships.filter(user=lead, is_lead=True).exists():
        responsibility = (
            client.memberships.filter(user=lead).values_list("responsibility", flat=True).first()
            or "Lead AM: day-to-day comms, reporting, plan"
        )
        team_member_set(client=client, user=lead, responsibility=responsibility, is_lead=True, by=by)
    if any(before[f] != getattr(client, f) for f in PLAN_INPUTS):
        comms_plan_refresh(client=client, by=by, reason="Imported from a spreadsheet")


def _contact_row(row, by):
    contact = Contact(**row.fields) if row.action == "create" else Contact.objects.get(pk=row.target.pk)
    for name, value in row.fields.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()


def _team_row(row, by):
    if row.action == "create":
        client, user = row.fields["client"], row.fields["user"]
    else:
        membership = AccountTeamMembership.objects.select_related("client", "user").get(pk=row.target.pk)
        client, user = membership.client, membership.user
    responsibility = row.fields.get("responsibility", getattr(row.target, "responsibility", ""))
    is_lead = row.fields.get("is_lead", getattr(row.target, "is_lead", False))
    team_member_set(client=client, user=user, responsibility=responsibility, is_lead=is_lead, by=by)
