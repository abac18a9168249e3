"""`python -m tools.bench` (what `make bench` runs): see tools/bench/__init__.py."""

import time
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command

from .run import configure, parse_args, run

args = parse_args()  # --help answers before anything is set up
env = configure()
django.setup()

# the app's models load only once Django is set up
from .importing import import_pass  # noqa: E402
from .inprocess import IN_PROCESS  # noqa: E402
from .pages import prepare  # noqa: E402
from .searching import search_pass  # noqa: E402

started = time.monotonic()
if set(args.passes) <= set(IN_PROCESS):  # no server, no browsers to log in: the data must be loaded
    call_command("migrate", "--noinput", verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # pages render {% static %}
        call_command("collectstatic", "--noinput", verbosity=0)  # minutes: brotli on every file
    pages, writers = [], {}
else:
    pages, writers = prepare(args.clients, args.sessions)
    print(f"data ready in {time.monotonic() - started:.0f}s; serving with gunicorn ({args.workers} workers)")
run(args, env, pages, writers, {"import": import_pass, "search": search_pass})
