"""The client records as exports (issue 19): clients, contacts, account teams, calls, flags, actions,
support requests.

Each is the person's scope (`Client.objects.for_user`), filtered as its list or API filters it.
Mounted by csops/export_urls.py.
"""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from csops.exports import Column, Export, choice, yes_no
from csops.params import int_param
from people.roles import reads_clients

from . import support_selectors as support
from .filters import ActionFilter, CallFilter, ClientFilter, ContactFilter, FlagFilter
from .models import (
    AccountTeamMembership,
    Action,
    Call,
    Client,
    Contact,
    EngagementType,
    Flag,
    Priority,
    SupportRequest,
)


def _seen(user):
    return Client.objects.for_user(user).values("pk")


def _clients(user):
    lead = AccountTeamMembership.objects.filter(client=OuterRef("pk"), is_lead=True).values("user__email")[:1]
    return Client.objects.for_user(user).with_amount().annotate(lead_email=Subquery(lead))


CLIENTS = Export(
    slug="clients",
    title="Clients",
    description="The client list, with its filters (tier, status, lead AM, spend band…).",
    queryset=_clients,
    allowed=reads_clients,
    filterset=ClientFilter,
    columns=(
        Column("Name", "name"),
        Column("Domain", "domain"),
        Column("Status", "status", choice(Client.Status.choices)),
        Column("Engagement", "engagement_type", choice(EngagementType.choices)),
        Column("Tier", "tier__name"),
        Column("Industry", "industry__name"),
        Column("Monthly spend", "monthly_spend"),
        Column("Project value", "project_value"),
        Column("Currency", "currency"),
        Column("Propensity to spend", "propensity", choice(Client.Propensity.choices)),
        Column("Lead AM email", "lead_email"),
        Column("Exec sponsor email", "exec_sponsor__email"),
        Column("Start date", "start_date"),
        Column("Lost date", "lost_date"),
        Column("Archived at", "archived_at"),
        Column("ID", "pk"),
    ),
)

CONTACTS = Export(
    slug="contacts",
    title="Contacts",
    description="Client contacts, with where they stand on the stakeholder map.",
    queryset=lambda user: Contact.objects.filter(client__in=_seen(user)),
    allowed=reads_clients,
    filterset=ContactFilter,
    ordering=("client__name", "name", "pk"),
    columns=(
        Column("Client domain", "client__domain"),
        Column("Client", "client__name"),
        Column("Name", "name"),
        Column("Job title", "title"),
        Column("Email", "email"),
        Column("Phone", "phone"),
        Column("Seniority", "seniority", choice(Contact.Seniority.choices)),
        Column("Decision maker", "decision_maker", yes_no),
        Column("Stance", "stance", choice(Contact.Stance.choices)),
        Column("RAG", "rag", choice(Contact.Rag.choices)),
        Column("Archived at", "archived_at"),
        Column("ID", "pk"),
    ),
)

ACCOUNT_TEAMS = Export(
    slug="account-teams",
    title="Account teams",
    description="Who is on each client's account team, and the lead AM.",
    queryset=lambda user: AccountTeamMembership.objects.filter(client__in=_seen(user)),
    allowed=reads_clients,
    ordering=("client__name", "-is_lead", "user__email", "pk"),
    columns=(
        Column("Client domain", "client__domain"),
        Column("Client", "client__name"),
        Column("Email", "user__email"),
        Column("First name", "user__first_name"),
        Column("Last name", "user__last_name"),
        Column("Responsibility", "responsibility"),
        Column("Lead AM", "is_lead", yes_no),
    ),
)

