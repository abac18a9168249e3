"""The onboarding checklist (issue 14 item 4): on the client page, worked step by step, the head of
CS's list, and the daily reminder of overdue steps."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import Action, Client
from onboarding.models import OnboardingStep
from onboarding.services.checklist import onboarding_steps_overdue_remind
from onboarding.services.pitches import pitch_win
from people.models import Notification, OutboxMessage, Role
from tests.factories import (
    ClientFactory,
    ContactFactory,
    OnboardingFactory,
    OnboardingStepFactory,
    PitchFactory,
    new_business,
    staff,
)
from tests.helpers import count_queries


@pytest.fixture
def won(world):
    """A pitch won today: its client (led by the world's team AM) in onboarding."""
    seller = new_business(first_name="Keith", last_name="Richards")
    pitch = PitchFactory(
        domain="karens.example",
        prospect_name="Karen's Kitchens",
        proposed_cs=world.team_am,
        new_business_owner=seller,
        monthly_spend=Decimal("2000"),
    )
    client = pitch_win(pitch=pitch, by=seller, won_on=timezone.localdate(), start_date=None)
    return client


def step(client, kind):
    return OnboardingStep.objects.get(onboarding__client=client, kind=kind)


def test_the_client_page_shows_the_checklist_and_its_progress(world, login, won):
    page = login(world.team_am).get(reverse("clients:detail", args=[won.pk])).content.decode()
    assert 'id="onboarding"' in page and "0/9 steps (0%)" in page
    assert "Intro email from the new-business owner" in page and "Client goes active" in page
    assert "onboarding meeting: call or video" in page  # £2,000 a month is below the face-to-face line


def test_a_step_is_ticked_off_or_skipped_with_a_note(world, login, won):
    c = login(world.team_am)
    contract = OnboardingStep.objects.get(onboarding__client=won, title="Contract signed")
    url = reverse("onboarding:step_update", args=[won.pk, contract.pk])
    response = c.post(url, {"outcome": "skip", "note": ""})
    assert response.status_code == 400 and "Say why the step is skipped." in response.content.decode()
    assert OnboardingStep.objects.get(pk=contract.pk).status == "open"
    assert c.post(url, {"outcome": "skip", "note": "Signed at the pitch"}).status_code == 302
    assert OnboardingStep.objects.get(pk=contract.pk).status == "skipped"
    assert "1/9 steps" in c.get(reverse("clients:detail", args=[won.pk])).content.decode()


def test_a_due_date_before_the_pitch_date_is_refused(world, login, won):
    contract = OnboardingStep.objects.get(onboarding__client=won, title="Contract signed")
    before = won.pitch.pitch_date - datetime.timedelta(days=1)
    response = login(world.team_am).post(
        reverse("onboarding:step_due", args=[won.pk, contract.pk]), {"due_date": before.isoformat()}
    )
    assert response.status_code == 400
    assert "A step cannot be due before the pitch date" in response.content.decode()
    assert OnboardingStep.objects.get(pk=contract.pk).due_date == contract.due_date


def test_the_team_chosen_at_internal_onboarding_joins_the_account_team(world, login, won):
    designer = staff(Role.ACCOUNT_EXECUTIVE, first_name="Dee", last_name="Signer")
    internal = step(won, "internal")
    login(world.team_am).post(
        reverse("onboarding:step_update", args=[won.pk, internal.pk]),
        {"outcome": "done", "team": [designer.pk], "responsibility": "Paid search delivery"},
    )
    assert won.memberships.filter(
        user=designer, responsibility="Paid search delivery", is_lead=False
    ).exists()
    assert won.memberships.get(is_lead=True).user == world.team_am


def test_the_meetings_actions_are_recorded_and_emailed_with_the_escalation_path(world, login, won):
    karen = ContactFactory(client=won, name="Karen Jones", email="karen@karens.example")
    meeting = step(won, "meeting")
    response = login(world.team_am).post(
        reverse("onboarding:step_update", args=[won.pk, meeting.pk]),
        {
            "outcome": "done",
            "actions": "Send the comms plan\nBook the first monthly call",
            "contact": karen.pk,
        },
    )
    assert response.status_code == 302
    assert set(Action.objects.filter(client=won).values_list("description", flat=True)) == {
        "Send the comms plan",
        "Book the first monthly call",
    }
    email = OutboxMessage.objects.get(payload__to=["karen@karens.example"])
    assert "Amy Mills (account manager) → Hannah Hughes (head of CS)" in email.payload["body"]


def test_going_live_makes_the_client_active(world, login, won):
    live = step(won, "go_live")
    login(world.head).post(reverse("onboarding:step_update", args=[won.pk, live.pk]), {"outcome": "done"})
    assert Client.objects.get(pk=won.pk).status == "active"
    assert won.onboarding.__class__.objects.get(pk=won.onboarding.pk).completed_at is not None


@pytest.mark.parametrize("persona", ["other_am", "sponsor", "admin"])
def test_only_the_account_team_and_the_head_of_cs_work_the_checklist(world, login, won, persona):
    contract = OnboardingStep.objects.get(onboarding__client=won, title="Contract signed")
    response = login(world.persona(persona)).post(
        reverse("onboarding:step_update", args=[won.pk, contract.pk]), {"outcome": "done"}
    )
    assert response.status_code == (404 if persona == "sponsor" else 403)  # not this client's sponsor
    assert OnboardingStep.objects.get(pk=contract.pk).status == "open"


def late_onboardings(n, today):
    for _ in range(n):
        onboarding = OnboardingFactory(won_on=today - datetime.timedelta(days=20))
        OnboardingStepFactory(onboarding=onboarding, due_date=today - datetime.timedelta(days=2))
        OnboardingStepFactory(onboarding=onboarding, due_date=today + datetime.timedelta(days=2))


def test_the_head_of_cs_lists_clients_in_onboarding_with_overdue_steps_in_constant_queries(world, login):
    # One annotated page of onboardings and one read of their overdue steps, whatever their number;
    # the budget is those two, the count for the paginator, and the request's own (session, user, roles, nav).
    today = timezone.localdate()
    c = login(world.head)
    url = reverse("onboarding:list") + "?overdue=1"
    late_onboardings(2, today)
    small = count_queries(c, url)
    late_onboardings(12, today)
    assert count_queries(c, url) == small <= 9
    page = c.get(url).content.decode()
    assert page.count("table-warning") == 14 and "1/2" not in page
    assert login(world.team_am).get(url).status_code == 403


def test_the_daily_reminder_tells_each_owner_once(world):
    day = datetime.date(2026, 11, 2)
    owner = staff(Role.ACCOUNT_MANAGER, email="owner@agency.example")
    onboarding = OnboardingFactory(won_on=day - datetime.timedelta(days=10))
    late = OnboardingStepFactory(
        onboarding=onboarding, owner=owner, due_date=day - datetime.timedelta(days=1)
    )
    OnboardingStepFactory(onboarding=onboarding, owner=owner, due_date=day)  # due today: not late yet
    OnboardingStepFactory(
        onboarding=onboarding,
        owner=owner,
        due_date=day - datetime.timedelta(days=3),
        status="done",
        done_at=timezone.now(),
    )
    done_client = OnboardingFactory(won_on=day, completed_at=timezone.now())
    OnboardingStepFactory(onboarding=done_client, owner=owner, due_date=day - datetime.timedelta(days=5))
    with time_machine.travel(datetime.datetime(2026, 11, 2, 7, 20, tzinfo=datetime.UTC), tick=False):
        first = onboarding_steps_overdue_remind(today=day)
        second = onboarding_steps_overdue_remind(today=day)
    assert (first.done, second.done) == (1, 0) and not first.failed
    note = Notification.objects.get(user=owner)
    assert note.key == f"onboarding-step-{late.pk}-overdue" and onboarding.client.name in note.subject
    assert OutboxMessage.objects.filter(payload__to=["owner@agency.example"]).count() == 1


def test_the_reminder_runs_from_beat(world):
    from django.conf import settings

    from onboarding.tasks import onboarding_steps_overdue_remind as task

    assert any(
        e["task"] == "onboarding.tasks.onboarding_steps_overdue_remind"
        for e in settings.CELERY_BEAT_SCHEDULE.values()
    )
    ClientFactory()
    assert task(today="2026-11-02")["task"] == "onboarding overdue step reminders"
