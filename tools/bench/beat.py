"""The daily beat run task by task: each scheduled task's seconds and queries, rolled back.

    python -m tools.bench.beat --database postgres://…/csops_bench_10k [--date 2026-12-01] [--runs 2]

Runs what `run_beat_tasks --date D` runs, in its order (then the outbox sweep), inside one transaction
that is rolled back, so the data stays as loaded; `--runs 2` runs the day again in the same
transaction (a rerun that should find nothing to do). Prints a table per run and a JSON line.
"""

import argparse
import contextlib
import datetime
import json
import os
import sys
import time

import django

from .run import BASE_DIR, production_env


class _RolledBack(Exception):
    pass


parser = argparse.ArgumentParser(prog="python -m tools.bench.beat")
parser.add_argument("--database", required=True)
parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
parser.add_argument("--runs", type=int, default=1, help="runs of the day in the same transaction")
args = parser.parse_args()
os.environ.update(
    {
        **production_env(args.database),
        "DJANGO_SETTINGS_MODULE": "csops.settings",
        "EMAIL_URL": "dummymail://",  # the rolled-back run sends nothing
    }
)
sys.path.insert(0, str(BASE_DIR))
django.setup()

# the app loads only once Django is set up
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from django.utils import timezone  # noqa: E402

from csops.management.commands.run_beat_tasks import dated_tasks  # noqa: E402
from people.outbox import outbox_deliver  # noqa: E402

day = datetime.date.fromisoformat(args.date) if args.date else timezone.localdate()
noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
when = {"today": day.isoformat(), "now": noon.isoformat()}


def timed(call):
    """(wall seconds, this process's CPU seconds, queries, result): on a shared machine the CPU
    seconds are the steadier figure (the database's own time is in the wall seconds only)."""
    started, cpu = time.monotonic(), time.process_time()
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return round(time.monotonic() - started, 2), round(time.process_time() - cpu, 2), len(ctx), result


get_resolver().url_patterns  # noqa: B018 - the URLconf loads once per process, not in the first task


def create_missing_tables():
    """A database loaded before a model was added lacks its table: make it inside the rolled-back
    transaction (PostgreSQL's DDL is transactional), so the loaded data still stays as it was."""
    from django.apps import apps

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and model._meta.db_table not in existing:
                editor.create_model(model)


runs = []
with contextlib.suppress(_RolledBack), transaction.atomic():
    create_missing_tables()
    for _ in range(args.runs):
        rows = []
        for task, keyword in dated_tasks():
            seconds, cpu, queries, report = timed(lambda t=task, k=keyword: t(**{k: when[k]}))
            rows.append(
                {
                    "task": task.name,
                    "seconds": seconds,
                    "cpu": cpu,
                    "queries": queries,
                    "done": report["done"],
                    "failed": len(report["failed"]),
                }
            )
        seconds, cpu, queries, report = timed(outbox_deliver)
        rows.append(
            {"task": "outbox", "seconds": seconds, "cpu": cpu, "queries": queries, "done": report.sent}
        )
        runs.append(rows)
    raise _RolledBack

load = os.getloadavg()
for n, rows in enumerate(runs, 1):
    print(f"run {n} of {day} (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})")
    print(f"{'task':<50}{'seconds':>9}{'cpu s':>8}{'queries':>9}{'done':>8}")
    for row in rows:
        print(f"{row['task']:<50}{row['seconds']:>9.2f}{row['cpu']:>8.2f}{row['queries']:>9}{row['done']:>8}")
    total = {k: sum(r[k] for r in rows) for k in ("seconds", "cpu", "queries")}
    print(f"{'total':<50}{total['seconds']:>9.2f}{total['cpu']:>8.2f}{total['queries']:>9}")
print(json.dumps({"date": day.isoformat(), "load": load, "runs": runs}))
