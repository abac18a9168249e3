"""Keyboard and screen-reader support as the server renders it (works without JavaScript too)."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ..factories import ActionFactory, ContactFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_every_page_has_a_skip_link_to_main_and_one_polite_live_region(login, world):
    page = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert '<a class="skip-link visually-hidden-focusable" href="#main">Skip to main content</a>' in page
    assert '<main id="main" tabindex="-1"' in page
    assert page.count('aria-live="polite"') == 1
    assert re.search(r'<div id="announcer"[^>]*aria-live="polite"', page)


def test_base_has_no_inline_script_or_handler(login, world):
    page = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert all(' src="' in tag for tag in re.findall(r"<script[^>]*>", page))
    assert "/static/js/a11y.js" in page
    assert not re.search(r"\son(click|change|submit|load)=", page)


def test_a_form_with_errors_opens_with_a_summary_linking_to_each_field(login, world):
    response = login(world.team_am).post(
        reverse("clients:flag_create", args=[world.client.pk]), {"title": "", "description": "Traffic down"}
    )
    page = response.content.decode()
    summary = re.search(r'<div class="alert alert-danger error-summary"[^>]*>.*?</div>', page, re.S)
    assert summary, "no error summary"
    assert 'tabindex="-1"' in summary.group(0)
    assert "There is a problem" in summary.group(0)
    assert 'href="#id_title"' in summary.group(0) and "Title: This field is required." in summary.group(0)
    assert page.index("error-summary") < page.index('id="id_title"')  # at the top of the form


def test_the_call_form_with_errors_has_the_summary_with_and_without_htmx(login, world):
    c = login(world.team_am)
    url = reverse("clients:call_create", args=[world.client.pk])
    for extra in ({}, HTMX):
        empty = {"actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0"}
        page = c.post(url, empty, **extra).content.decode()
        assert "error-summary" in page and 'href="#id_held_at"' in page


def test_logging_a_call_in_the_panel_announces_it(login, world):
    contact = ContactFactory(client=world.client)
    response = login(world.team_am).post(
        reverse("clients:call_create", args=[world.client.pk]),
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "kind": "video",
            "duration_minutes": "30",
            "held": "on",
            "contact_attendees": [contact.pk],
            "delivery": "Signed off the landing pages.",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert json.loads(response["HX-Trigger"]) == {"announce": {"message": "Call logged."}}


def test_ticking_an_action_off_in_place_announces_it(login, world):
    action = ActionFactory(client=world.client, owner=world.team_am)
    url = reverse("clients:action_toggle", args=[world.client.pk, action.pk])
    c = login(world.team_am)
    done = c.post(url, {"done": "1", "view": "my_week"}, **HTMX)
    assert json.loads(done["HX-Trigger"]) == {"announce": {"message": "Action done."}}
    reopened = c.post(url, {"done": "0", "view": "my_week"}, **HTMX)
    assert json.loads(reopened["HX-Trigger"]) == {"announce": {"message": "Action re-opened."}}
    assert f'id="toggle-{action.pk}"' in reopened.content.decode()  # focus returns to it


def test_the_stakeholder_map_saves_only_on_an_explicit_save(login, world):
    contact = ContactFactory(client=world.client, name="Karen Wright")
    page = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    form = re.search(r"<form[^>]*/stakeholders/\d+/[^>]*>", page).group(0)
    assert 'hx-trigger="change"' not in form  # an arrow key in a select fires change: no save on it
    save = f'<button type="submit" class="btn btn-sm btn-outline-primary" id="save-stance-{contact.pk}"'
    assert save in page
    assert "<noscript>" not in page.split('id="stakeholder-map"')[1].split("</form>")[0]


def test_saving_the_stakeholder_map_in_place_announces_it(login, world):
    contact = ContactFactory(client=world.client, name="Karen Wright", stance="neutral")
    response = login(world.team_am).post(
        reverse("clients:stakeholder_update", args=[world.client.pk, contact.pk]),
        {"stance": "ally", "rag": "green"},
        **HTMX,
    )
    assert json.loads(response["HX-Trigger"]) == {"announce": {"message": "Karen Wright saved: Ally, Green."}}
