"""The client survey link: signed, expiring, single use; the answer counts in NPS (PRODUCT.md §1)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from csops.dates import quarter_start
from reporting import nps
from reporting.models import SurveyInvite, SurveyResponse
from reporting.services import feedback as services

from ..factories import ContactFactory, SurveyInviteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(world):
    return ContactFactory(client=world.client, name="Karen Wright", email="karen@northwind.example")


def survey_url(invite):
    return reverse("survey", args=[services.survey_token(invite)])


def test_the_account_team_generates_a_link_that_is_emailed_to_the_contact(
    world, login, contact, django_capture_on_commit_callbacks
):
    c = login(world.team_am)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("reporting:survey_create", args=[world.client.pk, contact.pk]))
    invite = SurveyInvite.objects.get()
    assert response["Location"] == reverse("reporting:survey_invite", args=[invite.pk])
    assert (invite.contact, invite.created_by, invite.used_at) == (contact, world.team_am, None)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["karen@northwind.example"]
    assert survey_url(invite) in mail.outbox[0].body
    page = c.get(response["Location"])
    assert survey_url(invite).encode() in page.content


def test_a_colleague_off_the_team_cannot_generate_one(world, login, contact):
    response = login(world.other_am).post(
        reverse("reporting:survey_create", args=[world.client.pk, contact.pk])
    )
    assert response.status_code == 403
    assert not SurveyInvite.objects.exists()


def test_a_contact_of_another_client_is_not_found(world, login):
    stranger = ContactFactory(client=world.other_client)
    response = login(world.team_am).post(
        reverse("reporting:survey_create", args=[world.client.pk, stranger.pk])
    )
    assert response.status_code == 404


def test_the_contact_answers_without_logging_in_and_it_counts_in_nps(client, world, contact):
    invite = SurveyInviteFactory(contact=contact, created_by=world.team_am)
    url = survey_url(invite)
    page = client.get(url)
    assert page.status_code == 200 and b"How are we doing, Karen Wright?" in page.content
    response = client.post(url, {"score": "9", "comment": "Always quick to help."})
    assert response.status_code == 200 and b"Thank you" in response.content
    answer = SurveyResponse.objects.get()
    assert (answer.client, answer.score, answer.comment) == (world.client, 9, "Always quick to help.")
    assert answer.quarter == quarter_start(timezone.localdate())
    invite.refresh_from_db()
    assert invite.used_at is not None
    assert nps.by_quarter([answer.quarter])[answer.quarter].promoters == 1
    assert world.team_am.notifications.filter(key=f"survey-{answer.pk}-answered").exists()


def test_a_used_link_shows_a_clear_page_and_writes_nothing(client, world, contact):
    invite = SurveyInviteFactory(contact=contact)
    url = survey_url(invite)
    client.post(url, {"score": "9"})
    again = client.post(url, {"score": "0", "comment": "changed my mind"})
    assert again.status_code == 410
    assert b"already been answered" in again.content
    assert client.get(url).status_code == 410
    assert SurveyResponse.objects.get().score == 9


def test_the_link_cannot_be_claimed_twice_even_by_two_requests_at_once(world, contact):
    invite = SurveyInviteFactory(contact=contact)
    token = services.survey_token(invite)
    services.survey_response_record(token=token, score=8)
    with pytest.raises(services.SurveyLinkError) as exc:
        services.survey_response_record(token=token, score=2)
    assert exc.value.reason == "used"
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "x" + t,  # payload changed
        lambda t: t.split(":")[0],  # signature cut off
        lambda t: "not-a-token",
    ],
)
def test_a_tampered_link_shows_a_clear_page_and_writes_nothing(client, world, contact, mangle):
    invite = SurveyInviteFactory(contact=contact)
    url = reverse("survey", args=[mangle(services.survey_token(invite))])
    assert client.get(url).status_code == 404
    response = client.post(url, {"score": "10"})
    assert response.status_code == 404
    assert b"not valid" in response.content
    assert not SurveyResponse.objects.exists()
    invite.refresh_from_db()
    assert invite.used_at is None


def test_a_link_for_another_invite_id_cannot_be_forged_with_another_salt(client, world, contact):
    from django.core import signing

    invite = SurveyInviteFactory(contact=contact)
    forged = signing.Signer(salt="something-else").sign_object({"invite": invite.pk}, compress=True)
    assert client.post(reverse("survey", args=[forged]), {"score": "10"}).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_an_expired_link_shows_a_clear_page_and_writes_nothing(client, world, contact, settings):
    settings.CSOPS_SURVEY_LINK_DAYS = 14
    start = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        invite = SurveyInviteFactory(contact=contact)
        url = survey_url(invite)
    with time_machine.travel(start + datetime.timedelta(days=13, hours=23), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(start + datetime.timedelta(days=14, minutes=1), tick=False):
        response = client.post(url, {"score": "10"})
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not SurveyResponse.objects.exists()


def test_a_link_for_an_archived_contact_is_not_valid(client, world, contact):
    invite = SurveyInviteFactory(contact=contact)
    contact.archived_at = timezone.now()
    contact.save()
    assert client.get(survey_url(invite)).status_code == 404


@pytest.mark.parametrize("score", ["", "11", "-3", "ten"])
def test_a_bad_score_shows_an_error_and_keeps_the_link_usable(client, world, contact, score):
    invite = SurveyInviteFactory(contact=contact)
    response = client.post(survey_url(invite), {"score": score})
    assert response.status_code == 400
    assert "score" in response.context["form"].errors
    invite.refresh_from_db()
    assert invite.used_at is None and not SurveyResponse.objects.exists()


def test_the_invite_page_says_when_a_link_was_used_or_expired(world, login, contact):
    invite = SurveyInviteFactory(contact=contact, created_by=world.team_am)
    services.survey_response_record(token=services.survey_token(invite), score=7)
    page = login(world.team_am).get(reverse("reporting:survey_invite", args=[invite.pk]))
    assert b"Answered" in page.content and b"7/10" in page.content
