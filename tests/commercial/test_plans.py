"""Account plans (seed 002): the metrics table's actuals from hand-built histories, the plan pages,
bad input and who may write (factories: tests/factories.py, "account plans")."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.services.accounts import contact_archive
from clients.services.activity import contact_set_stance
from commercial.models import AccountPlan, Metric, PlanMetric, PlanObjective
from commercial.selectors_plans import metrics_table, plan_glance

from ..factories import AccountPlanFactory, CallFactory, ContactFactory, ContractFactory, ProjectClientFactory
from .factories_growth import OpportunityFactory, channel

pytestmark = pytest.mark.django_db


def at(*args):
    return time_machine.travel(dt.datetime(*args, 12, tzinfo=dt.UTC), tick=False)


def row(table, metric):
    return next(r for r in table if r["metric"] == metric)


def actuals(table, metric):
    return [q["actual"] for q in row(table, metric)["quarters"]]


def build_history(world):
    """A year of one client's stakeholder map, calls and spend, each written on its day."""
    client = world.client
    with at(2025, 6, 15):
        client.monthly_spend = Decimal("2000")
        client.save()
    with at(2025, 12, 20):
        dan = ContactFactory(client=client, name="Dan Middleton", stance="enemy")
    with at(2026, 1, 5):
        tom = ContactFactory(client=client, name="Tom Pearce", stance="ally")
    with at(2026, 2, 15):  # Dan converted mid-quarter: Q1's end state counts him an ally
        contact_set_stance(contact=dan, by=world.team_am, stance="ally")
    with at(2026, 3, 10):
        client.monthly_spend = Decimal("3000")
        client.save()
    with at(2026, 4, 10):
        contact_archive(contact=tom, by=world.team_am)
    with at(2026, 5, 1):
        jan = ContactFactory(client=client, name="Jan Stewer", stance="protester")
    with at(2026, 7, 10):
        contact_set_stance(contact=jan, by=world.team_am, stance="friend")
    for month, day in ((2, 1), (3, 30), (5, 5)):
        CallFactory(
            client=client, author=world.team_am, held_at=dt.datetime(2026, month, day, 10, tzinfo=dt.UTC)
        )
    CallFactory(
        client=client, author=world.team_am, held=False, held_at=dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
    )
    CallFactory(client=client, author=world.team_am, held_at=dt.datetime(2025, 11, 1, 10, tzinfo=dt.UTC))
    return AccountPlanFactory(client=client, year=2026, created_by=world.team_am)


def test_actuals_come_from_the_history_as_at_each_quarter_end(world):
    plan = build_history(world)
    with at(2026, 8, 15):
        table = metrics_table(plan, dt.date(2026, 8, 15))
    # Q1 end: Dan (moved from enemy to ally on 15 Feb) and Tom are allies; Q2: Tom archived, Jan a
    # protester; Q3 so far: Jan a friend. Q4 has not started.
    assert actuals(table, Metric.ALLIES) == [2, 1, 2, None]
    # enemies as the change since 1 January, when Dan was the one enemy
    assert actuals(table, Metric.ENEMIES) == [-1, 0, -1, None]
    # held calls only, in their quarter: the planned call and last year's do not count
    assert actuals(table, Metric.MEETINGS) == [2, 1, 0, None]
    # 2026 to each quarter's end (spend as at each month's end) against the same months of 2025
    assert actuals(table, Metric.INCOME) == [Decimal(7000), Decimal(14000), Decimal(16000), None]
    states = [q["state"] for q in row(table, Metric.ALLIES)["quarters"]]
    assert states == ["on_track", "behind", "behind", None]  # targets 2, 8, 12, 15
    assert [q["state"] for q in row(table, Metric.ENEMIES)["quarters"]][:2] == ["on_track", "behind"]


def test_a_past_quarter_reads_history_not_todays_map(world):
    plan = build_history(world)
    with at(2026, 12, 1):
        contact_set_stance(
            contact=world.client.contacts.get(name="Dan Middleton"), by=world.team_am, stance="enemy"
        )
        table = metrics_table(plan, dt.date(2026, 12, 1))
    assert actuals(table, Metric.ALLIES) == [2, 1, 2, 1]  # Dan's relapse counts only in Q4


def won(world, when, service="CRM / email", kind="cross_sell", stage="won"):
    return OpportunityFactory(
        client=world.client,
        owner=world.team_am,
        service=channel(service),
        kind=kind,
        stage=stage,
        won_at=dt.datetime(*when, 12, tzinfo=dt.UTC) if when else None,
    )


