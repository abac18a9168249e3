"""Contracts and the growth pipeline as exports (issue 19).

Who may read the client reads its contracts (as on its page); the pipeline's export is the pipeline
page's list: the CS team's, its opportunities on current clients, narrowed by the page's own
parameters (am, tier, service, stage; the open stages without one) through its selector.
"""

import django_filters

from clients.models import Client
from csops.exports import Column, Export, choice, yes_no
from people.roles import is_cs_team, reads_clients

from . import selectors_entertainment as entertainment
from . import selectors_growth as growth
from .models import Contract, EntertainmentEvent, Opportunity


class ContractFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    ends_before = django_filters.DateFilter(field_name="end_date", lookup_expr="lt")
    ends_after = django_filters.DateFilter(field_name="end_date", lookup_expr="gte")

    class Meta:
        model = Contract
        fields = ["client", "status"]


CONTRACTS = Export(
    slug="contracts",
    title="Contracts",
    description="Contracts and their renewal dates (filters: client, status, ends_before, ends_after).",
    queryset=lambda user: Contract.objects.filter(client__in=Client.objects.for_user(user).values("pk")),
    allowed=reads_clients,
    filterset=ContractFilter,
    ordering=("end_date", "client__name", "pk"),
    columns=(
        Column("Client", "client__name"),
        Column("Title", "title"),
        Column("Status", "status", choice(Contract.Status.choices)),
        Column("Start date", "start_date"),
        Column("End date", "end_date"),
        Column("Notice period (days)", "notice_period_days"),
        Column("Value", "value"),
        Column("Currency", "currency"),
        Column("SLA", "sla"),
        Column("ID", "pk"),
    ),
)

OPPORTUNITIES = Export(
    slug="opportunities",
    title="Opportunities",
    description="The upsell and cross-sell pipeline (filters as its page: am, tier, service, stage).",
    queryset=lambda user: growth.pipeline_opportunities(),
    allowed=is_cs_team,
    narrow=growth.pipeline_narrow,
    columns=(
        Column("Client", "client__name"),
        Column("Tier", "client__tier__name"),
        Column("What", "title"),
        Column("Kind", "kind", choice(Opportunity.Kind.choices)),
        Column("Service", "service__name"),
        Column("Value", "value"),
        Column("Per", "value_period", choice(Opportunity.Period.choices)),
        Column("Probability (%)", "probability"),
        Column("Weighted (first year)", "weighted"),
        Column("Stage", "stage", choice(Opportunity.Stage.choices)),
        Column("Next step", "next_step"),
        Column("Next step date", "next_step_date"),
        Column("Owner", "owner__email"),
        Column("Created at", "created_at"),
        Column("Won at", "won_at"),
        Column("ID", "pk"),
    ),
)

EVENTS = Export(
    slug="entertainment-events",
    title="Entertainment events",
    description="Client entertainment the calendar shows, with costs (filter as the calendar: month).",
    queryset=lambda user: EntertainmentEvent.objects.all(),  # the calendar is the CS team's, every client
    allowed=is_cs_team,
    narrow=entertainment.calendar_narrow,
    columns=(
        Column("Client", "client__name"),
        Column("What", "title"),
        Column("When", "held_on"),
        Column("Where", "venue"),
        Column("Status", "status", choice(EntertainmentEvent.Status.choices)),
        Column("Exec sponsor attending", "sponsor_attending", yes_no),
        Column("Estimated cost", "estimated_cost"),
        Column("Actual cost", "actual_cost"),
        Column("Added by", "created_by__email"),
        Column("ID", "pk"),
    ),
)

EXPORTS = (CONTRACTS, OPPORTUNITIES, EVENTS)
