"""Support SLA warnings from beat: frozen clock, run twice, two workers at once."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from clients.services.support import support_breaches_warn
from people.models import Notification

from ..conftest import service_missing
from ..factories import SupportArrangementFactory, support_request

LONDON = ZoneInfo("Europe/London")
RECEIVED = dt.datetime(2026, 11, 27, 14, 0, tzinfo=LONDON)  # Friday 14:00; P3: 4 h response, 16 h fix


def _request(world, **fields):
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    return support_request(arrangement=arrangement, received_at=RECEIVED, owner=world.other_am, **fields)


@pytest.mark.django_db
def test_a_request_nearing_its_first_response_tells_its_owner_and_the_lead_am_once(world):
    req = _request(world)
    # 75% of 4 working hours is 3 h: Friday 17:00; due Monday 10:30 (3.5 h on Friday, 0.5 on Monday)
    assert support_breaches_warn(now=dt.datetime(2026, 11, 27, 16, 59, tzinfo=LONDON)).done == 0
    friday_late = dt.datetime(2026, 11, 27, 17, 5, tzinfo=LONDON)
    with time_machine.travel(friday_late, tick=False):
        assert support_breaches_warn(now=friday_late).done == 2
        assert support_breaches_warn(now=friday_late).done == 0  # run twice: nobody hears twice
    keys = set(Notification.objects.values_list("user__username", "key"))
    assert keys == {
        ("other_am", f"support-{req.pk}-response-due"),
        ("team_am", f"support-{req.pk}-response-due"),
    }
    # the weekend passes; Monday 10:31 it is breached: one more notice each
    monday = dt.datetime(2026, 11, 30, 10, 31, tzinfo=LONDON)
    assert support_breaches_warn(now=monday).done == 2
    assert support_breaches_warn(now=monday).done == 0
    assert Notification.objects.filter(key=f"support-{req.pk}-response-breached").count() == 2


@pytest.mark.django_db
def test_an_answered_request_is_warned_about_its_resolution_only(world):
    req = _request(world, first_response_at=RECEIVED + dt.timedelta(minutes=30))
    monday = dt.datetime(2026, 11, 30, 12, 0, tzinfo=LONDON)
    assert support_breaches_warn(now=monday).done == 0  # response met; resolution warns at 12 h
    # 16 h: 3.5 on Friday, 8.5 on Monday (warns at 12 h: Monday 17:30), 4 on Tuesday: due 13:00
    tuesday = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
    assert support_breaches_warn(now=tuesday).done == 2
    assert set(Notification.objects.values_list("key", flat=True)) == {f"support-{req.pk}-resolution-due"}
    req.resolved_at = tuesday
    req.save()
    assert support_breaches_warn(now=tuesday + dt.timedelta(days=3)).done == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_warning_at_once_send_each_notice_once(world):
    if connection.vendor != "postgresql":
        service_missing("two concurrent workers need PostgreSQL (set DATABASE_URL)")
    req = _request(world)
    now = dt.datetime(2026, 11, 30, 11, 0, tzinfo=LONDON)
    errors = []

    def worker():
        try:
            support_breaches_warn(now=now)
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
    assert sorted(Notification.objects.values_list("user__username", "key")) == [
        ("other_am", f"support-{req.pk}-response-breached"),
        ("team_am", f"support-{req.pk}-response-breached"),
    ]
