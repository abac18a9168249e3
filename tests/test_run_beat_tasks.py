"""run_beat_tasks runs CELERY_BEAT_SCHEDULE: one list of periodic work, not two."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils.module_loading import import_string

pytestmark = pytest.mark.django_db


def run(date="2026-12-01") -> str:
    out = StringIO()
    call_command("run_beat_tasks", "--date", date, stdout=out)
    return out.getvalue()


def test_it_runs_every_scheduled_task_that_takes_a_day_in_schedule_order():
    lines = [line.split(": ")[0] for line in run().splitlines() if line.startswith("2026-12-01 ")]
    assert lines == [
        "2026-12-01 occurrences generated",
        "2026-12-01 occurrences marked missed",
        "2026-12-01 NPS check-ins opened",
        "2026-12-01 contract renewal reminders",
        "2026-12-01 PDP review reminders",
        "2026-12-01 timesheet reminders",
        "2026-12-01 call reminders for tomorrow",
        "2026-12-01 overdue call report reminders",
        "2026-12-01 weekly meet pack notices",
        "2026-12-01 onboarding overdue step reminders",
        "2026-12-01 satisfaction report notices",
        "2026-12-01 status report reminders",
        "2026-12-01 support SLA warnings",
        "2026-12-01 entertainment accruals",
        "2026-12-01 surprise and delight",
        "2026-12-01 plan reviews made due",
        "2026-12-01 client review reminders",
        "2026-12-01 QBRs scheduled",
        "2026-12-01 outbox",
    ]


def test_a_task_taken_off_the_schedule_is_not_run(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        k: v for k, v in django_settings.CELERY_BEAT_SCHEDULE.items() if k != "nps-checkins"
    }
    text = run()
    assert "NPS check-ins opened" not in text
    assert "occurrences generated: 0" in text


def test_every_scheduled_task_is_a_task_of_the_project():
    for entry in django_settings.CELERY_BEAT_SCHEDULE.values():
        assert import_string(entry["task"]).name == entry["task"]
