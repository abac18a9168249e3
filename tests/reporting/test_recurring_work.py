"""Every beat task with the clock frozen: what it creates, who hears, and that twice is once."""

import datetime as dt
import importlib
import threading
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clients.services.activity import call_reports_overdue_remind as call_reports_overdue_run
from commercial.services.contracts import contract_renewal_reminders
from people.models import Notification, Role
from people.services import pdp_reviews_remind as pdp_reviews_due_run
from reporting.models import NpsCheckIn, Occurrence
from reporting.satisfaction import satisfaction_report_notify
from reporting.services.feedback import nps_checkins_run
from reporting.services.meetings import meet_pack_notify
from reporting.services.occurrences import (
    adherence,
    calls_remind_tomorrow,
    occurrences_generate,
    occurrences_mark_missed,
)
from reporting.services.plans import comms_plan_create

from ..conftest import service_missing
from ..factories import (
    CallFactory,
    ClientFactory,
    ContractFactory,
    MembershipFactory,
    PdpFactory,
    StaffProfileFactory,
    staff,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


def subjects(user):
    return sorted(Notification.objects.filter(user=user).values_list("subject", flat=True))


@pytest.fixture
def planned(world):
    """Northwind: £2,000/month → weekly calls (Tuesdays 10:00) and monthly reports."""
    plan = comms_plan_create(client=world.client)
    plan.call_weekday, plan.call_details = 1, "Teams: https://teams.example/northwind"
    plan.save()
    return plan


def test_generation_makes_four_weeks_of_calls_and_reports_once(world, planned):
    assert occurrences_generate(today=MONDAY).done == 5
    assert occurrences_generate(today=MONDAY).done == 0  # beat fired twice: nothing new
    rows = list(Occurrence.objects.values_list("kind", "due_date", "assignee__username"))
    assert rows == [
        ("call", dt.date(2026, 11, 24), "team_am"),
        ("call", dt.date(2026, 12, 1), "team_am"),
        ("report", dt.date(2026, 12, 7), "team_am"),
        ("call", dt.date(2026, 12, 8), "team_am"),
        ("call", dt.date(2026, 12, 15), "team_am"),
    ]
    occurrences_generate(today=MONDAY + dt.timedelta(days=7))  # a week on, only the new week is added
    assert Occurrence.objects.filter(kind="call").count() == 5


@pytest.mark.parametrize(
    "cadence, weekday, expected",
    [
        ("fortnightly", 1, [dt.date(2026, 11, 24), dt.date(2026, 12, 8)]),
        ("monthly", 3, [dt.date(2026, 12, 3)]),
        ("initial_only", 0, [dt.date(2026, 11, 23)]),
    ],
)
def test_each_call_cadence_makes_its_dates(world, planned, cadence, weekday, expected):
    planned.call_cadence, planned.call_weekday, planned.anchor_date = cadence, weekday, MONDAY
    planned.save()
    occurrences_generate(today=MONDAY, horizon_days=20)
    assert list(Occurrence.objects.filter(kind="call").values_list("due_date", flat=True)) == expected


def test_archived_paused_and_lost_clients_get_no_occurrences(world, planned):
    for status in ("paused", "lost"):
        other = ClientFactory(status=status, lost_date=dt.date(2026, 1, 1) if status == "lost" else None)
        comms_plan_create(client=other)
    world.other_client.archived_at = timezone.now()
    world.other_client.save()
    comms_plan_create(client=world.other_client)
    occurrences_generate(today=MONDAY)
    assert set(Occurrence.objects.values_list("client_id", flat=True)) == {world.client.pk}


def test_a_missed_call_tells_the_am_then_the_head_of_cs_a_week_on(world, planned):
    occurrences_generate(today=MONDAY)
    assert occurrences_mark_missed(today=dt.date(2026, 11, 26)).done == 0  # within the two grace days
    assert occurrences_mark_missed(today=dt.date(2026, 11, 27)).done == 1
    assert occurrences_mark_missed(today=dt.date(2026, 11, 27)).done == 0
    assert subjects(world.team_am) == ["Missed call: Northwind Outdoor, due Tue 24 Nov"]
    assert subjects(world.head) == []
    for day in (dt.date(2026, 12, 1), dt.date(2026, 12, 2)):
        occurrences_mark_missed(today=day)
    assert subjects(world.head) == ["Still missed after a week: call with Northwind Outdoor"]


def test_a_call_logged_on_time_ticks_off_its_occurrence_and_counts_for_adherence(world, planned):
    occurrences_generate(today=MONDAY)
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC), tick=False):
        from clients.services.activity import call_log

        call_log(client=world.client, by=world.team_am, held_at=timezone.now(), kind="phone")
    occurrences_mark_missed(today=dt.date(2026, 12, 4))  # the 1 Dec call was not held
    first = Occurrence.objects.get(due_date=dt.date(2026, 11, 24))
    assert first.status == "done" and first.call is not None
    result = adherence(today=dt.date(2026, 12, 4))
    assert result["clients"][world.client.pk] == (1, 2)
    assert result["ams"][world.team_am.pk] == (1, 2)