def test_new_services_and_opportunities_come_from_won_opportunities(world, login):
    plan = AccountPlanFactory(client=world.client, year=2026)
    won(world, (2026, 2, 14))  # won mid-Q1: counts in Q1
    won(world, (2026, 3, 2))  # the same service again: one new service, two opportunities
    won(world, (2026, 3, 20), service="Paid social", kind="upsell")  # upsell: an opportunity only
    won(world, (2026, 5, 5), service="SEO")
    won(world, (2025, 12, 30), service="Paid search")  # last year's win
    won(world, None, service="Paid search", stage="proposed")  # still open
    OpportunityFactory(client=world.other_client, stage="won", won_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    table = metrics_table(plan, dt.date(2026, 8, 15))
    assert actuals(table, Metric.NEW_SERVICES) == [1, 1, 0, None]
    assert actuals(table, Metric.OPPORTUNITIES) == [3, 1, 0, None]
    assert not any(r["hand_entered"] for r in table)
    with at(2026, 8, 15):
        page = login(world.team_am).get(reverse("commercial:plan_detail", args=[world.client.pk, 2026]))
    assert page.status_code == 200 and "entered by hand" not in page.content.decode()
    rows = {r["metric"]: r for r in page.context["table"]}
    assert [q["actual"] for q in rows[Metric.OPPORTUNITIES]["quarters"]] == [3, 1, 0, None]


def test_project_income_comes_from_signed_contracts(world):
    client = ProjectClientFactory(project_value=Decimal("8000"))
    ContractFactory(
        client=client,
        status="signed",
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 9, 1),
        value=Decimal("12000"),
    )
    ContractFactory(
        client=client,
        status="draft",
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 9, 1),
        value=Decimal("99000"),
    )
    ContractFactory(
        client=client,
        status="ended",
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 9, 1),
        value=Decimal("5000"),
    )
    plan = AccountPlanFactory(client=client, year=2026)
    table = metrics_table(plan, dt.date(2026, 7, 1))
    assert actuals(table, Metric.INCOME)[:2] == [Decimal(7000), Decimal(7000)]


# --- pages ------------------------------------------------------------------------------------


def plan_post(**overrides):
    data = {"year": "2026", "business_objective": "Lead digital agency", "goal": "Retainer +10%"}
    for metric, values in {
        "allies": (2, 8, 12, 15),
        "enemies": (-1, -3, -6, -8),
        "meetings": (2, 3, 3, 3),
        "new_services": (0, 1, 3, 4),
        "opportunities": (1, 3, 4, 4),
        "income": (15000, 22000, 25000, 28000),
    }.items():
        for q, v in enumerate(values, 1):
            data[f"{metric}__target_q{q}"] = str(v)
    data.update(overrides)
    return data