CALLS = Export(
    slug="calls",
    title="Calls",
    description="Calls and meetings with their notes (filters: client, author, held_after, held_before).",
    queryset=lambda user: Call.objects.filter(client__in=_seen(user)),
    allowed=reads_clients,
    filterset=CallFilter,
    ordering=("-held_at", "-pk"),
    columns=(
        Column("Client", "client__name"),
        Column("Date and time", "held_at"),
        Column("Held", "held", yes_no),
        Column("Kind", "kind", choice(Call.Kind.choices)),
        Column("Minutes", "duration_minutes"),
        Column("Logged by", "author__email"),
        Column("Rapport", "rapport"),
        Column("Delivery", "delivery"),
        Column("Strategy", "strategy"),
        Column("Next strategy review", "next_strategy_review"),
        Column("Commercial discovery", "commercial"),
        Column("Report needed", "report_required", yes_no),
        Column("Report sent at", "report_sent_at"),
        Column("ID", "pk"),
    ),
)

FLAGS = Export(
    slug="flags",
    title="Flags",
    description="Flags raised and how they were resolved (filters: client, status, severity, source, owner).",
    queryset=lambda user: Flag.objects.filter(client__in=_seen(user)),
    allowed=reads_clients,
    filterset=FlagFilter,
    ordering=("-raised_at", "-pk"),
    columns=(
        Column("Client", "client__name"),
        Column("Title", "title"),
        Column("Severity", "severity", choice(Flag.Severity.choices)),
        Column("Source", "source", choice(Flag.Source.choices)),
        Column("Status", "status", choice(Flag.Status.choices)),
        Column("Owner", "owner__email"),
        Column("Raised by", "raised_by__email"),
        Column("Raised at", "raised_at"),
        Column("Description", "description"),
        Column("Resolution", "resolution"),
        Column("Resolved at", "resolved_at"),
        Column("ID", "pk"),
    ),
)

ACTIONS = Export(
    slug="actions",
    title="Actions",
    description="Actions from calls, flags and meetings (filters: client, owner, status, due dates).",
    queryset=lambda user: Action.objects.filter(client__in=_seen(user)),
    allowed=reads_clients,
    filterset=ActionFilter,
    ordering=("due_date", "pk"),
    columns=(
        Column("Client", "client__name"),
        Column("Action", "description"),
        Column("Owner", "owner__email"),
        Column("Due", "due_date"),
        Column("Status", "status", choice(Action.Status.choices)),
        Column("Created at", "created_at"),
        Column("Done at", "done_at"),
        Column("ID", "pk"),
    ),
)


def _support_narrow(qs, params):
    """As the support pages narrow: a client's (its support page, ?client=) and a month's (the
    register's ?month=YYYY-MM, read by the register's own function); every request without them."""
    if client_id := int_param(params.get("client")):
        qs = qs.filter(client_id=client_id)
    if params.get("month"):
        qs = support.received_in(qs, support.register_month(params["month"], timezone.localdate()))
    return qs


SUPPORT_REQUESTS = Export(
    slug="support-requests",
    title="Support requests",
    description="Support requests with their SLA due times and outcomes (filters: client, month).",
    # scoped as each client's support page: the clients the person may see
    queryset=lambda user: support.with_outcomes(SupportRequest.objects.filter(client__in=_seen(user))),
    allowed=reads_clients,
    narrow=_support_narrow,
    ordering=("-received_at", "-pk"),
    columns=(
        Column("Client", "client__name"),
        Column("Received", "received_at"),
        Column("Priority", "priority", choice(Priority.choices)),
        Column("Summary", "summary"),
        Column("Owner", "owner__email"),
        Column("First response", "first_response_at"),
        Column("Response due", "response_due_at"),
        Column("Response SLA", "response_outcome"),
        Column("Resolved", "resolved_at"),
        Column("Resolution due", "resolution_due_at"),
        Column("Resolution SLA", "resolution_outcome"),
        Column("Flag ID", "flag_id"),
        Column("ID", "pk"),
    ),
)

EXPORTS = (CLIENTS, CONTACTS, ACCOUNT_TEAMS, CALLS, FLAGS, ACTIONS, SUPPORT_REQUESTS)
