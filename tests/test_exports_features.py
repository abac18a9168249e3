"""Exports of the feature issues' lists (issue 19, item 2): the growth pipeline, the pitch pipeline and
timesheets — each its page's scope and filters, streamed, formula cells escaped."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from people.models import Role, StaffProfile

from .commercial.factories_growth import EntertainmentEventFactory, OpportunityFactory, channel
from .factories import (
    ClientFactory,
    JobFactory,
    MembershipFactory,
    PitchFactory,
    SupportArrangementFactory,
    SupportRequestFactory,
    TimeEntryFactory,
    TimesheetFactory,
    staff,
)
from .test_exports import column, csv_rows, export, xlsx_rows

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


# --- opportunities (the upsell and cross-sell pipeline) --------------------------------------------------


def test_an_ams_opportunities_export_is_the_pipeline_page_they_see(world, login):
    mine = OpportunityFactory(client=world.client, owner=world.team_am)
    theirs = OpportunityFactory(client=world.other_client, owner=world.other_am)
    gone = OpportunityFactory(client=ClientFactory(archived_at=world.client.created_at), owner=world.team_am)
    won = OpportunityFactory(client=world.client, owner=world.team_am, stage="won")
    # the pipeline is the CS team's and the CS team reads every client: both books, no archived client,
    # the open stages unless a stage is asked for — as the page lists
    rows = csv_rows(export(login, world.team_am, "opportunities"))
    assert sorted(column(rows, "ID")) == sorted([str(mine.pk), str(theirs.pk)])
    page = login(world.team_am).get(reverse("commercial:pipeline"))
    assert sorted(r["pk"] for r in page.context["page"].object_list) == sorted([mine.pk, theirs.pk])
    assert str(gone.pk) not in column(rows, "ID") and str(won.pk) not in column(rows, "ID")
    for persona in ("sponsor", "admin", "norole"):
        assert export(login, getattr(world, persona), "opportunities").status_code == 403, persona


def test_the_pipeline_filters_narrow_the_export_as_they_narrow_the_page(world, login):
    mine = OpportunityFactory(client=world.client, owner=world.team_am, service=channel("SEO"))
    OpportunityFactory(client=world.other_client, owner=world.other_am)
    won = OpportunityFactory(client=world.client, owner=world.team_am, stage="won")
    for params, expected in (
        ({"am": world.team_am.pk}, [mine.pk]),
        ({"service": channel("SEO").pk}, [mine.pk]),
        ({"stage": "won"}, [won.pk]),
        ({"am": world.team_am.pk, "stage": "won"}, [won.pk]),
    ):
        page = login(world.head).get(reverse("commercial:pipeline"), params)
        assert [r["pk"] for r in page.context["page"].object_list] == expected, params
        rows = csv_rows(export(login, world.head, "opportunities", **params))
        assert column(rows, "ID") == [str(pk) for pk in expected], params
    assert column(csv_rows(export(login, world.head, "opportunities", stage="won")), "Stage") == ["Won"]


def test_the_pipeline_page_links_its_filtered_export_and_cells_are_escaped(world, login):
    OpportunityFactory(client=world.client, owner=world.team_am, title='=HYPERLINK("http://x")', value=900)
    page = login(world.head).get(reverse("commercial:pipeline"), {"am": world.team_am.pk}).content.decode()
    query = f"?am={world.team_am.pk}"
    assert reverse("exports:opportunities", kwargs={"fmt": "csv"}) + query in page
    assert reverse("exports:opportunities", kwargs={"fmt": "xlsx"}) + query in page
    rows = csv_rows(export(login, world.head, "opportunities"))
    assert column(rows, "What") == ['\'=HYPERLINK("http://x")']
    sheet = xlsx_rows(export(login, world.head, "opportunities", fmt="xlsx"))
    assert column(sheet, "What") == ['\'=HYPERLINK("http://x")']
    assert column(sheet, "Value") == [900] and column(sheet, "Weighted (first year)") == [5400]


# --- pitches (the pitch pipeline) ---------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 3, 6, 12, 0, tzinfo=datetime.UTC))
def test_the_pitch_export_is_for_who_runs_pitches_with_the_pages_stage(world, login):
    open_ = PitchFactory(prospect_name="@evil")
    lead = PitchFactory(decision="pending")
    lost = PitchFactory(
        outcome="lost", outcome_reason="Went in-house", outcome_date=datetime.date(2026, 1, 5)
    )
    rows = csv_rows(export(login, world.head, "pitches"))
    assert sorted(column(rows, "ID")) == sorted([str(open_.pk), str(lead.pk)])  # the open ones, as the page
    assert "'@evil" in column(rows, "Prospect")
    assert set(column(rows, "Stage")) == {"Pitching", "Lead: should we pitch?"}
    for stage, pitch in (("lost", lost), ("lead", lead)):
        page = login(world.head).get(reverse("onboarding:pipeline"), {"stage": stage})
        assert [r["pk"] for r in page.context["page"].object_list] == [pitch.pk]
        assert column(csv_rows(export(login, world.head, "pitches", stage=stage)), "ID") == [str(pitch.pk)]
    new_business = staff(Role.NEW_BUSINESS)
    assert column(csv_rows(export(login, new_business, "pitches", stage="lost")), "ID") == [str(lost.pk)]
    index = login(new_business).get(reverse("exports:index"))
    assert index.status_code == 200 and [e.slug for e in index.context["exports"]] == [
        "pitches",
        "timesheets",  # their own, as a person with a staff profile
    ]
    for persona in ("team_am", "sponsor", "admin"):
        assert export(login, getattr(world, persona), "pitches").status_code == 403, persona


def test_the_pitch_pipeline_links_its_filtered_export(world, login):
    page = login(world.head).get(reverse("onboarding:pipeline"), {"stage": "won"}).content.decode()
    assert reverse("exports:pitches", kwargs={"fmt": "csv"}) + "?stage=won" in page
    assert reverse("exports:pitches", kwargs={"fmt": "xlsx"}) + "?stage=won" in page


# --- timesheets ----------------------------------------------------------------------------------------


def hours(user, week, client, h):
    return TimeEntryFactory(timesheet=TimesheetFactory(user=user, week=week), client=client, hours=Decimal(h))


@time_machine.travel(datetime.datetime(2026, 3, 6, 12, 0, tzinfo=datetime.UTC))
def test_a_timesheet_export_holds_the_timesheets_the_person_may_read(world, login):
    amy = hours(world.team_am, MONDAY, world.client, "6")
    tom = hours(world.other_am, MONDAY, world.other_client, "4")
    # yours only; a line manager's reports' too; the head of CS everyone's (the timesheet page's rule)
    assert column(csv_rows(export(login, world.team_am, "timesheets")), "ID") == [str(amy.pk)]
    assert column(csv_rows(export(login, world.other_am, "timesheets")), "ID") == [str(tom.pk)]
    assert (
        login(world.other_am).get(reverse("people:timesheet_for", args=[world.team_am.pk])).status_code == 404
    )
    StaffProfile.objects.filter(user=world.team_am).update(line_manager=world.other_am)
    rows = csv_rows(export(login, world.other_am, "timesheets"))
    assert sorted(column(rows, "ID")) == sorted([str(amy.pk), str(tom.pk)])
    assert sorted(column(csv_rows(export(login, world.head, "timesheets")), "ID")) == sorted(
        [str(amy.pk), str(tom.pk)]
    )
    assert column(csv_rows(export(login, world.admin, "timesheets")), "ID") == []
    assert export(login, world.norole, "timesheets").status_code == 403


@time_machine.travel(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC))
def test_the_timesheet_filters_narrow_the_export(world, login):
    first = hours(world.team_am, MONDAY, world.client, "6")
    later = hours(world.team_am, MONDAY + datetime.timedelta(days=7), world.client, "5")
    theirs = hours(world.other_am, MONDAY, world.other_client, "4")
    head = login(world.head)
    assert column(csv_rows(export(login, world.head, "timesheets", person=world.team_am.pk)), "ID") == [
        str(later.pk),
        str(first.pk),
    ]
    # any day of a week is that week, as the page's ?week=
    rows = csv_rows(head.get(reverse("exports:timesheets", kwargs={"fmt": "csv"}), {"week": "2026-03-04"}))
    assert sorted(column(rows, "ID")) == sorted([str(first.pk), str(theirs.pk)])
    rows = csv_rows(export(login, world.head, "timesheets", week_after="2026-03-09"))
    assert column(rows, "ID") == [str(later.pk)]
    assert export(login, world.head, "timesheets", week="someday").status_code == 400


@time_machine.travel(datetime.datetime(2026, 3, 6, 12, 0, tzinfo=datetime.UTC))
def test_the_timesheet_page_links_the_persons_export_and_cells_are_escaped(world, login):
    hours(world.team_am, MONDAY, ClientFactory(name="+SUM(A1)"), "3")
    page = login(world.team_am).get(reverse("people:timesheet")).content.decode()
    assert reverse("exports:timesheets", kwargs={"fmt": "csv"}) + f"?person={world.team_am.pk}" in page
    assert reverse("exports:timesheets", kwargs={"fmt": "xlsx"}) + f"?person={world.team_am.pk}" in page
    sheet = xlsx_rows(export(login, world.team_am, "timesheets", fmt="xlsx", person=world.team_am.pk))
    assert column(sheet, "Client") == ["'+SUM(A1)"] and column(sheet, "Hours") == [3]
    assert column(sheet, "Week beginning")[0].date() == MONDAY


# --- support requests (the support register) ----------------------------------------------------------


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


@time_machine.travel(utc(2026, 3, 20, 12, 0))
def test_a_support_export_holds_the_clients_the_person_may_see_narrowed_as_the_pages(world, login):
    ours = SupportArrangementFactory(client=world.client)
    theirs = SupportArrangementFactory(client=world.other_client)
    met = SupportRequestFactory(
        arrangement=ours,
        received_at=utc(2026, 3, 2, 9),
        first_response_at=utc(2026, 3, 2, 10),
        summary="=1+1",
    )
    february = SupportRequestFactory(arrangement=ours, received_at=utc(2026, 2, 10, 9))
    other = SupportRequestFactory(arrangement=theirs, received_at=utc(2026, 3, 3, 9))
    rows = csv_rows(export(login, world.team_am, "support-requests"))
    assert column(rows, "ID") == [str(other.pk), str(met.pk), str(february.pk)]  # the CS team reads all
    rows = csv_rows(export(login, world.sponsor, "support-requests"))
    assert column(rows, "ID") == [str(met.pk), str(february.pk)]  # an exec sponsor their client's
    assert column(rows, "Summary")[0] == "'=1+1"
    assert column(rows, "Response SLA") == ["met", "breached"]
    assert column(rows, "Resolution SLA") == ["breached", "breached"]
    assert export(login, world.norole, "support-requests").status_code == 403
    # the register's month, as the register counts it; a client's, as its support page lists it
    register = login(world.head).get(reverse("clients:support_register"), {"month": "2026-03"})
    assert [r["total"] for r in register.context["performance"]] == [1, 1]
    query = "?month=2026-03"
    assert reverse("exports:support-requests", kwargs={"fmt": "csv"}) + query in register.content.decode()
    rows = csv_rows(export(login, world.head, "support-requests", month="2026-03"))
    assert sorted(column(rows, "ID")) == sorted([str(met.pk), str(other.pk)])
    page = login(world.head).get(reverse("clients:support", args=[world.client.pk])).content.decode()
    assert reverse("exports:support-requests", kwargs={"fmt": "xlsx"}) + f"?client={world.client.pk}" in page
    sheet = xlsx_rows(export(login, world.head, "support-requests", fmt="xlsx", client=world.client.pk))
    assert column(sheet, "ID") == [met.pk, february.pk]


# --- entertainment events (the calendar) ---------------------------------------------------------------


@time_machine.travel(utc(2026, 3, 20, 12, 0))
def test_the_events_export_is_the_calendars_for_the_cs_team(world, login):
    lunch = EntertainmentEventFactory(client=world.client, held_on=datetime.date(2026, 3, 12), title="-lunch")
    match = EntertainmentEventFactory(client=world.other_client, held_on=datetime.date(2026, 4, 2))
    EntertainmentEventFactory(client=world.client, held_on=datetime.date(2026, 3, 13), status="cancelled")
    rows = csv_rows(export(login, world.team_am, "entertainment-events"))
    assert column(rows, "ID") == [str(lunch.pk), str(match.pk)]  # every client's, not the cancelled
    assert column(rows, "What")[0] == "'-lunch"
    calendar = login(world.other_am).get(reverse("commercial:event_calendar"), {"month": "2026-03"})
    shown = [e["pk"] for week in calendar.context["weeks"] for day in week for e in day["events"]]
    assert shown == [lunch.pk]
    link = reverse("exports:entertainment-events", kwargs={"fmt": "csv"}) + "?month=2026-03"
    assert link in calendar.content.decode()
    rows = csv_rows(export(login, world.other_am, "entertainment-events", month="2026-03"))
    assert column(rows, "ID") == [str(lunch.pk)]
    for persona in ("sponsor", "admin"):
        assert export(login, getattr(world, persona), "entertainment-events").status_code == 403, persona


# --- jobs (the AM status report) ----------------------------------------------------------------------


@time_machine.travel(utc(2026, 3, 20, 12, 0))
def test_the_jobs_export_is_the_status_reports_with_its_person(world, login):
    ours = JobFactory(client=world.client, number="+A1", status="in_progress")
    billing = JobFactory(client=world.client, number="B2", status="done", to_bill=True)
    JobFactory(client=world.client, status="done")  # done and billed: the report leaves it out
    theirs = JobFactory(client=world.other_client, number="C3")
    MembershipFactory(client=world.other_client, user=world.head)
    report = login(world.head).get(reverse("reporting:am_status_report"), {"person": world.team_am.pk})
    listed = [j["pk"] for c in report.context["clients"] for j in c["jobs"]]
    assert sorted(listed) == sorted([ours.pk, billing.pk])
    link = reverse("exports:jobs", kwargs={"fmt": "csv"}) + f"?person={world.team_am.pk}"
    assert link in report.content.decode()
    rows = csv_rows(export(login, world.head, "jobs", person=world.team_am.pk))
    assert column(rows, "ID") == [str(ours.pk), str(billing.pk)]
    assert column(rows, "Number") == ["'+A1", "B2"]
    rows = csv_rows(export(login, world.other_am, "jobs", person=world.other_am.pk))
    assert column(rows, "ID") == [str(theirs.pk)]
    assert len(csv_rows(export(login, world.team_am, "jobs"))) == 4  # the header and every listed job
    for persona in ("sponsor", "admin"):
        assert export(login, getattr(world, persona), "jobs").status_code == 403, persona
