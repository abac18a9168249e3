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
