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


def test_an_am_logs_a_call_with_an_action_raises_a_flag_and_sees_both(page, world):
    from django.utils import timezone

    today = timezone.localdate()
    ContactFactory(client=world.client, name="Karen Wright", email="karen@northwind.example")
    log_in(page, "team_am")
    page.wait_for_url("**/my-week/")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/")

    # Log the call in the panel (htmx: no page load), with one next action.
    page.get_by_role("link", name="Log a call").click()
    form = page.locator("form.call-form")
    form.get_by_label("Karen Wright").check()
    form.get_by_label("Delivery").fill("Signed off the landing pages; PPC audit next.")
    row = form.locator(".next-action").first
    row.get_by_label("Action").fill("Send PPC audit summary")
    row.get_by_label("Owner").select_option(label="Amy Mills")
    row.get_by_label("Due date").fill(today.isoformat())
    form.get_by_role("button", name="Log the call").click()
    page.get_by_text("Call logged with its next actions.").wait_for()
    assert page.url.endswith(f"/clients/{world.client.pk}/")  # still the client page
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("Send PPC audit summary").is_visible()
    assert page.locator("#open-actions").get_by_text("Send PPC audit summary").is_visible()

    # Raise a flag.
    page.get_by_role("link", name="Raise a flag").click()
    page.get_by_label("Title").fill("Traffic down 30% after the relaunch")
    page.get_by_label("Severity").select_option("major")
    page.get_by_label("Source").select_option("weekly_call")
    page.get_by_label("Description").fill("The client is worried about the migration.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Traffic down 30% after the relaunch").wait_for()

    # Both on the client's timeline...
    page.goto(f"{page.base_url}/clients/{world.client.pk}/")
    timeline = page.locator("#timeline")
    assert timeline.get_by_role("link", name="Traffic down 30% after the relaunch").is_visible()
    # the page shows the latest entries; the call (held earlier today) is there in full
    if page.get_by_test_id("timeline-all").count():
        page.get_by_test_id("timeline-all").click()
    page.locator("#timeline").get_by_text("logged by Amy Mills").wait_for()

    # ...and on my week; tick the action off there.
    page.get_by_role("link", name="My week").click()
    page.wait_for_url("**/my-week/")
    assert page.locator("#my-flags").get_by_text("Traffic down 30% after the relaunch").is_visible()
    assert page.locator("#reports-unsent").get_by_text("Northwind Outdoor").is_visible()
    actions = page.locator("#my-actions")
    assert actions.get_by_text("Send PPC audit summary").is_visible()
    actions.get_by_role("button", name="Tick off: Send PPC audit summary").click()
    actions.get_by_role("button", name="Re-open: Send PPC audit summary").wait_for()
    page.screenshot(path=os.environ.get("CSOPS_SCREENSHOT_DIR", "/tmp") + "/my-week.png", full_page=True)