def test_the_account_team_writes_a_plan_with_seed_targets(world, login):
    response = login(world.team_am).post(
        reverse("commercial:plan_create", args=[world.client.pk]), plan_post()
    )
    plan = AccountPlan.objects.get(client=world.client, year=2026)
    assert response.status_code == 302 and response["Location"] == reverse(
        "commercial:plan_detail", args=[world.client.pk, 2026]
    )
    income = plan.metrics.get(metric="income")
    assert (income.target_q1, income.target_q4) == (Decimal(15000), Decimal(28000))
    page = login(world.sponsor).get(response["Location"])  # the client's sponsor reads it
    assert page.status_code == 200 and b"Increase in income over last FY" in page.content


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("allies__target_q1", "lots", "Enter a whole number"),
        ("income__target_q2", "£22k", "Enter an amount in pounds"),
        ("meetings__target_q3", "-2", "A count cannot be negative"),
        ("allies__target_q1", "2.5", "Enter a whole number"),
        ("year", "1999", "between 2000 and 2100"),
    ],
)
def test_bad_targets_are_field_errors_and_write_nothing(world, login, field, value, message):
    response = login(world.team_am).post(
        reverse("commercial:plan_create", args=[world.client.pk]), plan_post(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AccountPlan.objects.exists() and not PlanMetric.objects.exists()


def test_a_second_plan_for_the_same_year_is_refused(world, login):
    AccountPlanFactory(client=world.client, year=2026)
    response = login(world.team_am).post(
        reverse("commercial:plan_create", args=[world.client.pk]), plan_post()
    )
    assert response.status_code == 200
    assert "already has a plan for this year" in response.content.decode()
    assert AccountPlan.objects.count() == 1


def test_the_unique_constraint_holds_behind_the_form(world):
    from django.db import IntegrityError, transaction

    AccountPlanFactory(client=world.client, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountPlan.objects.create(
            client=world.client, year=2026, business_objective="x", goal="y", created_by=world.team_am
        )


def test_editing_targets_the_actuals_are_not_typed(world, login):
    plan = AccountPlanFactory(client=world.client, year=2026)
    data = plan_post(version=str(plan.version), opportunities__actual_q1="2")
    del data["year"]
    data["allies__target_q1"] = "5"
    response = login(world.team_am).post(reverse("commercial:plan_edit", args=[world.client.pk, 2026]), data)
    assert response.status_code == 302
    assert plan.metrics.get(metric="allies").target_q1 == 5
    assert plan.metrics.get(metric="opportunities").actual_q1 is None  # computed: a typed one is ignored
    stale = login(world.head).post(reverse("commercial:plan_edit", args=[world.client.pk, 2026]), data)
    assert stale.status_code == 200 and "changed after you opened the form" in stale.content.decode()


def test_others_may_not_write_plans(world, login):
    url = reverse("commercial:plan_create", args=[world.client.pk])
    assert login(world.sponsor).post(url, plan_post()).status_code == 403
    assert login(world.other_am).post(url, plan_post()).status_code == 403
    assert not AccountPlan.objects.exists()


def test_objectives_go_to_their_owner_and_show_on_my_week(world, login):
    AccountPlanFactory(client=world.client, year=timezone.localdate().year)
    due = timezone.localdate() + dt.timedelta(days=3)
    response = login(world.head).post(
        reverse("commercial:objective_create", args=[world.client.pk, timezone.localdate().year]),
        {
            "description": "Take Tom Pearce to Henley by June",
            "owner": world.team_am.pk,
            "due_date": due.isoformat(),
        },
    )
    assert response.status_code == 302
    objective = PlanObjective.objects.get()
    assert world.team_am.notifications.filter(key=f"plan-objective-{objective.pk}").exists()
    week = login(world.team_am).get(reverse("my_week"))
    assert "Take Tom Pearce to Henley by June" in week.content.decode()
    login(world.team_am).post(
        reverse("commercial:objective_toggle", args=[world.client.pk, objective.pk]), {"next": "my_week"}
    )
    objective.refresh_from_db()
    assert objective.status == "done"
    assert (
        "Take Tom Pearce to Henley by June"
        not in login(world.team_am).get(reverse("my_week")).content.decode()
    )


def test_an_objective_without_owner_or_date_is_a_field_error(world, login):
    AccountPlanFactory(client=world.client, year=timezone.localdate().year)
    response = login(world.team_am).post(
        reverse("commercial:objective_create", args=[world.client.pk, timezone.localdate().year]),
        {"description": "", "owner": "", "due_date": "31/02/2026"},
    )
    assert response.status_code == 200 and not PlanObjective.objects.exists()
    assert response.context["form"].errors.keys() == {"description", "owner", "due_date"}


def test_the_client_page_shows_the_plan_at_a_glance(world, login):
    today = timezone.localdate()
    plan = AccountPlanFactory(client=world.client, year=today.year)
    PlanMetric.objects.filter(plan=plan).update(target_q1=1, target_q2=1, target_q3=1, target_q4=1)
    ContactFactory(client=world.client, stance="ally")
    glance = plan_glance(world.client, today)
    states = {r["metric"]: r["now"]["state"] for r in glance["plan_rows"]}
    assert states["allies"] == "on_track" and states["meetings"] == "behind"
    page = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert f"Account plan {today.year}" in page and "on track" in page and "behind" in page


def _grow_history(world, plan, n):
    contacts = [ContactFactory(client=world.client, stance="neutral") for _ in range(3)]
    for i in range(n):
        contact_set_stance(
            contact=contacts[i % 3], by=world.team_am, stance=["ally", "enemy", "friend"][i % 3]
        )
        CallFactory(client=world.client, author=world.team_am)
        world.client.monthly_spend = Decimal(2000 + i)
        world.client.save()
        won(world, timezone.now().timetuple()[:3], service=["SEO", "CRM / email", "Paid social"][i % 3])


# the plan page: plan, its metrics, the stakeholder map at up to 5 moments, calls, income (2), wins, the
# objectives, reviews due, the history (2), the session and user: about twenty, whatever the history
PLAN_PAGE_BUDGET = 24


def test_the_plan_page_costs_the_same_with_a_long_history(world, login):
    plan = AccountPlanFactory(client=world.client, year=timezone.localdate().year)
    browser = login(world.team_am)
    url = reverse("commercial:plan_detail", args=[world.client.pk, plan.year])
    counts = []
    for n in (3, 30):
        _grow_history(world, plan, n)
        with CaptureQueriesContext(connection) as ctx:
            assert browser.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= PLAN_PAGE_BUDGET, counts


# the client page's glance: the plan with its reviews due, its metrics, the map on 1 January and now,
# the quarter's calls, the spend history and contracts, the opportunities won — eight, however long
# the history
GLANCE_BUDGET = 8


def test_the_client_pages_plan_glance_costs_the_same_few_queries_with_a_long_history(world):
    plan = AccountPlanFactory(client=world.client, year=timezone.localdate().year)
    counts = []
    for n in (3, 30):
        _grow_history(world, plan, n)
        with CaptureQueriesContext(connection) as ctx:
            glance = plan_glance(world.client)
        counts.append(len(ctx))
    assert glance["plan_rows"] and counts[0] == counts[1] <= GLANCE_BUDGET, counts
