"""Run every recurring task of PRODUCT.md §3 as beat would on a given day (default: today).

  python manage.py run_beat_tasks --date 2026-12-01

Useful to move the clock forward in a demo, or to catch up after beat was down. Safe to run twice:
every task is idempotent.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clients.tasks import call_reports_overdue_run
from commercial.services import contract_renewal_reminders
from people.outbox import outbox_deliver
from people.tasks import pdp_reviews_due_run
from reporting import satisfaction
from reporting.cache import bump
from reporting.services import feedback, meetings, occurrences


class Command(BaseCommand):
    help = "Run the daily recurring tasks (occurrences, missed, NPS, renewals, PDPs, reminders) for a date."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from exc
        noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        steps = [
            ("occurrences generated", lambda: occurrences.occurrences_generate(today=day)),
            ("occurrences marked missed", lambda: occurrences.occurrences_mark_missed(today=day)),
            ("NPS check-ins opened", lambda: feedback.nps_checkins_run(today=day)),
            ("contract renewal reminders", lambda: contract_renewal_reminders(today=day)),
            ("PDP review reminders", lambda: pdp_reviews_due_run(today=day)),
            ("call reminders for tomorrow", lambda: occurrences.calls_remind_tomorrow(today=day)),
            ("overdue call report reminders", lambda: call_reports_overdue_run(now=noon)),
            ("weekly meet pack notices", lambda: meetings.meet_pack_notify(today=day)),
            ("satisfaction report notices", lambda: satisfaction.satisfaction_report_notify(today=day)),
        ]
        failed = 0
        for label, step in steps:
            report = step()
            failed += len(report.failed)
            self.stdout.write(f"{day} {label}: {report.done}")
            for what in report.failed:
                self.stdout.write(self.style.ERROR(f"  failed, retried on the next run: {what}"))
        bump()  # cached dashboards must show what the tasks changed
        self.stdout.write(f"{day} outbox: {outbox_deliver()}")
        if failed:
            self.stdout.write(
                self.style.WARNING(f"Recurring tasks run for {day}, {failed} row(s) failed (see above).")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Recurring tasks run for {day}."))
