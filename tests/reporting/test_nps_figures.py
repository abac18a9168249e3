"""The NPS figures materialised per quarter (reporting/nps_figures.py): the NPS page and the
portfolio read them back in one query, and every write that changes what they count outdates them,
so a stale figure is never served (caching off, as everywhere in the suite unless said)."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import AccountTeamMembership
from people.models import Role
from reporting import nps, nps_figures
from reporting.models import NpsCheckIn, NpsQuarterFigures
from reporting.services.feedback import nps_checkins_run

from ..factories import (
    ClientFactory,
    MembershipFactory,
    NpsCheckInFactory,
    SurveyResponseFactory,
    TierFactory,
    staff,
)
from .test_nps import Q3, Q4, done, frozen  # noqa: F401 — frozen: the same day, autouse

pytestmark = pytest.mark.django_db


def shown(c) -> dict:
    """What the NPS page shows for this quarter: the agency's NPS and rate, and each table by label."""
    response = c.get(reverse("reporting:nps"))
    assert response.status_code == 200
    ctx = response.context
    tables = {
        name: {r["label"]: (r["nps"], r["done"], r["due"]) for r in ctx[name]}
        for name in ("tiers", "sponsors", "ams")
    }
    return {"nps": ctx["tally"].nps, "rate": (ctx["done"], ctx["due"]), **tables}


def live(quarter) -> dict:
    """The same figures counted from the check-ins and answers now (no stored figures)."""
    tally, rates = nps.trend([quarter])
    return {"nps": tally[quarter].nps, "rate": rates[quarter]}


@pytest.fixture
def book(world):
    tier = TierFactory(rank=1, name="Tier 1")
    world.client.tier = tier
    world.client.save()
    done(world.client, Q4, 10)
    done(world.other_client, Q4, 3)
    done(world.client, Q3, 2)
    return world


def test_the_page_stores_each_quarter_once_and_then_reads_the_stored_figures(book, login):
    c = login(book.head)
    first = shown(c)
    assert NpsQuarterFigures.objects.count() == 8  # the trend's eight quarters
    with CaptureQueriesContext(connection) as again:
        assert shown(c) == first
    counted = [q["sql"] for q in again.captured_queries if "reporting_npscheckin" in q["sql"]]
    assert counted == []  # no check-in is read: the figures come from the store
    assert first["nps"] == 0 and first["rate"] == (2, 2)
    assert first["tiers"]["Tier 1"] == (100, 1, 1)


def test_stored_figures_are_what_the_page_serves_while_nothing_moved(book, login):
    # proves the page reads the store: figures changed behind the counters' back (SQL, no write
    # path) are served until the stamp moves, as a cached fragment would be
    c = login(book.head)
    shown(c)
    stored = NpsQuarterFigures.objects.get(quarter=Q4)
    stored.figures["all"] = [[None, 7, 0, 0, 7, 7]]
    NpsQuarterFigures.objects.filter(quarter=Q4).update(figures=stored.figures)
    assert shown(c)["nps"] == 100
    NpsCheckInFactory(client=ClientFactory(), quarter=Q3)  # any NPS write moves the stamp
    assert shown(c)["nps"] == 0


def _rescore(world):
    checkin = NpsCheckIn.objects.get(client=world.other_client, quarter=Q4)
    checkin.score = 10
    checkin.save()


def _survey(world):
    SurveyResponseFactory(
        client=world.other_client, invite__contact__client=world.other_client, quarter=Q4, score=0
    )


def _retier(world):
    world.other_client.tier = world.client.tier
    world.other_client.save()


def _new_lead(world):
    lead = AccountTeamMembership.objects.get(client=world.other_client, is_lead=True)
    lead.is_lead = False
    lead.save()
    MembershipFactory(client=world.other_client, user=world.team_am, is_lead=True)


def _beat_opens_the_quarter(world):
    ClientFactory(exec_sponsor=world.sponsor)
    nps_checkins_run(today=datetime.date(2026, 11, 16))  # bulk_create + versions_bump


def _renamed_tier(world):
    world.client.tier.name = "Platinum"
    world.client.tier.save()


@pytest.mark.parametrize(
    "write, expect",
    [
        (_rescore, lambda s: s["nps"] == 100 and s["sponsors"]["Keith Richards"][0] == 100),
        (_survey, lambda s: s["nps"] == -33),
        (_retier, lambda s: s["tiers"]["Tier 1"] == (0, 2, 2) and "No tier" not in s["tiers"]),
        (_new_lead, lambda s: s["ams"]["Amy Mills"] == (0, 2, 2) and "Tom Baker" not in s["ams"]),
        (_beat_opens_the_quarter, lambda s: s["rate"] == (2, 3)),
        (_renamed_tier, lambda s: "Platinum" in s["tiers"]),
    ],
    ids=[
        "check-in rescored",
        "survey answer",
        "client re-tiered",
        "lead AM changed",
        "beat opens",
        "tier renamed",
    ],
)
def test_every_write_that_changes_a_figure_outdates_it(book, login, write, expect):
    c = login(book.head)
    before = shown(c)
    write(book)
    after = shown(c)
    assert after != before and expect(after), after
    assert after["nps"] == live(Q4)["nps"] and after["rate"] == live(Q4)["rate"]


def test_a_write_rolled_back_leaves_the_stored_figures_right(book, login):
    c = login(book.head)
    before = shown(c)
    with pytest.raises(RuntimeError), transaction.atomic():
        _rescore(book)
        assert shown(c)["nps"] == 100  # inside the write's transaction it shows
        raise RuntimeError("rolled back")
    assert shown(c) == before


def test_a_database_that_refuses_to_store_costs_a_recompute_not_an_error(book, login, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("read-only")

    monkeypatch.setattr(NpsQuarterFigures.objects, "bulk_create", refuse)
    c = login(book.head)
    assert shown(c)["nps"] == 0
    assert NpsQuarterFigures.objects.count() == 0


def test_the_portfolio_reads_the_same_stored_figures(book, login):
    c = login(book.head)
    shown(c)
    with CaptureQueriesContext(connection) as queries:
        response = c.get(reverse("reporting:portfolio"))
    assert response.status_code == 200
    assert response.context["p"]["nps"]["this"].nps == 0
    assert not [q for q in queries.captured_queries if "reporting_npscheckin" in q["sql"]]


def test_figures_count_the_same_as_the_live_tallies_at_scale(world):
    sponsor, am = staff(Role.EXEC_SPONSOR), staff(Role.ACCOUNT_MANAGER)
    for i in range(25):
        client = ClientFactory(exec_sponsor=sponsor, tier=TierFactory(rank=1 + i % 4))
        MembershipFactory(client=client, user=am, is_lead=True)
        done(client, Q4, i % 11)
        if i % 3:
            SurveyResponseFactory(
                client=client, invite__contact__client=client, quarter=Q3, score=(i * 7) % 11
            )
    tallies, rates = nps.trend([Q3, Q4])
    assert nps_figures.trend([Q3, Q4]) == (tallies, rates)
