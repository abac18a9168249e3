"""The head of CS invites an AM; the AM sets a password from the email, logs in and fills a timesheet."""

import os
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(page, live_server, settings):
    settings.DEBUG = False
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    return page


def test_an_invited_am_sets_a_password_logs_in_and_fills_a_timesheet(page, world, mailoutbox, settings):
    from django.contrib.auth import get_user_model

    from people.models import Timesheet

    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Username").fill("head")
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/portfolio/")
    page.goto(f"{page.base_url}/people/")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email").fill("nina.patel@agency.example")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Patel")
    page.get_by_label("Account manager", exact=True).check()
    page.get_by_label("Line manager").select_option(label="Hannah Hughes")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Invitation emailed to nina.patel@agency.example").wait_for()
    page.context.clear_cookies()

    nina = get_user_model().objects.get(username="nina.patel@agency.example")
    client = world.client
    client.memberships.create(user=nina, responsibility="Day-to-day comms")
    mail = next(m for m in mailoutbox if m.to == ["nina.patel@agency.example"])
    link = re.search(r"https?://[^/\s]+(/people/invitation/\S+/)", mail.body).group(1)
    page.goto(f"{page.base_url}{link}")
    page.locator("#id_new_password1").fill("fresh-Horse-battery-7")
    page.locator("#id_new_password2").fill("fresh-Horse-battery-7")
    page.get_by_role("button", name="Set password and log in").click()
    page.wait_for_url("**/my-week/")

    page.goto(f"{page.base_url}/people/timesheets/")
    page.get_by_label("Northwind Outdoor").fill("12.5")
    page.get_by_label("Admin and reporting").fill("6")
    page.get_by_role("button", name="Save the week").click()
    page.get_by_text("Timesheet for the week of").wait_for()
    sheet = Timesheet.objects.get(user=nina)
    assert sorted(sheet.entries.values_list("hours", flat=True)) == [6, 12.5]
    page.screenshot(path=os.environ.get("CSOPS_SCREENSHOT_DIR", "/tmp") + "/timesheet.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e]
