"""Importing clients, contacts and account teams from a spreadsheet (issue 19, item 1): the plan.

`plan_import(kind, table)` reads the file's rows against the database (everything it needs loaded in
a few queries up front, none per row) and says, row by row, what confirming would do: create,
update (with each change), leave unchanged, or why the row cannot be imported. Clients are matched
on their web domain, contacts on their email within the client (their name when they have none),
team members on their email within the client — so importing the same file twice changes nothing.
A blank cell leaves the field as it is (on a new record: the usual default). The headers are those of
the exports (clients/exports.py), so an export edited in Excel imports back.

clients/services/imports.py applies a plan with no errors, all in one transaction.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.validators import EmailValidator, ValidationError
from django.db.models.functions import Lower

from csops.spreadsheets import (
    Table,
    cell_text,
    choice_reader,
    date_reader,
    money_reader,
    normalise_header,
    yes_no,
)
from people.models import Role
from people.selectors import cs_team_users

from .models import AccountTeamMembership, Client, Contact, EngagementType, Industry, Tier


@dataclass
class Spec:
    key: str
    header: str
    required: bool = False
    example: str = ""


KINDS = {
    "clients": (
        Spec("name", "Name", True, "Northwind Outdoor"),
        Spec("domain", "Domain", True, "northwind.example"),
        Spec("status", "Status", False, "Active"),
        Spec("engagement_type", "Engagement", True, "Retained"),
        Spec("tier", "Tier", True, "Tier 1"),
        Spec("industry", "Industry", False, ""),
        Spec("monthly_spend", "Monthly spend", False, "12000"),
        Spec("project_value", "Project value", False, ""),
        Spec("currency", "Currency", False, "GBP"),
        Spec("propensity", "Propensity to spend", False, "Medium"),
        Spec("lead", "Lead AM email", False, "amy.mills@agency.example"),
        Spec("exec_sponsor", "Exec sponsor email", False, ""),
        Spec("start_date", "Start date", False, "2026-01-15"),
        Spec("lost_date", "Lost date", False, ""),
    ),
    "contacts": (
        Spec("client", "Client domain", True, "northwind.example"),
        Spec("name", "Name", True, "Jo Bloggs"),
        Spec("title", "Job title", False, "Marketing Director"),
        Spec("email", "Email", False, "jo@northwind.example"),
        Spec("phone", "Phone", False, ""),
        Spec("seniority", "Seniority", False, "Director"),
        Spec("decision_maker", "Decision maker", False, "yes"),
        Spec("stance", "Stance", False, "Neutral"),
        Spec("rag", "RAG", False, ""),
    ),
    "account-teams": (
        Spec("client", "Client domain", True, "northwind.example"),
        Spec("user", "Email", True, "amy.mills@agency.example"),
        Spec("responsibility", "Responsibility", True, "Day-to-day comms and reporting"),
        Spec("is_lead", "Lead AM", False, "yes"),
    ),
}
TITLES = {"clients": "Clients", "contacts": "Contacts", "account-teams": "Account teams"}

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


@dataclass
class Row:
    line: int
    label: str = ""
    action: str = CREATE
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # model field → value, for the service
    target: object = None  # the existing record an update changes
    extra: dict = field(default_factory=dict)  # e.g. the lead AM to set


@dataclass
class Plan:
    kind: str
    rows: list[Row]
    problems: list[str]  # about the whole file (a missing column)
    ignored: list[str]

    def count(self, action) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (CREATE, UPDATE, UNCHANGED, ERROR)}

    @property
    def ok(self) -> bool:
        return not self.problems and not any(r.action == ERROR for r in self.rows)

    @property
    def writes(self) -> list[Row]:
        return [r for r in self.rows if r.action in (CREATE, UPDATE)]


# --- the plan ----------------------------------------------------------------------------------------


def _columns(kind, table: Table):
    specs = KINDS[kind]
    wanted = {normalise_header(s.header): s for s in specs}
    positions, ignored = {}, []
    for i, header in enumerate(table.headers):
        spec = wanted.get(normalise_header(header))
        if spec is None:
            if header:
                ignored.append(header)
        elif spec.key not in positions:
            positions[spec.key] = i
    missing = [s.header for s in specs if s.required and s.key not in positions]
    problems = [f"The file has no “{h}” column (the template has every column)." for h in missing]
    return positions, ignored, problems


def _cells(positions, cells) -> dict[str, str]:
    return {key: cell_text(cells[i]) if i < len(cells) else "" for key, i in positions.items()}


def plan_import(kind: str, table: Table) -> Plan:
    positions, ignored, problems = _columns(kind, table)
    if problems:
        return Plan(kind, [], problems, ignored)
    planner = {"clients": _plan_clients, "contacts": _plan_contacts, "account-teams": _plan_teams}[kind]
    rows = planner([(line, _cells(positions, cells)) for line, cells in table.rows])
    return Plan(kind, rows, [], ignored)


def _users_by_email(emails) -> dict:
    """Active people by lower-cased email, in one query (emails match whatever their casing)."""
    users = get_user_model().objects.filter(is_active=True).annotate(email_lower=Lower("email"))
    found = {}
    for user in users.filter(email_lower__in={e.lower() for e in emails if e}).order_by("pk"):
        found.setdefault(user.email_lower, user)
    return found


def _clients_by_lower_domain(domains, *related) -> dict:
    clients = Client.objects.annotate(domain_lower=Lower("domain")).filter(domain_lower__in=domains)
    if related:  # what an update compares and shows, read with the clients, not one query a row
        clients = clients.select_related(*related)
    return {c.domain_lower: c for c in clients}


def _email(text, row, what):
    try:
        EmailValidator()(text)
    except ValidationError:
        row.errors.append(f"{what} “{text}” is not an email address.")
        return None
    return text.lower()


def _apply_changes(row: Row, target, wanted: dict, labels: dict):
    """Fill row.fields/changes with what differs from `target` (None: a new record)."""
    for name, value in wanted.items():
        if target is None:
            row.fields[name] = value
            continue
        current = getattr(target, name)
        if current != value:
            row.fields[name] = value
            row.changes.append(f"{labels.get(name, name)}: {_shown(current)} → {_shown(value)}")


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def _plan_clients(lines) -> list[Row]:
    existing = _clients_by_lower_domain(
        {_domain(c.get("domain", "")) for _, c in lines} - {""}, "tier", "industry", "exec_sponsor"
    )
    leads = dict(
        AccountTeamMembership.objects.filter(
            client__in=[c.pk for c in existing.values()], is_lead=True
        ).values_list("client_id", "user_id")
    )
    tiers = {t.name.lower(): t for t in Tier.objects.all()}
    industries = {i.name.lower(): i for i in Industry.objects.all()}
    emails = {c.get("lead", "").lower() for _, c in lines} | {
        c.get("exec_sponsor", "").lower() for _, c in lines
    }
    users = _users_by_email(emails - {""})
    cs_team = set(cs_team_users().filter(pk__in=[u.pk for u in users.values()]).values_list("pk", flat=True))
    sponsors = set(
        get_user_model()
        .objects.filter(pk__in=[u.pk for u in users.values()], profile__roles__code=Role.EXEC_SPONSOR)
        .values_list("pk", flat=True)
    )
    readers = {
        "status": choice_reader(Client.Status.choices, "status"),
        "engagement_type": choice_reader(EngagementType.choices, "engagement"),
        "currency": choice_reader(Client.Currency.choices, "currency"),
        "propensity": choice_reader(Client.Propensity.choices, "propensity to spend"),
        "monthly_spend": money_reader("Monthly spend"),
        "project_value": money_reader("Project value"),
        "start_date": date_reader("Start date"),
        "lost_date": date_reader("Lost date"),
    }
    labels = {s.key: s.header.lower() for s in KINDS["clients"]}
    seen, rows = {}, []
    for line, cells in lines:
        row = Row(line, label=f"{cells.get('name') or '?'} ({cells.get('domain') or 'no domain'})")
        domain = _domain(cells.get("domain", ""))
        if not domain:
            row.errors.append("Give the client's web domain: it is how an import finds the client again.")
        elif domain in seen:
            row.errors.append(f"Duplicate domain “{domain}”: line {seen[domain]} has it too.")
        else:
            seen[domain] = line
        target = existing.get(domain)
        wanted = {}
        if domain and target is None:
            wanted["domain"] = domain
        if cells.get("name"):
            wanted["name"] = cells["name"][:200]
        elif target is None:
            row.errors.append("Give the client a name.")
        for key, read in readers.items():
            if cells.get(key):
                try:
                    wanted[key] = read(cells[key])
                except ValueError as exc:
                    row.errors.append(str(exc))
        if cells.get("tier"):
            tier = tiers.get(cells["tier"].lower())
            if tier is None:
                names = ", ".join(t.name for t in tiers.values())
                row.errors.append(f"Unknown tier “{cells['tier']}”: the tiers are {names}.")
            else:
                wanted["tier"] = tier
        elif target is None:
            row.errors.append("Give the client a tier.")
        if (
            target is None
            and "engagement_type" not in wanted
            and not any("engagement" in e for e in row.errors)
        ):
            row.errors.append("Say whether the client is Retained or Project.")
        if cells.get("industry"):
            industry = industries.get(cells["industry"].lower())
            if industry is None:
                row.errors.append(f"Unknown industry “{cells['industry']}”: an admin adds industries first.")
            else:
                wanted["industry"] = industry
        if cells.get("exec_sponsor"):
            email = _email(cells["exec_sponsor"], row, "Exec sponsor email")
            user = users.get(email) if email else None
            if email and user is None:
                row.errors.append(
                    f"Unknown exec sponsor email “{cells['exec_sponsor']}”: no active person has it."
                )
            elif user is not None and user.pk not in sponsors:
                row.errors.append(f"{cells['exec_sponsor']} is not an exec sponsor.")
            elif user is not None:
                wanted["exec_sponsor"] = user
        if cells.get("lead"):
            email = _email(cells["lead"], row, "Lead AM email")
            user = users.get(email) if email else None
            if email and user is None:
                row.errors.append(f"Unknown AM email “{cells['lead']}”: no active person has it.")
            elif user is not None and user.pk not in cs_team:
                row.errors.append(
                    f"{cells['lead']} is on no team: they hold no CS-team role, so cannot lead."
                )
            elif user is not None:
                row.extra["lead"] = user
                if target is None or leads.get(target.pk) != user.pk:
                    row.changes.append(f"lead AM → {user.email}")
        _check_client(row, target, wanted)
        if not row.errors:
            _apply_changes(row, target, wanted, labels)
        _settle(row, target)
        rows.append(row)
    return rows


def _domain(text: str) -> str:
    """northwind.example from "https://www.Northwind.example/" as from "northwind.example"."""
    domain = text.strip().lower().removeprefix("https://").removeprefix("http://").split("/")[0]
    return domain.removeprefix("www.")


def _check_client(row: Row, target, wanted: dict):
    """The client's row rules (its CheckConstraints), in Python so the preview needs no query a row."""
    merged = {
        f: wanted.get(f, getattr(target, f) if target else None)
        for f in ("engagement_type", "monthly_spend", "project_value", "status", "lost_date")
    }
    if merged["engagement_type"] == EngagementType.RETAINED and merged["project_value"] is not None:
        if target is not None and "project_value" not in wanted and wanted.get("monthly_spend") is not None:
            wanted["project_value"] = None  # a project client becoming retained drops its project value
        else:
            row.errors.append("A retained client has a monthly spend and no project value.")
    if merged["engagement_type"] == EngagementType.PROJECT and merged["monthly_spend"] is not None:
        if target is not None and "monthly_spend" not in wanted and wanted.get("project_value") is not None:
            wanted["monthly_spend"] = None
        else:
            row.errors.append("A project client has a project value and no monthly spend.")
    if merged["status"] == Client.Status.LOST and merged["lost_date"] is None:
        row.errors.append("A lost client needs the date it was lost.")


