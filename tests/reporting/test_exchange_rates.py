"""Bands are in pounds: a EUR or USD client is banded at the admin-set exchange rate, shown with it."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import Client
from reporting.models import CommsPlan, ExchangeRate
from reporting.services.plans import comms_plan_create

from ..factories import ClientFactory, ExchangeRateFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.fixture
def euro_client(world):
    client = ClientFactory(name="Rhein Optik", monthly_spend=Decimal("1100"), currency="EUR")
    MembershipFactory(client=client, user=world.team_am, is_lead=True)
    return client


def test_a_euro_client_is_banded_at_the_rate_not_the_raw_amount(euro_client):
    ExchangeRateFactory(currency="EUR", rate=Decimal("0.86"))
    plan = comms_plan_create(client=euro_client)
    # €1,100 ≈ £946: the £0–1,000 band (monthly calls), not £1,001–1,500 (fortnightly)
    assert plan.derived_from.min_amount == 0
    assert plan.call_cadence == "monthly"


def test_the_client_page_shows_the_amount_the_pounds_and_the_rate(world, login, euro_client):
    rate = ExchangeRateFactory(currency="EUR", rate=Decimal("0.86"))
    ExchangeRate.objects.filter(pk=rate.pk).update(
        set_at=datetime.datetime(2026, 11, 12, 9, tzinfo=datetime.UTC)
    )
    text = page_text(login(world.team_am).get(reverse("clients:detail", args=[euro_client.pk])))
    assert "€1,100/month ≈ £946 at 0.86 (set 12 Nov)" in text
    assert "£0–1,000 / month" in text


def test_a_currency_without_a_rate_is_not_banded_and_says_so(world, login):
    usd = ClientFactory(name="Lone Star Feeds", monthly_spend=Decimal("2500"), currency="USD")
    MembershipFactory(client=usd, user=world.team_am, is_lead=True)
    plan = comms_plan_create(client=usd)
    assert plan.derived_from is None
    text = page_text(login(world.team_am).get(reverse("clients:detail", args=[usd.pk])))
    assert "No USD exchange rate is set, so this client has no spend band" in text
    response = login(world.head).get(reverse("reporting:portfolio"))
    assert response.context["p"]["exceptions"]["no_rate"][0] == 1
    portfolio = page_text(response)
    assert "No exchange rate" in portfolio and "Lone Star Feeds (USD)" in portfolio


def test_the_portfolio_and_the_band_filter_convert_too(world, login, euro_client):
    ExchangeRateFactory(currency="EUR", rate=Decimal("0.86"))
    c = login(world.head)
    response = c.get(reverse("reporting:portfolio"))
    grid = response.context["p"]["grid"]
    low = next(
        i
        for i, b in enumerate(grid["columns"])
        if b and b.engagement_type == "retained" and b.min_amount == 0
    )
    row = next(r for r in grid["rows"] if r["tier"].pk == euro_client.tier_id)
    assert row["cells"][low] >= 1
    band = grid["columns"][low]
    listed = c.get(reverse("clients:list"), {"band": band.pk}).content.decode()
    assert "Rhein Optik" in listed


def test_an_admin_sets_a_rate_in_the_admin_and_the_plans_follow(
    world, client, euro_client, django_capture_on_commit_callbacks
):
    comms_plan_create(client=euro_client)  # no EUR rate yet: no band
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reporting_exchangerate_add"), {"currency": "EUR", "rate": "0.86"}
        )
    assert response.status_code == 302
    plan = CommsPlan.objects.get(client=euro_client)
    assert plan.call_cadence == "monthly"
    rate = ExchangeRate.objects.get(currency="EUR")
    assert rate.history.first().history_user == root


def test_a_rate_must_be_positive_and_pounds_need_none(world, client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    zero = client.post(reverse("admin:reporting_exchangerate_add"), {"currency": "EUR", "rate": "0"})
    assert "A rate is more than 0" in page_text(zero)
    gbp = client.post(reverse("admin:reporting_exchangerate_add"), {"currency": "GBP", "rate": "1"})
    assert gbp.status_code == 200 and not ExchangeRate.objects.exists()


def test_a_currency_change_re_derives_the_plan(world, login, euro_client):
    ExchangeRateFactory(currency="EUR", rate=Decimal("0.86"))
    gbp = ClientFactory(name="Tyne Bikes", monthly_spend=Decimal("1100"))
    MembershipFactory(client=gbp, user=world.team_am, is_lead=True)
    comms_plan_create(client=gbp)
    assert gbp.comms_plan.call_cadence == "fortnightly"
    data = {
        "name": gbp.name,
        "status": gbp.status,
        "engagement_type": "retained",
        "monthly_spend": "1100",
        "currency": "EUR",
        "tier": gbp.tier_id,
        "propensity": gbp.propensity,
        "version": Client.objects.get(pk=gbp.pk).version,  # the edit form sends what it was loaded at
    }
    login(world.team_am).post(reverse("clients:edit", args=[gbp.pk]), data)
    assert Client.objects.get(pk=gbp.pk).currency == "EUR"
    plan = CommsPlan.objects.get(client=gbp)
    assert plan.call_cadence == "monthly" and plan.last_change_note.startswith("Currency changed GBP → EUR")
    data["monthly_spend"] = "2000"
    data["version"] = Client.objects.get(pk=gbp.pk).version  # the form as loaded again after the save
    login(world.team_am).post(reverse("clients:edit", args=[gbp.pk]), data)
    note = CommsPlan.objects.get(client=gbp).last_change_note
    assert note.startswith("Spend changed €1,100 → €2,000/month")