def test_the_am_hears_the_day_before_a_call_with_its_details(
    world, planned, mailoutbox, django_capture_on_commit_callbacks
):
    occurrences_generate(today=MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert calls_remind_tomorrow(today=MONDAY).done == 1
        assert calls_remind_tomorrow(today=MONDAY).done == 0
    assert [m.subject for m in mailoutbox] == ["Call tomorrow: Northwind Outdoor at 10:00"]
    assert "Teams: https://teams.example/northwind" in mailoutbox[0].body


def test_nps_check_ins_open_each_quarter_remind_at_three_weeks_and_escalate_at_quarter_end(world):
    comms_plan_create(client=world.client)
    start = dt.date(2026, 10, 1)
    assert nps_checkins_run(today=start).done == 2  # both sponsored clients
    assert nps_checkins_run(today=start + dt.timedelta(days=1)).done == 0
    assert subjects(world.sponsor) == ["Q4 2026: your quarterly NPS calls are due (1)"]
    nps_checkins_run(today=start + dt.timedelta(days=21))
    assert "Reminder: 1 NPS call still to make this quarter" in subjects(world.sponsor)
    NpsCheckIn.objects.filter(client=world.other_client).update(status="done", score=9)
    nps_checkins_run(today=dt.date(2026, 12, 31))
    assert subjects(world.head) == ["Q4 2026 ends with 1 NPS check-in not done"]
    assert NpsCheckIn.objects.count() == 2


def test_renewal_reminders_at_90_60_and_30_days_once_each(world):
    ContractFactory(client=world.client, end_date=dt.date(2027, 3, 1))
    days = [dt.date(2027, 3, 1) - dt.timedelta(days=n) for n in (100, 90, 89, 60, 45, 30, 29)]
    sent = [contract_renewal_reminders(today=d).done for d in days]
    assert sent == [0, 2, 0, 2, 0, 2, 0]  # lead AM and head of CS at each stage
    assert subjects(world.team_am) == [
        f"Renewal in {n} days: Northwind Outdoor ends 01 Mar 2027" for n in (30, 60, 90)
    ]
    ContractFactory(client=world.other_client, status="draft", end_date=dt.date(2027, 3, 1))
    assert contract_renewal_reminders(today=days[1]).done == 0  # drafts are not renewals


def test_pdp_and_salary_reviews_remind_the_line_manager(world):
    person = StaffProfileFactory(line_manager=world.head, roles=[Role.ACCOUNT_EXECUTIVE]).user
    PdpFactory(
        staff=person,
        year=2026,
        next_review_date=dt.date(2026, 12, 3),
        salary_review_date=dt.date(2026, 12, 20),
    )
    assert pdp_reviews_due_run(today=dt.date(2026, 11, 25)).done == 0
    assert pdp_reviews_due_run(today=dt.date(2026, 11, 26)).done == 1
    assert pdp_reviews_due_run(today=dt.date(2026, 12, 6)).done == 1  # the salary review, a fortnight ahead
    assert pdp_reviews_due_run(today=dt.date(2026, 12, 6)).done == 0
    assert len(subjects(world.head)) == 2


def test_a_late_call_report_reminds_its_author_once(world):
    held = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    CallFactory(client=world.client, author=world.team_am, held_at=held)
    assert call_reports_overdue_run(now=held + dt.timedelta(hours=47)).done == 0
    assert call_reports_overdue_run(now=held + dt.timedelta(hours=49)).done == 1
    assert call_reports_overdue_run(now=held + dt.timedelta(hours=50)).done == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_running_every_task_at_once_create_no_duplicates(world):
    if connection.vendor != "postgresql":
        # SQLite's shared in-memory test database locks whole tables; CI runs this on PostgreSQL.
        service_missing("two concurrent workers need PostgreSQL (set DATABASE_URL)")
    # an earlier live-server test flushed the tables: pytest-django sets up its transactional_db
    # without serialized rollback, so the reporting matrix's data-migration rows may be gone
    importlib.import_module("reporting.migrations.0002_default_matrix").load(apps, None)
    comms_plan_create(client=world.client)
    ContractFactory(client=world.client, end_date=MONDAY + dt.timedelta(days=59))
    CallFactory(client=world.client, author=world.team_am, held_at=timezone.now() - dt.timedelta(days=3))
    person = StaffProfileFactory(line_manager=world.head).user
    PdpFactory(staff=person, next_review_date=MONDAY, salary_review_date=MONDAY)
    errors = []

    def worker():
        try:
            occurrences_generate(today=MONDAY)
            nps_checkins_run(today=MONDAY)
            contract_renewal_reminders(today=MONDAY)
            calls_remind_tomorrow(today=MONDAY)
            occurrences_mark_missed(today=MONDAY + dt.timedelta(days=10))
            call_reports_overdue_run(now=timezone.now())
            pdp_reviews_due_run(today=MONDAY)
            meet_pack_notify(today=MONDAY)
            satisfaction_report_notify(today=MONDAY)
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
    assert Occurrence.objects.count() == 5
    assert NpsCheckIn.objects.count() == 2
    keys = list(Notification.objects.values_list("user__username", "key"))
    assert len(keys) == len(set(keys))
    kinds = {k.split("-")[0] for _, k in keys}
    assert {"contract", "occ", "nps", "call", "pdp", "meet", "satisfaction"} <= kinds, kinds


def test_run_beat_tasks_moves_the_clock_for_the_demo(mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", verbosity=0)
    week_on = "2026-12-01"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_beat_tasks", "--date", week_on, verbosity=0)
    first = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_beat_tasks", "--date", week_on, verbosity=0)
    assert len(mailoutbox) == first > 0  # each reminder once
    subjects_sent = [m.subject for m in mailoutbox]
    assert any(s.startswith("Call tomorrow:") for s in subjects_sent)
    assert any(s.startswith("Renewal in 60 days:") for s in subjects_sent)
    am = staff(Role.ACCOUNT_MANAGER, username="probe")  # nobody's AM: sees nothing
    assert not Occurrence.objects.filter(assignee=am).exists()
    assert Occurrence.objects.filter(assignee__username="am", kind="call").exists()


def test_adherence_with_nothing_due_is_not_a_percentage(world):
    assert adherence(today=MONDAY)["total"] == (0, 0)
    from reporting.services.occurrences import percent

    assert percent((0, 0)) is None and percent((2, 3)) == 67


def test_occurrences_for_a_client_without_a_lead_have_no_assignee(world):
    client = ClientFactory(monthly_spend=Decimal("2000"))
    comms_plan_create(client=client)
    MembershipFactory(client=client)  # on the team, not lead
    occurrences_generate(today=MONDAY)
    assert Occurrence.objects.filter(client=client, assignee__isnull=True).count() == 5
