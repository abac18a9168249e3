"""Every key page of the benchmark costs the same number of queries at two data sizes (PRODUCT.md §6).

The data comes from `seed_scale` itself (a small set, then a second set three times its size), and
the pages are the benchmark's own list, so a page that starts querying per client, per call or per
AM fails here before it shows in `make bench`.
"""

import datetime

import pytest
from django.core.management import call_command

from tools.bench.pages import key_pages

from .helpers import count_queries

pytestmark = pytest.mark.django_db


def every_list_has_a_row():
    """A dozen clients may, by chance, have no open flag or no renewal this quarter; then Django skips
    a prefetch and the small set would count one query fewer. Give each agenda list a row."""
    from django.utils import timezone

    from clients.models import Client

    from .factories import ActionFactory, ContractFactory, FlagFactory

    client = Client.objects.filter(domain__endswith=".small.example", status="active").first()
    lead = client.memberships.get(is_lead=True).user
    flag = FlagFactory(client=client, owner=lead)
    ActionFactory(client=client, owner=lead, flag=flag)
    ContractFactory(client=client, end_date=timezone.localdate() + datetime.timedelta(days=30))


def test_each_key_page_costs_the_same_queries_with_three_times_the_data(client):
    call_command("seed_scale", "--clients", "12", "--tag", "small", "--seed", "1", verbosity=0)
    every_list_has_a_row()
    pages = key_pages("small")

    def counts():
        out = {}
        for name, path, user in pages:
            client.force_login(user)
            client.get(path)  # the first request warms per-process caches
            out[name] = count_queries(client, path)
        return out

    small = counts()
    call_command("seed_scale", "--clients", "36", "--tag", "large", "--seed", "2", verbosity=0)
    large = counts()
    assert large == small
    assert len(pages) == 8


def test_seed_scale_is_deterministic_and_loads_once(django_assert_max_num_queries):
    from clients.models import Call, Client, Flag
    from reporting.models import NpsCheckIn

    def fingerprint():
        return (
            list(
                Client.objects.filter(domain__endswith=".det.example")
                .order_by("domain")
                .values_list("name", "tier__rank", "monthly_spend", "status", "start_date")
            ),
            Call.objects.count(),
            Flag.objects.filter(status="open").count(),
            list(NpsCheckIn.objects.order_by("client__domain", "quarter").values_list("score", flat=True)),
        )

    call_command(
        "seed_scale", "--clients", "15", "--tag", "det", "--seed", "9", "--today", "2026-11-16", verbosity=0
    )
    first = fingerprint()
    assert len(first[0]) == 15 and first[1] > 15 * 50
    call_command("seed_scale", "--clients", "15", "--tag", "det", "--seed", "9", verbosity=0)  # loaded: no-op
    assert fingerprint() == first
