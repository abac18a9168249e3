"""`make bench`: the key pages under load, side by side with a bare Django view (PRODUCT.md §6).

  python -m csops.bench [--clients 2000] [--duration 10] [--connections 16]

1. migrates a dedicated PostgreSQL database (BENCH_DATABASE_URL, default csops_bench on 127.0.0.1)
   and loads the scale data if it is absent (`manage.py seed_scale`);
2. serves the app with gunicorn in production settings (DEBUG off);
3. drives each page with wrk at 16 concurrent connections, logged in as the page's user in 16
   browser sessions of their own (so 16 per-person page caches), and the bare view `/bench/bare/`
   (same middleware, same login) in the same run;
4. does that four times: caching off (every request computes its page), caching on, caching on
   while an account manager ticks an action off and on again every 10 s through the web — each
   tick a real write that moves the data version, so every cached page goes out of date — and that
   again with the AMs' pages (client list, client page, my week) used by 16 different AMs, each
   with pages of their own to compute after every write;
5. prints page, requests/s, p50 and p95 latency, queries per request and the ratio to the bare view,
   and writes the same to bench-results/bench.json.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/csops_bench"
TARGET_RATIO = 0.10
TARGET_P95_MS = 150
# make bench's passes: caching on?, the write load?, whose sessions ask for each page
PASSES = {
    "off": (False, False, "cookies"),
    "on": (True, False, "cookies"),
    "writes": (True, True, "cookies"),
    "people": (True, True, "people_cookies"),
}

# Each request carries the next of the page's browser sessions (BENCH_COOKIES, one per line).
WRK_SCRIPT = """
local cookies = {}
for line in string.gmatch(os.getenv("BENCH_COOKIES"), "[^\\n]+") do cookies[#cookies + 1] = line end
local n = math.random(#cookies)
request = function()
  n = n % #cookies + 1
  return wrk.format(nil, nil, {["Cookie"] = cookies[n]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"errors": %d, "bad_status": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def production_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": os.environ.get("SITE_URL") or "http://127.0.0.1:8000",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }


def ensure_database(url: str):
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def writer_action(user):
    """The open action of `user`'s (the busiest AM) that the write load ticks off and on again."""
    from clients.models import Action

    return Action.objects.open().filter(owner=user).order_by("due_date", "pk").first()


def key_pages(tag: str) -> list[tuple[str, str, object]]:
    """(name, path, user) of each page the benchmark drives, for the scale data set `tag`."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.utils import timezone

    from clients.models import Client, Tier
    from people.models import Role
    from reporting.services.meetings import meeting_open

    User = get_user_model()
    head = User.objects.get(username=f"{tag}-head")
    busiest = (
        User.objects.filter(profile__roles__code=Role.ACCOUNT_MANAGER, username__startswith=f"{tag}-")
        .annotate(n=Count("memberships", filter=Q(memberships__client__archived_at__isnull=True)))
        .order_by("-n", "pk")
        .first()
    )
    longest = (
        Client.objects.filter(domain__endswith=f".{tag}.example")
        .annotate(n=Count("calls"))
        .order_by("-n", "pk")
        .first()
    )
    tier = Tier.objects.get(rank=3)
    meeting = meeting_open(kind="weekly_meet", held_on=timezone.localdate(), by=head)
    return [
        ("bare view", "/bench/bare/", head),
        ("weekly meet", f"/reporting/meetings/{meeting.pk}/", head),
        ("client list", "/clients/", head),
        ("client list, filtered", f"/clients/?tier={tier.pk}&status=active&ordering=-spend", head),
        (f"client detail ({longest.n:,} calls)", f"/clients/{longest.pk}/", head),
        (f"my week ({busiest.n} clients)", "/my-week/", busiest),
        ("portfolio", "/reporting/portfolio/", head),
        ("NPS analytics", "/reporting/nps/", head),
    ]


def browser_cookie(user) -> str:
    """A logged-in browser session of `user`, as a Cookie header (session and CSRF cookies)."""
    from django.conf import settings
    from django.test import Client as HttpClient

    browser = HttpClient()
    browser.force_login(user)
    browser.get("/people/notifications/", secure=True)  # any page: a browser holds a CSRF cookie too
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    return "; ".join(f"{name}={browser.cookies[name].value}" for name in names)


# The pages every account manager uses as themselves; the others are the head of CS's own.
AM_PAGES = ("client list", "client detail", "my week")


def account_managers(tag: str, n: int):
    """`n` different account managers of the scale data set `tag` (fewer if there are fewer)."""
    from django.contrib.auth import get_user_model

    from people.models import Role

    return list(
        get_user_model()
        .objects.filter(profile__roles__code=Role.ACCOUNT_MANAGER, username__startswith=f"{tag}-")
        .order_by("pk")[:n]
    )


def prepare(clients: int, sessions: int) -> tuple[list[dict], dict]:
    """Migrate, load the scale data if absent, log the pages' users in, and count each page's queries."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("seed_scale", "--clients", str(clients))

    pages = key_pages("scale")
    people = [browser_cookie(user) for user in account_managers("scale", sessions)]
    out = []
    for name, path, user in pages:
        cookies = [browser_cookie(user) for _ in range(sessions)]
        browser = HttpClient()
        browser.cookies.load(cookies[0])
        browser.get(path, secure=True)  # warm caches (templates, the matrix) as a running server has them
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(path, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{name} {path} answered {response.status_code}")
        out.append(
            {
                "page": name,
                "path": path,
                "user": user.username,
                "queries": len(queries),
                "cookies": cookies,
                # the 'people' pass: AMs' pages as 16 different AMs, each seeing their own
                "people_cookies": people if name.startswith(AM_PAGES) else cookies,
            }
        )
    action = writer_action(next(user for name, _, user in pages if name.startswith("my week")))
    writer = {
        "path": f"/clients/{action.client_id}/actions/{action.pk}/toggle/",
        "user": action.owner.username,
        "cookie": browser_cookie(action.owner),
    }
    return out, writer


def serve(env: dict, port: int, workers: int):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "csops.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 30 seconds")


def load(url: str, cookies: list[str], script: str, seconds: int, connections: int, threads: int) -> dict:
    run = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url],
        env={**os.environ, "BENCH_COOKIES": "\n".join(cookies)},
        capture_output=True,
        text=True,
        check=True,
    )
    line = [x for x in run.stdout.splitlines() if x.startswith("{")][-1]
    return json.loads(line)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load per page before measuring")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--sessions", type=int, default=16, help="browser sessions of each page's user")
    parser.add_argument(
        "--write-every",
        type=float,
        default=10.0,
        help="seconds between writes in the 'writes' pass (10: a busy hour, see the README)",
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--passes",
        default="off,on,writes,people",
        help="comma-separated: off (caching off), on (caching on), writes (caching on, a write every "
        "--write-every seconds), people (as writes, with the AMs' pages used by --sessions different AMs)",
    )
    parser.add_argument("--out", default=str(BASE_DIR / "bench-results" / "bench.json"))
    args = parser.parse_args(argv)

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does this)")
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if not database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    env = production_env(database_url)
    os.environ.update(env)  # this process counts queries and loads data as the server will run
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csops.settings")
    knobs = ("CSOPS_DASHBOARD_CACHE_SECONDS", "CSOPS_PAGE_CACHE_SECONDS")
    cache_on = {k: os.environ.get(k, d) for k, d in zip(knobs, ("300", "60"), strict=True)}
    os.environ.update({k: "0" for k in knobs})  # queries are counted as a page costs uncached
    sys.path.insert(0, str(BASE_DIR))
    ensure_database(database_url)
    started = time.monotonic()
    pages, writer = prepare(args.clients, args.sessions)
    print(f"data ready in {time.monotonic() - started:.0f}s; serving with gunicorn ({args.workers} workers)")

    passes = {}
    for mode in [m.strip() for m in args.passes.split(",") if m.strip()]:
        if mode not in PASSES:
            raise SystemExit(f"unknown pass {mode!r}: {', '.join(PASSES)}")
        caching, writes, sessions = PASSES[mode]
        title = {
            "off": "cache off",
            "on": "cache on",
            "writes": f"cache on, a write every {args.write_every:g} s",
            "people": f"cache on, a write every {args.write_every:g} s, {args.sessions} different AMs",
        }[mode]
        print(f"{title}:", flush=True)
        passes[title] = measure(
            {**env, **(cache_on if caching else {k: "0" for k in knobs})},
            pages,
            args,
            writer if writes else None,
            sessions,
        )
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPU {platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "clients": args.clients,
        "connections": args.connections,
        "sessions_per_page": args.sessions,
        "writer": {"path": writer["path"], "user": writer["user"], "every_s": args.write_every},
        "duration_s": args.duration,
        "gunicorn_workers": args.workers,
        "targets": {"ratio_to_bare": TARGET_RATIO, "p95_ms": TARGET_P95_MS},
        "passes": passes,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))
    print(f"\nwritten to {out}")


