"""make bench's in-process passes (import, search): they run on any data set with its head of CS and
AMs, leave the data as it was, and their table says which figures meet the targets."""

import pytest

from clients.models import AccountTeamMembership, Client, Contact
from people.models import Role
from tools.bench.importing import import_pass
from tools.bench.inprocess import TITLES
from tools.bench.run import table
from tools.bench.searching import search_pass

from .factories import CallFactory, ContactFactory, MembershipFactory, TierFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_people(world):
    TierFactory(rank=1)
    head = staff(Role.HEAD_OF_CS, username="bench-head", email="bench-head@agency.example")
    ams = [
        staff(Role.ACCOUNT_MANAGER, username=f"bench-am{i}", email=f"bench-am{i}@agency.example")
        for i in (1, 2)
    ]
    world.client.domain = "c1.bench.example"
    world.client.save()
    MembershipFactory(client=world.client, user=ams[0])
    ContactFactory(client=world.client, name="Priya Northcott")
    CallFactory(client=world.client, author=ams[0], delivery="Reporting dashboard walkthrough agreed")
    return head


def test_the_import_pass_imports_every_file_and_rolls_it_all_back(bench_people):
    before = [m.objects.count() for m in (Client, Contact, AccountTeamMembership)]
    rows = import_pass(tag="bench", rows=6)
    assert [m.objects.count() for m in (Client, Contact, AccountTeamMembership)] == before
    totals = [r for r in rows if "preview + confirm" in r["page"]]
    assert [r["page"] for r in totals] == [
        "import clients: preview + confirm (6 create)",
        "import contacts: preview + confirm (6 create)",
        "import account-teams: preview + confirm (6 create)",
        "import clients again: preview + confirm (6 unchanged)",
    ]
    assert all(r["rows"] == 6 and r["ratio_to_bare"] is None and r["queries"] > 0 for r in rows)
    assert all(r["meets_targets"] for r in totals)
    report = {"clients": 6, "connections": 1, "sessions_per_page": 1, "duration_s": 0, "machine": "x"}
    text = table({**report, "passes": {TITLES["import"]: rows}})
    assert "| import clients: preview + confirm (6 create) | 6 |" in text and "| met |" in text


def test_the_search_pass_asks_each_query_as_the_head_and_an_am(bench_people):
    rows = search_pass(tag="bench", requests=2)
    assert len(rows) == 10 and {r["page"].rsplit(" by ", 1)[1] for r in rows} == {"head of CS", "an AM"}
    assert all(r["p95_ms"] > 0 and r["queries"] > 0 and r["ratio_to_bare"] is None for r in rows)
    found = {
        r["page"].split(" (")[1].split(")")[0]: r["rows"] for r in rows if r["page"].endswith("head of CS")
    }
    assert found["a contact's surname"] >= 1 and found["a word from call notes"] >= 1
