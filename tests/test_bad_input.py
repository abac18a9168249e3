"""Bad input never answers 500, and never after a write (issue 10, item 8).

Each case was a 500 before: now a form error, a 404, or a safe landing — and nothing written twice.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Action, Call
from commercial.models import Contract
from people.models import PdpReview
from reporting.models import Meeting, Occurrence

from .factories import (
    ActionFactory,
    CallFactory,
    ContractFactory,
    FlagFactory,
    MeetingFactory,
    OccurrenceFactory,
    PdpFactory,
    StaffProfileFactory,
)

pytestmark = pytest.mark.django_db


def action_post(world, **extra):
    return {
        "description": "Send the Q3 plan",
        "owner": str(world.team_am.pk),
        "due_date": "2026-12-01",
        **extra,
    }


# --- next: checked before the write, and a bad one lands on the default page --------------------------


def test_a_bad_next_on_adding_an_action_lands_on_the_client_page(world, login):
    c = login(world.team_am)
    response = c.post(
        reverse("clients:action_create", args=[world.client.pk]), action_post(world, next="nowhere")
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "clients:detail", args=[world.client.pk]
    )
    assert Action.objects.count() == 1


@pytest.mark.parametrize(
    "target", ["nowhere", "https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_a_bad_next_on_ticking_an_action_lands_on_the_client_page(world, login, target):
    action = ActionFactory(client=world.client, owner=world.team_am)
    response = login(world.team_am).post(
        reverse("clients:action_toggle", args=[world.client.pk, action.pk]), {"done": "1", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "clients:detail", args=[world.client.pk]
    )
    action.refresh_from_db()
    assert action.status == Action.Status.DONE


def test_a_good_next_is_followed(world, login):
    action = ActionFactory(client=world.client, owner=world.team_am)
    response = login(world.team_am).post(
        reverse("clients:action_toggle", args=[world.client.pk, action.pk]),
        {"done": "1", "next": "/my-week/"},
    )
    assert response["Location"] == "/my-week/"


def test_a_bad_next_on_marking_an_occurrence_done_lands_on_my_week(world, login):
    occurrence = OccurrenceFactory(client=world.client, assignee=world.team_am)
    response = login(world.team_am).post(
        reverse("reporting:occurrence_done", args=[occurrence.pk]), {"next": "nowhere"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("my_week")
    occurrence.refresh_from_db()
    assert occurrence.status == Occurrence.Status.DONE


# --- dates are bounded in forms ------------------------------------------------------------------------


def call_post(**extra):
    return {
        "held_at": "2026-11-20T10:00",
        "held": "on",
        "kind": "video",
        "duration_minutes": "30",
        "report_required": "on",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        **extra,
    }


@pytest.mark.parametrize("held_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_call_in_year_one_or_9999_is_a_form_error(world, login, held_at):
    response = login(world.team_am).post(
        reverse("clients:call_create", args=[world.client.pk]), call_post(held_at=held_at)
    )
    assert response.status_code == 200
    assert "between 2000 and 2100" in response.context["form"].errors["held_at"][0]
    assert Call.objects.count() == 0


def test_a_pdp_review_on_9999_12_31_is_a_form_error(world, login):
    person = StaffProfileFactory(line_manager=world.head).user
    pdp = PdpFactory(staff=person)
    response = login(world.head).post(
        reverse("people:pdp_review_add", args=[pdp.pk]), {"held_on": "9999-12-31", "notes": "fine"}
    )
    assert response.status_code == 200
    assert "between 2000 and 2100" in response.context["form"].errors["held_on"][0]
    assert PdpReview.objects.count() == 0


def test_a_pdp_next_review_in_9999_is_refused_so_the_calendar_feeds_keep_working(world, login):
    person = StaffProfileFactory(line_manager=world.head).user
    pdp = PdpFactory(staff=person)
    c = login(world.head)
    form = c.get(reverse("people:pdp_edit", args=[pdp.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(next_review_date="9999-12-31", staff=str(person.pk), year=str(pdp.year))
    response = c.post(reverse("people:pdp_edit", args=[pdp.pk]), data)
    assert response.status_code == 200 and "next_review_date" in response.context["form"].errors
    pdp.refresh_from_db()
    assert pdp.next_review_date.year < 9999


def test_a_calendar_feed_survives_a_pdp_dated_9999_already_stored(world, login):
    person = StaffProfileFactory(line_manager=world.head).user
    PdpFactory(staff=person, next_review_date=dt.date(9999, 12, 31))
    for user in (world.head, person):  # the person and their line manager both see the review
        c = login(user)
        c.post(reverse("people:calendar"))
        feed = c.get(c.get(reverse("people:calendar")).context["feed_url"])
        assert feed.status_code == 200 and b"BEGIN:VCALENDAR" in feed.content


@pytest.mark.parametrize(
    "url_name, field",
    [
        ("clients:action_create", "due_date"),
    ],
)
def test_an_action_due_in_year_one_is_a_form_error(world, login, url_name, field):
    response = login(world.team_am).post(
        reverse(url_name, args=[world.client.pk]), action_post(world, due_date="0001-01-01")
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert Action.objects.count() == 0


def test_a_meeting_opened_in_year_one_is_refused(world, login):
    response = login(world.head).post(
        reverse("reporting:meeting_open"), {"kind": "weekly_meet", "held_on": "0001-01-01"}, follow=True
    )
    assert response.status_code == 200 and "between 2000 and 2100" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_a_contract_ending_in_9999_is_a_form_error(world, login):
    response = login(world.team_am).post(
        reverse("commercial:contract_create", args=[world.client.pk]),
        {
            "title": "Deal",
            "status": "draft",
            "start_date": "2026-01-01",
            "end_date": "9999-12-31",
            "notice_period_days": "30",
            "value": "100",
            "currency": "GBP",
        },
    )
    assert response.status_code == 200 and "end_date" in response.context["form"].errors
    assert Contract.objects.count() == 0


# --- query parameters are validated ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, param",
    [
        ("clients:action_create", "call=abc"),
        ("clients:action_create", "flag=abc"),
        ("clients:action_create", "call=99999999999999999999999"),
        ("clients:action_create", "flag=²"),
        ("clients:flag_create", "call=abc"),
        ("clients:flag_create", "call=99999999999999999999999"),
        ("clients:flag_create", "call=²"),
    ],
)
def test_a_bad_call_or_flag_parameter_is_a_404(world, login, url_name, param):
    response = login(world.team_am).get(reverse(url_name, args=[world.client.pk]) + "?" + param)
    assert response.status_code == 404


def test_a_bad_call_on_posting_an_action_writes_nothing(world, login):
    response = login(world.team_am).post(
        reverse("clients:action_create", args=[world.client.pk]), action_post(world, call="abc")
    )
    assert response.status_code == 404 and Action.objects.count() == 0


def test_a_good_call_and_flag_parameter_still_work(world, login):
    call = CallFactory(client=world.client, author=world.team_am)
    flag = FlagFactory(client=world.client, owner=world.team_am, raised_by=world.team_am)
    c = login(world.team_am)
    assert (
        c.get(reverse("clients:action_create", args=[world.client.pk]) + f"?call={call.pk}").status_code
        == 200
    )
    assert (
        c.get(reverse("clients:flag_create", args=[world.client.pk]) + f"?call={call.pk}").status_code == 200
    )
    assert (
        c.get(reverse("clients:action_create", args=[world.client.pk]) + f"?flag={flag.pk}").status_code
        == 200
    )


@pytest.mark.parametrize("tl", ["99999999999999999999999", "-5", "abc", "1e9", "²"])
def test_an_absurd_timeline_page_shows_the_client_page(world, login, tl):
    response = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk]) + f"?tl={tl}")
    assert response.status_code == 200


def test_an_absurd_timeline_page_through_htmx_answers(world, login):
    response = login(world.team_am).get(
        reverse("clients:detail", args=[world.client.pk]) + "?tl=99999999999999999999999",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="timeline",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("am", ["99999999999999999999999", "²"])
def test_an_absurd_am_on_the_meet_shows_the_meet(world, login, am):
    meeting = MeetingFactory(chair=world.head, held_on=timezone.localdate())
    response = login(world.head).get(reverse("reporting:meeting_detail", args=[meeting.pk]) + f"?am={am}")
    assert response.status_code == 200


@pytest.mark.parametrize("param", ["flag=²", "client=²", "flag=99999999999999999999999"])
def test_an_absurd_flag_or_client_on_a_meeting_action_shows_the_form(world, login, param):
    meeting = MeetingFactory(chair=world.head, held_on=timezone.localdate())
    response = login(world.head).get(
        reverse("reporting:meeting_action_create", args=[meeting.pk]) + f"?{param}"
    )
    assert response.status_code == 200


# --- a file missing from storage -----------------------------------------------------------------------


def test_a_contract_file_missing_from_storage_is_a_404(world, login):
    contract = ContractFactory(client=world.client, document="contracts/1/gone.pdf")
    response = login(world.team_am).get(reverse("commercial:contract_document", args=[contract.pk]))
    assert response.status_code == 404
