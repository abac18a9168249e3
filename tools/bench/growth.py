"""One data size of the growth pass, in a process of its own (Django is set up once per database).

    python -m tools.bench.growth --database postgres://…/csops_bench_10k

Prints one JSON line: each key page's CPU per request computed from scratch (cpu.py) and the daily
beat run (`run_beat_tasks` for today, rolled back so the data stays as loaded): its time and
queries. The parent (run.py) compares the sizes; seed_scale is measured there, as a child process.
"""

import argparse
import contextlib
import io
import json
import os
import sys
import time

import django

from .run import BASE_DIR, production_env


class _RolledBack(Exception):
    pass


parser = argparse.ArgumentParser(prog="python -m tools.bench.growth")
parser.add_argument("--database", required=True)
parser.add_argument("--requests", type=int, default=15)
args = parser.parse_args()
os.environ.update(
    {
        **production_env(args.database),
        "DJANGO_SETTINGS_MODULE": "csops.settings",
        "CSOPS_DASHBOARD_CACHE_SECONDS": "0",  # computed from scratch
        "EMAIL_URL": "dummymail://",  # the rolled-back beat run sends nothing
    }
)
sys.path.insert(0, str(BASE_DIR))
django.setup()

# the app loads only once Django is set up
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from .cpu import cpu_per_request  # noqa: E402
from .pages import key_pages  # noqa: E402

pages = cpu_per_request(key_pages("scale"), requests=args.requests)
started = time.monotonic()
with (
    CaptureQueriesContext(connection) as queries,
    contextlib.suppress(_RolledBack),
    transaction.atomic(),
    contextlib.redirect_stdout(io.StringIO()),
):
    call_command("run_beat_tasks", "--date", timezone.localdate().isoformat())
    seconds = time.monotonic() - started
    raise _RolledBack  # leave the data as loaded: every size's run does the same day's work
print(json.dumps({"pages": pages, "beat": {"seconds": round(seconds, 1), "queries": len(queries)}}))
