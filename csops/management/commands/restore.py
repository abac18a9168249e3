"""`make restore BACKUP=folder`: a backup folder back into the database and MEDIA_ROOT (csops/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a folder written by `backup`: replaces the database's tables, adds the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by `manage.py backup`")
        parser.add_argument("--database-name", help="restore into this (existing) database instead")
        parser.add_argument("--no-media", action="store_true", help="leave MEDIA_ROOT alone")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the data")

    def handle(self, *args, folder, database_name=None, no_media=False, yes=False, **options):
        if not yes and input("This replaces the database's data. Type yes to go on: ").strip() != "yes":
            raise CommandError("not restored")
        try:
            restore(Path(folder), database_name=database_name, media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored from {folder}")
