"""Accessibility as a person with a screen reader or a keyboard meets it: axe-core in headless Chromium.

axe-core is vendored (tests/vendor/axe-core, MPL-2.0, fetched once with `npm pack axe-core`), so the
test needs no network. Every key page is opened as the role that uses it, and any critical or serious
violation fails the test with a readable list: page, rule, what is wrong and where.
"""

import datetime
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import timezone

from csops.dates import quarter_start
from reporting.services.feedback import survey_token
from reporting.services.sharing import dashboard_token

from .factories import (
    ActionFactory,
    CallFactory,
    CommsPlanFactory,
    ContactFactory,
    CsPriceFactory,
    DashboardLinkFactory,
    FlagFactory,
    IndustryFactory,
    JobFactory,
    MeetingFactory,
    MilestoneFactory,
    NotificationFactory,
    NpsCheckInFactory,
    PdpFactory,
    PdpReviewFactory,
    PdpTargetFactory,
    SupportArrangementFactory,
    SurveyInviteFactory,
    SurveyResponseFactory,
    support_request,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
# minor and moderate in axe, but the issue names them: a header cell a screen reader reads as nothing,
# and a page with no level-one heading to jump to
ALSO_BLOCKING = ("empty-table-header", "page-has-heading-one")


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script of the test's own; the app's Content-Security-Policy is not under test.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def page(page, live_server, settings):
    settings.DEBUG = False
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    return page


def log_in(page, username, password="pw-for-tests-1"):
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def axe_violations(page, label):
    """The critical and serious violations on the page now, as readable lines."""
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for v in result["violations"]:
        if v["impact"] not in BLOCKING and v["id"] not in ALSO_BLOCKING:
            continue
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
        shown = "; ".join(targets[:4]) + (f"; … {len(targets) - 4} more" if len(targets) > 4 else "")
        lines.append(f"{label}: [{v['impact']}] {v['id']} ({len(targets)}×) {v['help']} — {shown}")
    return lines


def audit(page, pages):
    """Open each (label, path) and collect every blocking violation, so one run lists them all."""
    problems = []
    for label, path in pages:
        response = page.goto(f"{page.base_url}{path}")
        assert response.status == 200, f"{label} ({path}) answered {response.status}"
        problems += axe_violations(page, f"{label} ({path})")
    return problems


def fail_on(problems):
    assert not problems, "accessibility violations (critical or serious):\n" + "\n".join(problems)


@pytest.fixture
def lived_in(world):
    """The world with something on every page: a call, a flag with an action, a plan, notifications…"""
    today = timezone.localdate()
    client = world.client
    ContactFactory(client=client, name="Karen Wright", email="karen@northwind.example", stance="ally")
    contact = ContactFactory(client=client, name="Raj Patel", stance="protester", rag="red")
    call = CallFactory(client=client, author=world.team_am)
    flag = FlagFactory(client=client, owner=world.team_am, severity="major")
    ActionFactory(client=client, owner=world.team_am, flag=flag, due_date=today - datetime.timedelta(days=2))
    CommsPlanFactory(client=client)
    NotificationFactory(user=world.team_am, subject="Call tomorrow: Northwind Outdoor")
    NotificationFactory(user=world.team_am, subject="Report overdue", read_at=timezone.now())
    pdp = PdpFactory(staff=world.team_am)
    PdpTargetFactory(pdp=pdp)
    PdpReviewFactory(pdp=pdp, reviewer=world.head)
    meeting = MeetingFactory(chair=world.head, held_on=today)
    NpsCheckInFactory(client=client, sponsor=world.sponsor, quarter=quarter_start(today))
    SurveyResponseFactory(invite__contact=contact, client=client, score=6)
    invite = SurveyInviteFactory(contact=contact, created_by=world.team_am)
    CsPriceFactory(industry=IndustryFactory(), client_size="small", service="seo")
    CsPriceFactory(industry=None, client_size="medium", service="ppc")
    return {"call": call, "flag": flag, "pdp": pdp, "meeting": meeting, "invite": invite}


def test_an_account_managers_pages_have_no_serious_violations(page, world, lived_in):
    c = world.client.pk
    log_in(page, "team_am")
    fail_on(
        audit(
            page,
            [
                ("my week", "/my-week/"),
                ("my week, one list in full", "/my-week/?overdue=all"),  # its pages' links
                ("client list", "/clients/"),
                ("client detail", f"/clients/{c}/"),
                ("call form", f"/clients/{c}/calls/new/"),
                ("call detail", f"/clients/{c}/calls/{lived_in['call'].pk}/"),
                ("flag detail", f"/clients/{c}/flags/{lived_in['flag'].pk}/"),
                ("comms plan form", f"/reporting/clients/{c}/plan/"),
                ("notifications", "/people/notifications/"),
                ("PDP list", "/people/pdps/"),
                ("PDP detail", f"/people/pdps/{lived_in['pdp'].pk}/"),
            ],
        )
    )


def test_the_head_of_cs_pages_have_no_serious_violations(page, world, lived_in):
    log_in(page, "head")
    fail_on(
        audit(
            page,
            [
                ("portfolio", "/reporting/portfolio/"),
                ("meeting list", "/reporting/meetings/"),
                ("the weekly meet", f"/reporting/meetings/{lived_in['meeting'].pk}/"),
                ("NPS", "/reporting/nps/"),
                ("satisfaction", "/reporting/satisfaction/"),
                ("PDP form", f"/people/pdps/{lived_in['pdp'].pk}/edit/"),
            ],
        )
    )


def test_the_exec_sponsors_pages_have_no_serious_violations(page, world, lived_in):
    log_in(page, "sponsor")
    fail_on(
        audit(
            page,
            [
                ("sponsor home", "/reporting/sponsor/"),
                ("check-in form", f"/reporting/clients/{world.client.pk}/checkin/"),
            ],
        )
    )


def test_the_matrix_screens_have_no_serious_violations(page, world, lived_in):
    log_in(page, "admin")
    fail_on(
        audit(
            page,
            [
                ("reporting matrix", "/reporting/matrix/"),
                ("entertainment matrix", "/commercial/entertainment-matrix/"),
                ("CS pricing matrix", "/onboarding/pricing-matrix/"),
            ],
        )
    )


def test_the_pages_without_a_login_have_no_serious_violations(page, world, lived_in):
    fail_on(
        audit(
            page,
            [
                ("login", "/accounts/login/"),
                ("password reset", "/accounts/password_reset/"),
                ("survey", f"/survey/{survey_token(lived_in['invite'])}/"),
            ],
        )
    )


def test_a_form_with_errors_has_no_serious_violations(page, world, lived_in):
    """The error state too: the summary and the fields' messages are part of the page."""
    log_in(page, "team_am")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/flags/new/")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    fail_on(axe_violations(page, "raise a flag, with errors"))


# --- Without JavaScript, and on a phone ---------------------------------------------------------


@pytest.fixture
def no_js_page(browser, live_server, settings):
    """A phone-sized browser with JavaScript off: the navigation must still reach every page."""
    settings.DEBUG = False
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_without_javascript_the_navigation_reaches_nps_matrices_password_and_log_out(
    no_js_page, world, width
):
    page = no_js_page
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, "head")
    nav = page.get_by_role("navigation", name="Main")

    def open_menu(name):
        # a phone lists every menu's links; a wide screen opens a menu on hover or keyboard focus
        if width > 390:
            nav.get_by_role("button", name=name, exact=True).focus()

    for menu, link, url in [
        ("NPS", "NPS analytics", "**/reporting/nps/"),
        ("NPS", "Monthly satisfaction report", "**/reporting/satisfaction/"),
        ("Matrices", "Reporting matrix", "**/reporting/matrix/"),
        ("Matrices", "CS pricing matrix", "**/onboarding/pricing-matrix/"),
        ("Hannah Hughes", "Change password", "**/password_change/"),
    ]:
        open_menu(menu)
        nav.get_by_role("link", name=link).click()
        page.wait_for_url(url)
    open_menu("Hannah Hughes")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # the menu fits
    nav.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    page.goto(f"{page.base_url}/my-week/")
    assert "/accounts/login/" in page.url


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def scrolls_sideways(page):
    return page.evaluate("() => document.documentElement.scrollWidth") > 390


