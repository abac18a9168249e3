"""`make backup`: the database and uploaded files into one folder (csops/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csops.backup import BackupError, backup, default_folder


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or the SQLite file) and MEDIA_ROOT into one folder."

    def add_arguments(self, parser):
        parser.add_argument("--to", dest="folder", help="the folder to write (default backups/<UTC time>)")

    def handle(self, *args, folder=None, **options):
        try:
            written = backup(Path(folder) if folder else default_folder())
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {written}")
