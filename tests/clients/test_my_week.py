import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.services.occurrences import occurrences_generate
from reporting.services.plans import comms_plan_create

from ..factories import ActionFactory, CallFactory, ClientFactory, FlagFactory, MembershipFactory

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(WEDNESDAY, tick=False)
def test_my_week_lists_calls_due_actions_flags_and_unsent_reports(world, login):
    # Northwind (£2,000/month: weekly calls, monthly reports) calls on Tuesdays: yesterday's is overdue.
    plan = comms_plan_create(client=world.client)
    plan.call_weekday = 1
    plan.save()
    occurrences_generate(today=dt.date(2026, 11, 23))
    CallFactory(
        client=world.client,
        author=world.team_am,
        held_at=WEDNESDAY - dt.timedelta(days=8),
        report_sent_at=WEDNESDAY,
    )
    quiet = ClientFactory(name="Quiet Ltd", monthly_spend=Decimal("500"))
    MembershipFactory(client=quiet, user=world.team_am)
    CallFactory(client=quiet, author=world.team_am, held_at=WEDNESDAY - dt.timedelta(days=10))
    ActionFactory(
        client=world.client, owner=world.team_am, description="Overdue thing", due_date=dt.date(2026, 11, 20)
    )
    ActionFactory(
        client=world.client, owner=world.team_am, description="Friday thing", due_date=dt.date(2026, 11, 27)
    )
    ActionFactory(
        client=world.client, owner=world.team_am, description="Next month", due_date=dt.date(2026, 12, 20)
    )
    ActionFactory(
        client=world.client, owner=world.other_am, description="Not mine", due_date=dt.date(2026, 11, 26)
    )
    FlagFactory(client=world.client, owner=world.head, title="Open issue")
    FlagFactory(client=world.other_client, title="Someone else's issue")

    response = login(world.team_am).get(reverse("my_week"))
    ctx = response.context
    assert [(o["client__name"], o["due_date"]) for o in ctx["calls_due"]] == [
        ("Northwind Outdoor", dt.date(2026, 11, 24))
    ]
    assert [a["description"] for a in ctx["overdue_actions"]] == ["Overdue thing"]
    assert [a["description"] for a in ctx["week_actions"]] == ["Friday thing"]
    assert ctx["later_actions"].count == 1
    assert [f["title"] for f in ctx["open_flags"]] == ["Open issue"]
    assert [c["client__name"] for c in ctx["reports_unsent"]] == ["Quiet Ltd"]
    html = response.content.decode()
    assert "overdue" in html and "Not mine" not in html


@time_machine.travel(WEDNESDAY, tick=False)
def test_calls_and_reports_due_come_from_the_occurrences(world, login):
    comms_plan_create(client=world.client)
    occurrences_generate(today=dt.date(2026, 11, 23))  # weekly calls on Tuesdays, monthly reports by the 5th
    c = login(world.team_am)
    ctx = c.get(reverse("my_week")).context
    assert [o["due_date"] for o in ctx["calls_due"]] == [dt.date(2026, 11, 24)]
    assert ctx["reports_due"].rows == []
    # logging the call ticks its occurrence off
    c.post(
        reverse("clients:call_create", args=[world.client.pk]),
        {
            "held_at": "2026-11-25T08:00",
            "held": "on",
            "kind": "phone",
            "duration_minutes": "20",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert c.get(reverse("my_week")).context["calls_due"].rows == []


@time_machine.travel(WEDNESDAY, tick=False)
def test_ticking_an_action_on_my_week_swaps_just_its_row(world, login):
    action = ActionFactory(client=world.client, owner=world.team_am, due_date=dt.date(2026, 11, 26))
    response = login(world.team_am).post(
        reverse("clients:action_toggle", args=[world.client.pk, action.pk]),
        {"done": "1", "view": "my_week"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.strip().startswith("<li") and f'id="action-{action.pk}"' in html
    assert "text-decoration-line-through" in html


@time_machine.travel(WEDNESDAY, tick=False)
def test_re_opening_an_overdue_action_on_my_week_shows_it_overdue_again(world, login):
    action = ActionFactory(client=world.client, owner=world.team_am, due_date=dt.date(2026, 10, 3))
    url = reverse("clients:action_toggle", args=[world.client.pk, action.pk])
    c = login(world.team_am)
    c.post(url, {"done": "1", "view": "my_week"}, HTTP_HX_REQUEST="true")
    html = c.post(url, {"done": "0", "view": "my_week"}, HTTP_HX_REQUEST="true").content.decode()
    assert "overdue: was due 3 Oct" in html


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_long_overdue_backlog_shows_the_most_overdue_and_offers_the_rest(world, login):
    for day in range(25):
        ActionFactory(
            client=world.client,
            owner=world.team_am,
            description=f"Backlog item {day + 1:02}",
            due_date=dt.date(2026, 10, 1) + dt.timedelta(days=day),
        )
    c = login(world.team_am)
    html = c.get(reverse("my_week")).content.decode()
    assert "Overdue (25)" in html
    assert "Backlog item 01" in html and "Backlog item 10" in html  # the most overdue first
    assert "Backlog item 11" not in html
    assert (
        'href="?overdue=all#my-actions" hx-get="?overdue=all"' in html and "Show all 25 overdue</a>" in html
    )
    html = c.get(reverse("my_week") + "?overdue=all").content.decode()
    assert "Backlog item 25" in html and "Show all" not in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@time_machine.travel(WEDNESDAY, tick=False)
def test_my_week_query_count_does_not_grow_with_clients_or_history(world, login):
    def populate(n):
        for i in range(n):
            client = ClientFactory()
            MembershipFactory(client=client, user=world.team_am)
            CallFactory(client=client, author=world.team_am, held_at=WEDNESDAY - dt.timedelta(days=i + 1))
            ActionFactory(client=client, owner=world.team_am, due_date=dt.date(2026, 11, 20))
            FlagFactory(client=client, owner=world.team_am)

    c = login(world.team_am)
    populate(3)
    small = count_queries(c, reverse("my_week"))
    populate(30)
    assert count_queries(c, reverse("my_week")) == small


def test_my_week_is_for_the_cs_team(world, login):
    assert login(world.sponsor).get(reverse("my_week")).status_code == 403


def test_a_monthly_report_due_shows_on_its_week_and_can_be_marked_sent(world, login):
    comms_plan_create(client=world.client)  # £2,000/month: monthly reports, due by the 5th
    occurrences_generate(today=dt.date(2026, 11, 23))
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC), tick=False):
        # 5 Dec 2026 is a Saturday: the report is due the Monday after, so not in this week
        assert login(world.team_am).get(reverse("my_week")).context["reports_due"].rows == []
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC), tick=False):
        c = login(world.team_am)
        reports = c.get(reverse("my_week")).context["reports_due"]
        assert [o["due_date"] for o in reports] == [dt.date(2026, 12, 7)]
        c.post(reverse("reporting:occurrence_done", args=[reports.rows[0]["pk"]]))
        assert c.get(reverse("my_week")).context["reports_due"].rows == []


