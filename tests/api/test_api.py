"""REST API (issue 19, item 3): tokens for every role, scope per person, the web's rules on writes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Action, Call, Flag
from csops.dates import quarter_start
from people.models import ApiToken
from reporting.models import NpsCheckIn

from ..factories import (
    ActionFactory,
    ApiTokenFactory,
    CallFactory,
    ClientFactory,
    ContactFactory,
    FlagFactory,
    MembershipFactory,
    NpsCheckInFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """api(user) → a test client that sends that user's new token on every request."""

    def _api(user):
        token = ApiTokenFactory(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token.key}"
        return client

    return _api


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- tokens --------------------------------------------------------------------------------------------


def test_without_a_token_or_with_a_bad_one_it_is_401(client, world):
    url = reverse("api:client-list")
    assert client.get(url).status_code == 401
    assert client.get(url).headers["WWW-Authenticate"].startswith("Bearer")
    for header in ("Bearer csops_not-a-real-token", "Bearer", "Bearer a b", "Token nonsense"):
        response = client.get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert "detail" in response.json()


def test_a_revoked_token_or_an_inactive_person_is_401(client, world):
    token = ApiTokenFactory(user=world.team_am)
    url, header = reverse("api:client-list"), {"HTTP_AUTHORIZATION": f"Bearer {token.key}"}
    assert client.get(url, **header).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get(url, **header).status_code == 401
    other = ApiTokenFactory(user=world.other_am)
    world.other_am.is_active = False
    world.other_am.save()
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other.key}").status_code == 401


def test_the_key_is_not_stored_only_its_fingerprint(world):
    token = ApiTokenFactory(user=world.team_am)
    stored = ApiToken.objects.get(pk=token.pk)
    assert token.key.startswith("csops_") and len(token.key) > 40
    assert token.key not in (stored.key_hash, stored.prefix) and token.key.startswith(stored.prefix)


