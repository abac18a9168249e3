"""Contracts as an export (issue 19): who may read the client reads its contracts (as on its page)."""

import django_filters

from clients.models import Client
from csops.exports import Column, Export, choice
from people.roles import reads_clients

from .models import Contract


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

EXPORTS = (CONTRACTS,)
