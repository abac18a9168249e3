"""The head of CS's portfolio view and the monthly satisfaction report (PRODUCT.md §2, seed 001)."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from clients.models import Tier
from people.models import Notification, Role
from reporting.models import CommsPlan
from reporting.satisfaction import satisfaction_report_notify
from reporting.services.meetings import meet_pack_notify

from ..factories import (
    ClientFactory,
    CommsPlanFactory,
    ContractFactory,
    FlagFactory,
    MembershipFactory,
    NpsCheckInFactory,
    ProjectClientFactory,
    SurveyResponseFactory,
    TierFactory,
    staff,
)
from ..helpers import count_queries

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)
Q4 = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 9, 30, tzinfo=datetime.UTC), tick=False):
        yield


def portfolio(c):
    response = c.get(reverse("reporting:portfolio"))
    assert response.status_code == 200
    return response.context["p"]


def test_the_head_of_cs_lands_on_the_portfolio(world, login):
    assert login(world.head).get(reverse("home"))["Location"] == reverse("reporting:portfolio")


def test_spend_flags_and_nps_are_summed_across_the_book(world, login):
    ClientFactory(monthly_spend=Decimal("1000"), currency="GBP")
    ClientFactory(monthly_spend=Decimal("500"), currency="EUR")
    ClientFactory(
        monthly_spend=Decimal("9999"), status="lost", lost_date=datetime.date(2026, 6, 1)
    )  # not in the book
    ClientFactory(
        monthly_spend=Decimal("9999"), archived_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    ProjectClientFactory(monthly_spend=None, project_value=Decimal("7000"))
    FlagFactory(client=world.client, severity="critical")
    FlagFactory(client=world.client, severity="serious")
    FlagFactory(
        client=world.client,
        severity="serious",
        status="resolved",
        resolution="ok",
        resolved_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )
    NpsCheckInFactory(client=world.client, quarter=Q4, status="done", score=10)
    NpsCheckInFactory(client=world.other_client, quarter=Q4)
    p = portfolio(login(world.head))
    # the world's two clients spend 2,000 each (GBP)
    assert p["spend"]["monthly"] == {"EUR": Decimal("500"), "GBP": Decimal("5000")}
    assert p["spend"]["projects"] == {"GBP": Decimal("7000")}
    assert {f["severity"]: f["count"] for f in p["flags"]} == {"critical": 1, "major": 0, "serious": 1}
    assert p["open_flags"] == 2
    assert (p["nps"]["this"].nps, p["nps"]["done"], p["nps"]["due"], p["nps"]["rate"]) == (100, 1, 2, 50)


def test_clients_are_counted_by_tier_and_spend_band(world, login):
    tier1 = TierFactory(rank=1)
    ClientFactory(tier=tier1, monthly_spend=Decimal("8000"))
    ClientFactory(tier=tier1, monthly_spend=Decimal("9000"))
    grid = portfolio(login(world.head))["grid"]
    rows = {row["tier"].rank: row for row in grid["rows"]}
    assert rows[1]["total"] == 2
    column = [str(b) for b in grid["columns"]].index("Retained £6,001+ / month")
    assert rows[1]["cells"][column] == 2
    assert sum(grid["totals"]) == 4


def test_with_no_reporting_matrix_every_client_is_in_the_no_band_column(world, login):
    from reporting.models import ReportingBand

    ReportingBand.objects.all().delete()
    grid = portfolio(login(world.head))["grid"]
    assert grid["columns"] == [None] and grid["totals"] == [2]


def test_exceptions_name_clients_without_sponsor_plan_or_a_fitting_lead(world, login):
    tier1 = Tier.objects.get(rank=1) if Tier.objects.filter(rank=1).exists() else TierFactory(rank=1)
    tier1.lead_min_role = Role.objects.get(code=Role.ACCOUNT_DIRECTOR)
    tier1.save()
    too_junior = ClientFactory(name="Big Fish", tier=tier1, exec_sponsor=world.sponsor)
    MembershipFactory(client=too_junior, user=world.team_am, is_lead=True)
    fits = ClientFactory(name="Well Led", tier=tier1, exec_sponsor=world.sponsor)
    MembershipFactory(client=fits, user=staff(Role.ACCOUNT_DIRECTOR), is_lead=True)
    unsponsored = ClientFactory(name="Orphan", exec_sponsor=None)
    for client in (world.client, world.other_client, too_junior, fits):
        CommsPlanFactory(client=client)
    e = portfolio(login(world.head))["exceptions"]
    assert e["no_sponsor"][0] == 1 and [c["name"] for c in e["no_sponsor"][1]] == [unsponsored.name]
    assert [c["name"] for c in e["no_plan"][1]] == ["Orphan"]
    assert [c["name"] for c in e["no_lead"][1]] == ["Orphan"]
    assert [m["name"] for m in e["misfit"][1]] == ["Big Fish"]
    assert e["misfit"][1][0]["lead"] == "Amy Mills"


def test_only_the_head_of_cs_and_admins_see_it(world, login):
    assert login(world.team_am).get(reverse("reporting:portfolio")).status_code == 403
    assert login(world.sponsor).get(reverse("reporting:portfolio")).status_code == 403
    assert login(world.admin).get(reverse("reporting:portfolio")).status_code == 200


def populate(n):
    am, sponsor = staff(Role.ACCOUNT_MANAGER), staff(Role.EXEC_SPONSOR)
    for i in range(n):
        client = ClientFactory(
            tier=TierFactory(rank=1 + i % 4),
            exec_sponsor=sponsor if i % 3 else None,
            monthly_spend=Decimal(500 + 700 * i),
        )
        MembershipFactory(
            client=client, user=am if i % 2 else staff(Role.SENIOR_ACCOUNT_MANAGER), is_lead=True
        )
        if i % 4:
            CommsPlanFactory(client=client)
        FlagFactory(client=client, severity=["serious", "major", "critical"][i % 3])
        ContractFactory(client=client, end_date=TODAY + datetime.timedelta(days=5 + i))
        NpsCheckInFactory(
            client=client, quarter=Q4, status="done" if i % 2 else "due", score=i % 11 if i % 2 else None
        )


def test_the_portfolio_query_count_does_not_grow_with_clients(world, login):
    # One narrow scan of the clients and one aggregate per panel, never one per client.
    c = login(world.head)
    url = reverse("reporting:portfolio")
    populate(3)
    small = count_queries(c, url)
    populate(40)
    assert count_queries(c, url) == small


def test_a_long_exception_list_names_the_first_25_and_counts_them_all(world, login):
    """Bounded: the page names 25 of each exception, alphabetically, and says how many there are."""
    tier1 = Tier.objects.get(rank=1) if Tier.objects.filter(rank=1).exists() else TierFactory(rank=1)
    tier1.lead_min_role = Role.objects.get(code=Role.ACCOUNT_DIRECTOR)
    tier1.save()
    for i in range(30):
        client = ClientFactory(name=f"Orphan {i:02d}", exec_sponsor=None, tier=tier1)
        MembershipFactory(client=client, user=world.team_am, is_lead=True)  # an AM: too junior for tier 1
    c = login(world.head)
    e = portfolio(c)["exceptions"]
    assert e["no_sponsor"][0] == 30 and [r["name"] for r in e["no_sponsor"][1]] == [
        f"Orphan {i:02d}" for i in range(25)
    ]
    assert e["misfit"][0] == 30 and len(e["misfit"][1]) == 25 and e["misfit"][1][0]["name"] == "Orphan 00"
    html = c.get(reverse("reporting:portfolio")).content.decode()
    assert (
        "Orphan 24</a> …" in html
        and "Orphan 25" not in html.split('id="exceptions"')[1].split("No comms plan")[0]
    )


# --- the monthly satisfaction report ----------------------------------------------------------------


def rate(client, score, day, sponsor=None):
    quarter = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return NpsCheckInFactory(
        client=client,
        quarter=quarter,
        status="done",
        score=score,
        sponsor=sponsor,
        completed_at=datetime.datetime.combine(day, datetime.time(11), tzinfo=datetime.UTC),
    )


def test_the_aggregate_is_each_accounts_latest_rating_times_ten(world, login):
    rate(world.client, 6, datetime.date(2026, 7, 20))
    rate(world.client, 9, datetime.date(2026, 10, 14))  # the latest for this account
    rate(world.other_client, 7, datetime.date(2026, 10, 2))
    stale = ClientFactory()
    rate(stale, 0, datetime.date(2025, 12, 1))  # older than six months: no longer speaks for it
    response = login(world.team_am).get(reverse("reporting:satisfaction") + "?month=2026-10")
    r = response.context["report"]
    assert r["month"] == datetime.date(2026, 10, 1)
    assert r["score"] == 80  # (9 + 7) / 2 × 10
    assert r["meets_target"] and r["target"] == 80
    assert (r["rated"], r["active"], r["below_target"]) == (2, 3, 1)
    by_name = {a["client"]["name"]: a for a in r["accounts"]}
    assert (by_name["Northwind Outdoor"]["score"], by_name["Northwind Outdoor"]["previous"]) == (9, 6)
    assert by_name["Northwind Outdoor"]["change"] == 3
    assert [m["score"] for m in r["trend"]][-5:] == [None, 60, 60, 60, 80]
    assert b"On target" in response.content


def test_a_month_below_target_says_so_and_survey_answers_count(world, login):
    rate(world.client, 7, datetime.date(2026, 11, 3))
    SurveyResponseFactory(client=world.other_client, invite__contact__client=world.other_client, score=5)
    r = login(world.head).get(reverse("reporting:satisfaction")).context["report"]
    assert r["month"] == datetime.date(2026, 11, 1)
    assert r["score"] == 60 and not r["meets_target"]


def test_no_ratings_is_no_score(world, login):
    response = login(world.head).get(reverse("reporting:satisfaction"))
    assert response.context["report"]["score"] is None
    assert b"No ratings yet" in response.content


def test_a_bad_month_falls_back_to_this_month_with_a_message(world, login):
    response = login(world.head).get(reverse("reporting:satisfaction") + "?month=2031-02")
    assert response.context["report"]["month"] == datetime.date(2026, 11, 1)
    assert "Choose a month" in response.content.decode()
    assert login(world.head).get(reverse("reporting:satisfaction") + "?month=garbage").status_code == 200


def test_the_satisfaction_pdf_has_the_score_the_target_and_the_accounts(world, login):
    rate(world.client, 9, datetime.date(2026, 10, 14))
    response = login(world.head).get(reverse("reporting:satisfaction_pdf") + "?month=2026-10")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Client satisfaction report: October 2026" in text
    assert "80+" in text and "Northwind Outdoor" in text and "Ratings by account" in text


# --- what beat tells the head of CS -----------------------------------------------------------------


def test_the_weekly_pack_and_monthly_report_notices_go_once(world):
    FlagFactory(client=world.client)
    assert meet_pack_notify(today=TODAY).done == 1
    assert meet_pack_notify(today=TODAY + datetime.timedelta(days=2)).done == 0  # same week
    assert meet_pack_notify(today=TODAY + datetime.timedelta(days=7)).done == 1
    note = Notification.objects.get(user=world.head, key="meet-pack-2026-11-16")
    assert "0 actions outstanding from earlier meets, 1 open flag, 0 contracts" in note.body
    assert satisfaction_report_notify(today=datetime.date(2026, 12, 1)).done == 1
    assert satisfaction_report_notify(today=datetime.date(2026, 12, 1)).done == 0
    assert Notification.objects.get(key="satisfaction-2026-11").url.endswith("?month=2026-11")


def test_plans_are_untouched_by_reading_the_portfolio(world, login):
    portfolio(login(world.head))
    assert not CommsPlan.objects.exists()


def test_the_satisfaction_report_names_the_accounts_without_a_recent_rating(world, login):
    rate(world.client, 9, datetime.date(2026, 10, 14))
    html = login(world.head).get(reverse("reporting:satisfaction") + "?month=2026-10").content.decode()
    unrated = html.split('id="unrated"')[1]
    assert "Harbour Bank" in unrated and "Northwind Outdoor" not in unrated
    assert '<a href="#unrated">1 without a recent rating</a>' in html
