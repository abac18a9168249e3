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

import redis

from .growing import (
    GROWTH,
    GROWTH_BEAT_SECONDS,
    GROWTH_CPU_RATIO,
    GROWTH_SEED_MB,
    ensure_database,
    growth,
    growth_table,
)
from .inprocess import IN_PROCESS, TARGETS, TITLES, in_process_table
from .paths import BASE_DIR
from .rounds import round_order, summarise

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/csops_bench"
# Every pass runs against this Redis (BENCH_REDIS_URL): the cached passes keep the dashboard
# fragments there, the uncached pass has the same backend with caching set to 0 s.
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
# The one caching knob: the shared fragments (docs/caching.md).
CACHE_KNOB = "CSOPS_DASHBOARD_CACHE_SECONDS"
# make bench's passes: caching on?, the write load?, whose sessions ask for each page, targets
# (ratio to the bare view, p95 ms) — PRODUCT.md §6 and issue 13
PASSES = {
    "off": (False, False, "cookies", (0.15, 200)),
    "on": (True, False, "cookies", (0.5, 100)),
    "writes": (True, True, "cookies", (0.5, 100)),
    "people": (True, True, "people_cookies", (0.5, 100)),
}

# Each request carries the next of the page's browser sessions (BENCH_COOKIES, one per line).
WRK_SCRIPT = """
local cookies, paths = {}, {}
for line in string.gmatch(os.getenv("BENCH_COOKIES"), "[^\\n]+") do cookies[#cookies + 1] = line end
for line in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^\\n]+") do paths[#paths + 1] = line end
local n = math.random(#cookies)
request = function()
  n = n % #cookies + 1
  return wrk.format(nil, paths[n], {["Cookie"] = cookies[n]})
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


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description="The key pages under load beside a bare Django view."
    )
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument(
        "--growth-clients",
        type=int,
        default=10000,
        help="the growth pass's larger data set (its own database: BENCH_DATABASE_URL + _10k)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page and round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds per pass: each measures the bare view and every page; the median is reported",
    )
    parser.add_argument(
        "--pages", default="", help="comma-separated page names to drive (default all; the bare view always)"
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of load per page before its first round"
    )
    parser.add_argument(
        "--growth-requests", type=int, default=15, help="requests per page for the growth pass's CPU median"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--sessions", type=int, default=16, help="browser sessions of each page's user")
    parser.add_argument(
        "--write-every",
        type=float,
        default=2.0,
        help="seconds between writes in the write passes, spread over --sessions AMs (README)",
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--passes",
        default="off,people,growth",
        help="comma-separated: off (caching off), on (caching on, no writes), writes (caching on, a "
        "write every --write-every seconds), people (as writes, the writes and the AMs' pages from "
        "--sessions different AMs, each their own), growth (uncached CPU, the beat run and seed_scale "
        "at --clients and --growth-clients), import (10,000-row spreadsheets through the import pages, "
        "rolled back), search (the navigation search's p95, in-process)",
    )
    parser.add_argument("--out", default=str(BASE_DIR / "bench-results" / "bench.json"))
    args = parser.parse_args(argv)
    args.passes = [m.strip() for m in args.passes.split(",") if m.strip()]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    for mode in args.passes:
        if mode not in PASSES and mode not in (GROWTH, *IN_PROCESS):
            parser.error(f"unknown pass {mode!r}: {', '.join([*PASSES, GROWTH, *IN_PROCESS])}")
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
    env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    try:
        redis.Redis.from_url(env["REDIS_URL"], socket_timeout=2).ping()
    except redis.RedisError as exc:
        raise SystemExit(f"Redis at {env['REDIS_URL']} (BENCH_REDIS_URL) does not answer: {exc}") from exc
    env["DJANGO_SETTINGS_MODULE"] = "csops.settings"
    env[CACHE_KNOB] = os.environ.get(CACHE_KNOB, "300")
    os.environ.update({**env, CACHE_KNOB: "0"})
    sys.path.insert(0, str(BASE_DIR))
    ensure_database(database_url)
    return env


def cache_of(env: dict, caching: bool) -> dict:
    """The cache a pass runs with, as the report names it."""
    return {
        "backend": "redis (csops.cache.ResilientRedisCache)",
        "location": env["REDIS_URL"],
        CACHE_KNOB: env[CACHE_KNOB] if caching else "0",
    }


def chosen(pages: list[dict], names: list[str]) -> list[dict]:
    """The bare view and the pages named by --pages (a name matches a page that starts with it)."""
    if not names:
        return pages
    picked = [pages[0], *(p for p in pages[1:] if any(p["page"].startswith(n) for n in names))]
    if len(picked) == 1:
        raise SystemExit(f"--pages matches none of: {', '.join(p['page'] for p in pages[1:])}")
    return picked


def run(args, env: dict, pages: list[dict], writers: dict, in_process=None) -> None:
    """Every pass of `args.passes`, then the table and bench-results/bench.json. `in_process`: the
    import and search passes' functions (importing.py, searching.py: they need Django set up)."""
    pages = chosen(pages, args.pages) if pages else pages
    passes, caches, targets, growth_report = {}, {}, {}, None
    for mode in args.passes:
        if mode in IN_PROCESS:
            print(f"{TITLES[mode]}:", flush=True)
            passes[TITLES[mode]], targets[TITLES[mode]] = in_process[mode](), TARGETS[mode]
            save(args, writers, caches, targets, passes, growth_report)
            continue
        if mode == GROWTH:
            title = f"growth: {args.clients:,} → {args.growth_clients:,} clients, uncached"
            print(f"{title}:", flush=True)
            growth_report = growth(args, env, [p["page"] for p in pages])
            passes[title] = growth_report["rows"]
            targets[title] = {
                "cpu_ratio": GROWTH_CPU_RATIO,
                "beat_seconds": GROWTH_BEAT_SECONDS,
                "seed_peak_mb": GROWTH_SEED_MB,
            }
            save(args, writers, caches, targets, passes, growth_report)
            continue
        caching, writes, sessions, (ratio, p95) = PASSES[mode]
        title = {
            "off": "cache off",
            "on": "cache on",
            "writes": f"cache on, a write every {args.write_every:g} s",
            "people": f"cache on, a write every {args.write_every:g} s from {args.sessions} different AMs "
            "(each their own pages)",
        }[mode]
        print(f"{title}:", flush=True)
        caches[title] = cache_of(env, caching)
        targets[title] = {"ratio_to_bare": ratio, "p95_ms": p95}
        who = "people_writes" if mode == "people" else "writes"
        passes[title] = measure(
            {**env, **({} if caching else {CACHE_KNOB: "0"})},
            pages,
            args,
            writers[who] if writes else None,
            sessions,
            (ratio, p95),
        )
        save(args, writers, caches, targets, passes, growth_report)  # a pass done is never lost
    report = save(args, writers, caches, targets, passes, growth_report)
    print(table(report))
    print(f"\nwritten to {args.out}")


