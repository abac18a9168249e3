"""The status-report reminder from beat: a week without a review tells the lead AM, once a week."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from people.models import Notification, OutboxMessage
from reporting.models import Job
from reporting.services.jobs import status_reports_remind

from ..conftest import service_missing
from ..factories import ClientFactory, JobFactory, MembershipFactory, StatusReviewFactory

MONDAY = dt.date(2026, 11, 30)


def _old_job(client, days=20):
    job = JobFactory(client=client)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    return job


@pytest.mark.django_db
def test_a_report_unreviewed_for_a_week_reminds_the_lead_am_once_a_week(world):
    with time_machine.travel(dt.datetime(2026, 11, 30, 7, 50, tzinfo=dt.UTC), tick=False):
        _old_job(world.client)
        StatusReviewFactory(client=world.client, reviewed_at=timezone.now() - dt.timedelta(days=8))
        _old_job(world.other_client)
        StatusReviewFactory(client=world.other_client, reviewed_at=timezone.now() - dt.timedelta(days=2))
        assert status_reports_remind(today=MONDAY).done == 1
        assert status_reports_remind(today=MONDAY).done == 0  # run twice: told once
        assert status_reports_remind(today=MONDAY + dt.timedelta(days=1)).done == 0  # same week
    note = Notification.objects.get()
    assert note.user == world.team_am and "1 of your clients" in note.subject
    link = reverse("reporting:status_report", args=[world.client.pk])
    assert "Northwind Outdoor" in note.body and link in note.body
    assert "Harbour Bank" not in note.body  # reviewed two days ago
    # next week, neither reviewed since: a reminder for each lead AM
    with time_machine.travel(dt.datetime(2026, 12, 7, 7, 50, tzinfo=dt.UTC), tick=False):
        assert status_reports_remind(today=dt.date(2026, 12, 7)).done == 2
    assert Notification.objects.filter(user=world.team_am).count() == 2


@pytest.mark.django_db
def test_new_or_finished_work_is_not_due_a_review(world):
    with time_machine.travel(dt.datetime(2026, 11, 30, 7, 50, tzinfo=dt.UTC), tick=False):
        _old_job(world.client, days=3)  # opened this week: its first review is not due yet
        done = _old_job(world.other_client)
        Job.objects.filter(pk=done.pk).update(status="completed")
        assert status_reports_remind(today=MONDAY).done == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_reminding_at_once_remind_once(world):
    if connection.vendor != "postgresql":
        service_missing("two concurrent workers need PostgreSQL (set DATABASE_URL)")
    _old_job(world.client)
    errors = []

    def worker():
        try:
            status_reports_remind(today=timezone.localdate())
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert Notification.objects.filter(key__startswith="status-review-").count() == 1


@pytest.mark.django_db
def test_a_lead_am_with_many_clients_due_gets_one_digest_a_week(world):
    with time_machine.travel(dt.datetime(2026, 11, 30, 7, 50, tzinfo=dt.UTC), tick=False):
        clients = [world.client, *(ClientFactory(name=f"Client {i}") for i in range(4))]
        for client in clients:
            if client != world.client:
                MembershipFactory(client=client, user=world.team_am, is_lead=True)
            _old_job(client)
        _old_job(world.other_client)
        assert status_reports_remind(today=MONDAY).done == 6
        assert status_reports_remind(today=MONDAY).done == 0
    note = Notification.objects.get(user=world.team_am)
    emails = [m.payload for m in OutboxMessage.objects.filter(kind="email")]
    mine = [e for e in emails if e["to"] == [world.team_am.email]]
    assert len(emails) == 2 and len(mine) == 1 and "5 of your clients" in mine[0]["subject"]
    for client in clients:
        link = reverse("reporting:status_report", args=[client.pk])
        assert client.name in note.body and link in mine[0]["body"]
    assert "never reviewed" in note.body and "Harbour Bank" not in note.body
