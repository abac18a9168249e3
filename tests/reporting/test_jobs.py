"""Jobs, milestones and status reports (seed 003): opened on a client, reviewed weekly, on my week."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reporting.models import Job, Milestone, StatusReview

from ..factories import (
    ClientFactory,
    JobFactory,
    MembershipFactory,
    MilestoneFactory,
    StatusReviewFactory,
)

pytestmark = pytest.mark.django_db


def _job_post(world, **overrides):
    return {
        "number": "NW-0142",
        "name": "Spring campaign landing pages",
        "kind": "project",
        "status": "in_progress",
        "start_date": "2026-11-02",
        "owner": world.team_am.pk,
        "next_steps": "Client to sign off the wireframes",
        "billable": "on",
        "link": "",
        **overrides,
    }


def test_the_account_team_opens_a_job_on_a_client(world, login):
    response = login(world.team_am).post(
        reverse("reporting:job_create", args=[world.client.pk]), _job_post(world)
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reporting:job_edit", args=[world.client.pk, job.pk]
    )
    assert (job.client, job.number, job.owner, job.created_by) == (
        world.client,
        "NW-0142",
        world.team_am,
        world.team_am,
    )
    assert job.history.count() == 1


def test_another_team_s_am_cannot_open_a_job(world, login):
    response = login(world.other_am).post(
        reverse("reporting:job_create", args=[world.client.pk]), _job_post(world)
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_a_duplicate_job_number_and_to_bill_unbillable_work_are_field_errors(world, login):
    JobFactory(client=world.other_client, number="NW-0142")
    c = login(world.team_am)
    response = c.post(reverse("reporting:job_create", args=[world.client.pk]), _job_post(world))
    assert response.status_code == 400
    assert response.context["form"].errors["number"]
    response = c.post(
        reverse("reporting:job_create", args=[world.client.pk]),
        _job_post(world, number="NW-0143", billable="", to_bill="on"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["to_bill"] == ["Only billable work can be marked to bill."]
    assert Job.objects.count() == 1


def test_a_milestone_before_the_job_starts_is_a_field_error_and_nothing_is_written(world, login):
    job = JobFactory(client=world.client, owner=world.team_am, start_date=dt.date(2026, 11, 2))
    url = reverse("reporting:milestone_create", args=[world.client.pk, job.pk])
    response = login(world.team_am).post(
        url, {"milestone-name": "Wireframes", "milestone-due_date": "2026-10-30"}
    )
    assert response.status_code == 400
    assert response.context["milestone_form"].errors["due_date"] == [
        "The job starts on 02 Nov 2026: a milestone cannot be due before that."
    ]
    assert not Milestone.objects.exists()
    response = login(world.team_am).post(
        url, {"milestone-name": "Wireframes", "milestone-due_date": "2026-11-20"}
    )
    assert response.status_code == 302
    assert job.milestones.get().name == "Wireframes"


def test_moving_a_job_s_start_past_its_milestones_is_refused(world, login):
    job = JobFactory(client=world.client, owner=world.team_am, start_date=dt.date(2026, 11, 2))
    MilestoneFactory(job=job, due_date=dt.date(2026, 11, 10))
    data = _job_post(world, number=job.number, start_date="2026-11-15", version=job.version)
    response = login(world.team_am).post(reverse("reporting:job_edit", args=[world.client.pk, job.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["start_date"]
    job.refresh_from_db()
    assert job.start_date == dt.date(2026, 11, 2)


@time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False)
def test_the_status_report_shows_open_jobs_new_work_and_work_to_bill_with_missed_milestones(world, login):
    old = JobFactory(client=world.client, owner=world.team_am, number="NW-0001", name="Site migration")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    MilestoneFactory(job=old, name="Redirect map", due_date=dt.date(2026, 11, 30))  # missed
    JobFactory(client=world.client, owner=world.team_am, number="NW-0002", name="Xmas banners")  # new work
    JobFactory(
        client=world.client,
        number="NW-0003",
        name="Audit",
        status="completed",
        to_bill=True,
        completed_on=dt.date(2026, 11, 28),
    )
    JobFactory(client=world.other_client, number="HB-0001", name="Harbour app")
    page = login(world.sponsor).get(reverse("reporting:status_report", args=[world.client.pk]))
    ctx = page.context
    assert [j["number"] for j in ctx["open_jobs"]] == ["NW-0001", "NW-0002"]
    assert [j["number"] for j in ctx["new_work"]] == ["NW-0002"]
    assert [j["number"] for j in ctx["to_bill"]] == ["NW-0003"]
    html = page.content.decode()
    assert "Redirect map" in html and "missed" in html and "Harbour app" not in html
    assert "Not reviewed yet" in html
    assert "Mark reviewed today" not in html  # the sponsor reads, the team reviews


@time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False)
def test_marking_the_report_reviewed_stamps_it_on_the_page_and_the_pdf(world, login):
    JobFactory(
        client=world.client,
        owner=world.team_am,
        number="NW-0001",
        name="Site migration",
        next_steps="Go live",
    )
    c = login(world.team_am)
    assert (
        c.post(reverse("reporting:status_review", args=[world.client.pk]), {"note": "weekly"}).status_code
        == 302
    )
    review = StatusReview.objects.get()
    assert review.reviewed_by == world.team_am
    page = c.get(reverse("reporting:status_report", args=[world.client.pk])).content.decode()
    assert "Reviewed on 2 Dec 2026 by Amy Mills" in page
    pdf = c.get(reverse("reporting:status_report_pdf", args=[world.client.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Reviewed on 2 Dec 2026" in text and "NW-0001" in text and "Go live" in text


def test_another_team_s_am_cannot_stamp_the_report(world, login):
    assert (
        login(world.other_am).post(reverse("reporting:status_review", args=[world.client.pk])).status_code
        == 403
    )
    assert not StatusReview.objects.exists()


def _clients_with_jobs(n, am):
    for _ in range(n):
        client = ClientFactory()
        MembershipFactory(client=client, user=am)
        job = JobFactory(client=client, owner=am)
        MilestoneFactory(job=job, due_date=timezone.localdate())
        JobFactory(
            client=client, owner=am, status="completed", to_bill=True, completed_on=timezone.localdate()
        )


def test_the_am_s_status_report_spans_their_clients_at_a_flat_query_count(
    world, login, django_assert_max_num_queries
):
    _clients_with_jobs(2, world.team_am)
    url = reverse("reporting:am_status_report")
    c = login(world.team_am)
    # session, user, roles, nav, clients, jobs, milestones, the people picker: not per client or job
    with django_assert_max_num_queries(12) as small:
        c.get(url)
    _clients_with_jobs(10, world.team_am)
    with django_assert_max_num_queries(12) as large:
        response = c.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert response.context["open_count"] == 12 and response.context["to_bill_count"] == 12
    other = c.get(url + f"?person={world.other_am.pk}")
    assert other.context["person"] == world.other_am and other.context["clients"] == []
    assert login(world.sponsor).get(url).status_code == 403


@time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False)
def test_my_week_lists_this_week_s_milestones_and_marks_the_missed(world, login):
    job = JobFactory(client=world.client, owner=world.other_am, number="NW-0009")
    MilestoneFactory(job=job, name="Copy deck", due_date=dt.date(2026, 12, 4))
    MilestoneFactory(job=job, name="Wireframes", due_date=dt.date(2026, 11, 30))
    MilestoneFactory(job=job, name="Go live", due_date=dt.date(2026, 12, 20))  # later
    MilestoneFactory(job=job, name="Kick-off", due_date=dt.date(2026, 11, 30), done_on=dt.date(2026, 11, 30))
    MilestoneFactory(
        job=JobFactory(client=world.other_client), name="Not mine", due_date=dt.date(2026, 12, 3)
    )
    response = login(world.team_am).get(reverse("my_week"))
    week = response.context["milestones_week"]
    assert [(m["name"], m["missed"]) for m in week["milestones"]] == [
        ("Wireframes", True),
        ("Copy deck", False),
    ]
    html = response.content.decode()
    assert "Copy deck" in html and "1 missed" in html and "Not mine" not in html


def test_my_week_costs_the_same_with_more_milestones(world, login, django_assert_max_num_queries):
    _clients_with_jobs(2, world.team_am)
    c = login(world.team_am)
    with django_assert_max_num_queries(40) as small:
        c.get(reverse("my_week"))
    _clients_with_jobs(10, world.team_am)
    with django_assert_max_num_queries(40) as large:  # my week's own budget; milestones add one query
        response = c.get(reverse("my_week"))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["milestones_week"]["milestones"]) == 12


def test_a_milestone_is_ticked_off_from_my_week(world, login):
    milestone = MilestoneFactory(job=JobFactory(client=world.client, owner=world.team_am))
    url = reverse("reporting:milestone_toggle", args=[world.client.pk, milestone.pk])
    response = login(world.team_am).post(url, {"done": "1", "back": "my_week"})
    assert response["Location"] == reverse("my_week")
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    assert login(world.other_am).post(url, {"done": "0"}).status_code == 403


def test_the_client_page_shows_jobs_and_costs_the_same_with_more(world, login, django_assert_max_num_queries):
    url = reverse("clients:detail", args=[world.client.pk])
    c = login(world.team_am)
    JobFactory(client=world.client, owner=world.team_am)
    with django_assert_max_num_queries(60) as small:
        c.get(url)
    for _ in range(8):
        MilestoneFactory(job=JobFactory(client=world.client, owner=world.team_am, to_bill=True))
    StatusReviewFactory(client=world.client)
    with django_assert_max_num_queries(60) as large:  # the page's own budget; the jobs card is 3 queries
        response = c.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    summary = response.content.decode()
    assert "9 open jobs" in summary and "8 to bill" in summary


def test_the_client_status_report_costs_the_same_with_more_jobs(world, login, django_assert_max_num_queries):
    url = reverse("reporting:status_report", args=[world.client.pk])
    c = login(world.team_am)

    def more(n):
        for _ in range(n):
            MilestoneFactory(job=JobFactory(client=world.client, owner=world.team_am, to_bill=True))

    more(2)
    StatusReviewFactory(client=world.client)
    # session, user, roles, nav, the client, its team (permission), jobs, milestones, the last review
    with django_assert_max_num_queries(14) as small:
        c.get(url)
    more(15)
    with django_assert_max_num_queries(14) as large:
        response = c.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["open_jobs"]) == 17


def test_a_long_week_of_milestones_shows_twenty_and_says_how_many_more(world, login):
    job = JobFactory(client=world.client, owner=world.team_am)
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    for n in range(23):
        MilestoneFactory(
            job=job, name=f"Step {n}", due_date=max(monday, job.start_date) + dt.timedelta(days=n % 7)
        )
    response = login(world.team_am).get(reverse("my_week"))
    week = response.context["milestones_week"]
    assert len(week["milestones"]) == 20 and week["more"] == 3
    assert "3 more on your status report" in response.content.decode()