def save(args, writers, caches, targets, passes, growth_report) -> dict:
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPU {platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "clients": args.clients,
        "connections": args.connections,
        "sessions_per_page": args.sessions,
        "writers": {
            "single": [w["user"] for w in writers.get("writes", [])],
            "people": [w["user"] for w in writers.get("people_writes", [])],
            "every_s": args.write_every,
        },
        "duration_s": args.duration,
        "rounds": args.rounds,
        "load_average": list(os.getloadavg()),
        "caches": caches,
        "gunicorn_workers": args.workers,
        "targets": targets,
        "passes": passes,
    }
    if growth_report:
        report["growth"] = {k: v for k, v in growth_report.items() if k != "rows"}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    return report


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


def load(
    url: str, cookies: list[str], script: str, seconds: int, connections: int, threads: int, paths=None
) -> dict:
    """wrk on `url`; each request carries the next of `cookies` (and asks for the next of `paths`)."""
    run = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url],
        env={**os.environ, "BENCH_COOKIES": "\n".join(cookies), "BENCH_PATHS": "\n".join(paths or [])},
        capture_output=True,
        text=True,
        check=True,
    )
    line = [x for x in run.stdout.splitlines() if x.startswith("{")][-1]
    return json.loads(line)


class Writer(threading.Thread):
    """Account managers ticking an action off and on again through the web: one write every `every`
    seconds, each write by the next of `writers` (each their own action, as their own browser)."""

    def __init__(self, base: str, writers, every: float):
        super().__init__(daemon=True)
        writers = [writers] if isinstance(writers, dict) else list(writers)
        self.every, self.stopped = every, threading.Event()
        self.targets = [
            {
                "url": base + w["path"],
                "cookie": w["cookie"],
                "csrf": dict(part.split("=", 1) for part in w["cookie"].split("; "))["csrftoken"],
                "done": True,
            }
            for w in writers
        ]
        self.writes = self.failures = 0

    def run(self):
        n, wait = 0, self.every / 2  # the first write half-way into the first interval
        while not self.stopped.wait(wait):
            wait = self.every
            target = self.targets[n % len(self.targets)]
            n += 1
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": target["csrf"], "done": "1" if target["done"] else "0"}
            )
            request = urllib.request.Request(
                target["url"],
                data=body.encode(),
                headers={"Cookie": target["cookie"], "HX-Request": "true"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    ok = response.status == 200
            except OSError:
                ok = False
            self.writes += ok
            self.failures += not ok
            target["done"] = not target["done"]


def measure(
    env: dict, pages: list[dict], args, writer, sessions="cookies", targets=(0.15, 200)
) -> list[dict]:
    """One pass: serve, then `args.rounds` rounds of the bare view and every page, stop.

    Each round measures the bare view first and the pages in an order rotated each round; a page's
    ratio is to its round's bare view, and the pass reports the median and spread (rounds.py).
    """
    server = serve(env, args.port, args.workers)
    rounds = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT)
    try:
        for round_no in range(args.rounds):
            measured = {}
            for i in round_order(len(pages), round_no):
                measured[i] = measure_page(pages[i], args, writer, sessions, f.name, warm=round_no == 0)
                print(
                    f"  round {round_no + 1}, {pages[i]['page']}: {measured[i]['requests_per_s']} req/s",
                    flush=True,
                )
            rounds.append(measured)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:  # workers still busy with queued slow requests
            server.kill()
            server.wait(10)
        os.unlink(f.name)
    return summarise(rounds, *targets)


def measure_page(page: dict, args, writer, sessions: str, script: str, warm: bool) -> dict:
    """One page for --duration seconds (after --warmup if `warm`), with the write load if any."""
    url = f"http://127.0.0.1:{args.port}{page['path']}"
    paths = page.get("people_paths") if sessions == "people_cookies" else None
    if warm and args.warmup:
        load(url, page[sessions], script, args.warmup, args.connections, args.threads, paths)
    writes = Writer(f"http://127.0.0.1:{args.port}", writer, args.write_every) if writer else None
    if writes:
        writes.start()
    try:
        r = load(url, page[sessions], script, args.duration, args.connections, args.threads, paths)
    finally:
        if writes:
            writes.stopped.set()
            writes.join()
    if writes and writes.failures:
        raise SystemExit(f"{writes.failures} of the writes failed")
    row = {
        "page": page["page"] + (" — each AM's own" if page[sessions] is not page["cookies"] else ""),
        "path": page["path"],
        "requests_per_s": round(r["requests"] / (r["duration_us"] / 1e6), 1),
        "p50_ms": round(r["p50_us"] / 1000, 1),
        "p95_ms": round(r["p95_us"] / 1000, 1),
        "p99_ms": round(r["p99_us"] / 1000, 1),
        "queries": page["queries"],
        "errors": r["errors"] + r["bad_status"],
        "writes": writes.writes if writes else 0,
    }
    # a slow page leaves requests queued in gunicorn: let them drain before the next page
    time.sleep(2)
    return row


def table(report) -> str:
    lines = [
        f"\n{report['clients']:,} clients, {report['connections']} connections over "
        f"{report['sessions_per_page']} browser sessions, {report['duration_s']}s a page"
        + (
            f" in each of {report['rounds']} rounds (medians; the ratio's range over the rounds)"
            if "rounds" in report
            else ""
        )
        + f", {report['machine']}"
        + (
            ", load average {:.1f} {:.1f} {:.1f} at the end".format(*report["load_average"])
            if "load_average" in report
            else ""
        ),
    ]
    for mode, results in report["passes"].items():
        if mode.startswith(GROWTH):
            lines += growth_table(mode, results, report.get("growth", {}))
            continue
        if mode.startswith(IN_PROCESS):
            lines += in_process_table(mode, results)
            continue
        cache = report.get("caches", {}).get(mode)
        target = report.get("targets", {}).get(mode)
        lines += [
            f"\n{mode}"
            + (
                f" — cache: {cache['backend']} at {cache['location']}, {CACHE_KNOB}={cache[CACHE_KNOB]}"
                if cache
                else ""
            )
            + (
                f" — targets: ≥ {target['ratio_to_bare']:g} of the bare view, p95 < {target['p95_ms']:g} ms"
                if isinstance(target, dict) and "ratio_to_bare" in target
                else ""
            ),
            "| page | req/s | p50 ms | p95 ms | queries (uncached) | ratio to bare | writes | targets |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in results:
            verdict = "met" if r["meets_targets"] else "missed"
            if r["errors"]:
                verdict += f" ({r['errors']} errors)"
            lines.append(
                f"| {r['page']} | {r['requests_per_s']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
                f"| {r['queries']} | {ratio_cell(r)} | {r.get('writes') or '—'} | {verdict} |"
            )
    return "\n".join(lines)


def ratio_cell(row: dict) -> str:
    """The median ratio to the bare view, with its range over the rounds when there were rounds."""
    if "ratio_range" not in row:
        return f"{row['ratio_to_bare']:.2f}"
    low, high = row["ratio_range"]
    return f"{row['ratio_to_bare']:.2f} ({low:.2f}–{high:.2f})"
