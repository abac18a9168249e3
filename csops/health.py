"""The health endpoint (issue 19, operations): is this deployment able to do its work right now?

GET /health/ checks every component in `CHECKS` — the database answers a query, the cache keeps what
it is given, a Celery worker answers a ping — and answers 200 with each one's state, or 503 naming
the ones failing. `?only=database,cache` checks a subset (docker-compose's web container asks for its
own two; a monitor asks for all). Honest as CSOPS_REQUIRE_SERVICES is in the tests: a component that
cannot be reached is "failing", never skipped — the cache swallows Redis errors for pages
(csops/cache.py), so its check is a round trip that only a working cache passes.

No login (a load balancer cannot log in), so the answer names components and states only; the
reasons go to the log.
"""

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app

log = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_cache() -> None:
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    got = cache.get(key)
    cache.delete(key)
    if got != value:
        raise RuntimeError("the cache did not keep a value for a moment (is Redis down?)")


def check_worker() -> None:
    replies = celery_app.control.ping(timeout=settings.CSOPS_HEALTH_WORKER_TIMEOUT)
    if not replies:
        raise RuntimeError(f"no Celery worker answered a ping in {settings.CSOPS_HEALTH_WORKER_TIMEOUT}s")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "worker": check_worker,
}


def run_checks(names) -> dict[str, str]:
    """{component: "ok" | "failing"} for each name, in the order given."""
    states = {}
    for name in names:
        try:
            CHECKS[name]()
        except Exception as exc:  # noqa: BLE001 - any failure of a component is that component failing
            log.warning("health: %s failing: %s: %s", name, type(exc).__name__, exc)
            states[name] = "failing"
        else:
            states[name] = "ok"
    return states


@never_cache
@require_GET
def health(request):
    only = [n.strip() for n in request.GET.get("only", "").split(",") if n.strip()]
    unknown = [n for n in only if n not in CHECKS]
    if unknown:
        return JsonResponse(
            {"error": f"unknown component(s): {', '.join(unknown)}", "known": list(CHECKS)}, status=400
        )
    states = run_checks(only or CHECKS)
    failing = [name for name, state in states.items() if state != "ok"]
    body = {"status": "failing" if failing else "ok", "components": states}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
