"""Pitches (issue 14 items 1–3): the pipeline, the pitch page with its CS price and fit, won → client."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AccountTeamMembership, Client, Tier
from onboarding.models import CsPrice, Onboarding, Pitch, SpendBand
from people.models import Role
from reporting.models import CommsPlan
from tests.factories import IndustryFactory, PitchFactory, new_business, staff
from tests.helpers import count_queries

TODAY = timezone.localdate()


@pytest.fixture
def seller(db):
    return new_business(username="keith", first_name="Keith", last_name="Richards")


def pitch_data(seller, proposed, **changes):
    data = {
        "prospect_name": "Karen's Kitchens",
        "domain": "https://www.karens-kitchens.example/about",
        "industry": IndustryFactory(name="Food & drink").pk,
        "client_size": "medium",
        "engagement_type": "retained",
        "monthly_spend": "4000",
        "project_value": "",
        "services": ["seo", "ppc"],
        "new_business_owner": seller.pk,
        "decision": "yes",
        "decision_reason": "Budget and ambition fit our search team.",
        "proposed_cs": proposed.pk,
        "fit_note": "Jody and Karen both like straight talking.",
        "cs_attends": "on",
        "pitch_date": (TODAY + datetime.timedelta(days=5)).isoformat(),
        "cs_fee_override": "",
        "cs_fee_override_reason": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_new_business_records_a_pitch_and_its_page_shows_the_cs_fee_and_fit(world, login, seller):
    jody = staff(Role.SENIOR_ACCOUNT_MANAGER, first_name="Jody", last_name="Braithwaite")
    c = login(seller)
    response = c.post(reverse("onboarding:pitch_create"), pitch_data(seller, jody))
    pitch = Pitch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "onboarding:pitch_detail", args=[pitch.pk]
    )
    assert pitch.domain == "karens-kitchens.example" and pitch.services == ["seo", "ppc"]
    page = c.get(response["Location"]).content.decode()
    # £4,000/month is the £3,001–6,000 band: Tier 2, which a senior AM may lead
    assert "£3,001–6,000 / month" in page and "Tier 2" in page and "fits Tier 2" in page
    fee = sum(
        CsPrice.objects.get(industry=None, spend_band=None, client_size="medium", service=s).monthly_fee
        for s in ("seo", "ppc")
    )
    assert f"£{fee:,.0f}/month" in page
    assert "created the pitch" in page  # the history


def test_a_misfitting_cs_person_is_named_on_the_pitch(world, login, seller):
    junior = staff(Role.ACCOUNT_EXECUTIVE)
    pitch = PitchFactory(monthly_spend=Decimal("7000"), proposed_cs=junior, new_business_owner=seller)
    page = login(seller).get(reverse("onboarding:pitch_detail", args=[pitch.pk])).content.decode()
    assert "misfit" in page and "Tier 1 needs Account director or above" in page


def test_the_top_band_prices_cs_up_and_an_override_needs_a_reason(world, login, seller):
    pitch = PitchFactory(
        monthly_spend=Decimal("7000"), services=["seo"], client_size="small", new_business_owner=seller
    )
    top = SpendBand.objects.get(engagement_type="retained", max_amount=None)
    banded = CsPrice.objects.get(
        industry=None, spend_band=top, client_size="small", service="seo"
    ).monthly_fee
    c = login(seller)
    assert (
        f"£{banded:,.0f}/month" in c.get(reverse("onboarding:pitch_detail", args=[pitch.pk])).content.decode()
    )
    form = c.get(reverse("onboarding:pitch_edit", args=[pitch.pk])).context["form"]
    data = pitch_data(
        seller,
        pitch.proposed_cs,
        monthly_spend="7000",
        services=["seo"],
        client_size="small",
        cs_fee_override="300",
        version=str(form.initial.get("version", pitch.version)),
    )
    response = c.post(reverse("onboarding:pitch_edit", args=[pitch.pk]), data)
    assert "Say why the CS fee differs from the matrix." in response.content.decode()
    assert Pitch.objects.get(pk=pitch.pk).cs_fee_override is None
    data["cs_fee_override_reason"] = "Built with the client at pre-pitch"
    assert c.post(reverse("onboarding:pitch_edit", args=[pitch.pk]), data).status_code == 302
    page = c.get(reverse("onboarding:pitch_detail", args=[pitch.pk])).content.decode()
    assert "collaborative pricing" in page and "£300/month" in page
    assert "CS fee agreed" in page  # the change is in the pitch's history


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"decision_reason": ""}, "decision_reason", "Say why you decided to pitch or not."),
        ({"monthly_spend": "5500"}, "monthly_spend", "This spend fits no spend band"),
        ({"prospect_name": "  "}, "prospect_name", "Name the prospect."),
        ({"monthly_spend": "", "project_value": "9000"}, "project_value", "Give the amount that fits"),
    ],
)
def test_bad_pitch_input_gets_a_field_error_and_writes_nothing(world, login, seller, changes, field, message):
    # a gap between £5,000 and £6,001 (an admin's edit): 5,500 fits no band
    SpendBand.objects.filter(engagement_type="retained", min_amount=3001).update(max_amount=5000)
    response = login(seller).post(
        reverse("onboarding:pitch_create"), pitch_data(seller, staff(Role.ACCOUNT_MANAGER), **changes)
    )
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Pitch.objects.exists()


def test_winning_creates_the_client_in_onboarding_with_its_plan_and_checklist(world, login, seller):
    jody = staff(Role.SENIOR_ACCOUNT_MANAGER, first_name="Jody", last_name="Braithwaite")
    pitch = PitchFactory(
        prospect_name="Karen's Kitchens",
        domain="karens.example",
        proposed_cs=jody,
        new_business_owner=seller,
        monthly_spend=Decimal("4000"),
    )
    response = login(seller).post(
        reverse("onboarding:pitch_won", args=[pitch.pk]), {"won_on": TODAY.isoformat(), "start_date": ""}
    )
    client = Client.objects.get(domain="karens.example")
    # new business does not read clients (§1): back to the pitch, which names its client
    assert response.status_code == 302 and response["Location"] == reverse(
        "onboarding:pitch_detail", args=[pitch.pk]
    )
    assert "Karen&#x27;s Kitchens (onboarding)" in login(seller).get(response["Location"]).content.decode()
    assert client.status == "onboarding" and client.monthly_spend == Decimal("4000")
    assert client.tier == Tier.objects.get(rank=2) and client.industry == pitch.industry
    assert AccountTeamMembership.objects.get(client=client, is_lead=True).user == jody
    assert CommsPlan.objects.filter(client=client, report_cadence="weekly").exists()  # £3,001–6,000 band
    onboarding = Onboarding.objects.get(client=client)
    assert onboarding.new_business_owner == seller and onboarding.meeting == "face_to_face"
    steps = list(onboarding.steps.order_by("order"))
    assert steps[0].owner == seller and steps[1].owner == jody and len(steps) == 9
    pitch.refresh_from_db()
    assert pitch.outcome == "won" and pitch.client == client


def test_a_won_pitch_whose_domain_exists_offers_to_link_instead(world, login, seller):
    pitch = PitchFactory(domain="northwind.example", new_business_owner=seller)
    c = login(seller)
    url = reverse("onboarding:pitch_won", args=[pitch.pk])
    response = c.post(url, {"won_on": TODAY.isoformat()})
    assert response.status_code == 400
    assert "Northwind Outdoor already has the domain northwind.example" in response.content.decode()
    assert Client.objects.count() == 2 and not Onboarding.objects.exists()
    assert Pitch.objects.get(pk=pitch.pk).outcome == "open"
    response = c.post(url, {"won_on": TODAY.isoformat(), "link_existing": "on"})
    assert response.status_code == 302
    assert Pitch.objects.get(pk=pitch.pk).client == world.client
    assert Onboarding.objects.filter(client=world.client).exists()


def test_a_pitch_cannot_be_won_before_its_pitch_date(world, login, seller):
    pitch = PitchFactory(new_business_owner=seller)
    response = login(seller).post(
        reverse("onboarding:pitch_won", args=[pitch.pk]),
        {"won_on": (pitch.pitch_date - datetime.timedelta(days=1)).isoformat()},
    )
    assert "A pitch cannot be won before its pitch date." in response.content.decode()
    assert Pitch.objects.get(pk=pitch.pk).outcome == "open"


def test_a_lost_pitch_needs_its_reason(world, login, seller):
    pitch = PitchFactory(new_business_owner=seller)
    c = login(seller)
    url = reverse("onboarding:pitch_close", args=[pitch.pk])
    assert c.post(url, {"outcome": "lost", "on": TODAY.isoformat(), "reason": " "}).status_code == 400
    assert Pitch.objects.get(pk=pitch.pk).outcome == "open"
    c.post(url, {"outcome": "lost", "on": TODAY.isoformat(), "reason": "Went with the incumbent"})
    assert Pitch.objects.get(pk=pitch.pk).outcome == "lost"


@pytest.mark.parametrize("persona", ["team_am", "other_am", "sponsor", "admin"])
def test_only_new_business_and_the_head_of_cs_run_pitches(world, login, seller, persona):
    pitch = PitchFactory(new_business_owner=seller)
    c = login(world.persona(persona))
    assert c.get(reverse("onboarding:pipeline")).status_code == 403
    assert c.get(reverse("onboarding:pitch_detail", args=[pitch.pk])).status_code == 403
    assert login(seller).get(reverse("onboarding:pipeline")).status_code == 200


def populate(n, seller):
    for i in range(n):
        PitchFactory(
            new_business_owner=seller,
            decision=["yes", "pending", "no"][i % 3],
            decision_reason="" if i % 3 == 1 else "Reason",
        )


def test_the_pipeline_shows_stages_with_values_in_constant_queries(world, login, seller):
    # One grouped count per stage and one page of `.values()` rows, whatever the number of pitches;
    # the budget covers session, user, roles, the nav's unread count, the aggregate and the page.
    c = login(world.head)
    url = reverse("onboarding:pipeline")
    populate(3, seller)
    small = count_queries(c, url)
    populate(30, seller)
    assert count_queries(c, url) == small <= 10
    page = c.get(url).content.decode()
    pitching = Pitch.objects.filter(decision="yes").count()
    assert f"£{pitching * 4000:,}/month" in page
