"""PDPs joined up (issue 18, item 5): a target that follows a team measure, and the PDP as a PDF."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact

from ..factories import ContactFactory, MeasureFactory, PdpFactory, PdpTargetFactory

pytestmark = pytest.mark.django_db


def test_a_target_that_follows_a_team_measure_updates_itself(client, world):
    year = timezone.localdate().year
    measure = MeasureFactory(
        objective__team_year__year=year, target=100, deadline=datetime.date(year, 12, 31)
    )
    pdp = PdpFactory(staff=world.team_am, year=year)
    target = PdpTargetFactory(pdp=pdp, progress=5, follows=measure)
    red = ContactFactory(client=world.client, rag=Contact.Rag.RED)
    ContactFactory(client=world.client, rag=Contact.Rag.RED)
    client.force_login(world.team_am)
    assert client.get(reverse("people:pdp_detail", args=[pdp.pk])).context["targets"][0].progress == 0
    red.rag = Contact.Rag.ORANGE
    red.save()
    shown = client.get(reverse("people:pdp_detail", args=[pdp.pk])).context["targets"][0]
    assert shown.pk == target.pk and shown.progress == 50
    assert (
        "progress updates itself" in client.get(reverse("people:pdp_detail", args=[pdp.pk])).content.decode()
    )


def test_the_head_links_a_target_to_a_measure_of_the_pdps_year_only(client, world):
    year = timezone.localdate().year
    this_year = MeasureFactory(objective__team_year__year=year)
    other_year = MeasureFactory(objective__team_year__year=year - 1, deadline=datetime.date(year - 1, 6, 30))
    pdp = PdpFactory(staff=world.team_am, year=year)
    client.force_login(world.head)
    url = reverse("people:pdp_target_add", args=[pdp.pk])
    data = {"description": "Move my red contacts", "measure": "team RAG", "reward": "bonus", "progress": 0}
    refused = client.post(url, data | {"follows": other_year.pk})
    assert refused.status_code == 200 and "follows" in refused.context["form"].errors
    assert client.post(url, data | {"follows": this_year.pk}).status_code == 302
    assert pdp.targets.get().follows == this_year


def test_the_pdp_pdf_renders_for_the_person_and_not_for_others(client, world):
    pdp = PdpFactory(staff=world.team_am)
    PdpTargetFactory(pdp=pdp, description="Lead a pitch")
    client.force_login(world.team_am)
    response = client.get(reverse("people:pdp_pdf", args=[pdp.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    client.force_login(world.other_am)
    assert client.get(reverse("people:pdp_pdf", args=[pdp.pk])).status_code == 404


def test_a_target_that_follows_an_account_plan_objective_is_hit_when_the_objective_is_done(client, world):
    """Issue 18, item 5 with issue 16's plans: the head links a PDP target to a plan objective the
    person owns; ticking the objective off on the plan makes the target 100%, on the page and the PDF."""
    from ..factories import AccountPlanFactory, PlanObjectiveFactory

    year = timezone.localdate().year
    plan = AccountPlanFactory(client=world.client, year=year, created_by=world.team_am)
    mine = PlanObjectiveFactory(plan=plan, owner=world.team_am, description="Lunch with the new CMO")
    theirs = PlanObjectiveFactory(plan=plan, owner=world.other_am)
    pdp = PdpFactory(staff=world.team_am, year=year)
    client.force_login(world.head)
    url = reverse("people:pdp_target_add", args=[pdp.pk])
    data = {"description": "Win the CMO over", "measure": "plan objective", "reward": "bonus", "progress": 0}
    refused = client.post(url, data | {"follows_objective": theirs.pk})  # not the PDP person's objective
    assert refused.status_code == 200 and "follows_objective" in refused.context["form"].errors
    assert client.post(url, data | {"follows_objective": mine.pk}).status_code == 302
    target = pdp.targets.get()
    assert target.follows_objective == mine

    client.force_login(world.team_am)
    page = reverse("people:pdp_detail", args=[pdp.pk])
    assert client.get(page).context["targets"][0].progress == 0
    toggle = reverse("commercial:objective_toggle", args=[world.client.pk, mine.pk])
    assert client.post(toggle).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "done"
    response = client.get(page)
    assert response.context["targets"][0].progress == 100
    assert "Lunch with the new CMO" in response.content.decode()
