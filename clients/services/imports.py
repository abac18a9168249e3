"""Apply an import plan (clients/imports.py): every create and update, in one transaction, or nothing.

Set-based, so 10,000 rows take seconds, not the quarter of an hour that saving them one by one
through the services took (issue 19): each row is checked in Python as the service's `full_clean`
would check it (the plan already checked the rules that need the database), then written with
`bulk_create` / `bulk_update` — a fixed number of statements per 1,000 rows, whatever the file's
length. Each row has the effects its service has:

- a new client as `client_create` makes it: the client, its lead AM on the account team
  (`team_member_set`), its comms plan from the matrix (`comms_plan_create`; occurrences come from
  beat, as for a client made in the web), each with its history row by the importing person;
- a changed client as the edit form changes it: a change to what the matrices read re-derives the
  plan (`comms_plan_refresh`, with its note, history and occurrence sync); a new lead AM demotes the
  old one and raises the account plan's review (`team_member_set`);
- contacts and team members as the contact and team services save them, with their reviews (a new
  decision maker, a lead AM changed) where the client has this year's account plan;
- the cache versions that the services' saves move (`versions_bump`: bulk writes send no signals).

A database rule broken on the way (a rival saved the same domain a moment ago) rolls the whole
import back and says which line.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commercial.services import plans as account_plans
from reporting.services.plans import comms_plans_create_bulk, comms_plans_refresh_bulk
from reporting.versions import versions_bump

from ..models import AccountTeamMembership, Client, Contact
from .accounts import PLAN_INPUTS

BATCH = 1000  # rows per INSERT / UPDATE statement
LEAD_RESPONSIBILITY = "Lead AM: day-to-day comms, reporting, plan"  # client_create's default
CLIENT_FOREIGN_KEYS = ("tier", "industry", "exec_sponsor")  # the plan found them: no query to check


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
    rows = plan.writes
    write = {"clients": _clients_write, "contacts": _contacts_write, "account-teams": _teams_write}
    try:
        with transaction.atomic():
            write[plan.kind](rows, by)
    except IntegrityError as exc:
        raise ImportFailed(*_clash(plan.kind, rows, exc)) from exc
    created = sum(1 for row in rows if row.action == "create")
    return {"created": created, "updated": len(rows) - created}


def _each(rows, prepare, by) -> list:
    """`prepare(row, by)` for every row; a row it refuses stops the import, naming the line."""
    out = []
    for row in rows:
        try:
            out.append(prepare(row, by))
        except ValidationError as exc:
            raise ImportFailed(row.line, " ".join(exc.messages)) from exc
    return out


def _lock(model, rows) -> None:
    """Point each update row at its record as the database holds it now, locked until commit."""
    updates = [row for row in rows if row.action == "update"]
    locked = model.objects.select_for_update().in_bulk([row.target.pk for row in updates])
    for row in updates:
        row.target = locked[row.target.pk]


def _version_moved(objs, now=None) -> None:
    """What Versioned.save does to a saved row (and auto_now to updated_at), for bulk_update."""
    for obj in objs:
        obj.version = F("version") + 1
        if now is not None:
            obj.updated_at = now


# --- clients -----------------------------------------------------------------------------------------


def _client_row(row, by) -> Client:
    """The row's client as it will be saved, checked as client_create's full_clean checks it."""
    client = Client(**row.fields) if row.action == "create" else row.target
    for name, value in row.fields.items():
        setattr(client, name, value)
    client.full_clean(exclude=CLIENT_FOREIGN_KEYS, validate_unique=False, validate_constraints=False)
    return client


def _clients_write(rows, by) -> None:
    _lock(Client, rows)
    before = {row.line: [getattr(row.target, f) for f in PLAN_INPUTS] for row in rows if row.target}
    clients = _each(rows, _client_row, by)
    new = [client for row, client in zip(rows, clients, strict=True) if row.action == "create"]
    changed = [(row, client) for row, client in zip(rows, clients, strict=True) if row.target and row.fields]
    bulk_create_with_history(new, Client, batch_size=BATCH, default_user=by)
    if changed:
        fields = sorted({name for row, _ in changed for name in row.fields})
        _version_moved([client for _, client in changed], timezone.now())
        bulk_update_with_history(
            [client for _, client in changed],
            Client,
            [*fields, "updated_at", "version"],
            batch_size=BATCH,
            default_user=by,
        )
    if new or changed:  # a rerun that writes nothing moves nothing
        versions_bump(client_ids=[c.pk for c in new] + [c.pk for _, c in changed], kinds=["clients"])
    # the lead AM: on a new client as client_create puts them; on another, if they are not lead yet
    _seats_write(
        [
            Seat(row.line, client.pk, row.extra["lead"].pk, None, True)
            for row, client in zip(rows, clients, strict=True)
            if row.extra.get("lead") is not None
        ],
        by,
    )
    comms_plans_create_bulk(clients=new, by=by)
    replan = [
        client
        for row, client in zip(rows, clients, strict=True)
        if row.target and before[row.line] != [getattr(client, f) for f in PLAN_INPUTS]
    ]
    comms_plans_refresh_bulk(clients=replan, by=by, reason="Imported from a spreadsheet")


# --- contacts ----------------------------------------------------------------------------------------


def _contact_row(row, by) -> Contact:
    """The row's contact as it will be saved, checked as the contact form's full_clean checks it."""
    contact = Contact(**row.fields) if row.action == "create" else row.target
    for name, value in row.fields.items():
        setattr(contact, name, value)
    contact.full_clean(exclude=["client"], validate_unique=False, validate_constraints=False)
    return contact


def _contacts_write(rows, by) -> None:
    _lock(Contact, rows)
    was = {row.line: row.target.decision_maker for row in rows if row.target}
    contacts = _each(rows, _contact_row, by)
    new = [contact for row, contact in zip(rows, contacts, strict=True) if row.action == "create"]
    changed = [(row, contact) for row, contact in zip(rows, contacts, strict=True) if row.target]
    bulk_create_with_history(new, Contact, batch_size=BATCH, default_user=by)
    if changed:
        fields = sorted({name for row, _ in changed for name in row.fields})
        _version_moved([contact for _, contact in changed])
        bulk_update_with_history(
            [contact for _, contact in changed],
            Contact,
            [*fields, "version"],
            batch_size=BATCH,
            default_user=by,
        )
    if contacts:
        versions_bump(client_ids={c.client_id for c in contacts}, kinds=["clients"])
    # contact_create and contact_update: a decision maker who is new, or no longer one, reviews the plan
    moved = [
        (contact, was.get(row.line, False))
        for row, contact in zip(rows, contacts, strict=True)
        if contact.decision_maker != was.get(row.line, False)
    ]
    planned = account_plans.clients_with_plan_this_year({contact.client_id for contact, _ in moved})
    for contact, before in moved:
        if contact.client_id in planned:
            account_plans.contact_decision_maker_changed(contact=contact, was=before, by=by)


# --- account teams -----------------------------------------------------------------------------------


@dataclass
class Seat:
    """A person's place on a client's account team as an import row leaves it (None: as it is now;
    a responsibility of None on a new membership: the lead's default)."""

    line: int
    client_id: int
    user_id: int
    responsibility: str | None
    is_lead: bool | None


def _team_row(row, by) -> Seat:
    if row.action == "create":
        client_id, user_id = row.fields["client"].pk, row.fields["user"].pk
    else:
        client_id, user_id = row.target.client_id, row.target.user_id
    return Seat(row.line, client_id, user_id, row.fields.get("responsibility"), row.fields.get("is_lead"))


def _teams_write(rows, by) -> None:
    _seats_write(_each(rows, _team_row, by), by)


def _seats_write(seats, by) -> None:
    """team_member_set for every seat: a new lead demotes the client's old one (whose account plan is
    reviewed); a membership is written only where it changes."""
    if not seats:
        return
    client_ids = {seat.client_id for seat in seats}
    memberships = AccountTeamMembership.objects.select_for_update().filter(client_id__in=client_ids)
    current = {(m.client_id, m.user_id): m for m in memberships.order_by("pk")}
    new_lead = {seat.client_id: seat.user_id for seat in seats if seat.is_lead}
    changed, made, lead_changes = {}, [], []
    for m in current.values():
        if m.is_lead and new_lead.get(m.client_id, m.user_id) != m.user_id:
            m.is_lead = False
            changed[m.pk] = m
            lead_changes.append((m.client_id, m.user_id, new_lead[m.client_id]))
    for seat in seats:
        m = current.get((seat.client_id, seat.user_id))
        if m is None:
            made.append(
                AccountTeamMembership(
                    client_id=seat.client_id,
                    user_id=seat.user_id,
                    responsibility=seat.responsibility or LEAD_RESPONSIBILITY,
                    is_lead=bool(seat.is_lead),
                )
            )
            continue
        wanted = (
            m.responsibility if seat.responsibility is None else seat.responsibility,
            m.is_lead if seat.is_lead is None else seat.is_lead,
        )
        if (m.responsibility, m.is_lead) != wanted:
            m.responsibility, m.is_lead = wanted
            changed[m.pk] = m
    # demotions first, then promotions and new members: one lead per client at every statement
    for group in (
        [m for m in changed.values() if not m.is_lead],
        [m for m in changed.values() if m.is_lead],
    ):
        if group:
            bulk_update_with_history(
                group,
                AccountTeamMembership,
                ["responsibility", "is_lead"],
                batch_size=BATCH,
                default_user=by,
            )
    bulk_create_with_history(made, AccountTeamMembership, batch_size=BATCH, default_user=by)
    touched = [*changed.values(), *made]
    if touched:
        versions_bump(
            client_ids={m.client_id for m in touched}, user_ids={m.user_id for m in touched}, kinds=["team"]
        )
    _lead_reviews(lead_changes, by)


def _lead_reviews(lead_changes, by) -> None:
    """account_plans.lead_changed for each client whose lead changed and that has a plan to review."""
    planned = account_plans.clients_with_plan_this_year({client_id for client_id, _, _ in lead_changes})
    lead_changes = [change for change in lead_changes if change[0] in planned]
    if not lead_changes:
        return
    clients = Client.objects.in_bulk({client_id for client_id, _, _ in lead_changes})
    users = get_user_model().objects.in_bulk({u for _, old, new in lead_changes for u in (old, new)})
    for client_id, old, new in lead_changes:
        account_plans.lead_changed(client=clients[client_id], old_user=users[old], new_user=users[new], by=by)


# --- which line broke a database rule ------------------------------------------------------------------


def _clash(kind, rows, exc) -> tuple[int, str]:
    """(line, message) for an IntegrityError: the first new row that the database now holds a rival
    of (its constraint's message), else the first row and the database's own words."""
    creates = [row for row in rows if row.action == "create"]
    if kind == "clients":
        taken = set(
            Client.objects.annotate(d=Lower("domain"))
            .filter(d__in=[row.fields.get("domain", "") for row in creates])
            .values_list("d", flat=True)
        )
        clashes = [row for row in creates if row.fields.get("domain") in taken]
        message = "Another client already has this web domain."
    elif kind == "contacts":
        emails = {(row.fields["client"].pk, row.fields.get("email", "")) for row in creates}
        taken = set(
            Contact.objects.annotate(e=Lower("email"))
            .filter(client__in={client for client, _ in emails}, e__in={e for _, e in emails if e})
            .values_list("client_id", "e")
        )
        clashes = [row for row in creates if (row.fields["client"].pk, row.fields.get("email", "")) in taken]
        message = "This client already has a contact with this email address."
    else:
        pairs = {(row.fields["client"].pk, row.fields["user"].pk) for row in creates}
        taken = set(
            AccountTeamMembership.objects.filter(
                client__in={c for c, _ in pairs}, user__in={u for _, u in pairs}
            ).values_list("client_id", "user_id")
        )
        clashes = [row for row in creates if (row.fields["client"].pk, row.fields["user"].pk) in taken]
        message = "This person is already on the account team."
    if clashes:
        return clashes[0].line, message
    return (rows[0].line if rows else 0), str(exc).splitlines()[0]
