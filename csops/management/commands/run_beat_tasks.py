"""Run the day's periodic work as beat would on a given day (default: today).

  python manage.py run_beat_tasks --date 2026-12-01

Useful to move the clock forward in a demo, or to catch up after beat was down. Safe to run twice:
every task is idempotent.

The work is settings.CELERY_BEAT_SCHEDULE, the one list of periodic tasks: each entry whose task
takes the day (`today`, as ISO text; or `now` for an hourly task, run for noon) is run here, in the
schedule's order, in this process. The entries that take neither are housekeeping that does not
depend on the day: the outbox sweep runs once at the end instead, so the emails this run wrote go
out; session clearing is left to beat (it moves no clock and tells nobody anything).
"""

import datetime
import inspect

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

from people.outbox import outbox_deliver


def dated_tasks():
    """(task, the keyword it takes the day by) for each scheduled task that takes one, in order."""
    out = []
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = import_string(entry["task"])
        params = inspect.signature(task.run).parameters
        keyword = next((k for k in ("today", "now") if k in params), None)
        if keyword:
            out.append((task, keyword))
    return out


class Command(BaseCommand):
    help = (
        "Run, for a date, the periodic tasks of CELERY_BEAT_SCHEDULE that take a day (occurrences, NPS, …)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from exc
        noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        when = {"today": day.isoformat(), "now": noon.isoformat()}
        failed = 0
        for task, keyword in dated_tasks():
            report = task(**{keyword: when[keyword]})  # in this process, as the worker would run it
            failed += len(report["failed"])
            self.stdout.write(f"{day} {report['task']}: {report['done']}")
            for what in report["failed"]:
                self.stdout.write(self.style.ERROR(f"  failed, retried on the next run: {what}"))
        self.stdout.write(f"{day} outbox: {outbox_deliver()}")
        if failed:
            self.stdout.write(
                self.style.WARNING(f"Recurring tasks run for {day}, {failed} row(s) failed (see above).")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Recurring tasks run for {day}."))
