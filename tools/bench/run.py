"""Serving, loading and reporting for `make bench` (tools/bench/__init__.py): no Django in here."""

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

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/csops_bench"
TARGET_RATIO = 0.10
TARGET_P95_MS = 150
# The one caching knob: the shared dashboard fragments (docs/caching.md).
CACHE_KNOB = "CSOPS_DASHBOARD_CACHE_SECONDS"
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
        "CSOPS_BENCH": "1",  # mounts /bench/bare/
    }


def ensure_database(url: str):
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description="The key pages under load beside a bare Django view."
    )
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
        help="comma-separated: off (caching off), on (the dashboard fragments cached), writes (caching "
        "on, a write every --write-every seconds), people (as writes, with the AMs' pages used by "
        "--sessions different AMs)",
    )
    parser.add_argument("--out", default=str(BASE_DIR / "bench-results" / "bench.json"))
    args = parser.parse_args(argv)
    args.passes = [m.strip() for m in args.passes.split(",") if m.strip()]
    for mode in args.passes:
        if mode not in PASSES:
            parser.error(f"unknown pass {mode!r}: {', '.join(PASSES)}")
    return args


def configure() -> dict:
    """Check the tools, create the database, and set this process's environment as the server's.

    Returns the server's environment. Call before django.setup(): this process counts queries and
    loads data as the server will run, with caching off so queries are counted as a page costs
    uncached.
    """
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does this)")
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if not database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    env = production_env(database_url)
    env["DJANGO_SETTINGS_MODULE"] = "csops.settings"
    env[CACHE_KNOB] = os.environ.get(CACHE_KNOB, "300")
    os.environ.update({**env, CACHE_KNOB: "0"})
    sys.path.insert(0, str(BASE_DIR))
    ensure_database(database_url)
    return env


def run(args, env: dict, pages: list[dict], writer: dict) -> None:
    """Every pass of `args.passes`, then the table and bench-results/bench.json."""
    passes = {}
    for mode in args.passes:
        caching, writes, sessions = PASSES[mode]
        title = {
            "off": "cache off",
            "on": "cache on",
            "writes": f"cache on, a write every {args.write_every:g} s",
            "people": f"cache on, a write every {args.write_every:g} s, {args.sessions} different AMs",
        }[mode]
        print(f"{title}:", flush=True)
        passes[title] = measure(
            {**env, **({} if caching else {CACHE_KNOB: "0"})},
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