def test_at_390_pixels_the_dashboards_do_not_scroll_sideways(phone, world, lived_in):
    page = phone
    checks = {
        "head": [
            ("the weekly meet", f"/reporting/meetings/{lived_in['meeting'].pk}/"),
            ("meeting list", "/reporting/meetings/"),
            ("NPS", "/reporting/nps/"),
            ("satisfaction", "/reporting/satisfaction/"),
            ("portfolio", "/reporting/portfolio/"),
        ],
        "sponsor": [
            ("sponsor home", "/reporting/sponsor/"),
            ("check-in form", f"/reporting/clients/{world.client.pk}/checkin/"),
        ],
        "team_am": [("client detail", f"/clients/{world.client.pk}/"), ("my week", "/my-week/")],
    }
    wide, problems = [], []
    for user, pages in checks.items():
        log_in(page, user)
        for label, path in pages:
            page.goto(f"{page.base_url}{path}")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 390:
                wide.append(f"{label} ({path}) is {width}px wide")
            # at this width too: e.g. a table scrolling in a box a keyboard cannot reach
            problems += axe_violations(page, f"{label} at 390px")
    assert not wide, "pages that scroll sideways at 390px:\n" + "\n".join(wide)
    fail_on(problems)


def test_on_a_phone_the_client_pages_primary_actions_come_before_the_side_panels(phone, world, lived_in):
    page = phone
    log_in(page, "team_am")
    page.goto(f"{page.base_url}/clients/{world.client.pk}/")
    log_call = page.get_by_role("link", name="Log a call")
    raise_flag = page.get_by_role("link", name="Raise a flag")
    commercials = page.get_by_role("heading", name="Commercials")
    assert log_call.bounding_box()["y"] < commercials.bounding_box()["y"]
    assert raise_flag.bounding_box()["y"] < commercials.bounding_box()["y"]
    # and first for the keyboard and the screen reader too, not only to the eye
    before = log_call.evaluate(
        "(a, h) => !!(a.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING)",
        commercials.element_handle(),
    )
    assert before