@time_machine.travel(WEDNESDAY, tick=False)
def test_actions_due_later_are_a_link_that_shows_them_without_javascript(world, login):
    for day in (10, 20):
        ActionFactory(
            client=world.client,
            owner=world.team_am,
            description=f"Later {day}",
            due_date=dt.date(2026, 12, day),
        )
    c = login(world.team_am)
    html = c.get(reverse("my_week")).content.decode()
    assert 'href="?later=all#my-actions"' in html and "2 more due later</a>" in html
    assert "Later 10" not in html
    html = c.get(reverse("my_week") + "?later=all").content.decode()
    later = html.split('id="later-actions"')[1]
    assert "Due later (2)" in later and later.index("Later 10") < later.index("Later 20")
    assert "more due later</a>" not in html


@time_machine.travel(WEDNESDAY, tick=False)
def test_my_week_lists_flags_most_severe_first(world, login):
    for title, severity, days_ago in (
        ("Serious, oldest", "serious", 9),
        ("Major, newer", "major", 2),
        ("Critical, newest", "critical", 1),
        ("Major, older", "major", 5),
    ):
        FlagFactory(
            client=world.client,
            owner=world.team_am,
            title=title,
            severity=severity,
            raised_at=WEDNESDAY - dt.timedelta(days=days_ago),
        )
    html = login(world.team_am).get(reverse("my_week")).content.decode().split('id="my-flags"')[1]
    order = [html.index(t) for t in ("Critical, newest", "Major, older", "Major, newer", "Serious, oldest")]
    assert order == sorted(order)


@time_machine.travel(WEDNESDAY, tick=False)
def test_my_week_shows_ten_calls_and_this_week_s_actions_then_show_all(world, login):
    """A long week stays the same size: the soonest 10 of each, and a link (htmx swaps the card) to all."""
    from ..factories import OccurrenceFactory

    for i in range(23):
        client = ClientFactory(name=f"Client {i:02d}")
        MembershipFactory(client=client, user=world.team_am)
        OccurrenceFactory(client=client, assignee=world.team_am, due_date=dt.date(2026, 11, 26))
        ActionFactory(
            client=client, owner=world.team_am, description=f"Thing {i:02d}", due_date=dt.date(2026, 11, 27)
        )
    c = login(world.team_am)
    html = c.get(reverse("my_week")).content.decode()
    assert len(set(re.findall(r"Thing \d\d", html))) == 10 and "Thing 22" not in html
    assert 'href="?week=all#my-actions" hx-get="?week=all" hx-target="#my-actions"' in html
    assert "Show all 23 calls due" in html and "Show all 23 due this week" in html
    everything = c.get(reverse("my_week") + "?week=all").content.decode()
    assert (
        len(set(re.findall(r"Thing \d\d", everything))) == 23
        and "Show all 23 due this week" not in everything
    )


