import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import Action, Call

from ..factories import CallFactory, ContactFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)


def call_post(world, **overrides):
    data = {
        "held_at": "2026-11-24T10:00",
        "held": "on",
        "kind": "video",
        "duration_minutes": "45",
        "staff_attendees": [world.team_am.pk],
        "rapport": "Their CMO is off to Lisbon next week.",
        "delivery": "Signed off the April landing pages; PPC audit due on the 28th.",
        "strategy": "Still right; revisit after Q1 results.",
        "next_strategy_review": "2027-01-15",
        "commercial": "Social is with another agency and underperforming.",
        "report_required": "on",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "10",
        "actions-0-description": "Send PPC audit summary",
        "actions-0-owner": str(world.team_am.pk),
        "actions-0-due_date": "2026-11-28",
    }
    data.update(overrides)
    return data


@time_machine.travel(NOW, tick=False)
def test_the_account_team_logs_a_call_in_four_parts_with_next_actions(world, login):
    contact = ContactFactory(client=world.client, name="Karen Wright")
    response = login(world.team_am).post(
        reverse("clients:call_create", args=[world.client.pk]),
        call_post(world, contact_attendees=[contact.pk]),
    )
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:call_detail", args=[world.client.pk, call.pk])
    assert (call.author, call.kind, call.duration_minutes) == (world.team_am, "video", 45)
    assert call.rapport.startswith("Their CMO") and call.commercial.startswith("Social")
    assert list(call.contact_attendees.all()) == [contact]
    action = Action.objects.get()
    assert (action.call, action.owner, action.due_date) == (call, world.team_am, dt.date(2026, 11, 28))


