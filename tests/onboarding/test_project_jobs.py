"""Issue 17 <- 14: recording a project initiation form opens its job on the client's status report,
in the same transaction, once (factories: tests/factories.py)."""

import pytest
from django.urls import reverse

from onboarding.models import ProjectInitiation
from reporting.models import Job

from ..factories import ClientFactory

pytestmark = pytest.mark.django_db


def post_initiation(c, client, **overrides):
    url = reverse("onboarding:project_create", args=[client.pk])
    form = c.get(url).context["form"]
    data = {
        "form_token": form.fields["form_token"].initial,
        "kind": "new",
        "job_number": "J2041",
        "name": "Spring launch",
        "brief": "Launch the spring range",
        "scope": "Search and social",
        "budget": "12000",
        "start_date": "2026-12-01",
        "end_date": "2027-02-01",
    }
    return c.post(url, {**data, **overrides})


def test_recording_an_initiation_opens_its_job_on_the_status_report(world, login):
    c = login(world.team_am)
    assert post_initiation(c, world.client).status_code == 302
    job = Job.objects.get()
    assert (job.client, job.number, job.name, job.owner) == (
        world.client,
        "J2041",
        "Spring launch",
        world.team_am,
    )
    report = c.get(reverse("reporting:status_report", args=[world.client.pk])).content.decode()
    assert "J2041" in report and "Spring launch" in report
    # the same job number again (a resubmission, or a job opened by hand first): no second job
    assert post_initiation(c, world.client, job_number="J2041").status_code == 400
    assert Job.objects.count() == 1


def test_a_job_number_taken_by_another_client_is_a_field_error_and_writes_nothing(world, login):
    other = ClientFactory()
    Job.objects.create(
        client=other,
        number="J2041",
        name="Theirs",
        start_date="2026-01-01",
        owner=world.head,
        created_by=world.head,
    )
    c = login(world.team_am)
    response = post_initiation(c, world.client)
    assert response.status_code == 400
    assert "job_number" in response.context["form"].errors
    assert not ProjectInitiation.objects.exists() and Job.objects.count() == 1


def test_a_job_number_too_long_for_a_job_is_a_field_error(world, login):
    response = post_initiation(login(world.team_am), world.client, job_number="J" * 35)
    assert response.status_code == 400 and "job_number" in response.context["form"].errors
    assert not ProjectInitiation.objects.exists() and not Job.objects.exists()
