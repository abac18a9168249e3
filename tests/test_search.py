"""Search from the navigation bar (issue 19, item 5): grouped by kind, scoped by permission, indexed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import search as search_module
from commercial import search as composed
from commercial.search import search_for

from .commercial.factories_growth import OpportunityFactory
from .conftest import PERSONAS
from .factories import CallFactory, ClientFactory, ContactFactory, FlagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(world):
    ContactFactory(client=world.client, name="Priya Northcott", title="CMO")
    CallFactory(client=world.client, author=world.team_am, delivery="Agreed the spring campaign sign-off")
    FlagFactory(client=world.client, owner=world.team_am, title="Campaign reporting late")
    CallFactory(client=world.other_client, author=world.other_am, delivery="Harbour spring campaign budget")
    return world


def names(rows, key):
    return sorted(r[key] for r in rows)


@pytest.mark.parametrize("engine", ["database", "fallback"])
def test_results_are_grouped_by_kind_and_match_prefixes(engine, found, monkeypatch):
    if engine == "fallback":
        monkeypatch.setattr(search_module, "_postgres", lambda: False)  # as on SQLite
    results = search_for(found.head, "north")
    assert names(results.clients, "name") == ["Northwind Outdoor"]
    assert names(results.contacts, "name") == ["Priya Northcott"]
    calls = search_for(found.head, "spring campaign").calls
    assert names(calls, "client__name") == ["Harbour Bank", "Northwind Outdoor"]
    assert [f["title"] for f in search_for(found.head, "reporting").flags] == ["Campaign reporting late"]
    assert search_for(found.head, "zebra").total == 0


def test_a_sponsor_finds_only_their_clients(found):
    results = search_for(found.sponsor, "spring campaign")
    assert names(results.calls, "client__name") == ["Northwind Outdoor"]
    other = search_for(found.other_sponsor, "north")
    assert other.clients == [] and other.contacts == []
    assert search_for(found.norole, "north").total == 0


def test_the_page_lists_each_kind_and_refuses_roles_without_clients(found, login):
    page = login(found.team_am).get(reverse("search"), {"q": "campaign"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="found-calls"' in text and 'id="found-flags"' in text and "Harbour Bank" in text
    login(found.team_am).logout()
    assert login(found.norole).get(reverse("search"), {"q": "x"}).status_code == 403


@pytest.mark.parametrize("query", ["a & b | !c", "north:* & (", "'; drop table", "   ", "ü" * 300, ":*"])
def test_odd_queries_are_words_not_syntax(query, found, login):
    assert login(found.head).get(reverse("search"), {"q": query}).status_code == 200


def test_queries_do_not_grow_with_the_data(world, login, django_assert_max_num_queries):
    page = login(world.head)

    def add(n):
        for i in range(n):
            c = ClientFactory(name=f"Northern {i}")
            ContactFactory(client=c, name=f"North Person {i}")
            CallFactory(client=c, author=world.team_am, delivery="north office visit")
            FlagFactory(client=c, owner=world.team_am, title="North issue")
            OpportunityFactory(client=c, owner=world.team_am, title=f"North social retainer {i}")

    add(2)
    with CaptureQueriesContext(connection) as small:
        page.get(reverse("search"), {"q": "north"})
    add(15)
    # session, user, roles, notifications badge, and one query per kind of result — two for calls and
    # for flags when their newest rows hold less than a page (then the whole table is searched)
    with django_assert_max_num_queries(len(small)):
        response = page.get(reverse("search"), {"q": "north"})
    assert len(response.context["results"].calls) == search_module.PER_KIND
    assert len(response.context["results"].opportunities) == search_module.PER_KIND
    assert len(small) <= 12


@pytest.mark.parametrize(
    "kind, model, migration",
    [
        ("client", "Client", "0017"),
        ("contact", "Contact", "0017"),
        ("call", "Call", "0016"),
        ("flag", "Flag", "0016"),
    ],
)
def test_postgresql_searches_each_kind_through_its_stored_vector(world, kind, model, migration):
    if connection.vendor != "postgresql":
        pytest.skip("the stored vectors and their GIN indexes exist on PostgreSQL only")
    queryset = search_module._matching(getattr(search_module, model).objects.all(), kind, ["spring"])
    sql, params = queryset.query.sql_with_params()
    assert f"clients_{kind}.search_vector" in sql.replace('"', ""), sql  # read, not computed per row
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"clients_{kind}_search_vector" in plan, f"{migration}'s index unused: {plan}"


def test_calls_and_flags_come_newest_first_from_the_newest_rows_or_from_all(world, monkeypatch):
    monkeypatch.setattr(search_module, "WINDOW", 4)
    monkeypatch.setattr(search_module, "PER_KIND", 2)
    now = timezone.now()
    old = [
        CallFactory(
            client=world.client,
            author=world.team_am,
            delivery="zephyr launch",
            held_at=now - timedelta(days=d),
        )
        for d in (300, 200, 100)
    ]
    weekly = [  # the newest calls say something else: the zephyr ones are found further back
        CallFactory(
            client=world.client,
            author=world.team_am,
            delivery="weekly catch-up",
            held_at=now - timedelta(days=d),
        )
        for d in range(1, 6)
    ]
    found = search_for(world.head, "zephyr").calls
    assert [c["pk"] for c in found] == [old[2].pk, old[1].pk]
    newest = [c["pk"] for c in search_for(world.head, "weekly").calls]  # from the newest four alone
    assert newest == [weekly[0].pk, weekly[1].pk]
    assert search_for(world.other_am, "zephyr").calls == found  # an AM sees every client's calls
    assert search_for(world.other_sponsor, "zephyr").calls == []  # a sponsor: their own clients only


@pytest.fixture
def retainer(world):
    return OpportunityFactory(
        client=world.client, owner=world.team_am, title="Paid social retainer", next_step="Send the audit"
    )


@pytest.mark.parametrize("engine", ["database", "fallback"])
def test_an_opportunity_is_found_by_a_word_of_its_title_or_next_step(engine, retainer, world, monkeypatch):
    if engine == "fallback":
        monkeypatch.setattr(search_module, "_postgres", lambda: False)  # as on SQLite
    OpportunityFactory(client=world.other_client, owner=world.other_am, title="Paid search pilot")
    assert [o["title"] for o in search_for(world.team_am, "social").opportunities] == ["Paid social retainer"]
    assert [o["title"] for o in search_for(world.head, "audit").opportunities] == ["Paid social retainer"]
    assert sorted(o["title"] for o in search_for(world.head, "paid").opportunities) == [
        "Paid search pilot",
        "Paid social retainer",
    ]
    assert search_for(world.head, "retainer").total == 1


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anon"])
def test_an_opportunity_is_found_by_exactly_those_its_page_lets_in(persona, retainer, world, login):
    """The opportunity page's rule (read its client): the CS team — another team's AM included, as
    PRODUCT.md §1 lets the CS team read every client — and the client's own sponsor; no one else."""
    user = getattr(world, persona)
    found = [o["pk"] for o in search_for(user, "retainer").opportunities]
    page = login(user).get(reverse("commercial:opportunity_detail", args=[retainer.pk]))
    assert found == ([retainer.pk] if page.status_code == 200 else [])
    expected = persona in ("team_am", "other_am", "head", "sponsor", "admin")
    assert bool(found) == expected, (persona, page.status_code)


def test_an_other_sponsor_does_not_find_an_opportunity_of_a_client_not_theirs(retainer, world):
    assert search_for(world.other_sponsor, "retainer").opportunities == []
    assert [o["pk"] for o in search_for(world.sponsor, "retainer").opportunities] == [retainer.pk]


def test_the_page_lists_opportunities_as_their_own_group_linking_to_each(retainer, world, login):
    text = login(world.team_am).get(reverse("search"), {"q": "retainer"}).content.decode()
    assert 'id="found-opportunities"' in text
    assert reverse("commercial:opportunity_detail", args=[retainer.pk]) in text
    assert "Northwind Outdoor · Discovery" in text


def test_postgresql_searches_opportunities_through_the_gin_index(world):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN indexes exist on PostgreSQL only")
    sql, params = composed.matching_opportunities(world.head, ["social"]).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "opportunity_search" in plan, plan