def test_a_sponsor_scores_4_and_raises_a_flag_which_the_head_of_cs_actions_in_the_meet(page, world):
    from django.utils import timezone

    from clients.models import Action, Flag
    from csops.dates import quarter_start
    from reporting.models import NpsCheckIn

    from .factories import NpsCheckInFactory

    NpsCheckInFactory(client=world.client, quarter=quarter_start(timezone.localdate()), sponsor=world.sponsor)
    log_in(page, "sponsor")
    page.wait_for_url("**/reporting/sponsor/")
    page.get_by_test_id(f"checkin-{world.client.pk}").click()
    page.wait_for_url(f"**/reporting/clients/{world.client.pk}/checkin/")
    page.locator("label[for=id_score_4]").click()
    page.get_by_label("What they said").fill("Monthly reports keep arriving late; the CMO is unhappy.")
    page.get_by_label("Actions agreed").fill("Head of CS to call the CMO this week.")
    page.get_by_label("Raise a flag for the CS team from this check-in").check()
    page.get_by_label("Flag severity").select_option("major")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/reporting/sponsor/")
    assert page.get_by_text("A flag was raised for the CS team.").is_visible()
    checkin = NpsCheckIn.objects.get(client=world.client)
    assert (checkin.score, checkin.status) == (4, "done")
    flag = Flag.objects.get(client=world.client)
    assert (flag.source, flag.owner) == (Flag.Source.EXEC_SPONSOR, world.team_am)

    page.context.clear_cookies()
    log_in(page, "head")
    page.wait_for_url("**/reporting/portfolio/")
    page.get_by_role("link", name="Weekly meet", exact=True).first.click()
    page.wait_for_url("**/reporting/meetings/")
    page.get_by_role("button", name="Start today's CS meet").click()
    page.wait_for_url("**/reporting/meetings/*/")
    row = page.locator(f"#flag-{flag.pk}")
    assert "scored 4/10" in row.inner_text() and "Amy Mills" in page.locator("#item-2").inner_text()
    page.get_by_test_id(f"flag-action-{flag.pk}").click()  # htmx loads the form into the flag's row
    row.get_by_label("Action").fill("Call the CMO with a reporting recovery plan")
    row.get_by_role("button", name="Record action").click()
    page.wait_for_url(f"**#flag-{flag.pk}")
    assert "Call the CMO with a reporting recovery plan" in page.locator("#agreed").inner_text()
    action = Action.objects.get(flag=flag)
    assert action.meeting is not None and action.owner == world.team_am
    page.screenshot(path=os.environ.get("CSOPS_SCREENSHOT_DIR", "/tmp") + "/weekly-meet.png", full_page=True)


def test_the_pages_and_htmx_work_under_the_content_security_policy(page, world):
    """No CSP violation reported while a person uses the key pages and an htmx action."""
    from .factories import ActionFactory, MeetingFactory, PdpFactory, PdpTargetFactory, UserFactory

    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    ActionFactory(client=world.client, owner=world.team_am, description="Chase the signed SOW")
    pdp = PdpFactory(staff=world.team_am)
    PdpTargetFactory(pdp=pdp)

    log_in(page, "team_am")
    page.wait_for_url("**/my-week/")
    assert page.evaluate("typeof htmx") == "object"
    page.get_by_role("button", name="Tick off: Chase the signed SOW").click()  # htmx
    page.get_by_role("button", name="Re-open: Chase the signed SOW").wait_for()
    page.goto(f"{page.base_url}/clients/")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/")
    page.get_by_role("link", name="Log a call").click()  # htmx loads the form into the page
    page.locator("form.call-form").wait_for()
    page.goto(f"{page.base_url}/people/pdps/{pdp.pk}/")  # a target's progress bar
    page.goto(f"{page.base_url}/reporting/nps/")
    assert page.locator("select#quarter option").count() > 1
    with page.expect_navigation():  # choosing a quarter reloads the page: a static script, no handler
        page.locator("select#quarter").select_option(index=1)
    assert "quarter=" in page.url

    page.context.clear_cookies()
    log_in(page, "head")
    page.wait_for_url("**/reporting/portfolio/")
    page.goto(f"{page.base_url}/reporting/meetings/{MeetingFactory(chair=world.head).pk}/")
    page.goto(f"{page.base_url}/reporting/satisfaction/")

    UserFactory(username="root", is_staff=True, is_superuser=True)
    page.context.clear_cookies()
    log_in(page, "root")
    page.goto(f"{page.base_url}/admin/clients/client/{world.client.pk}/change/")  # the admin's own JS
    page.get_by_role("button", name="Save", exact=True).wait_for()
    assert violations == []