def _settle(row: Row, target):
    if row.errors:
        row.action, row.fields = ERROR, {}
    elif target is None:
        row.action = CREATE
    elif row.fields or row.changes:
        row.action, row.target = UPDATE, target
    else:
        row.action, row.target = UNCHANGED, target


def _clients_by_domain(lines):
    return _clients_by_lower_domain({_domain(c.get("client", "")) for _, c in lines} - {""})


def _client_of(row, cells, clients):
    domain = _domain(cells.get("client", ""))
    client = clients.get(domain)
    if not domain:
        row.errors.append("Give the client's domain.")
    elif client is None:
        row.errors.append(f"No client has the domain “{cells['client']}”: import the clients first.")
    return client


def _plan_contacts(lines) -> list[Row]:
    clients = _clients_by_domain(lines)
    contacts = Contact.objects.filter(client__in=[c.pk for c in clients.values()])
    by_email = {(c.client_id, c.email.lower()): c for c in contacts if c.email}
    by_name = {(c.client_id, c.name.lower()): c for c in contacts if not c.email}
    readers = {
        "seniority": choice_reader(Contact.Seniority.choices, "seniority"),
        "stance": choice_reader(Contact.Stance.choices, "stance"),
        "rag": choice_reader(Contact.Rag.choices, "RAG"),
        "decision_maker": yes_no,
    }
    labels = {s.key: s.header.lower() for s in KINDS["contacts"]}
    seen, rows = {}, []
    for line, cells in lines:
        row = Row(line, label=f"{cells.get('name') or '?'} at {cells.get('client') or '?'}")
        client = _client_of(row, cells, clients)
        if not cells.get("name"):
            row.errors.append("Give the contact a name.")
        email = _email(cells["email"], row, "Email") if cells.get("email") else ""
        wanted = {k: cells[k][:200] for k in ("name", "title") if cells.get(k)}
        if cells.get("phone"):
            wanted["phone"] = cells["phone"][:40]
        if email:
            wanted["email"] = email
        for key, read in readers.items():
            if cells.get(key):
                try:
                    wanted[key] = read(cells[key])
                except ValueError as exc:
                    row.errors.append(str(exc))
        target = None
        if client is not None:
            key = (client.pk, email) if email else (client.pk, cells.get("name", "").lower())
            if key in seen:
                row.errors.append(f"Line {seen[key]} is the same contact.")
            seen[key] = line
            target = by_email.get(key) if email else by_name.get(key)
            if target is None:
                wanted["client"] = client
            elif email:
                wanted.pop("email", None)  # matched on it: the stored casing stays
        if not row.errors:
            _apply_changes(row, target, wanted, labels)
        _settle(row, target)
        rows.append(row)
    return rows


