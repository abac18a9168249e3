"""The client page's stakeholder map, escalation rules and timeline."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import EscalationRule
from people.models import Role

from ..factories import ActionFactory, CallFactory, ContactFactory, FlagFactory, RoleFactory
from ..helpers import count_queries

pytestmark = pytest.mark.django_db


def grid(response):
    return {value: [c.name for c in people] for value, _, people in response.context["stakeholders"]}


def test_the_stakeholder_map_groups_contacts_by_stance(world, login):
    ContactFactory(client=world.client, name="Karen Wright", stance="ally", rag="green")
    ContactFactory(client=world.client, name="Dev Shah", stance="protester", rag="red")
    ContactFactory(client=world.client, name="Left Co", stance="enemy", archived_at=timezone.now())
    response = login(world.sponsor).get(reverse("clients:detail", args=[world.client.pk]))
    assert grid(response) == {
        "ally": ["Karen Wright"],
        "friend": [],
        "neutral": [],
        "protester": ["Dev Shah"],
        "enemy": [],
    }
    assert 'aria-label="Stance of Karen Wright"' not in response.content.decode()  # sponsors read only


def test_moving_a_contact_on_the_map_is_kept_in_history(world, login):
    contact = ContactFactory(client=world.client, name="Dev Shah", stance="protester", rag="red")
    c = login(world.team_am)
    url = reverse("clients:stakeholder_update", args=[world.client.pk, contact.pk])
    response = c.post(url, {"stance": "neutral", "rag": "orange"}, HTTP_HX_REQUEST="true")
    assert grid(response)["neutral"] == ["Dev Shah"]
    assert 'id="timeline" hx-swap-oob="true"' in response.content.decode()
    c.post(url, {"stance": "friend", "rag": "green"})  # without JavaScript: a plain post and redirect
    contact.refresh_from_db()
    assert (contact.stance, contact.rag) == ("friend", "green")
    steps = list(contact.history.order_by("history_date").values_list("stance", "rag"))
    assert steps == [("protester", "red"), ("neutral", "orange"), ("friend", "green")]


def test_a_bad_stance_writes_nothing(world, login):
    contact = ContactFactory(client=world.client, stance="ally")
    response = login(world.team_am).post(
        reverse("clients:stakeholder_update", args=[world.client.pk, contact.pk]),
        {"stance": "frenemy"},
        follow=True,
    )
    assert "Choose a stance and a RAG" in response.content.decode()
    contact.refresh_from_db()
    assert contact.stance == "ally"


def test_an_am_off_the_team_cannot_move_contacts(world, login):
    contact = ContactFactory(client=world.client, stance="ally")
    response = login(world.other_am).post(
        reverse("clients:stakeholder_update", args=[world.client.pk, contact.pk]), {"stance": "enemy"}
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.stance == "ally"


def test_a_clients_own_escalation_rule_replaces_the_agency_default(world, login):
    def rules():
        page = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk]))
        return {r.matter: r for r in page.context["escalation_rules"]}

    assert rules()["discount"].client_id is None  # the agency-wide default from the data migration
    c = login(world.head)
    c.post(
        reverse("clients:escalation_create", args=[world.client.pk]),
        {"matter": "discount", "person": world.team_am.pk, "up_to_amount": "500", "notes": "Pre-agreed"},
    )
    own = rules()["discount"]
    assert own.client_id == world.client.pk and own.who == "Amy Mills"
    html = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "Amy Mills up to £500" in html


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"matter": "goodwill"}, "person", "Choose who: a person or a role."),
        ({"matter": "goodwill", "role": "ROLE", "up_to_amount": "-5"}, "up_to_amount", "zero or more"),
        ({"matter": "discount", "role": "ROLE"}, "matter", "already has a rule"),
    ],
)
def test_bad_escalation_rules_are_refused(world, login, data, field, message):
    EscalationRule.objects.create(
        client=world.client, matter="discount", role=RoleFactory(code=Role.HEAD_OF_CS)
    )
    data = {k: (RoleFactory(code=Role.ACCOUNT_MANAGER).pk if v == "ROLE" else v) for k, v in data.items()}
    response = login(world.head).post(reverse("clients:escalation_create", args=[world.client.pk]), data)
    assert message in " ".join(response.context["form"].errors[field])
    assert EscalationRule.objects.filter(client=world.client).count() == 1


def test_the_timeline_shows_calls_flags_actions_and_changes_newest_first(world, login):
    now = timezone.now()
    CallFactory(client=world.client, author=world.team_am, held_at=now - dt.timedelta(days=3))
    FlagFactory(client=world.client, owner=world.team_am, title="Invoice dispute")
    ActionFactory(client=world.client, owner=world.team_am, description="Call the FD")
    contact = ContactFactory(client=world.client, name="Dev Shah", stance="neutral")
    contact.stance = "ally"
    contact.save()
    entries = (
        login(world.team_am)
        .get(reverse("clients:detail", args=[world.client.pk]) + "?tl=1")  # the whole timeline
        .context["timeline"]
        .entries
    )
    kinds = [e.kind for e in entries]
    assert {"call", "flag", "action", "change"} <= set(kinds)
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    stance_change = next(e.obj for e in entries if e.kind == "change" and e.obj.fields)
    assert stance_change.fields == [("Stance", "Neutral", "Ally")]


def test_the_timeline_pages_through_a_long_history(world, login):
    now = timezone.now()
    for i in range(45):
        CallFactory(client=world.client, author=world.team_am, held_at=now - dt.timedelta(days=i + 1))
    c = login(world.team_am)
    url = reverse("clients:detail", args=[world.client.pk])
    summary = c.get(url).context["timeline"]  # the page itself shows the latest few, then "show all"
    assert len(summary.entries) == 5 and summary.has_next
    first = c.get(url + "?tl=1").context["timeline"]
    assert len(first.entries) == 20 and first.has_next and not first.has_previous
    third = c.get(url + "?tl=3", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline")
    assert third.templates[0].name == "clients/partials/timeline.html"
    page3 = third.context["timeline"]
    assert page3.has_previous and not page3.has_next
    assert c.get(url + "?tl=abc").status_code == 200


def add_history(world, n):
    now = timezone.now()
    for i in range(n):
        call = CallFactory(client=world.client, author=world.team_am, held_at=now - dt.timedelta(days=i + 1))
        call.contact_attendees.add(ContactFactory(client=world.client))
        flag = FlagFactory(client=world.client, owner=world.team_am, call=call)
        ActionFactory(client=world.client, owner=world.team_am, flag=flag, call=call)


def test_the_client_page_query_count_does_not_grow_with_history(world, login):
    # One query per panel (calls, flags, actions, each history table, rules...), never one per entry.
    c = login(world.team_am)
    url = reverse("clients:detail", args=[world.client.pk])
    add_history(world, 2)
    small = count_queries(c, url)
    add_history(world, 30)
    assert count_queries(c, url) == small