def _twelve_of_each(world, start=0):
    """More than the page shows (SHOWN) of every list my week has, each row named "<list> NN"."""
    from ..factories import OccurrenceFactory

    for i in range(start, start + 12):
        client = ClientFactory(name=f"Client {i:02d}")
        MembershipFactory(client=client, user=world.team_am)
        OccurrenceFactory(client=client, assignee=world.team_am, kind="call", due_date=dt.date(2026, 11, 26))
        OccurrenceFactory(
            client=client, assignee=world.team_am, kind="report", due_date=dt.date(2026, 11, 27)
        )
        CallFactory(
            client=client, author=world.team_am, held=False, held_at=WEDNESDAY + dt.timedelta(hours=i + 1)
        )
        CallFactory(client=client, author=world.team_am, held_at=WEDNESDAY - dt.timedelta(days=3, hours=i))
        for what, due in (
            ("overdue", dt.date(2026, 11, 2)),
            ("week", dt.date(2026, 11, 28)),
            ("later", dt.date(2027, 1, 5)),
        ):
            ActionFactory(client=client, owner=world.team_am, description=f"{what} {i:02d}", due_date=due)
        FlagFactory(client=client, owner=world.team_am, title=f"flag {i:02d}")


# (list, its card, how a row of it shows on the page, the "show all" link's words)
LISTS = [
    (
        "calls",
        "calls-due",
        r'class="fw-semibold">Client \d\d</a>\s*<span class="text-body-secondary">',
        "calls due",
    ),
    ("planned", "calls-due", r'Client \d\d</a> <span class="badge text-bg-info">planned', "planned calls"),
    ("reports", "reports-due", r"Client \d\d</a> · due", "reports due"),
    ("unsent", "reports-unsent", r"Client \d\d, \d+ Nov</a>", "call reports not sent"),
    ("overdue", "my-actions", r"overdue \d\d</div>", "overdue"),
    ("week", "my-actions", r"week \d\d</div>", "due this week"),
    ("flags", "my-flags", r"flag \d\d</a>", "open flags"),
]


@time_machine.travel(WEDNESDAY, tick=False)
@pytest.mark.parametrize("name,card,row,words", LISTS)
def test_each_list_shows_ten_and_show_all_works_with_and_without_htmx(world, login, name, card, row, words):
    _twelve_of_each(world)
    c = login(world.team_am)
    html = c.get(reverse("my_week")).content.decode()
    assert len(re.findall(row, html)) == 10
    link = f'<a href="?{name}=all#{card}" hx-get="?{name}=all" hx-target="#{card}" hx-swap="outerHTML">'
    assert f"{link}Show all 12 {words}</a>" in html
    # without JavaScript: the whole page, that list in full
    page = c.get(reverse("my_week") + f"?{name}=all").content.decode()
    assert "<html" in page and len(re.findall(row, page)) == 12 and f"Show all 12 {words}" not in page
    # with htmx: the one card, to swap in place
    card_html = c.get(reverse("my_week") + f"?{name}=all", HTTP_HX_REQUEST="true").content.decode()
    assert card_html.startswith(f'<div class="card mb-3" id="{card}">') and "<html" not in card_html
    assert len(re.findall(row, card_html)) == 12


@time_machine.travel(WEDNESDAY, tick=False)
def test_actions_due_later_open_with_htmx_as_the_actions_card(world, login):
    _twelve_of_each(world)
    c = login(world.team_am)
    assert "12 more due later</a>" in c.get(reverse("my_week")).content.decode()
    card = c.get(reverse("my_week") + "?later=all", HTTP_HX_REQUEST="true").content.decode()
    assert card.startswith('<div class="card mb-3" id="my-actions">')
    assert "Due later (12)" in card and len(re.findall(r"later \d\d</div>", card)) == 12


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_list_shown_in_full_comes_in_pages_of_fifty(world, login):
    for i in range(55):
        ActionFactory(
            client=world.client,
            owner=world.team_am,
            description=f"Backlog {i:02d}",
            due_date=dt.date(2026, 9, 1) + dt.timedelta(days=i),
        )
    c = login(world.team_am)
    first = c.get(reverse("my_week") + "?overdue=all").content.decode()
    assert len(re.findall(r"Backlog \d\d</div>", first)) == 50 and "Backlog 49</div>" in first
    assert "Page 1 of 2" in first and 'href="?overdue=all&amp;page=2#my-actions"' in first
    second = c.get(reverse("my_week") + "?overdue=all&page=2", HTTP_HX_REQUEST="true").content.decode()
    assert re.findall(r"Backlog \d\d</div>", second) == [f"Backlog {i}</div>" for i in range(50, 55)]
    assert "Page 2 of 2" in second and "?overdue=all&amp;page=1" in second
    assert c.get(reverse("my_week") + "?overdue=all&page=zz").status_code == 200  # a bad page is page 1


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_page_stays_the_same_size_as_the_lists_grow(world, login):
    """Bounded: with 12 of everything or 36, my week shows the same number of rows."""
    c = login(world.team_am)
    _twelve_of_each(world)
    rows = c.get(reverse("my_week")).content.decode().count("<li")
    _twelve_of_each(world, start=12)
    _twelve_of_each(world, start=24)
    assert c.get(reverse("my_week")).content.decode().count("<li") == rows