def _plan_teams(lines) -> list[Row]:
    clients = _clients_by_domain(lines)
    users = _users_by_email({c.get("user", "").lower() for _, c in lines} - {""})
    cs_team = set(cs_team_users().filter(pk__in=[u.pk for u in users.values()]).values_list("pk", flat=True))
    memberships = {
        (m.client_id, m.user_id): m
        for m in AccountTeamMembership.objects.filter(client__in=[c.pk for c in clients.values()])
    }
    leads_in_file, seen, rows = {}, {}, []
    for line, cells in lines:
        row = Row(line, label=f"{cells.get('user') or '?'} on {cells.get('client') or '?'}")
        client = _client_of(row, cells, clients)
        email = _email(cells["user"], row, "Email") if cells.get("user") else None
        user = users.get(email) if email else None
        if email and user is None:
            row.errors.append(f"Unknown AM email “{cells['user']}”: no active person has it.")
        elif user is not None and user.pk not in cs_team:
            row.errors.append(
                f"{cells['user']} is on no team: they hold no CS-team role (give them one first)."
            )
        if not cells.get("responsibility"):
            row.errors.append("Say what they do for this client.")
        try:
            is_lead = yes_no(cells.get("is_lead", ""))
        except ValueError as exc:
            row.errors.append(f"Lead AM: {exc}")
            is_lead = False
        target = None
        if client is not None and user is not None:
            if (client.pk, user.pk) in seen:
                row.errors.append(f"Line {seen[client.pk, user.pk]} puts the same person on this team.")
            seen[client.pk, user.pk] = line
            if is_lead:
                if client.pk in leads_in_file:
                    row.errors.append(
                        f"Line {leads_in_file[client.pk]} already makes someone this client's lead AM."
                    )
                leads_in_file[client.pk] = line
            target = memberships.get((client.pk, user.pk))
        wanted = {
            "client": client,
            "user": user,
            "responsibility": cells.get("responsibility", "")[:255],
            "is_lead": is_lead,
        }
        if target is not None:
            wanted = {"responsibility": wanted["responsibility"], "is_lead": is_lead}
        if not row.errors:
            _apply_changes(row, target, wanted, {"responsibility": "responsibility", "is_lead": "lead AM"})
        _settle(row, target)
        rows.append(row)
    return rows


def template_rows(kind: str) -> tuple[list[str], list[str]]:
    """The template's header row (required columns marked *) and an example row."""
    specs = KINDS[kind]
    return [s.header + (" *" if s.required else "") for s in specs], [s.example for s in specs]
