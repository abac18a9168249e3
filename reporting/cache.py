"""Dashboard caching that stays correct: entries are keyed by the data version.

Every write path moves the version — a request (middleware below) or a Celery task
(csops/celery.py) that wrote to the database, and the commands that load data — so a key written
before a change is never read after it. "Wrote" is read off the SQL itself (WriteWatch): a login, a
form sent back with errors or a task rerun that finds nothing to do leaves the caches alone.
Entries also carry the day (dashboards say "overdue" and "due this week") and expire after
CSOPS_DASHBOARD_CACHE_SECONDS (300 by default; 0 turns caching off), which bounds what the version
cannot see: an edit made by hand in `manage.py shell`.
"""

import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import timezone

from .models import DataVersion

log = logging.getLogger(__name__)

# Statements that change nothing a page shows: sessions, login bookkeeping, the version itself.
_READ_ONLY = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW|EXPLAIN)\b", re.I)
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?\s*(?:SET\s+"?(\w+)"?)?', re.I)
IGNORED_TABLES = frozenset(
    {
        "django_session",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
        "people_throttle",
        "reporting_dataversion",
        # derived artefacts and delivery bookkeeping: no page reads them as data
        "reporting_meetingpack",
        "people_outboxmessage",
        "people_formsubmission",  # create-once bookkeeping (people/submissions.py)
        "people_apitoken",  # an API token's last use (people/tokens.py): no page shows it as data
    }
)
IGNORED_UPDATES = frozenset({("auth_user", "last_login")})


def writes_data(sql: str) -> bool:
    """Whether a statement may change what a page shows (anything unrecognised counts as a write)."""
    if _READ_ONLY.match(sql):
        return False
    match = _WRITE.match(sql)
    if not match:
        return True
    table, first_column = match.group(1).lower(), (match.group(2) or "").lower()
    if table in IGNORED_TABLES:
        return False
    if (table, first_column) in IGNORED_UPDATES:  # only an UPDATE … SET has a first column
        return "," in sql.split(" WHERE ", 1)[0]  # last_login alone is not; with another column it is
    return True


class WriteWatch:
    """A database execute wrapper that remembers whether anything was written while it watched."""

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        if not self.wrote and writes_data(sql):
            self.wrote = True
        return execute(sql, params, many, context)

    def start(self):
        connection.execute_wrappers.append(self)
        return self

    def stop(self) -> bool:
        if self in connection.execute_wrappers:
            connection.execute_wrappers.remove(self)
        return self.wrote


def data_version(request=None) -> int:
    """The current version (read once per request when a request is given)."""
    if request is not None and hasattr(request, "_csops_data_version"):
        return request._csops_data_version
    version = DataVersion.objects.filter(pk=1).values_list("n", flat=True).first() or 0
    if request is not None:
        request._csops_data_version = version
    return version


def bump() -> None:
    """The data changed: every cached dashboard is now out of date."""
    try:
        if not DataVersion.objects.filter(pk=1).update(n=F("n") + 1):
            DataVersion.objects.get_or_create(pk=1, defaults={"n": 1})
    except DatabaseError:  # never let the cache break a write that has already happened
        log.exception("could not move the data version; dashboards may be stale for a few minutes")


def _key(request, name: str, *parts) -> str:
    """A cache key that no longer matches once the data changes or the day turns."""
    stamp = (data_version(request), timezone.localdate().isoformat())
    return ":".join(map(str, ("csops", name, *stamp, *parts)))


def cached(request, name: str, parts: tuple, compute):
    """compute() once per data version, day and `parts`; caching off → compute() every time.

    What is kept here is shared by everyone who asks with the same `parts`, so HTML holding a form's
    CSRF token (one person's) is computed but never kept.
    """
    seconds = settings.CSOPS_DASHBOARD_CACHE_SECONDS
    if not seconds:
        return compute()
    key = _key(request, name, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        if isinstance(value, str) and "csrfmiddlewaretoken" in value:
            log.warning("not caching %s: it holds a CSRF token", name)
            return value
        cache.set(key, value, seconds)
    return value


class DataVersionMiddleware:
    """After a request that wrote to the database (whatever its method), move the version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        watch = WriteWatch().start()
        try:
            response = self.get_response(request)
        finally:
            if watch.stop():
                bump()
        return response
