"""Emails and follow-up tasks go through the outbox: a broker outage delays them and loses nothing."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clients.models import Flag
from people.models import Notification, OutboxMessage
from people.outbox import email_enqueue, outbox_deliver
from people.services import notify
from reporting.models import CommsPlan, NpsCheckIn, ReportingBand, SurveyInvite

from ..clients.test_calls import make_reported_call
from ..factories import ContactFactory, UserFactory
from ..reporting.test_matrices_and_plans import matrix_post


def band_of_2000():
    return ReportingBand.objects.filter(engagement_type="retained", min_amount=1501)


def pending():
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)


def test_with_the_broker_down_a_call_report_is_queued_and_goes_out_later(
    world, login, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    call = make_reported_call(world, timezone.now() - dt.timedelta(hours=2))
    c = login(world.team_am)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("clients:call_send_report", args=[world.client.pk, call.pk]), follow=True)
    assert response.status_code == 200
    assert "Call report queued for karen@northwind.example" in response.content.decode()
    assert mailoutbox == [] and pending().count() == 1
    page = c.get(reverse("clients:call_detail", args=[world.client.pk, call.pk])).content.decode()
    assert "Call report queued" in page and "has not gone out yet" in page

    assert outbox_deliver().sent == 1  # what beat's minute sweep runs once the broker is back
    assert [m.subject for m in mailoutbox] == [f"Call report: Northwind Outdoor, {call.held_at:%d %b %Y}"]
    page = c.get(reverse("clients:call_detail", args=[world.client.pk, call.pk])).content.decode()
    assert "Call report sent" in page
    assert outbox_deliver().sent == 0 and len(mailoutbox) == 1  # never twice


def test_with_the_broker_down_a_check_in_with_a_flag_saves_and_its_notices_wait(
    world, login, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.sponsor).post(
            reverse("reporting:checkin", args=[world.client.pk]),
            {"score": "3", "comment": "Slow replies", "raise_flag": "on", "flag_severity": "major"},
        )
    assert response.status_code == 302
    assert NpsCheckIn.objects.get().score == 3 and Flag.objects.count() == 1
    assert mailoutbox == [] and pending().count() == 2  # the lead AM and the head of CS
    outbox_deliver()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.team_am.email, world.head.email])


def test_with_the_broker_down_survey_links_and_password_resets_still_email(
    world, login, client, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    contact = ContactFactory(client=world.client, email="karen@northwind.example")
    UserFactory(email="amy@agency.example")
    with django_capture_on_commit_callbacks(execute=True):
        survey = login(world.team_am).post(
            reverse("reporting:survey_create", args=[world.client.pk, contact.pk])
        )
    assert survey.status_code == 302 and SurveyInvite.objects.count() == 1
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        reset = client.post(reverse("password_reset"), {"email": "amy@agency.example"})
    assert reset.status_code == 302
    assert mailoutbox == [] and pending().count() == 2
    assert outbox_deliver().sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["amy@agency.example", "karen@northwind.example"]


def test_with_the_broker_down_a_matrix_save_keeps_the_plan_refresh_for_later(
    world, login, broker_down, django_capture_on_commit_callbacks
):
    from reporting.services.plans import comms_plan_create

    plan = comms_plan_create(client=world.client)  # £2,000/month: weekly calls
    assert plan.call_cadence == "weekly"
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.admin).post(
            reverse("reporting:matrix"), matrix_post({("retained", 1501): {"call_cadence": "fortnightly"}})
        )
    assert response.status_code == 302
    assert band_of_2000().get().call_cadence == "fortnightly"
    task = pending().get()
    assert task.kind == "task" and task.payload["task"] == "reporting.tasks.comms_plans_refresh_all"


def test_a_refresh_task_left_in_the_outbox_runs_when_the_sweep_hands_it_over(world, login):
    from reporting.services.plans import comms_plan_create, comms_plans_refresh_later

    plan = comms_plan_create(client=world.client)
    band_of_2000().update(call_cadence="fortnightly")
    comms_plans_refresh_later()  # committed, but the process died before handing it to the broker
    assert outbox_deliver().sent == 1  # tasks run eagerly in tests: the hand-over runs the refresh
    plan.refresh_from_db()
    assert plan.call_cadence == "fortnightly"
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_a_notice_committed_just_before_a_kill_is_still_emailed(world, mailoutbox):
    # the notice and its email commit together; the process dies before anything reaches the broker
    assert notify(user=world.team_am, key="contract-1-renewal-60", subject="Renewal in 60 days: X")
    assert mailoutbox == []
    assert outbox_deliver().sent == 1
    assert [m.subject for m in mailoutbox] == ["Renewal in 60 days: X"]
    assert notify(user=world.team_am, key="contract-1-renewal-60", subject="Renewal in 60 days: X") is False
    assert outbox_deliver().sent == 0 and len(mailoutbox) == 1


def test_a_notice_made_before_the_outbox_existed_is_not_emailed_again(world, mailoutbox):
    Notification.objects.create(user=world.team_am, key="occ-9-missed", subject="Missed call")
    assert notify(user=world.team_am, key="occ-9-missed", subject="Missed call") is False
    assert OutboxMessage.objects.count() == 0


def test_an_smtp_outage_is_retried_with_backoff_and_sends_once(world, settings, mailoutbox):
    email_enqueue(subject="Weekly meet", body="Agenda", to=["head@agency.example"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nobody listens
    report = outbox_deliver()
    assert (report.sent, len(report.failed)) == (0, 1)
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1 and message.last_error
    assert message.available_at > timezone.now() + dt.timedelta(seconds=20)  # backed off
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver().sent == 0  # not before its backoff
    assert outbox_deliver(now=message.available_at + dt.timedelta(seconds=1)).sent == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sweeping_at_once_send_each_email_once(mailoutbox):
    for n in range(40):
        email_enqueue(subject=f"Notice {n}", body="", to=[f"p{n}@agency.example"])
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait()
        try:
            outbox_deliver(limit=5)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m.subject for m in mailoutbox) == sorted(f"Notice {n}" for n in range(40))
    assert not pending().exists()


def test_a_hand_edited_plan_is_left_alone_by_the_refresh_task(world):
    # the refresh the outbox hands over is the same one as before: it still respects hand edits
    from reporting.services.plans import comms_plan_create, comms_plans_refresh_all

    plan = comms_plan_create(client=world.client)
    CommsPlan.objects.filter(pk=plan.pk).update(customised=True, call_cadence="monthly")
    band_of_2000().update(call_cadence="fortnightly")
    assert comms_plans_refresh_all().done == 1  # a note, not a change
    plan.refresh_from_db()
    assert plan.call_cadence == "monthly" and "left as it is" in plan.last_change_note