def test_settings_page_makes_a_token_shown_once_and_revokes_it(world, login, client):
    page = login(world.team_am)
    response = page.post(reverse("people:api_tokens"), {"name": "BI export"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    again = page.get(reverse("people:api_tokens"))
    assert key not in again.content.decode() and "BI export" in again.content.decode()
    token = ApiToken.objects.get(user=world.team_am)
    # it works, then revoked it does not
    assert client.get(reverse("api:call-list"), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert page.post(reverse("people:api_token_revoke", args=[token.pk])).status_code == 302
    assert client.get(reverse("api:call-list"), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_blank_token_name_is_a_field_error_and_makes_nothing(world, login):
    response = login(world.team_am).post(reverse("people:api_tokens"), {"name": "   "})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_nobody_revokes_anothers_token(world, login):
    token = ApiTokenFactory(user=world.team_am)
    assert login(world.other_am).post(reverse("people:api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- reads: each person's scope -------------------------------------------------------------------------


def test_every_role_reads_what_it_may(world, api):
    mine = CallFactory(client=world.client, author=world.team_am)
    theirs = CallFactory(client=world.other_client, author=world.other_am)
    url = reverse("api:call-list")
    for persona in ("team_am", "other_am", "head", "admin"):
        assert ids(api(getattr(world, persona)).get(url)) == {mine.pk, theirs.pk}, persona  # §1: CS reads all
    assert ids(api(world.sponsor).get(url)) == {mine.pk}
    assert ids(api(world.other_sponsor).get(url)) == {theirs.pk}
    assert api(world.norole).get(url).status_code == 403


def test_another_persons_object_is_404(world, api):
    flag = FlagFactory(client=world.client, owner=world.team_am)
    other = api(world.other_sponsor)
    assert other.get(reverse("api:flag-detail", args=[flag.pk])).status_code == 404
    assert other.get(reverse("api:client-detail", args=[world.client.pk])).status_code == 404
    assert other.get("/api/v1/flags/abc/").status_code == 404


def test_lists_filter_and_paginate(world, api):
    open_flag = FlagFactory(client=world.client, owner=world.team_am)
    FlagFactory(client=world.other_client, owner=world.other_am)
    reader = api(world.head)
    assert ids(reader.get(reverse("api:flag-list"), {"client": world.client.pk})) == {open_flag.pk}
    ClientFactory.create_batch(3)
    page = reader.get(reverse("api:client-list"), {"page_size": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]
    assert reader.get(reverse("api:client-list"), {"tier": "nonsense"}).status_code == 400


@pytest.mark.parametrize("kind", ["client", "call", "flag", "action", "contact", "nps-checkin"])
def test_list_queries_do_not_grow_with_rows(kind, world, api, django_assert_max_num_queries):
    reader = api(world.head)

    def add(n):
        for _ in range(n):
            c = ClientFactory()
            MembershipFactory(client=c, user=world.team_am, is_lead=True)
            call = CallFactory(client=c, author=world.team_am)
            call.staff_attendees.add(world.team_am)
            call.contact_attendees.add(ContactFactory(client=c))
            FlagFactory(client=c, owner=world.team_am)
            ActionFactory(client=c, owner=world.team_am)
            NpsCheckInFactory(client=c, sponsor=world.sponsor)

    url = reverse(f"api:{kind}-list")
    add(2)
    reader.get(url)  # warm: the token's last use is noted once a minute
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert reader.get(url).status_code == 200
    add(8)
    # budget: token, roles, count, page, and one prefetch per many-to-many or lead list
    with django_assert_max_num_queries(len(small)):
        assert len(reader.get(url).json()["results"]) >= 10
    assert len(small) <= 9


# --- writes: the web's services and rules -----------------------------------------------------------------


def test_the_account_team_logs_a_call_through_the_service(world, api):
    contact = ContactFactory(client=world.client)
    held_at = (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    response = api(world.team_am).post(
        reverse("api:call-list"),
        {
            "client": world.client.pk,
            "held_at": held_at,
            "kind": "phone",
            "duration_minutes": 45,
            "contact_attendees": [contact.pk],
            "staff_attendees": [world.team_am.pk],
            "delivery": "Sign-off agreed.",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    call = Call.objects.get()
    assert (call.author, call.kind, call.duration_minutes, call.held) == (world.team_am, "phone", 45, True)
    assert call.report_required  # left out: the model's default, not an unticked checkbox
    assert list(call.contact_attendees.all()) == [contact]
    assert response.json()["id"] == call.pk


def test_invalid_call_data_is_400_with_field_errors(world, api):
    other_contact = ContactFactory(client=world.other_client)
    response = api(world.team_am).post(
        reverse("api:call-list"),
        {
            "client": world.client.pk,
            "held_at": (timezone.now() + datetime.timedelta(days=1)).isoformat(),
            "duration_minutes": 9999,
            "contact_attendees": [other_contact.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert "held" in errors["held_at"][0]  # a future call cannot have been held (CallForm's rule)
    assert set(errors) >= {"held_at", "duration_minutes", "contact_attendees"}
    assert not Call.objects.exists()
    missing = api(world.team_am).post(reverse("api:call-list"), {}, content_type="application/json")
    assert missing.status_code == 400 and "client" in missing.json()
    garbage = api(world.team_am).post(reverse("api:call-list"), "not json", content_type="application/json")
    assert garbage.status_code == 400


def test_writes_ask_the_permission_module(world, api):
    body = {"client": world.client.pk, "held_at": timezone.now().isoformat()}
    assert (
        api(world.other_am).post(reverse("api:call-list"), body, content_type="application/json").status_code
        == 403
    )
    assert (
        api(world.other_sponsor)
        .post(reverse("api:call-list"), body, content_type="application/json")
        .status_code
        == 404
    )
    body["client"] = 10**12
    assert (
        api(world.head).post(reverse("api:call-list"), body, content_type="application/json").status_code
        == 404
    )
    assert not Call.objects.exists()


def test_raising_a_flag_and_the_sponsor_may(world, api):
    response = api(world.sponsor).post(
        reverse("api:flag-list"),
        {
            "client": world.client.pk,
            "title": "Budget cut",
            "severity": "major",
            "source": "exec_sponsor",
            "description": "CFO is reviewing agencies.",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    flag = Flag.objects.get()
    assert flag.owner == world.team_am and flag.raised_by == world.sponsor  # owner defaults to the lead AM
    bad = api(world.team_am).post(
        reverse("api:flag-list"),
        {"client": world.client.pk, "title": " ", "severity": "huge", "call": 999999},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "call" in bad.json()


def test_adding_and_ticking_an_action(world, api):
    am = api(world.team_am)
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = am.post(
        reverse("api:action-list"),
        {"client": world.client.pk, "description": "Send the deck", "due_date": due},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    action = Action.objects.get()
    assert action.owner == world.team_am  # left out: the person adding it, as on the web
    done = am.post(
        reverse("api:action-done", args=[action.pk]), {"done": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = am.post(reverse("api:action-done", args=[action.pk]), {}, content_type="application/json")
    assert again.status_code == 200 and again.json()["done_at"] == done.json()["done_at"]
    bad = am.post(
        reverse("api:action-done", args=[action.pk]), {"done": "maybe"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "done" in bad.json()
    missing = am.post(
        reverse("api:action-list"), {"client": world.client.pk}, content_type="application/json"
    )
    assert missing.status_code == 400 and set(missing.json()) >= {"description", "due_date"}


def test_recording_a_checkin_the_sponsors_job(world, api):
    url = reverse("api:nps-checkin-list")
    body = {"client": world.client.pk, "score": 4, "comment": "Unhappy with reporting", "raise_flag": True}
    assert api(world.team_am).post(url, body, content_type="application/json").status_code == 403
    no_severity = api(world.sponsor).post(url, body, content_type="application/json")
    assert no_severity.status_code == 400 and "flag_severity" in no_severity.json()
    response = api(world.sponsor).post(
        url, {**body, "flag_severity": "serious"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    checkin = NpsCheckIn.objects.get()
    assert (checkin.score, checkin.quarter, checkin.status) == (
        4,
        quarter_start(timezone.localdate()),
        "done",
    )
    assert checkin.flag is not None and Flag.objects.count() == 1
    future = api(world.sponsor).post(url, {**body, "quarter": "2999-01-01"}, content_type="application/json")
    assert future.status_code == 400 and "quarter" in future.json()
    score = api(world.sponsor).post(
        url, {"client": world.client.pk, "score": 11}, content_type="application/json"
    )
    assert score.status_code == 400 and "score" in score.json()


def test_schema_and_docs_are_served_from_our_own_files(world, login):
    page = login(world.head)
    schema = page.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/calls/" in text and "apiToken" in text
    docs = page.get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "http" not in docs.split("<body>")[1].replace("http-equiv", "")  # nothing from another origin
    assert "<style" not in docs and "<script>" not in docs
