"""Each key page's CPU per request computed from scratch, in this process (the growth pass; --profile).

Imports the app: import this only after django.setup(). Caching is off here (tools/bench/run.py sets
CSOPS_DASHBOARD_CACHE_SECONDS=0 for this process), DEBUG off, so a request costs what an uncached
request costs a gunicorn worker, less the network.
"""

import cProfile
import io
import pstats
import statistics
import time

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext


def cpu_per_request(pages: list[tuple[str, str, object]], requests: int = 15) -> list[dict]:
    """(name, path, user) → the median CPU ms (process time) and wall ms of `requests` GETs, and bytes."""
    out = []
    for name, path, user in pages:
        browser = HttpClient()
        browser.force_login(user)
        browser.get(path, secure=True)  # warm per-process caches (templates, the matrix)
        cpu, wall = [], []
        for _ in range(requests):
            c0, w0 = time.process_time(), time.perf_counter()
            response = browser.get(path, secure=True)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        with CaptureQueriesContext(connection) as queries:
            browser.get(path, secure=True)
        out.append(
            {
                "page": name,
                "cpu_ms": round(statistics.median(cpu), 1),
                "wall_ms": round(statistics.median(wall), 1),
                "queries": len(queries),
                "html_kb": round(len(response.content) / 1024, 1),
            }
        )
    return out


def profile(path: str, user, requests: int = 5, top: int = 30) -> str:
    """cProfile of `requests` GETs of one page: the `top` functions by cumulative time."""
    browser = HttpClient()
    browser.force_login(user)
    browser.get(path, secure=True)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        browser.get(path, secure=True)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    return text.getvalue()