class Writer(threading.Thread):
    """An account manager ticking an action off and on again through the web, every `every` seconds."""

    def __init__(self, base: str, writer: dict, every: float):
        super().__init__(daemon=True)
        self.url, self.every, self.stopped = base + writer["path"], every, threading.Event()
        self.cookie = writer["cookie"]
        self.csrf = dict(part.split("=", 1) for part in self.cookie.split("; "))["csrftoken"]
        self.writes = self.failures = 0

    def run(self):
        done, wait = True, self.every / 2  # the first write half-way into the first interval
        while not self.stopped.wait(wait):
            wait = self.every
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, "done": "1" if done else "0"})
            request = urllib.request.Request(
                self.url,
                data=body.encode(),
                headers={"Cookie": self.cookie, "HX-Request": "true"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    ok = response.status == 200
            except OSError:
                ok = False
            self.writes += ok
            self.failures += not ok
            done = not done


def measure(env: dict, pages: list[dict], args, writer: dict | None, sessions="cookies") -> list[dict]:
    """One pass: serve, load every page in turn (the bare view first), stop."""
    server = serve(env, args.port, args.workers)
    results = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT)
    try:
        for page in pages:
            url = f"http://127.0.0.1:{args.port}{page['path']}"
            if args.warmup:
                load(url, page[sessions], f.name, args.warmup, args.connections, args.threads)
            writes = Writer(f"http://127.0.0.1:{args.port}", writer, args.write_every) if writer else None
            if writes:
                writes.start()
            r = load(url, page[sessions], f.name, args.duration, args.connections, args.threads)
            if writes:
                writes.stopped.set()
                writes.join()
                if writes.failures:
                    raise SystemExit(f"{writes.failures} of the writes to {writer['path']} failed")
            results.append(
                {
                    "page": page["page"]
                    + (" — each AM's own" if page[sessions] is not page["cookies"] else ""),
                    "path": page["path"],
                    "requests_per_s": round(r["requests"] / (r["duration_us"] / 1e6), 1),
                    "p50_ms": round(r["p50_us"] / 1000, 1),
                    "p95_ms": round(r["p95_us"] / 1000, 1),
                    "p99_ms": round(r["p99_us"] / 1000, 1),
                    "queries": page["queries"],
                    "errors": r["errors"] + r["bad_status"],
                    "writes": writes.writes if writes else 0,
                }
            )
            print(f"  {page['page']}: {results[-1]['requests_per_s']} req/s", flush=True)
            # a slow page leaves requests queued in gunicorn: let them drain before the next page
            time.sleep(2)
    finally:
        server.terminate()
        server.wait(10)
        os.unlink(f.name)
    bare = results[0]["requests_per_s"] or 1
    for r in results:
        r["ratio_to_bare"] = round(r["requests_per_s"] / bare, 3)
        r["meets_targets"] = r is results[0] or (
            r["ratio_to_bare"] >= TARGET_RATIO and r["p95_ms"] < TARGET_P95_MS and not r["errors"]
        )
    return results


def table(report) -> str:
    lines = [
        f"\n{report['clients']:,} clients, {report['connections']} connections over "
        f"{report['sessions_per_page']} browser sessions, {report['duration_s']}s a page, "
        f"{report['machine']}",
    ]
    for mode, results in report["passes"].items():
        lines += [
            f"\n{mode}",
            "| page | req/s | p50 ms | p95 ms | queries (uncached) | ratio to bare | writes | targets |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in results:
            verdict = "met" if r["meets_targets"] else "missed"
            if r["errors"]:
                verdict += f" ({r['errors']} errors)"
            lines.append(
                f"| {r['page']} | {r['requests_per_s']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
                f"| {r['queries']} | {r['ratio_to_bare']:.2f} | {r.get('writes') or '—'} | {verdict} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
