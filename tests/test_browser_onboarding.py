"""Onboarding as people do it (issue 14): a pitch is won, the checklist appears, the AM sends the intro
email and the onboarding form link, the client fills it in logged out, and the account team and the
contacts appear on the client page. Headless Chromium against the live server."""

import importlib
import os
from decimal import Decimal

import pytest
from django.apps import apps

from clients.models import Client
from onboarding.models import OnboardingEmail
from people.models import Role

from .factories import ContactFactory, PitchFactory, new_business, staff
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(page, live_server, settings):
    settings.DEBUG = False
    settings.SITE_URL = live_server.url
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    return page


def test_a_won_pitch_is_onboarded_through_the_client_filling_its_form(page, world):
    # the checklist, the emails and the spend bands, in case a transactional test flushed them
    importlib.import_module("onboarding.migrations.0005_onboarding_defaults").load(apps, None)
    seller = new_business(username="seller", first_name="Keith", last_name="Moon")
    staff(Role.ACCOUNT_EXECUTIVE, username="dee", first_name="Dee", last_name="Signer")
    PitchFactory(
        prospect_name="Karen's Kitchens",
        domain="karens.example",
        new_business_owner=seller,
        proposed_cs=world.team_am,
        monthly_spend=Decimal("2500"),
    )

    # new business marks the pitch won: the client is created in onboarding, with its checklist
    log_in(page, "seller")
    page.goto(f"{page.base_url}/onboarding/pitches/")
    page.get_by_role("link", name="Karen's Kitchens").click()
    page.get_by_role("button", name="Mark won: create the client").click()
    page.get_by_text("Won! Karen's Kitchens is in onboarding.").wait_for()
    client = Client.objects.get(domain="karens.example")
    assert client.status == "onboarding"
    ContactFactory(client=client, name="Karen Jones", email="karen@karens.example")

    # the AM finds the checklist on the client page, sends the intro email from its template, then
    # the forms email with the signed links
    page.context.clear_cookies()
    log_in(page, "team_am")
    page.goto(f"{page.base_url}/clients/{client.pk}/")
    assert "0/9 steps" in page.get_by_test_id("onboarding-progress").inner_text()
    page.get_by_role("link", name="Write the intro email").click()
    assert "Hello Karen," in page.get_by_test_id("email-preview").inner_text()
    page.get_by_role("button", name="Send this email").click()
    page.get_by_text("Email sent to karen@karens.example.").wait_for()
    page.get_by_role("link", name="Write the forms email").click()
    page.get_by_role("button", name="Send this email").click()
    page.get_by_text("Email sent to karen@karens.example.").wait_for()
    assert page.locator("#timeline [data-kind=onboarding_email]").count() == 2
    body = OnboardingEmail.objects.get(client=client, code="forms").body  # as sent
    link = next(word for word in body.split() if "/onboarding/form/" in word)

    # internal onboarding: the team chosen joins the account team
    page.locator("#onboarding li", has_text="Internal onboarding").get_by_role(
        "link", name="Tick off"
    ).click()
    page.get_by_label("Dee Signer").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("“Internal onboarding” done.").wait_for()

    # the client fills the onboarding form in, logged out
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_label("Objectives").fill("Grow online sales by a fifth")
    page.get_by_label("Competitors").fill("Big Kitchens plc")
    page.locator("#id_contacts-0-name").fill("Raj Patel")
    page.locator("#id_contacts-0-email").fill("raj@karens.example")
    page.locator("#id_channels-0-channel").fill("Paid search")
    page.locator("#id_channels-0-budget_owner").fill("Karen Jones")
    page.locator("#id_channels-0-done_by").select_option("other_agency")
    page.get_by_role("button", name="Send the form").click()
    page.get_by_test_id("form-thanks").wait_for()

    # the account team and the contacts are on the client page
    log_in(page, "team_am")
    page.goto(f"{page.base_url}/clients/{client.pk}/")
    assert page.get_by_role("link", name="Raj Patel").is_visible()
    team = page.locator(".card", has_text="Account team").last.inner_text()
    assert "Amy Mills" in team and "Dee Signer" in team
    assert "Paid search" in page.locator("#onboarding-forms").inner_text()
    assert "returned" in page.locator("#onboarding-forms").inner_text()
    page.screenshot(
        path=os.environ.get("CSOPS_SCREENSHOT_DIR", "/tmp") + "/onboarding-client.png", full_page=True
    )