def test_an_am_turns_a_calls_discovery_into_an_opportunity_and_an_audit_seen_in_meet_item_5(page, world):
    """Issue 15: from the call's commercial discovery to the head of CS's weekly meet, item 5."""
    import datetime

    from django.utils import timezone

    from .commercial.factories_growth import channel
    from .factories import CallFactory, MeetingFactory

    channel("Paid search")  # the data migration's row (a flushed database has none)
    today = timezone.localdate()
    call = CallFactory(
        client=world.client, author=world.team_am, commercial="Their PPC is struggling; agency on notice"
    )
    meeting = MeetingFactory(chair=world.head, held_on=today)
    log_in(page, "team_am")
    page.wait_for_url("**/my-week/")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/calls/{call.pk}/")
    page.get_by_test_id("to-opportunity").click()
    page.get_by_label("What").fill("PPC audit and takeover")
    page.get_by_label("Service").select_option(label="Paid search")
    page.get_by_label("Value", exact=True).fill("2500")
    page.get_by_label("Probability (%)").fill("40")
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("stage").wait_for()
    assert page.get_by_role("heading", name="PPC audit and takeover").is_visible()
    page.get_by_role("link", name="Request an audit").click()
    page.get_by_label("Due date").fill((today + datetime.timedelta(days=4)).isoformat())
    page.get_by_label("Audience").fill("their CMO")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Audit requested.").wait_for()
    assert page.locator("#audits").get_by_text("for their CMO").is_visible()
    page.get_by_role("link", name="My week").click()
    assert page.locator("#my-opportunities").get_by_text("PPC audit and takeover").is_visible()

    log_in(page, "head")
    page.goto(f"{page.base_url}/reporting/meetings/{meeting.pk}/")
    item5 = page.locator("#item-5")
    assert (
        item5.locator("#meet-opportunities").get_by_role("link", name="PPC audit and takeover").is_visible()
    )
    assert item5.locator("#meet-audits").get_by_text("PPC audit and takeover").is_visible()
    assert item5.locator("#meet-opportunities").get_by_role("link", name="record action").count() == 1
    page.screenshot(path=os.environ.get("CSOPS_SCREENSHOT_DIR", "/tmp") + "/meet-item-5.png", full_page=True)


def test_an_am_archives_a_decision_maker_and_the_review_it_raises_feeds_the_next_meet(page, world):
    """Seed 002: a decision maker leaves → a plan review on my week → done with an action → the
    action, left open, is in the following week's meet, item 1."""
    import datetime

    from django.utils import timezone

    from .factories import AccountPlanFactory, MeetingFactory

    today = timezone.localdate()
    AccountPlanFactory(client=world.client, year=today.year, created_by=world.team_am)
    jan = ContactFactory(
        client=world.client, name="Jan Stewer", title="CMO", decision_maker=True, stance="enemy"
    )
    ContactFactory(client=world.client, name="Tom Pearce", stance="ally")
    next_meet = MeetingFactory(held_on=today + datetime.timedelta(days=7), chair=world.head)

    log_in(page, "team_am")
    page.wait_for_url("**/my-week/")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/contacts/{jan.pk}/edit/")
    page.get_by_role("button", name="Archive this contact").click()
    page.wait_for_url(f"**/clients/{world.client.pk}/")

    page.goto(f"{page.base_url}/my-week/")
    reviews = page.locator("#plan-reviews")
    assert reviews.get_by_text("Jan Stewer (CMO), a decision maker").is_visible()
    reviews.get_by_role("link", name="Review Northwind Outdoor").click()
    page.wait_for_url("**/reviews/*/")
    assert page.get_by_label("Is Tom Pearce still an ally?").input_value() == "ally"
    page.get_by_role("button", name="Complete the review").click()  # neither action nor reason
    assert page.get_by_text(
        "A review produces at least one action, or says why nothing changes."
    ).first.is_visible()
    page.get_by_label("Friends and allies").fill("Tom still an ally; meet the new CMO")
    page.get_by_label("What changed").fill("Jan left; her successor is unknown to us")
    page.get_by_label("Action 1", exact=True).fill("Meet Jan's successor")
    page.get_by_label("Action 1 owner").select_option(label="Amy Mills")
    page.get_by_label("Action 1 due").fill((today + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Complete the review").click()
    page.wait_for_url("**/plans/*/#history")
    assert page.locator("#history").get_by_text("Jan left; her successor is unknown to us").is_visible()

    page.goto(f"{page.base_url}/reporting/meetings/{next_meet.pk}/")
    item = page.locator("#item-1")
    assert item.get_by_text("Meet Jan's successor").is_visible()
    assert item.get_by_text("plan review").first.is_visible()
    page.screenshot(
        path=os.environ.get("CSOPS_SCREENSHOT_DIR", "/tmp") + "/meet-item-1-review-action.png", full_page=True
    )
