import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import ActionFactory, CallFactory, ClientFactory, FlagFactory, MembershipFactory

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(WEDNESDAY, tick=False)
def test_my_week_lists_calls_due_actions_flags_and_unsent_reports(world, login):
    # Northwind: £2,000/month → weekly calls; last call 8 days ago → overdue since last Tuesday.
    CallFactory(
        client=world.client,
        author=world.team_am,
        held_at=WEDNESDAY - dt.timedelta(days=8),
        report_sent_at=WEDNESDAY,
    )
    # Monthly-call client called 10 days ago: not due this week.
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
    assert [d["client"].name for d in ctx["calls_due"]] == ["Northwind Outdoor"]
    assert ctx["calls_due"][0]["overdue"] and ctx["calls_due"][0]["due_on"] == dt.date(2026, 11, 24)
    assert [a.description for a in ctx["overdue_actions"]] == ["Overdue thing"]
    assert [a.description for a in ctx["week_actions"]] == ["Friday thing"]
    assert ctx["later_actions_count"] == 1
    assert [f.title for f in ctx["open_flags"]] == ["Open issue"]
    assert [c.client.name for c in ctx["reports_unsent"]] == ["Quiet Ltd"]
    html = response.content.decode()
    assert "overdue since 24 Nov" in html and "Not mine" not in html


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_client_never_called_is_due_now_and_projects_follow_their_own_plan(world, login):
    project = ClientFactory(
        name="Project Co", engagement_type="project", monthly_spend=None, project_value=Decimal("3000")
    )
    MembershipFactory(client=project, user=world.team_am)
    due = login(world.team_am).get(reverse("my_week")).context["calls_due"]
    assert [(d["client"].name, d["last"]) for d in due] == [("Northwind Outdoor", None)]


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
