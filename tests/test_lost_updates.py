"""No lost updates (issue 10, item 5): two people edit the same record; the second save, made on a
form loaded before the first was saved, is refused with what is stored now, and nothing is overwritten."""

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils.html import escape

from clients.models import Client, Contact
from commercial.models import Contract
from people.models import Pdp
from reporting.models import CommsPlan

from .factories import CommsPlanFactory, ContactFactory, ContractFactory, PdpFactory, StaffProfileFactory
from .helpers import form_post

pytestmark = pytest.mark.django_db


def _client_case(world):
    return world.client, reverse("clients:edit", args=[world.client.pk]), (world.head, world.team_am)


def _plan_case(world):
    plan = CommsPlanFactory(client=world.client)
    return plan, reverse("reporting:plan_edit", args=[world.client.pk]), (world.head, world.team_am)


def _contact_case(world):
    contact = ContactFactory(client=world.client, name="Jane Doe")
    url = reverse("clients:contact_edit", args=[world.client.pk, contact.pk])
    return contact, url, (world.head, world.team_am)


def _contract_case(world):
    contract = ContractFactory(client=world.client, status="draft")
    url = reverse("commercial:contract_edit", args=[world.client.pk, contract.pk])
    return contract, url, (world.head, world.team_am)


def _pdp_case(world):
    person = StaffProfileFactory(line_manager=world.team_am).user
    pdp = PdpFactory(staff=person)
    return pdp, reverse("people:pdp_edit", args=[pdp.pk]), (world.head, world.team_am)


CASES = {
    # model: (setup, first person's change, second person's change)
    "client": (_client_case, {"name": "Northwind Renamed"}, {"lost_reason": "Second person's note"}),
    "comms plan": (_plan_case, {"call_details": "Zoom: first"}, {"entertainment_notes": "Second's notes"}),
    "contact": (_contact_case, {"title": "Head of Growth"}, {"phone": "+44 20 7946 0000"}),
    "contract": (_contract_case, {"title": "Renamed agreement"}, {"sla": "Second person's SLA"}),
    "pdp": (_pdp_case, {"summary": "First person's aims"}, {"salary_outcome": "Second's outcome"}),
}


def browser(user):
    b = Browser()
    b.force_login(user)
    return b


@pytest.mark.parametrize("case", CASES)
def test_a_save_on_a_form_loaded_before_anothers_save_is_refused_and_shows_their_change(world, case):
    setup, first_change, second_change = CASES[case]
    obj, url, (first, second) = setup(world)
    one, two = browser(first), browser(second)
    form_one = one.get(url).context["form"]
    form_two = two.get(url).context["form"]  # loaded before the first person saves

    saved = one.post(url, form_post(form_one, **first_change))
    assert saved.status_code == 302

    refused = two.post(url, form_post(form_two, **second_change))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "your changes were not saved" in html
    ((field, theirs),) = first_change.items()
    assert escape(theirs) in html  # what is stored now: the first person's value
    obj.refresh_from_db()
    assert getattr(obj, field) == theirs
    ((field2, mine),) = second_change.items()
    assert getattr(obj, field2) != mine  # nothing of the stale form was written

    # The form comes back with what the second person typed, at the current version: sending it
    # again now is a decision made with the other change in view, and it saves.
    again = two.post(url, form_post(refused.context["form"]))
    assert again.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field2) == mine


def test_an_edit_form_without_its_version_saves_nothing(world, login):
    url = reverse("clients:edit", args=[world.client.pk])
    c = login(world.head)
    data = form_post(c.get(url).context["form"], name="No version")
    del data["version"]
    response = c.post(url, data)
    assert response.status_code == 200 and "reload" in response.content.decode()
    world.client.refresh_from_db()
    assert world.client.name == "Northwind Outdoor"


def test_a_stakeholder_move_after_the_form_was_loaded_is_not_undone(world, login):
    """Every save moves the version, not only form saves: the map's stance move is kept too."""
    contact = ContactFactory(client=world.client, stance="neutral")
    url = reverse("clients:contact_edit", args=[world.client.pk, contact.pk])
    c = login(world.team_am)
    form = c.get(url).context["form"]
    c.post(
        reverse("clients:stakeholder_update", args=[world.client.pk, contact.pk]),
        {"stance": "ally", "rag": ""},
    )
    response = c.post(url, form_post(form, title="New title"))
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.stance == "ally" and contact.title != "New title"


def test_versions_move_on_every_save(world):
    start = world.client.version
    world.client.name = "Renamed"
    world.client.save()
    assert world.client.version == start + 1
    world.client.save(update_fields=["name"])
    assert Client.objects.get(pk=world.client.pk).version == start + 2
    assert {Contact, Contract, Pdp, CommsPlan}  # the other versioned models, covered above
