"""`python -m tools.bench` (what `make bench` runs): see tools/bench/__init__.py."""

import time

import django

from .run import configure, parse_args, run

args = parse_args()  # --help answers before anything is set up
env = configure()
django.setup()

# the app's models load only once Django is set up
from .pages import prepare  # noqa: E402

started = time.monotonic()
pages, writers = prepare(args.clients, args.sessions)
print(f"data ready in {time.monotonic() - started:.0f}s; serving with gunicorn ({args.workers} workers)")
run(args, env, pages, writers)