def test_the_data_in_and_out_pages_have_no_serious_violations(page, world, lived_in):
    # issue 19: search, exports, API tokens, the import screen (admins and the head of CS)
    log_in(page, "head")
    fail_on(
        audit(
            page,
            [
                ("search", "/search/?q=north"),
                ("exports", "/exports/"),
                ("API tokens", "/people/api-tokens/"),
                ("import", "/clients/import/"),
            ],
        )
    )


def test_the_two_factor_pages_have_no_serious_violations(page, world, lived_in):
    """Issue 19's two-factor: the set-up page, the recovery codes, the page once on, the login's code step."""

    def current_code(secret):
        if time.time() % 30 > 25:  # about to change: wait for the next one, so the page gets this one
            time.sleep(30 - time.time() % 30 + 0.5)
        return format_hotp_value(hotp_value(secret, int(time.time()) // 30))

    log_in(page, "team_am")
    problems = audit(page, [("two-factor set-up", "/people/two-factor/")])
    secret = re.sub(r"\s", "", page.get_by_test_id("totp-secret").inner_text())
    page.get_by_label("Code from your app").fill(current_code(secret))
    page.get_by_role("button", name="Turn two-factor on").click()
    page.wait_for_load_state()
    problems += axe_violations(page, "recovery codes")
    codes = page.get_by_test_id("recovery-codes").inner_text().split()
    problems += audit(page, [("two-factor on", "/people/two-factor/")])
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Username").fill("team_am")
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/login/code/")
    problems += axe_violations(page, "login code step")
    page.get_by_label("Authentication code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    problems += axe_violations(page, "login code step, wrong code")
    page.get_by_label("Authentication code").fill(codes[0])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
    fail_on(problems)


def test_the_team_pages_have_no_serious_violations_and_fit_a_phone(page, world, lived_in):
    """Issue 18's pages: managing the team, the org tree, time and utilisation, team objectives."""
    from decimal import Decimal

    from people.services.time import timesheet_save
    from tests.factories import MeasureFactory

    MeasureFactory(objective__team_year__year=timezone.localdate().year)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    timesheet_save(
        user=world.team_am, week=monday, client_hours={world.client.pk: Decimal(30)}, internal_hours={}
    )
    pages = [
        ("team", "/people/"),
        ("org structure", "/people/org/"),
        ("invite", "/people/invite/"),
        ("edit a person", f"/people/{world.team_am.pk}/edit/"),
        ("deactivate", f"/people/{world.team_am.pk}/deactivate/"),
        ("tiers", "/people/tiers/"),
        ("utilisation", "/people/utilisation/"),
        ("cost to serve", "/people/cost-to-serve/"),
        ("objectives", "/people/objectives/"),
        ("a report's timesheet", f"/people/timesheets/{world.team_am.pk}/"),
    ]
    log_in(page, "head")
    problems = audit(page, pages)
    log_in(page, "team_am")
    problems += audit(page, [("my timesheet", "/people/timesheets/")])
    fail_on(problems)
    page.set_viewport_size({"width": 390, "height": 844})
    wide = []
    for label, path in [("my timesheet", "/people/timesheets/"), ("objectives", "/people/objectives/")]:
        page.goto(f"{page.base_url}{path}")
        if scrolls_sideways(page):
            wide.append(label)
    log_in(page, "head")
    for label, path in pages:
        page.goto(f"{page.base_url}{path}")
        if scrolls_sideways(page):
            wide.append(label)
    assert not wide, f"pages that scroll sideways at 390px: {wide}"


def test_the_onboarding_pages_have_no_serious_violations_nor_scroll_sideways(page, world, lived_in):
    import importlib

    from django.apps import apps

    from onboarding.services.checklist import onboarding_open
    from onboarding.services.intake import form_link_create

    from .factories import (
        OnboardingChannelFactory,
        OnboardingStepFactory,
        PitchFactory,
        ProjectInitiationFactory,
    )

    # an earlier transactional test may have flushed the data migrations' rows: the page needs its own
    importlib.import_module("onboarding.migrations.0005_onboarding_defaults").load(apps, None)
    pitch = PitchFactory(proposed_cs=world.team_am)
    onboarding = onboarding_open(client=world.client, by=world.head, won_on=timezone.localdate())
    OnboardingChannelFactory(client=world.client)
    ProjectInitiationFactory(client=world.client)
    step = OnboardingStepFactory(onboarding=onboarding, order=99, kind="meeting", owner=world.team_am)
    token = form_link_create(client=world.client, kind="onboarding", by=world.team_am)[1]
    finance = form_link_create(client=world.client, kind="finance", by=world.team_am)[1]
    pages = {
        "head": [
            ("pipeline", "/onboarding/pitches/"),
            ("pitch", f"/onboarding/pitches/{pitch.pk}/"),
            ("pitch form", f"/onboarding/pitches/{pitch.pk}/edit/"),
            ("onboarding list", "/onboarding/clients/"),
        ],
        "team_am": [
            ("client page with onboarding", f"/clients/{world.client.pk}/"),
            ("step form", f"/onboarding/clients/{world.client.pk}/steps/{step.pk}/"),
            ("intro email", f"/onboarding/clients/{world.client.pk}/email/intro/"),
            ("onboarding form", f"/onboarding/clients/{world.client.pk}/form/"),
            ("finance form", f"/onboarding/clients/{world.client.pk}/finance/"),
            ("project initiation", f"/onboarding/clients/{world.client.pk}/projects/new/"),
        ],
        None: [
            ("client's form", f"/onboarding/form/{token}/"),
            ("client's finance form", f"/onboarding/form/{finance}/"),
        ],
    }
    problems, wide = [], []
    for user, paths in pages.items():
        if user:
            log_in(page, user)
        else:
            page.context.clear_cookies()
        problems += audit(page, paths)
        page.set_viewport_size({"width": 390, "height": 800})
        for label, path in paths:
            page.goto(f"{page.base_url}{path}")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 390:
                wide.append(f"{label} ({path}) is {width}px wide")
        page.set_viewport_size({"width": 1280, "height": 900})
    assert not wide, "pages that scroll sideways at 390px:\n" + "\n".join(wide)
    fail_on(problems)


def test_the_client_facing_pages_have_no_serious_violations(page, world, lived_in):
    """Issue 17: jobs, status reports, the dashboard's share screen and public page, support."""
    c = world.client.pk
    world.client.comms_plan.live_dashboard = True
    world.client.comms_plan.save()
    job = JobFactory(client=world.client, owner=world.team_am, to_bill=True)
    MilestoneFactory(job=job, due_date=timezone.localdate() - datetime.timedelta(days=2))
    link = DashboardLinkFactory(client=world.client, created_by=world.team_am)
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    req = support_request(arrangement=arrangement, received_at=timezone.now() - datetime.timedelta(days=3))
    log_in(page, "team_am")
    problems = audit(
        page,
        [
            ("status report", f"/reporting/clients/{c}/status/"),
            ("AM status report", "/reporting/status/"),
            ("job", f"/reporting/clients/{c}/jobs/{job.pk}/"),
            ("new job", f"/reporting/clients/{c}/jobs/new/"),
            ("dashboard sharing", f"/reporting/clients/{c}/dashboard/"),
            ("support", f"/clients/{c}/support/"),
            ("support request", f"/clients/{c}/support/requests/{req.pk}/"),
            ("new support request", f"/clients/{c}/support/requests/new/"),
            ("SLA form", f"/clients/{c}/support/setup/"),
        ],
    )
    log_in(page, "head")
    problems += audit(page, [("SLA performance", "/clients/support/")])
    page.context.clear_cookies()
    problems += audit(page, [("shared dashboard", f"/d/{dashboard_token(link)}/")])
    page.goto(f"{page.base_url}/d/not-a-link/")
    problems += axe_violations(page, "closed dashboard link")
    fail_on(problems)


def test_at_390_pixels_the_client_facing_pages_do_not_scroll_sideways(phone, world, lived_in):
    page = phone
    world.client.comms_plan.live_dashboard = True
    world.client.comms_plan.save()
    JobFactory(client=world.client, owner=world.team_am, name="Spring landing pages", to_bill=True)
    link = DashboardLinkFactory(client=world.client, created_by=world.team_am)
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    support_request(arrangement=arrangement, received_at=timezone.now() - datetime.timedelta(days=1))
    c = world.client.pk
    log_in(page, "team_am")
    paths = [
        f"/reporting/clients/{c}/status/",
        "/reporting/status/",
        f"/reporting/clients/{c}/dashboard/",
        f"/clients/{c}/support/",
    ]
    wide = []
    for path in paths:
        page.goto(f"{page.base_url}{path}")
        if scrolls_sideways(page):
            wide.append(path)
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/d/{dashboard_token(link)}/")
    if scrolls_sideways(page):
        wide.append("the shared dashboard")
    assert not wide, f"pages that scroll sideways at 390px: {wide}"


def test_the_growth_pages_have_no_serious_violations_and_fit_a_phone(page, world, lived_in):
    """Issue 15: the pipeline, ledger, calendar, vote, an opportunity and its forms."""
    from tests.commercial.factories_growth import (
        AuditFactory,
        ChannelRowFactory,
        DelightRoundFactory,
        EntertainmentAccrualFactory,
        EntertainmentEventFactory,
        OpportunityFactory,
        channel,
    )

    opp = OpportunityFactory(client=world.client, owner=world.team_am)
    AuditFactory(opportunity=opp)
    ChannelRowFactory(client=world.client, channel=channel(), worker="in_house", kpi="red")
    EntertainmentAccrualFactory(client=world.client)
    event = EntertainmentEventFactory(client=world.client, sponsor_attending=True)
    DelightRoundFactory()
    c = world.client.pk
    pages = [
        ("pipeline", "/commercial/pipeline/"),
        ("ledger", "/commercial/entertainment/"),
        ("event calendar", "/commercial/entertainment/calendar/"),
        ("surprise and delight", "/commercial/delight/"),
        ("opportunity", f"/commercial/opportunities/{opp.pk}/"),
        ("opportunity form", f"/commercial/clients/{c}/opportunities/new/"),
        ("audit form", f"/commercial/opportunities/{opp.pk}/audits/new/"),
        ("event form", f"/commercial/clients/{c}/events/new/"),
        ("event", f"/commercial/events/{event.pk}/"),
        ("channel row form", f"/commercial/clients/{c}/channels/{channel().pk}/"),
    ]
    log_in(page, "team_am")
    fail_on(audit(page, pages))
    log_in(page, "head")
    page.set_viewport_size({"width": 390, "height": 844})
    wide = []
    for label, path in pages[:5]:
        page.goto(f"{page.base_url}{path}")
        if scrolls_sideways(page):
            wide.append(label)
    assert not wide, f"scroll sideways at 390px: {wide}"


def test_the_account_plan_pages_have_no_serious_violations_and_fit_a_phone(page, world, lived_in):
    from .commercial.factories_growth import ChannelRowFactory, OpportunityFactory
    from .factories import (
        AccountPlanFactory,
        OccurrenceFactory,
        PlanObjectiveFactory,
        PlanReviewFactory,
        QbrFactory,
    )

    c, year = world.client.pk, timezone.localdate().year
    plan = AccountPlanFactory(client=world.client, year=year)
    PlanObjectiveFactory(plan=plan, owner=world.team_am)
    review = PlanReviewFactory(plan=plan)
    qbr = QbrFactory(client=world.client, quarter=quarter_start(timezone.localdate()))
    report = OccurrenceFactory(client=world.client, kind="report")
    # the client review and QBR show the channel map and opportunities (issue 16 <- 15)
    ChannelRowFactory(client=world.client, worker="agency", agency_name="Brightside Media Partners")
    OpportunityFactory(client=world.client, title="Spring CRM programme", next_step="Send the proposal")
    pages = [
        ("account plan", f"/commercial/clients/{c}/plans/{year}/"),
        ("plan form", f"/commercial/clients/{c}/plans/{year}/edit/"),
        ("plan review", f"/commercial/clients/{c}/reviews/{review.pk}/"),
        ("client review", f"/commercial/clients/{c}/review/"),
        ("QBR", f"/commercial/clients/{c}/qbrs/{qbr.pk}/"),
        ("client report", f"/commercial/clients/{c}/reports/{report.pk}/"),
    ]
    log_in(page, "team_am")
    problems = audit(page, pages)
    page.set_viewport_size({"width": 390, "height": 844})
    wide = []
    for label, path in pages:
        page.goto(f"{page.base_url}{path}")
        if scrolls_sideways(page):
            wide.append(label)
        problems += axe_violations(page, f"{label} at 390px")
    assert not wide, f"scroll sideways at 390px: {wide}"
    fail_on(problems)
