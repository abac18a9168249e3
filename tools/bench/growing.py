"""The growth pass of `make bench`: the same work at two data sizes (tools/bench/__init__.py).

Each size is measured in processes of its own: seed_scale as a child (its time and peak RSS), then
growth.py (each page's uncached CPU per request, the daily beat run). No Django in here.
"""

import json
import os
import subprocess
import sys
import time

import psycopg

from .paths import BASE_DIR

GROWTH = "growth"
# the growth pass: uncached CPU per request at --growth-clients ≤ this × at --clients; the daily
# beat run under this many seconds with as many queries; seed_scale's peak memory under this
GROWTH_CPU_RATIO = 1.5
GROWTH_BEAT_SECONDS = 10
GROWTH_SEED_MB = 400


def ensure_database(url: str):
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def growth_database(url: str) -> str:
    """The growth pass's own database: the bench database's name + _10k (BENCH_GROWTH_DATABASE_URL)."""
    base, _, name = url.rpartition("/")
    return os.environ.get("BENCH_GROWTH_DATABASE_URL") or f"{base}/{name.split('?')[0]}_10k"


def seed(env: dict, clients: int, dry_run: bool) -> dict:
    """seed_scale in a child process: its wall time and peak memory (the child's own max RSS)."""
    command = [sys.executable, "manage.py", "seed_scale", "--clients", str(clients)]
    if dry_run:  # the data is there already: build all of it again, and roll back
        command += ["--dry-run", "--tag", f"growth{clients}"]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"seed_scale --clients {clients} failed ({process.returncode})")
    return {
        "clients": clients,
        "seconds": round(time.monotonic() - started, 1),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "dry_run": dry_run,
    }


def loaded(url: str) -> bool:
    with psycopg.connect(url) as conn:
        try:
            return bool(conn.execute("SELECT 1 FROM auth_user WHERE username = 'scale-head'").fetchone())
        except psycopg.errors.UndefinedTable:
            return False


def size(env: dict, url: str, clients: int, requests: int) -> dict:
    """One size: seed_scale measured (loading the database if it is empty), then growth.py's figures."""
    ensure_database(url)
    child = {**env, "DATABASE_URL": url, "CSOPS_DASHBOARD_CACHE_SECONDS": "0", "EMAIL_URL": "dummymail://"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=child, check=True
    )
    seeded = seed(child, clients, dry_run=loaded(url))
    out = subprocess.run(
        [sys.executable, "-m", "tools.bench.growth", "--database", url, "--requests", str(requests)],
        cwd=BASE_DIR,
        env=child,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])
    return {**figures, "seed": seeded}


def growth(args, env: dict, names: list[str]) -> dict:
    """The growth pass: each page's uncached CPU per request, the daily beat run and seed_scale, at
    --clients and --growth-clients, each size measured in a process of its own."""
    small = size(env, env["DATABASE_URL"], args.clients, args.growth_requests)
    print(f"  {args.clients:,} clients: measured", flush=True)
    large = size(env, growth_database(env["DATABASE_URL"]), args.growth_clients, args.growth_requests)
    print(f"  {args.growth_clients:,} clients: measured", flush=True)
    return compare(small, large, names)


def _base_name(page: str) -> str:
    return page.split(" (")[0]  # "my week (54 clients)" and "my week (270 clients)" are one page


def compare(small: dict, large: dict, names: list[str]) -> dict:
    """Rows per page (the bench.json shape: page, ratio_to_bare, p95_ms, queries, plus the CPU) and the
    beat and seed figures, each with its verdict."""
    wanted = {_base_name(n) for n in names}
    big = {_base_name(r["page"]): r for r in large["pages"]}
    rows = []
    for r in small["pages"]:
        name = _base_name(r["page"])
        if name not in wanted or name not in big:
            continue
        other = big[name]
        ratio = round(other["cpu_ms"] / r["cpu_ms"], 2) if r["cpu_ms"] else None
        rows.append(
            {
                "page": name,
                "ratio_to_bare": None,  # no load in this pass: CPU per request, in-process
                "p95_ms": None,
                "queries": other["queries"],
                "queries_small": r["queries"],
                "cpu_ms_small": r["cpu_ms"],
                "cpu_ms_large": other["cpu_ms"],
                "cpu_ratio": ratio,
                "html_kb_small": r["html_kb"],
                "html_kb_large": other["html_kb"],
                "meets_targets": name == "bare view"
                or (ratio is not None and ratio <= GROWTH_CPU_RATIO and other["queries"] == r["queries"]),
            }
        )
    beat = {"small": small["beat"], "large": large["beat"]}
    beat["meets_targets"] = (
        beat["large"]["seconds"] < GROWTH_BEAT_SECONDS
        and beat["large"]["queries"] == beat["small"]["queries"]
    )
    seed_figures = {"small": small["seed"], "large": large["seed"]}
    seed_figures["meets_targets"] = all(s["peak_mb"] < GROWTH_SEED_MB for s in (small["seed"], large["seed"]))
    return {"rows": rows, "beat": beat, "seed_scale": seed_figures}


def growth_table(mode: str, rows: list[dict], figures: dict) -> list[str]:
    lines = [
        f"\n{mode} — targets: CPU ≤ {GROWTH_CPU_RATIO:g}× with the same queries; the daily beat run "
        f"< {GROWTH_BEAT_SECONDS} s with the same queries; seed_scale peak < {GROWTH_SEED_MB} MB",
        "| page | CPU ms (small) | CPU ms (large) | × | queries | HTML KB | targets |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['page']} | {r['cpu_ms_small']:.1f} | {r['cpu_ms_large']:.1f} | {r['cpu_ratio']} "
            f"| {r['queries_small']} → {r['queries']} | {r['html_kb_small']} → {r['html_kb_large']} "
            f"| {'met' if r['meets_targets'] else 'missed'} |"
        )
    beat, seeded = figures.get("beat"), figures.get("seed_scale")
    if beat:
        lines.append(
            f"\ndaily beat run (run_beat_tasks for today, rolled back): {beat['small']['seconds']} s, "
            f"{beat['small']['queries']} queries → {beat['large']['seconds']} s, {beat['large']['queries']} "
            f"queries: {'met' if beat['meets_targets'] else 'missed'}"
        )
    if seeded:
        lines.append(
            "seed_scale: "
            + " → ".join(
                f"{s['clients']:,} clients {s['seconds']} s, peak {s['peak_mb']} MB"
                + (" (--dry-run)" if s["dry_run"] else "")
                for s in (seeded["small"], seeded["large"])
            )
            + f": {'met' if seeded['meets_targets'] else 'missed'}"
        )
    return lines
