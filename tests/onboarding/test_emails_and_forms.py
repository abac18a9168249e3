"""The two onboarding emails and the client's forms (issue 14 items 5–7)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact
from onboarding.models import (
    EmailTemplate,
    FinanceDetails,
    FormLink,
    OnboardingChannel,
    OnboardingEmail,
    OnboardingForm,
    OnboardingStep,
    ProjectInitiation,
)
from onboarding.services.intake import form_link_create
from onboarding.services.pitches import pitch_win
from people.models import OutboxMessage
from tests.factories import ContactFactory, FinanceDetailsFactory, PitchFactory, UserFactory, new_business


@pytest.fixture
def won(world):
    seller = new_business(first_name="Keith", last_name="Richards")
    pitch = PitchFactory(
        domain="karens.example",
        prospect_name="Karen's Kitchens",
        proposed_cs=world.team_am,
        new_business_owner=seller,
        monthly_spend=Decimal("2000"),
    )
    client = pitch_win(
        pitch=pitch, by=seller, won_on=timezone.localdate(), start_date=datetime.date(2027, 4, 1)
    )
    ContactFactory(client=client, name="Karen Jones", email="karen@karens.example")
    return client


def test_the_intro_email_is_previewed_with_real_values_then_sent_and_on_the_timeline(world, login, won):
    c = login(world.team_am)
    url = reverse("onboarding:email_send", args=[won.pk, "intro"])
    preview = c.get(url).content.decode()
    assert "Hello Karen," in preview and "introduce you immediately to Amy Mills" in preview
    assert (
        "Keith Richards" in preview
        and "{" not in preview.split('data-testid="email-preview"')[1].split("</div></div>")[0]
    )
    karen = won.contacts.get()
    response = c.post(url, {"contact": karen.pk, "code": "intro"})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(payload__to=["karen@karens.example"])
    assert message.payload["body"].startswith("Hello Karen,")
    assert OnboardingEmail.objects.get(client=won).message == message
    assert OnboardingStep.objects.get(onboarding__client=won, kind="intro_email").status == "done"
    page = c.get(reverse("clients:detail", args=[won.pk])).content.decode()
    assert 'data-kind="onboarding_email"' in page and "sent to karen@karens.example" in page


def test_the_forms_email_carries_signed_links_the_client_fills_in_logged_out(world, login, client, won):
    karen = won.contacts.get()
    login(world.team_am).post(
        reverse("onboarding:email_send", args=[won.pk, "forms"]), {"contact": karen.pk, "code": "forms"}
    )
    body = OutboxMessage.objects.get(payload__to=["karen@karens.example"]).payload["body"]
    assert "start the important work on 1 April" in body
    links = {link.kind: link for link in FormLink.objects.filter(client=won)}
    assert set(links) == {"onboarding", "finance"}
    form_url = next(w for w in body.split() if "/onboarding/form/" in w)
    path = form_url.split("127.0.0.1", 1)[-1].split(":", 1)[-1]
    path = path[path.index("/") :]
    client.logout()
    assert client.get(path).status_code == 200
    data = {
        "company_domain": "karens.example",
        "history_text": "Family firm since 1982",
        "objectives": "Grow online sales",
        "competitors": "Big Kitchens plc",
        "turnaround": "5 working days",
        "sign_off": "Karen signs off",
        "working_hours": "9–5",
        "response_times": "Same day",
        "contacts-TOTAL_FORMS": "3",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Raj Patel",
        "contacts-0-title": "Ecommerce manager",
        "contacts-0-email": "raj@karens.example",
        "contacts-1-name": "Karen Jones",
        "contacts-1-email": "KAREN@karens.example",
        "channels-TOTAL_FORMS": "4",
        "channels-INITIAL_FORMS": "0",
        "channels-0-channel": "Paid search",
        "channels-0-budget_owner": "Karen",
        "channels-0-done_by": "other_agency",
        "channels-0-done_by_name": "Search Co",
        "channels-1-done_by": "nobody",
        "channels-2-done_by": "nobody",
        "channels-3-done_by": "nobody",
    }
    response = client.post(path, data)
    assert response.status_code == 200 and 'data-testid="form-thanks"' in response.content.decode()
    record = OnboardingForm.objects.get(client=won)
    assert record.competitors == "Big Kitchens plc" and record.submitted_by_contact == "Karen Jones"
    assert set(Contact.objects.filter(client=won).values_list("name", flat=True)) == {
        "Karen Jones",
        "Raj Patel",
    }
    channel = OnboardingChannel.objects.get(client=won)
    assert (channel.channel, channel.budget_owner, channel.done_by, channel.done_by_name) == (
        "Paid search",
        "Karen",
        "other_agency",
        "Search Co",
    )
    assert OnboardingStep.objects.get(onboarding__client=won, kind="form_back").status == "done"
    # used: a second send writes nothing and says so
    response = client.post(path, {**data, "competitors": "Changed"})
    assert response.status_code == 410 and 'data-testid="form-used"' in response.content.decode()
    assert OnboardingForm.objects.get(client=won).competitors == "Big Kitchens plc"
    assert Contact.objects.filter(client=won).count() == 2


def test_a_tampered_or_expired_link_writes_nothing(world, client, won):
    start = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _, token = form_link_create(client=won, kind="finance", by=world.team_am)
    data = {
        "billing_entity": "Karen's Kitchens Ltd",
        "address": "1 Mill Lane",
        "invoice_email": "ap@karens.example",
        "payment_terms": "30 days",
    }
    tampered = reverse("onboarding:public_form", args=[token[:-2] + "xx"])
    assert client.post(tampered, data).status_code == 404
    with time_machine.travel(start + datetime.timedelta(days=15), tick=False):
        response = client.post(reverse("onboarding:public_form", args=[token]), data)
    assert response.status_code == 410 and 'data-testid="form-expired"' in response.content.decode()
    assert not FinanceDetails.objects.exists()
    with time_machine.travel(start + datetime.timedelta(days=13), tick=False):
        assert client.post(reverse("onboarding:public_form", args=[token]), data).status_code == 200
    assert FinanceDetails.objects.get(client=won).invoice_email == "ap@karens.example"


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("team_am", True), ("head", True), ("admin", True), ("other_am", False), ("sponsor", False)],
)
def test_finance_details_show_only_to_the_account_team_head_of_cs_and_admins(world, login, persona, sees):
    FinanceDetailsFactory(client=world.client, vat_number="GB999888777")
    from onboarding.services.checklist import onboarding_open

    onboarding_open(client=world.client, by=world.head, won_on=timezone.localdate())
    page = (
        login(world.persona(persona)).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    )
    assert ("GB999888777" in page) is sees
    status = (
        login(world.persona(persona))
        .get(reverse("onboarding:finance_fill", args=[world.client.pk]))
        .status_code
    )
    assert (status == 200) is sees


def test_the_brief_version_is_for_project_work(world, login):
    from tests.factories import ProjectClientFactory

    project = ProjectClientFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(client=project, user=world.team_am, is_lead=True)
    form = login(world.team_am).get(reverse("onboarding:intake_fill", args=[project.pk])).context["form"]
    assert "brief" in form.fields and "history_text" not in form.fields


def test_an_unknown_placeholder_is_refused_when_the_template_is_saved(world, login):
    template = EmailTemplate.objects.get(code="intro")
    c = login(
        UserFactory(username="root", is_staff=True, is_superuser=True)
    )  # seed_demo's admins are superusers
    url = reverse("admin:onboarding_emailtemplate_change", args=[template.pk])
    response = c.post(url, {"code": "intro", "subject": "Hi {contact_firstname}", "body": "Hello {am_name}"})
    assert response.status_code == 200
    assert "Unknown placeholder {contact_firstname}" in response.content.decode()
    assert EmailTemplate.objects.get(pk=template.pk).subject == template.subject
    ok = c.post(url, {"code": "intro", "subject": "Hi {contact_first_name}", "body": "Hello {am_name}"})
    assert (
        ok.status_code == 302
        and EmailTemplate.objects.get(pk=template.pk).subject == "Hi {contact_first_name}"
    )


def test_a_project_initiation_form_is_recorded_and_listed_on_the_client(world, login):
    c = login(world.team_am)
    url = reverse("onboarding:project_create", args=[world.client.pk])
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
        "end_date": "2026-11-01",
        "team": [world.team_am.pk],
    }
    response = c.post(url, data)
    assert (
        response.status_code == 400 and "A project cannot end before it starts." in response.content.decode()
    )
    assert not ProjectInitiation.objects.exists()
    assert c.post(url, {**data, "end_date": "2027-02-01"}).status_code == 302
    record = ProjectInitiation.objects.get()
    assert list(record.team.all()) == [world.team_am]
    assert "J2041 Spring launch" in c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
