"""A keyboard and screen-reader user in headless Chromium: skip link, focus after in-place updates,
the live region's announcements, the error summary, and a stakeholder map that saves only on Save."""

import pytest
from django.utils import timezone

from clients.models import Contact

from .factories import ActionFactory, ContactFactory
from .test_accessibility import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(page, live_server, settings):
    settings.DEBUG = False
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    return page


def focused(page, what="el => el.outerHTML.slice(0, 160)"):
    return page.evaluate(f"() => ({what})(document.activeElement)")


def announced(page, text):
    page.wait_for_function(
        "t => document.getElementById('announcer').textContent.includes(t)", arg=text, timeout=5_000
    )
    return True


def test_the_first_tab_reaches_a_visible_skip_link_to_the_main_content(page, world):
    log_in(page, "team_am")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert focused(page, "el => el.textContent") == "Skip to main content"
    box = skip.bounding_box()
    assert box["width"] > 50 and box["height"] > 20  # visible once focused, not a 1px clip
    page.keyboard.press("Enter")
    assert focused(page, "el => el.id") == "main"


def test_logging_a_call_by_keyboard_moves_focus_and_announces_the_result(page, world):
    ContactFactory(client=world.client, name="Karen Wright")
    log_in(page, "team_am")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/")
    page.get_by_role("link", name="Log a call").focus()
    page.keyboard.press("Enter")
    page.locator("form.call-form").wait_for()
    page.wait_for_function("() => document.activeElement.id === 'id_held_at'")  # the form's first field

    # sent with a required part missing: focus lands on the summary, which links to the field
    page.locator("#id_held_at").fill("")
    page.get_by_role("button", name="Log the call").click()
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    summary = page.locator(".error-summary")
    assert summary.locator('a[href="#id_held_at"]').count() == 1

    page.locator("#id_held_at").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.locator("form.call-form").get_by_label("Karen Wright").check()
    page.get_by_label("Delivery").fill("Signed off the landing pages.")
    page.get_by_role("button", name="Log the call").click()
    assert announced(page, "Call logged.")
    assert page.evaluate("() => document.getElementById('call-panel').contains(document.activeElement)")


def test_ticking_an_action_off_on_my_week_keeps_focus_on_it_and_announces_it(page, world):
    ActionFactory(client=world.client, owner=world.team_am, description="Chase the signed SOW")
    log_in(page, "team_am")
    page.goto(f"{page.base_url}/my-week/")
    page.get_by_role("button", name="Tick off: Chase the signed SOW").focus()
    page.keyboard.press("Enter")
    assert announced(page, "Action done.")
    page.get_by_role("button", name="Undo, re-open: Chase the signed SOW").wait_for()
    assert focused(page, "el => el.getAttribute('aria-label')") == "Undo, re-open: Chase the signed SOW"


def test_arrow_keys_on_the_stakeholder_map_save_nothing_until_save(page, world):
    karen = ContactFactory(client=world.client, name="Karen Wright", stance="neutral", rag="")
    history = Contact.history.filter(id=karen.pk)
    rows_before = history.count()
    log_in(page, "team_am")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/")
    stance = page.get_by_label("Stance of Karen Wright")
    stance.focus()
    page.keyboard.press("ArrowDown")  # Neutral → Protester on the way to Enemy
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(1_000)  # long enough for a save on change to have arrived
    karen.refresh_from_db()
    assert karen.stance == "neutral" and history.count() == rows_before

    page.get_by_role("button", name="Save Karen Wright").click()
    assert announced(page, "Karen Wright saved: Enemy, no RAG.")
    karen.refresh_from_db()
    assert karen.stance == "enemy" and history.count() == rows_before + 1
    assert focused(page, "el => el.id") == f"save-stance-{karen.pk}"