@time_machine.travel(NOW, tick=False)
def test_with_htmx_the_call_is_logged_without_leaving_the_client_page(world, login):
    response = login(world.team_am).post(
        reverse("clients:call_create", args=[world.client.pk]), call_post(world), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Call logged with its next actions." in html
    assert 'id="open-actions" hx-swap-oob="true"' in html and "Send PPC audit summary" in html
    assert 'id="timeline" hx-swap-oob="true"' in html
    assert Call.objects.count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"held_at": "2026-11-25T10:00"}, "held_at", "A call in the future cannot have been held"),
        ({"duration_minutes": "0"}, "duration_minutes", "Enter a duration between 1 and 600 minutes."),
        ({"held_at": "not a date"}, "held_at", "Enter a valid date/time."),
        ({"kind": "carrier pigeon"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_call_input_shows_an_error_and_writes_nothing(world, login, overrides, field, message):
    response = login(world.team_am).post(
        reverse("clients:call_create", args=[world.client.pk]), call_post(world, **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert (Call.objects.count(), Action.objects.count()) == (0, 0)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "row, field, message",
    [
        ({"actions-0-owner": ""}, "owner", "Give the action an owner."),
        ({"actions-0-due_date": ""}, "due_date", "Give the action a due date."),
        ({"actions-0-description": ""}, "description", "Say what needs doing."),
    ],
)
def test_a_half_filled_next_action_is_an_error_and_nothing_is_written(world, login, row, field, message):
    response = login(world.team_am).post(
        reverse("clients:call_create", args=[world.client.pk]), call_post(world, **row)
    )
    assert response.status_code == 200
    assert message in response.context["actions"].forms[0].errors[field]
    assert message in response.content.decode()
    assert (Call.objects.count(), Action.objects.count()) == (0, 0)


@time_machine.travel(NOW, tick=False)
def test_a_future_call_can_be_planned_when_not_marked_held(world, login):
    login(world.team_am).post(
        reverse("clients:call_create", args=[world.client.pk]),
        call_post(world, held_at="2026-12-01T10:00", held=""),
    )
    call = Call.objects.get()
    assert not call.held and call.report_state() == "not_needed"


def test_an_am_not_on_the_team_cannot_log_a_call(world, login):
    response = login(world.other_am).post(
        reverse("clients:call_create", args=[world.client.pk]), call_post(world)
    )
    assert response.status_code == 403
    assert Call.objects.count() == 0


def make_reported_call(world, held_at):
    call = CallFactory(client=world.client, author=world.team_am, held_at=held_at)
    call.contact_attendees.add(ContactFactory(client=world.client, email="karen@northwind.example"))
    call.staff_attendees.add(world.team_am)
    return call


def test_the_call_report_is_emailed_to_the_attendees_once(
    world, login, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        call = make_reported_call(world, NOW - dt.timedelta(hours=5))
        Action.objects.create(
            client=world.client,
            call=call,
            description="Send PPC audit summary",
            owner=world.team_am,
            due_date=dt.date(2026, 11, 28),
            created_by=world.team_am,
        )
        call.rapport = "INTERNAL: their CMO is job hunting"
        call.commercial = "INTERNAL: budget moves in April"
        call.save()
        c = login(world.team_am)
        url = reverse("clients:call_send_report", args=[world.client.pk, call.pk])
        with django_capture_on_commit_callbacks(execute=True):
            first = c.post(url, follow=True)
        with django_capture_on_commit_callbacks(execute=True):
            second = c.post(url, follow=True)
    assert "Call report queued for karen@northwind.example, team_am@agency.example" in first.content.decode()
    assert "already been sent" in second.content.decode()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == "Call report: Northwind Outdoor, 24 Nov 2026"
    assert sorted(mail.to) == ["karen@northwind.example", "team_am@agency.example"]
    assert "Send PPC audit summary" in mail.body and "DELIVERY" in mail.body
    assert "INTERNAL" not in mail.body  # rapport and commercial discovery never leave the agency
    call.refresh_from_db()
    assert call.report_sent_at == NOW and call.report_state() == "sent"


def test_a_report_with_no_attendee_email_is_refused_with_a_reason(world, login, mailoutbox):
    call = CallFactory(client=world.client, author=world.team_am)
    response = login(world.team_am).post(
        reverse("clients:call_send_report", args=[world.client.pk, call.pk]), follow=True
    )
    assert "None of the attendees has an email address" in response.content.decode()
    call.refresh_from_db()
    assert call.report_sent_at is None and mailoutbox == []


def test_the_48_hour_window_counts_down_and_then_marks_the_report_late(
    world, login, django_capture_on_commit_callbacks
):
    call = make_reported_call(world, NOW)
    url = reverse("clients:call_detail", args=[world.client.pk, call.pk])
    c = login(world.team_am)
    with time_machine.travel(NOW + dt.timedelta(hours=10), tick=False):
        page = c.get(url).content.decode()
        assert call.report_state() == "pending"
        assert "1\xa0day, 14\xa0hours left" in page
    with time_machine.travel(NOW + dt.timedelta(hours=49), tick=False):
        page = c.get(url).content.decode()
        assert call.report_state() == "late" and "Call report late" in page
    with time_machine.travel(NOW + dt.timedelta(hours=50), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            c.post(reverse("clients:call_send_report", args=[world.client.pk, call.pk]))
        call.refresh_from_db()
        assert call.report_state() == "sent_late"
        assert "late (due" in c.get(url).content.decode()


def test_a_call_without_a_report_needed_shows_no_window(world, login):
    call = CallFactory(client=world.client, author=world.team_am, report_required=False)
    page = login(world.team_am).get(reverse("clients:call_detail", args=[world.client.pk, call.pk]))
    assert "No call report needed" in page.content.decode()


def test_editing_a_planned_call_marks_it_held(world, login):
    with time_machine.travel(NOW, tick=False):
        call = CallFactory(
            client=world.client, author=world.team_am, held=False, held_at=NOW + dt.timedelta(days=1)
        )
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        data = call_post(world, held_at=timezone.localtime(call.held_at).strftime("%Y-%m-%dT%H:%M"))
        response = login(world.team_am).post(
            reverse("clients:call_edit", args=[world.client.pk, call.pk]), data
        )
        assert response.status_code == 302
        call.refresh_from_db()
        assert call.held and call.report_state() == "pending"
