"""The entertainment ledger (issue 15 item 4): accrual from the comms plan, pooled pots, events,
balances per client and per AM, overspend, the calendar and the sponsor's events."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from commercial.models import EntertainmentAccrual, EntertainmentEvent, EntertainmentPot, pot_bounds
from commercial.selectors_entertainment import ledger_by_am, ledger_clients, ledger_rows
from commercial.services.entertainment import entertainment_accrue

from ..factories import ClientFactory, CommsPlanFactory, ContactFactory, MembershipFactory
from ..helpers import count_queries, form_post
from .factories_growth import EntertainmentAccrualFactory, EntertainmentEventFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 2, 10)  # the second month of Q1 and of H1


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_pots_are_months_quarters_and_halves_from_january():
    day = datetime.date(2026, 5, 20)
    assert pot_bounds(day, "monthly") == (datetime.date(2026, 5, 1), datetime.date(2026, 6, 1))
    assert pot_bounds(day, "quarterly") == (datetime.date(2026, 4, 1), datetime.date(2026, 7, 1))
    assert pot_bounds(day, "half_yearly") == (datetime.date(2026, 1, 1), datetime.date(2026, 7, 1))
    assert pot_bounds(datetime.date(2026, 12, 31), "half_yearly")[1] == datetime.date(2027, 1, 1)


def test_beat_accrues_each_month_once_from_the_comms_plan(world):
    CommsPlanFactory(client=world.client, entertainment_budget=100)
    CommsPlanFactory(client=world.other_client, entertainment_budget=0)
    first = entertainment_accrue(today=TODAY)
    again = entertainment_accrue(today=TODAY)
    assert (first.done, again.done) == (1, 0)
    assert list(EntertainmentAccrual.objects.values_list("client_id", "month", "amount")) == [
        (world.client.pk, datetime.date(2026, 2, 1), Decimal("100.00"))
    ]


def _ledger(client):
    return ledger_rows(ledger_clients(TODAY).filter(pk=client.pk))[0]


def test_the_ledger_across_a_pooled_quarter(world):
    """Quarterly pot, £100/month: January and February credited, March still to come."""
    CommsPlanFactory(client=world.client, entertainment_budget=100)
    EntertainmentPot.objects.create(client=world.client, pooling="quarterly")
    EntertainmentAccrualFactory(client=world.client, month=datetime.date(2025, 12, 1), amount=100)  # last Q
    EntertainmentAccrualFactory(client=world.client, month=datetime.date(2026, 1, 1), amount=100)
    EntertainmentAccrualFactory(client=world.client, month=datetime.date(2026, 2, 1), amount=100)
    EntertainmentEventFactory(
        client=world.client, held_on=datetime.date(2025, 12, 5), estimated_cost=60, actual_cost=40
    )
    # a splurge in March: more than accrued so far, within the quarter's pot
    EntertainmentEventFactory(client=world.client, held_on=datetime.date(2026, 3, 20), estimated_cost=250)
    EntertainmentEventFactory(
        client=world.client, held_on=datetime.date(2026, 1, 9), estimated_cost=500, status="cancelled"
    )
    row = _ledger(world.client)
    assert (row["accrued"], row["spent"], row["balance"]) == (300, 290, 10)
    assert (row["pot_start"], row["pot_end"]) == (datetime.date(2026, 1, 1), datetime.date(2026, 4, 1))
    assert (row["pot_accrued"], row["pot_spent"], row["pot_balance"]) == (200, 250, -50)
    assert row["to_come"] == 100 and not row["overspent"]  # March's £100 covers it
    EntertainmentEventFactory(client=world.client, held_on=datetime.date(2026, 3, 25), estimated_cost=150)
    row = _ledger(world.client)
    assert row["balance"] == -140 and row["overspent"]  # −140 + 100 still to come < 0


def test_monthly_pooling_is_overspent_as_soon_as_the_balance_is_negative(world):
    CommsPlanFactory(client=world.client, entertainment_budget=50)
    EntertainmentAccrualFactory(client=world.client, month=datetime.date(2026, 2, 1), amount=50)
    EntertainmentEventFactory(client=world.client, held_on=TODAY, estimated_cost=60)
    row = _ledger(world.client)
    assert row["to_come"] == 0 and row["balance"] == -10 and row["overspent"]


def test_balances_per_am(world):
    MembershipFactory(client=ClientFactory(), user=world.team_am, is_lead=True)
    second = world.team_am.memberships.exclude(client=world.client).get().client
    for client in (world.client, second, world.other_client):
        CommsPlanFactory(client=client, entertainment_budget=100)
        EntertainmentAccrualFactory(client=client, month=datetime.date(2026, 2, 1), amount=100)
    EntertainmentEventFactory(client=second, estimated_cost=30)
    EntertainmentEventFactory(client=world.other_client, estimated_cost=130)
    rows = {r["user_id"]: r for r in ledger_by_am(TODAY)}
    assert (rows[world.team_am.pk]["accrued"], rows[world.team_am.pk]["spent"]) == (200, 30)
    assert rows[world.team_am.pk]["clients"] == 2
    assert rows[world.other_am.pk]["balance"] == -30


def test_an_am_plans_an_event_and_bad_input_writes_nothing(world, login):
    contact = ContactFactory(client=world.client)
    c = login(world.team_am)
    url = reverse("commercial:event_create", args=[world.client.pk])
    form = c.get(url).context["form"]
    bad = c.post(url, form_post(form, title="Box at Twickenham", held_on="2026-03-14", estimated_cost="-1"))
    assert bad.status_code == 400 and bad.context["form"].errors["estimated_cost"] == [
        "A cost cannot be negative."
    ]
    closed = c.post(url, form_post(form, title="Box", held_on="2026-01-20", estimated_cost="100"))
    assert closed.status_code == 400 and "pot has closed" in str(closed.context["form"].errors["held_on"])
    assert not EntertainmentEvent.objects.exists()
    data = form_post(
        form, title="Box at Twickenham", held_on="2026-03-14", venue="Twickenham", estimated_cost="400"
    )
    data.update(
        contacts_invited=[str(contact.pk)], staff_attending=[str(world.team_am.pk)], sponsor_attending="on"
    )
    assert c.post(url, data).status_code == 302
    event = EntertainmentEvent.objects.get()
    assert list(event.contacts_invited.all()) == [contact] and event.sponsor_attending
    # quarterly pooling: January is in the current pot, so an event there is fine
    c.post(reverse("commercial:pot_pooling", args=[world.client.pk]), {"pooling": "quarterly"})
    form = c.get(url).context["form"]
    assert (
        c.post(url, form_post(form, title="Lunch", held_on="2026-01-20", estimated_cost="40")).status_code
        == 302
    )
    # the exec sponsor's home shows the event they attend; another sponsor's does not
    assert "Box at Twickenham" in login(world.sponsor).get(reverse("reporting:sponsor_home")).content.decode()
    assert (
        "Box at Twickenham"
        not in login(world.other_sponsor).get(reverse("reporting:sponsor_home")).content.decode()
    )
    assert login(world.sponsor).get(reverse("commercial:event_detail", args=[event.pk])).status_code == 200
    assert login(world.other_am).get(reverse("commercial:event_edit", args=[event.pk])).status_code == 403


def test_the_calendar_shows_the_months_events(world, login):
    EntertainmentEventFactory(client=world.client, held_on=datetime.date(2026, 2, 18), title="Golf day")
    EntertainmentEventFactory(client=world.client, held_on=datetime.date(2026, 3, 18), title="Next month")
    response = login(world.head).get(reverse("commercial:event_calendar") + "?month=2026-02")
    html = response.content.decode()
    assert "Golf day" in html and "Next month" not in html
    days = [d for week in response.context["weeks"] for d in week if d["events"]]
    assert [d["day"] for d in days] == [datetime.date(2026, 2, 18)]
    assert login(world.head).get(reverse("commercial:event_calendar") + "?month=junk").status_code == 200


def _populate(n):
    for _ in range(n):
        client = ClientFactory()
        CommsPlanFactory(client=client, entertainment_budget=50)
        EntertainmentAccrualFactory(client=client, month=datetime.date(2026, 2, 1), amount=50)
        EntertainmentEventFactory(client=client, estimated_cost=70)
        MembershipFactory(client=client, is_lead=True)


def test_the_ledger_query_count_does_not_grow_with_clients(world, login):
    # session, roles, the page's rows and count, three per-AM aggregates, the AM filter list
    c = login(world.head)
    url = reverse("commercial:ledger")
    _populate(3)
    small = count_queries(c, url)
    _populate(20)
    assert count_queries(c, url) == small
    assert small <= 12
    assert len(login(world.head).get(url + "?overspent=1").context["page"].object_list) == 23
