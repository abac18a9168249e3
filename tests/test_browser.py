"""The app as a person uses it: headless Chromium against the live server."""

import os

import pytest

from .factories import ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(page, live_server, settings):
    settings.DEBUG = False
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    return page


def log_in(page, username, password="pw-for-tests-1"):
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_an_account_manager_logs_in_and_opens_one_of_their_clients(page, world):
    ContactFactory(client=world.client, name="Karen Wright", stance="ally", rag="green")
    log_in(page, "team_am")
    page.wait_for_url("**/my-week/")
    page.get_by_role("link", name="Clients", exact=True).click()
    page.wait_for_url("**/clients/")
    assert page.get_by_role("link", name="New client").count() == 0  # not the AM's job
    page.get_by_role("link", name="Northwind Outdoor").click()
    page.wait_for_url(f"**/clients/{world.client.pk}/")
    assert page.get_by_role("heading", name="Northwind Outdoor").is_visible()
    assert page.get_by_role("link", name="Karen Wright").is_visible()
    path = page.get_by_test_id("escalation-path").inner_text()
    assert "Amy Mills (AM)" in path and "Hannah Hughes (head of CS)" in path and "Keith Richards" in path
    page.screenshot(
        path=os.environ.get("CSOPS_SCREENSHOT_DIR", "/tmp") + "/client-detail.png", full_page=True
    )


def test_a_wrong_password_keeps_the_person_on_the_login_page(page, world):
    log_in(page, "team_am", password="wrong")
    assert "/accounts/login/" in page.url
    assert page.get_by_text("Please enter a correct username and password").is_visible()
