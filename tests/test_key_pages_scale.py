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
    by_page = {name.split(" (")[0]: n for name, n in large.items()}  # "my week (4 clients)" → my week
    assert set(by_page) == set(BUDGETS)
    over = {page: (n, *BUDGETS[page]) for page, n in by_page.items() if n > BUDGETS[page][0]}
    assert not over, over


# Each key page's queries computed from scratch (cache off), at most: (budget, why it needs them).
# Every page pays 2 for the session and the user; a cached page pays one more for its versions.
BUDGETS = {
    "bare view": (2, "the session and the user: the floor every page stands on"),
    "weekly meet": (
        33,
        "meeting, previous meet, attendees; item 1's two lists, each counted in its own query (a window);"
        " item 2's per-AM summary, its first 20 flags and their actions; renewals; adherence; agreed;"
        " items 4 and 5: events, pots, per-AM balances in one grouped query, the vote, opportunities,"
        " audits and channel gaps with their counts (about 13)",
    ),
    "client list": (12, "roles, versions, the lead choices, count + one page of clients with leads, bands"),
    "client list, filtered": (13, "as the list, plus the band table the spend filter converts by"),
    "client detail": (
        49,
        "client, then its team and exec sponsor (each read only by a cached region), eight panels"
        " (flags, actions, contacts, NPS, plan, contracts…), and the feature sections: onboarding,"
        " jobs, support, the account plan at a glance, the channel map (about 19)",
    ),
    "my week": (
        17,
        "my clients, then one query per list, its first ten and its length (calls, planned calls, reports,"
        " unsent reports, overdue, this week's, flags) and later's count; milestones, opportunities, plan"
        " reviews and objectives below the cards",
    ),
    "portfolio": (
        23,
        "one aggregate per panel: tiers × bands, spend, NPS, flags, adherence, renewals, 5 exceptions"
        " (each its first 25 and a window count)",
    ),
    "NPS analytics": (
        14,
        "the trend's check-ins (answers and response rate in one) and surveys, then tier, sponsor and AM:"
        " check-ins and surveys each, and the people's names",
    ),
}


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


# Served from the cache, at most: the session, the user and their roles, the versions of what the
# page reads, and what the page needs to decide who may see what (the client and its team, the meeting).
CACHED_BUDGETS = {
    "bare view": 2,
    "weekly meet": 8,  # + the meeting (closed or not), the previous meet, attendees; sections in one get_many
    "client list": 5,
    "client list, filtered": 5,
    "client detail": 6,  # + the client, the notices badge: its team and every section are in the regions
    "my week": 10,  # milestones, opportunities, plan reviews and objectives: outside the cached cards
    "portfolio": 6,  # the team objectives' summary beside the cached body
    "NPS analytics": 5,
}


def test_each_key_page_served_from_its_cache_costs_a_handful_of_queries(client, settings):
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 300
    call_command("seed_scale", "--clients", "12", "--tag", "cached", "--seed", "3", verbosity=0)
    counts = {}
    for name, path, user in key_pages("cached"):
        client.force_login(user)
        first = count_queries(client, path)
        counts[name.split(" (")[0]] = (count_queries(client, path), first)
    over = {page: n for page, n in counts.items() if n[0] > CACHED_BUDGETS[page]}
    assert not over, over
    assert all(cached < computed for page, (cached, computed) in counts.items() if page != "bare view")
