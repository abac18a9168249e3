"""The share link as people use it: an AM shares, a logged-out browser opens it, the AM revokes it."""

import os

import pytest

from ..factories import CommsPlanFactory, JobFactory

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


def test_an_am_shares_the_dashboard_a_logged_out_browser_opens_it_and_a_revoke_closes_it(
    page, browser, world
):
    CommsPlanFactory(client=world.client, live_dashboard=True)
    JobFactory(
        client=world.client, owner=world.team_am, name="Spring landing pages", next_steps="INTERNAL chase"
    )
    log_in(page, "team_am")
    page.wait_for_url("**/my-week/")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/")
    page.get_by_role("link", name="Share dashboard").click()
    page.get_by_label("Who it is for").fill("Marketing team")
    page.get_by_role("button", name="Make a link").click()
    page.get_by_text("Share link made").wait_for()
    url = page.get_by_test_id("share-url").input_value()
    assert "/d/" in url

    # the client: another browser, no login
    outsider = browser.new_context()
    client_page = outsider.new_page()
    client_page.goto(url)
    assert client_page.get_by_role("heading", name="Northwind Outdoor: activity this month").is_visible()
    assert client_page.get_by_text("Spring landing pages").is_visible()
    assert "INTERNAL" not in client_page.content()
    client_page.screenshot(
        path=os.environ.get("CSOPS_SCREENSHOT_DIR", "/tmp") + "/shared-dashboard.png", full_page=True
    )

    # the AM sees it was opened, then revokes it
    page.reload()
    assert "1 view" in page.get_by_test_id("share-links").inner_text()
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("Link revoked").wait_for()

    client_page.reload()
    assert client_page.get_by_role("heading", name="This dashboard link has been switched off").is_visible()
    assert "Spring landing pages" not in client_page.content()
    outsider.close()
