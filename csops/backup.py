"""Backups (issue 19, operations): the database and the uploaded files, into one folder, and back.

PostgreSQL: `pg_dump --format=custom` (a consistent snapshot taken while the app runs) restored with
`pg_restore --clean --if-exists`. SQLite: the sqlite3 online-backup API (a consistent copy even while
web, worker and beat hold the file), restored by copying the file back. Uploaded files (signed
contracts, meeting packs): MEDIA_ROOT as media.tar.gz. A manifest.json says what the folder holds.
`make backup` / `make restore` (manage.py backup / restore) are the doors; README "Backups" says how.
"""

import json
import os
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

DUMP = "database.dump"  # PostgreSQL, pg_dump's custom format
SQLITE = "database.sqlite3"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason a person can act on."""


def _is_postgres(db: dict) -> bool:
    return "postgresql" in db["ENGINE"]


def _pg_args_env(db: dict, name: str | None = None) -> tuple[list[str], dict]:
    args = ["--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return [*args, "--dbname", name or db["NAME"]], env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def backup(dest: Path, *, alias: str = "default") -> Path:
    """Write the database and MEDIA_ROOT into the folder `dest` (created); returns it."""
    db = settings.DATABASES[alias]
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if _is_postgres(db):
        args, env = _pg_args_env(db)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(dest / DUMP),
                *args,
            ],
            env,
        )
        database = DUMP
    elif db["ENGINE"] == "django.db.backends.sqlite3":
        connections[alias].close()
        with sqlite3.connect(db["NAME"]) as source, sqlite3.connect(dest / SQLITE) as target:
            source.backup(target)
        database = SQLITE
    else:
        raise BackupError(f"no backup for the database engine {db['ENGINE']}")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(dest / MEDIA, "w:gz") as tar:
        if media_root.is_dir():
            tar.add(media_root, arcname=".")
    manifest = {
        "made_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "engine": db["ENGINE"],
        "database": database,
        "media": MEDIA,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return dest


def restore(
    src: Path, *, alias: str = "default", database_name: str | None = None, media: bool = True
) -> None:
    """Put the backup in folder `src` back: into the configured database (or `database_name`, which
    must exist, on PostgreSQL), and its files into MEDIA_ROOT (files already there are kept)."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} holds no readable {MANIFEST}: is it a backup folder?") from exc
    db = settings.DATABASES[alias]
    if manifest["database"] == DUMP:
        if not _is_postgres(db):
            raise BackupError("this backup is of PostgreSQL; DATABASE_URL points elsewhere")
        args, env = _pg_args_env(db, database_name)
        connections[alias].close()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", *args, str(src / DUMP)],
            env,
        )
    elif manifest["database"] == SQLITE:
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise BackupError("this backup is of SQLite; DATABASE_URL points elsewhere")
        connections[alias].close()
        target = Path(database_name or db["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(src / SQLITE) as source, sqlite3.connect(target) as dest:
            source.backup(dest)
    else:
        raise BackupError(f"unknown database file {manifest['database']!r} in the manifest")
    if media and (src / MEDIA).exists():
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(src / MEDIA, "r:gz") as tar:
            tar.extractall(media_root, filter="data")  # "data": no absolute paths, links out or devices


def default_folder() -> Path:
    return Path(settings.BASE_DIR) / "backups" / datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
