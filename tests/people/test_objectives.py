"""Team objectives whose measures compute themselves (issue 18, item 4), against hand-built histories."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from clients.models import Contact, EngagementType
from people.models import Measure, Objective, TeamYear
from reporting import team_objectives as obj

from ..factories import (
    CallFactory,
    ClientFactory,
    ContactFactory,
    ContractFactory,
    MembershipFactory,
    TierFactory,
    staff,
)
from ..helpers import count_queries

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(y, m, d, hh=10, mm=0):
    return time_machine.travel(datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON), tick=False)


def set_rag(contact, rag, when):
    with when:
        contact.rag = rag
        contact.save()


def test_a_red_contact_moved_to_orange_on_29_june_counts_for_june():
    with at(2025, 11, 3):
        moved = ContactFactory(rag=Contact.Rag.RED)
        stuck = ContactFactory(rag=Contact.Rag.RED)
        ContactFactory(rag=Contact.Rag.GREEN)  # never red: not counted
    set_rag(moved, Contact.Rag.ORANGE, at(2026, 6, 29, 16))
    # late on the last day of June, British summer time (still 30 June locally, 22:30 UTC)
    with at(2025, 11, 3):
        late = ContactFactory(client=stuck.client, rag="")
    set_rag(late, Contact.Rag.RED, at(2025, 12, 1))
    set_rag(late, Contact.Rag.ORANGE, at(2026, 6, 30, 23, 30))
    set_rag(stuck, Contact.Rag.GREEN, at(2026, 7, 1, 0, 30))  # July: not June
    orange = obj.red_contacts(2026, green=False)
    assert orange(datetime.date(2026, 5, 31)) == 0
    assert orange(datetime.date(2026, 6, 29)) == Decimal("33.3")
    assert orange(datetime.date(2026, 6, 30)) == Decimal("66.7")
    assert orange(datetime.date(2026, 7, 31)) == 100
    green = obj.red_contacts(2026, green=True)
    assert green(datetime.date(2026, 6, 30)) == 0 and green(datetime.date(2026, 7, 1)) == Decimal("33.3")


def test_a_contact_first_mapped_red_during_the_year_joins_the_count_when_added():
    with at(2026, 3, 10):
        ContactFactory(rag=Contact.Rag.RED)
    value = obj.red_contacts(2026, green=False)
    assert value(datetime.date(2026, 2, 28)) is None  # nobody to move yet
    assert value(datetime.date(2026, 3, 31)) == 0


def test_each_lead_am_meets_each_main_contact_one_to_one():
    am = staff("account_manager", username="am")
    colleague = staff("account_manager", username="colleague")
    client = ClientFactory()
    MembershipFactory(client=client, user=am, is_lead=True)
    boss, cfo = (
        ContactFactory(client=client, decision_maker=True),
        ContactFactory(client=client, decision_maker=True),
    )
    ContactFactory(client=client)  # not a main contact
    one_to_one = CallFactory(
        client=client, author=am, held_at=datetime.datetime(2026, 4, 2, 10, tzinfo=LONDON)
    )
    one_to_one.contact_attendees.add(boss)
    group = CallFactory(client=client, author=am, held_at=datetime.datetime(2026, 5, 2, 10, tzinfo=LONDON))
    group.contact_attendees.add(boss, cfo)  # two client attendees: not a one-to-one
    crowd = CallFactory(client=client, author=am, held_at=datetime.datetime(2026, 6, 2, 10, tzinfo=LONDON))
    crowd.contact_attendees.add(cfo)
    crowd.staff_attendees.add(am, colleague)  # two of ours: not a one-to-one either
    last_year = CallFactory(
        client=client, author=am, held_at=datetime.datetime(2025, 12, 2, 10, tzinfo=LONDON)
    )
    last_year.contact_attendees.add(cfo)
    value = obj.one_to_ones(2026)
    assert value(datetime.date(2026, 3, 31)) == 0
    assert value(datetime.date(2026, 4, 30)) == 50
    assert value(datetime.date(2026, 12, 31)) == 50
    final = CallFactory(
        client=client, author=colleague, held_at=datetime.datetime(2026, 9, 1, 10, tzinfo=LONDON)
    )
    final.contact_attendees.add(cfo)
    final.staff_attendees.add(am)  # the AM attends a call a colleague logged
    assert obj.one_to_ones(2026)(datetime.date(2026, 9, 30)) == 100


def test_projects_converted_to_retained_count_from_the_engagement_history():
    with at(2025, 6, 1):
        converted = ClientFactory(
            engagement_type=EngagementType.PROJECT, monthly_spend=None, project_value=9000
        )
        early = ClientFactory(engagement_type=EngagementType.PROJECT, monthly_spend=None, project_value=5000)
        ClientFactory(engagement_type=EngagementType.PROJECT, monthly_spend=None, project_value=1000)
        ClientFactory()  # retained from the start: not a conversion
    for client, when in ((early, at(2025, 11, 1)), (converted, at(2026, 5, 20))):
        with when:
            client.engagement_type, client.project_value, client.monthly_spend = "retained", None, 3000
            client.save()
    value = obj.projects_to_retained(2026)
    assert value(datetime.date(2026, 4, 30)) == 0
    assert value(datetime.date(2026, 5, 31)) == 1  # last year's conversion is last year's


def test_tier_1_retainers_growth_from_the_spend_history():
    tier1 = TierFactory(rank=1)
    with at(2025, 10, 1):
        a = ClientFactory(tier=tier1, monthly_spend=Decimal(10000))
        b = ClientFactory(tier=tier1, monthly_spend=Decimal(10000))
        ClientFactory(tier=TierFactory(rank=2), monthly_spend=Decimal(50000))
    with at(2026, 3, 15):
        a.monthly_spend = Decimal(12000)
        a.save()
    with at(2026, 8, 15):
        ClientFactory(tier=tier1, monthly_spend=Decimal(99999))  # new to tier 1 this year: not growth of it
        b.monthly_spend = Decimal(11000)
        b.save()
    value = obj.tier1_growth(2026)
    assert value(datetime.date(2026, 2, 28)) == 0
    assert value(datetime.date(2026, 3, 31)) == 10
    assert value(datetime.date(2026, 8, 31)) == 15


def test_projects_secured_from_every_tier_2_client():
    tier2 = TierFactory(rank=2)
    a, b = ClientFactory(tier=tier2), ClientFactory(tier=tier2)
    ContractFactory(client=a, start_date=datetime.date(2026, 4, 1), end_date=datetime.date(2026, 9, 30))
    ContractFactory(client=b, start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2026, 3, 31))
    value = obj.tier2_projects(2026)
    assert value(datetime.date(2026, 3, 31)) == 0
    assert value(datetime.date(2026, 4, 30)) == 50


def objectives_for(year=2026):
    team_year = TeamYear.objects.create(year=year, mantra="Retention target met, upsell beaten")
    objective = Objective.objects.create(team_year=team_year, title="Become client seniors' best friends")
    Measure.objects.create(
        objective=objective,
        description="Every red contact at least orange",
        kind=Measure.Kind.RED_TO_ORANGE,
        target=100,
        deadline=datetime.date(year, 6, 30),
    )
    Measure.objects.create(
        objective=objective,
        description="Commercial training done",
        kind=Measure.Kind.MANUAL,
        target=1,
        manual_value=1,
        deadline=datetime.date(year, 6, 30),
    )
    return objective


def test_the_progress_page_shows_each_measure_against_its_deadline(client, world):
    objectives_for()
    with at(2025, 11, 3):
        red = ContactFactory(client=world.client, rag=Contact.Rag.RED)
    set_rag(red, Contact.Rag.ORANGE, at(2026, 3, 10))
    client.force_login(world.team_am)
    with at(2026, 4, 15):
        team = client.get(reverse("people:objectives") + "?year=2026").context["team"]
    red_measure, manual = team["objectives"][0]["measures"]
    assert red_measure["value"] == 100 and red_measure["done"]
    assert [p["actual"] for p in red_measure["points"]] == [0, 0, 100, None, None, None]
    assert red_measure["points"][-1]["expected"] == 100 and red_measure["points"][0]["expected"] < 20
    assert manual["value"] == 1 and manual["done"] and not manual["computed"]
    client.force_login(world.head)
    with at(2026, 4, 15):
        portfolio = client.get(reverse("reporting:portfolio")).content.decode()
    assert (
        'data-testid="objectives-summary"' in portfolio and "Every red contact at least orange" in portfolio
    )


def test_only_the_head_of_cs_sets_objectives_and_bad_measures_are_field_errors(client, world):
    objective = objectives_for()
    client.force_login(world.team_am)
    assert client.post(reverse("people:measure_create", args=[objective.pk]), {}).status_code == 403
    client.force_login(world.head)
    bad = client.post(
        reverse("people:measure_create", args=[objective.pk]),
        {
            "description": "Convert projects",
            "kind": "projects_to_retained",
            "target": "0",
            "deadline": "2027-01-10",
        },
    )
    errors = bad.context["form"].errors
    assert "target" in errors and "deadline" in errors
    assert Measure.objects.count() == 2
    ok = client.post(
        reverse("people:measure_create", args=[objective.pk]),
        {
            "description": "Convert 8 projects",
            "kind": "projects_to_retained",
            "target": "8",
            "deadline": "2026-12-31",
        },
    )
    assert ok.status_code == 302 and Measure.objects.filter(target=8).exists()


def test_the_objectives_page_costs_the_same_queries_with_more_data(client, world):
    objectives_for()
    client.force_login(world.head)
    page = reverse("people:objectives") + "?year=2026"
    with at(2026, 4, 15):
        ContactFactory(client=world.client, rag=Contact.Rag.RED)
        small = count_queries(client, page)
        for _ in range(6):
            ContactFactory(client=ClientFactory(), rag=Contact.Rag.RED)
        assert count_queries(client, page) == small
    assert small <= 12, small  # session, user, roles, the year's objectives in 3, one read per computed kind
