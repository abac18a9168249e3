import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clients.models import Action, Flag
from people.models import Notification

from ..factories import ActionFactory, CallFactory, FlagFactory

pytestmark = pytest.mark.django_db


def flag_post(world, **overrides):
    data = {
        "title": "Traffic down 30% after relaunch",
        "severity": "major",
        "source": "weekly_call",
        "owner": str(world.team_am.pk),
        "description": "Client is worried about the migration.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["team_am", "head", "sponsor"])
def test_the_team_the_head_and_the_sponsor_raise_flags(world, login, persona):
    response = login(world.persona(persona)).post(
        reverse("clients:flag_create", args=[world.client.pk]), flag_post(world)
    )
    flag = Flag.objects.get()
    assert response["Location"] == reverse("clients:flag_detail", args=[world.client.pk, flag.pk])
    assert flag.raised_by == world.persona(persona) and flag.status == "open"


@pytest.mark.parametrize("persona, status", [("other_am", 403), ("other_sponsor", 404), ("admin", 403)])
def test_others_cannot_raise_a_flag_and_nothing_is_written(world, login, persona, status):
    response = login(world.persona(persona)).post(
        reverse("clients:flag_create", args=[world.client.pk]), flag_post(world)
    )
    assert response.status_code == status and Flag.objects.count() == 0


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"severity": ""}, "severity", "Say how serious the issue is."),
        ({"title": "   "}, "title", "This field is required."),
        ({"owner": ""}, "owner", "This field is required."),
        ({"source": "gossip"}, "source", "Select a valid choice"),
    ],
)
def test_a_flag_without_the_essentials_is_refused(world, login, overrides, field, message):
    response = login(world.team_am).post(
        reverse("clients:flag_create", args=[world.client.pk]), flag_post(world, **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Flag.objects.count() == 0


def test_a_flag_raised_from_a_call_links_back_to_it(world, login):
    call = CallFactory(client=world.client, author=world.team_am)
    c = login(world.team_am)
    form = c.get(reverse("clients:flag_create", args=[world.client.pk]) + f"?call={call.pk}")
    assert form.context["form"].initial["source"] == "weekly_call"
    c.post(reverse("clients:flag_create", args=[world.client.pk]), flag_post(world, call=str(call.pk)))
    flag = Flag.objects.get()
    assert flag.call == call
    assert (
        flag.title in c.get(reverse("clients:call_detail", args=[world.client.pk, call.pk])).content.decode()
    )


def test_only_the_head_of_cs_resolves_and_only_with_a_note(world, login):
    flag = FlagFactory(client=world.client, owner=world.team_am)
    url = reverse("clients:flag_resolve", args=[world.client.pk, flag.pk])
    assert login(world.team_am).post(url, {"resolution": "Fixed"}).status_code == 403
    c = login(world.head)
    empty = c.post(url, {"resolution": "  "})
    assert "resolution" in empty.context["form"].errors
    flag.refresh_from_db()
    assert flag.status == "open"
    c.post(url, {"resolution": "Redirects restored; traffic back within two weeks."})
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("resolved", world.head) and flag.resolved_at
    again = c.post(url, {"resolution": "again"})
    assert "already resolved" in again.content.decode()


def test_the_database_refuses_a_resolved_flag_without_a_note(world):
    flag = FlagFactory(client=world.client)
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.filter(pk=flag.pk).update(status="resolved", resolved_at=timezone.now(), resolution="")


def test_marking_in_hand_and_adding_actions_to_a_flag(world, login):
    flag = FlagFactory(client=world.client, owner=world.team_am)
    c = login(world.team_am)
    c.post(reverse("clients:flag_in_hand", args=[world.client.pk, flag.pk]))
    flag.refresh_from_db()
    assert flag.status == "in_hand"
    detail = reverse("clients:flag_detail", args=[world.client.pk, flag.pk])
    response = c.post(
        reverse("clients:action_create", args=[world.client.pk]),
        {
            "description": "Audit the redirects",
            "owner": world.team_am.pk,
            "due_date": "2026-12-01",
            "flag": flag.pk,
            "next": detail,
        },
    )
    assert response["Location"] == detail
    assert Action.objects.get().flag == flag
    assert "Audit the redirects" in c.get(detail).content.decode()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"description": "Call them", "due_date": "2026-12-01"}, "owner", "Give the action an owner."),
        ({"description": "Call them", "owner": "OWNER"}, "due_date", "Give the action a due date."),
        (
            {"description": "Call them", "owner": "OWNER", "due_date": "31/31/2026"},
            "due_date",
            "Enter a valid date.",
        ),
    ],
)
def test_an_action_without_owner_or_due_date_is_refused(world, login, data, field, message):
    data = {k: (world.team_am.pk if v == "OWNER" else v) for k, v in data.items()}
    response = login(world.team_am).post(reverse("clients:action_create", args=[world.client.pk]), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert Action.objects.count() == 0


def test_with_htmx_an_invalid_action_comes_back_in_the_card(world, login):
    response = login(world.team_am).post(
        reverse("clients:action_create", args=[world.client.pk]),
        {"description": "Call them"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="open-actions"' in html
    assert "Give the action an owner." in html and Action.objects.count() == 0


def test_with_htmx_adding_and_ticking_an_action_swaps_the_card(world, login):
    c = login(world.team_am)
    added = c.post(
        reverse("clients:action_create", args=[world.client.pk]),
        {"description": "Book the QBR room", "owner": world.team_am.pk, "due_date": "2026-12-02"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        "Book the QBR room" in added.content.decode()
        and 'id="timeline" hx-swap-oob="true"' in added.content.decode()
    )
    action = Action.objects.get()
    ticked = c.post(
        reverse("clients:action_toggle", args=[world.client.pk, action.pk]),
        {"done": "1"},
        HTTP_HX_REQUEST="true",
    )
    action.refresh_from_db()
    assert action.status == "done" and action.done_by == world.team_am
    assert "Nothing outstanding." in ticked.content.decode()
    c.post(reverse("clients:action_toggle", args=[world.client.pk, action.pk]), {"done": "1"})
    action.refresh_from_db()
    assert action.status == "done"  # ticking twice changes nothing
    c.post(reverse("clients:action_toggle", args=[world.client.pk, action.pk]), {"done": "0"})
    action.refresh_from_db()
    assert (action.status, action.done_at) == ("open", None)


def test_an_owner_outside_the_team_can_tick_off_their_own_action(world, login):
    action = ActionFactory(client=world.client, owner=world.other_am)
    assert (
        login(world.other_am)
        .post(reverse("clients:action_toggle", args=[world.client.pk, action.pk]), {"done": "1"})
        .status_code
        == 302
    )
    action.refresh_from_db()
    assert action.status == "done"


def test_an_outsider_cannot_tick_someone_elses_action(world, login):
    action = ActionFactory(client=world.client, owner=world.team_am)
    assert (
        login(world.other_am)
        .post(reverse("clients:action_toggle", args=[world.client.pk, action.pk]), {"done": "1"})
        .status_code
        == 403
    )
    action.refresh_from_db()
    assert action.status == "open"


def test_action_next_must_stay_on_this_site(world, login):
    response = login(world.team_am).post(
        reverse("clients:action_create", args=[world.client.pk]),
        {
            "description": "x",
            "owner": world.team_am.pk,
            "due_date": "2026-12-01",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("clients:detail", args=[world.client.pk])


def test_an_action_cannot_point_at_another_clients_call(world, login):
    other_call = CallFactory(client=world.other_client)
    response = login(world.team_am).post(
        reverse("clients:action_create", args=[world.client.pk]),
        {"description": "x", "owner": world.team_am.pk, "due_date": "2026-12-01", "call": other_call.pk},
    )
    assert response.status_code == 404 and Action.objects.count() == 0


def test_overdue_actions_are_marked(world, login):
    ActionFactory(
        client=world.client,
        owner=world.team_am,
        description="Chase the invoice",
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    html = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "overdue: was due" in html


def test_the_tick_button_shows_only_to_those_who_may_tick(world, login):
    ActionFactory(client=world.client, owner=world.team_am, description="Book the venue")
    url = reverse("clients:detail", args=[world.client.pk])
    assert "Tick off: Book the venue" in login(world.team_am).get(url).content.decode()
    assert "Tick off: Book the venue" not in login(world.other_am).get(url).content.decode()


@pytest.mark.parametrize("severity, heard", [("serious", False), ("major", True), ("critical", True)])
def test_the_head_of_cs_hears_at_once_of_a_major_or_critical_flag(
    world, login, mailoutbox, django_capture_on_commit_callbacks, severity, heard
):
    with django_capture_on_commit_callbacks(execute=True):
        login(world.team_am).post(
            reverse("clients:flag_create", args=[world.client.pk]), flag_post(world, severity=severity)
        )
    flag = Flag.objects.get()
    notes = list(Notification.objects.filter(user=world.head))
    assert bool(notes) == heard
    if heard:
        (note,) = notes
        assert note.subject.startswith(f"{flag.get_severity_display()} — Northwind Outdoor: Traffic down 30%")
        assert note.url == reverse("clients:flag_detail", args=[world.client.pk, flag.pk])
        assert "Raised by Amy Mills" in note.body
        assert [m.to for m in mailoutbox] == [[world.head.email]]
    assert not Notification.objects.filter(user=world.team_am).exists()  # not told of their own flag


def test_a_head_of_cs_raising_a_critical_flag_is_not_told_of_it(world, login):
    login(world.head).post(
        reverse("clients:flag_create", args=[world.client.pk]), flag_post(world, severity="critical")
    )
    assert not Notification.objects.filter(user=world.head).exists()


def test_a_ticked_action_stays_on_the_client_page_with_an_undo(world, login):
    action = ActionFactory(client=world.client, owner=world.team_am, description="Book the QBR room")
    c = login(world.team_am)
    page = c.post(
        reverse("clients:action_toggle", args=[world.client.pk, action.pk]), {"done": "1"}, follow=True
    ).content.decode()
    done = page.split('id="done-today-actions"')[1].split("</ul>")[0]
    assert "Book the QBR room" in done and ">Undo</button>" in done and 'value="0"' in done
    c.post(reverse("clients:action_toggle", args=[world.client.pk, action.pk]), {"done": "0"})
    action.refresh_from_db()
    assert action.status == "open"
    assert (
        'id="done-today-actions"'
        not in c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    )


def test_with_htmx_a_ticked_action_comes_back_done_with_an_undo(world, login):
    action = ActionFactory(client=world.client, owner=world.team_am, description="Book the QBR room")
    ticked = login(world.team_am).post(
        reverse("clients:action_toggle", args=[world.client.pk, action.pk]),
        {"done": "1"},
        HTTP_HX_REQUEST="true",
    )
    html = ticked.content.decode()
    assert "Nothing outstanding." in html  # the open list is empty …
    assert "Book the QBR room" in html.split('id="done-today-actions"')[1] and ">Undo</button>" in html


def test_an_action_done_yesterday_is_not_in_the_done_today_list(world, login):
    ActionFactory(
        client=world.client,
        owner=world.team_am,
        description="Old news",
        status="done",
        done_at=timezone.now() - dt.timedelta(days=2),
    )
    page = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "Old news" not in page.split('id="open-actions"')[1].split('id="timeline"')[0]


def test_the_add_action_inputs_are_bootstrap_inputs_and_an_error_marks_its_own(world, login):
    c = login(world.team_am)
    page = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert '<input type="text" name="description" maxlength="300" class="form-control" required' in page
    assert '<input type="date" name="due_date" class="form-control" required' in page
    sent_back = c.post(
        reverse("clients:action_create", args=[world.client.pk]),
        {"description": "Call them", "owner": world.team_am.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert (
        'name="due_date" class="form-control is-invalid" aria-invalid="true"'
        ' aria-describedby="id_due_date_error"' in sent_back
    )
    assert 'id="id_due_date_error"' in sent_back
    # the description has no error of its own
    assert 'name="description" value="Call them" maxlength="300" class="form-control" required' in sent_back
