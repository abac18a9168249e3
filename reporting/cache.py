"""Shared fragments under scoped versions: a write outdates what it touched, nothing else.

Every scope is a counter (reporting.models.CacheVersion): `client:<id>`, `user:<id>` and one per
kind of record, `kind:<kind>` (KINDS). A write moves the counters of what it touched, in its own
transaction (rolled back with it): reporting/versions.py. A fragment names the scopes it
reads; its key carries their counters and the day, so a write outdates only the fragments that read
what it wrote. Ticking an action on client A moves `client:A`, `user:<owner>` and `kind:actions`:
A's fragments and the owner's my week, not the meet's renewals or the portfolio.

Caching off (CSOPS_DASHBOARD_CACHE_SECONDS=0) → `cached()` computes every time. docs/caching.md.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from csops.statements import Compiled

from .models import CacheVersion
from .versions import KINDS, client_scope, kind_scope, scopes_of, user_scope, versions_bump

__all__ = ["KINDS", "cached", "client_scope", "csrf_context", "kind_scope", "scopes_of", "user_scope"]
__all__ += [
    "cached_many",
    "digest",
    "look_up_ahead",
    "lazy",
    "versions",
    "versions_ahead",
    "versions_bump",
    "meet_version",
]

log = logging.getLogger(__name__)

# read on every cached page: its SQL compiled once per process for each number of scopes
_VERSIONS = Compiled(lambda scopes: CacheVersion.objects.filter(scope__in=scopes).values_list("scope", "n"))

# Fragments wait this long for another request computing the same entry before computing it too.
WAIT_SECONDS = 1.0
LOCK_SECONDS = 10
# A shared entry is never kept with one browser's token: the token is put back per request.
CSRF_MARK = "csops-csrf-token-placeholder"


def versions(request, scopes: list[str]) -> dict:
    """The counters of `scopes` (0 for one never moved), read once per request in one query."""
    seen = getattr(request, "_csops_versions", None) if request is not None else None
    if seen is None:
        seen = {}
        if request is not None:
            request._csops_versions = seen
    missing = [s for s in scopes if s not in seen]
    if missing:
        found = dict(_VERSIONS.rows(missing))
        seen.update({s: found.get(s, 0) for s in missing})
    return {s: seen[s] for s in scopes}


def versions_ahead(request, scopes: list[str]) -> None:
    """Read the counters of every region a page will look up, in one query, before the first lookup
    (a page whose regions read different scopes would read them region by region). Caching off:
    nothing is read."""
    if settings.CSOPS_DASHBOARD_CACHE_SECONDS:
        versions(request, scopes)


def meet_version() -> int:
    """One number that moves whenever anything the weekly meet's pack reads moves (packs.py)."""
    return sum(versions(None, scopes_of(kinds=KINDS)).values())


def digest(counters: dict) -> str:
    """A short digest of {scope: counter}: what a key or a stored figure carries of what it read."""
    return hashlib.blake2b(
        ",".join(f"{s}={n}" for s, n in counters.items()).encode(), digest_size=12
    ).hexdigest()


def _key(request, name: str, scopes: list[str], parts) -> str:
    stamp = digest(versions(request, scopes))
    return ":".join(map(str, ("csops", name, stamp, timezone.localdate().isoformat(), *parts)))


def _compute_once(key: str, compute, seconds: int):
    """compute() and keep it; if another request is computing this entry, wait for it briefly."""
    lock = f"{key}:lock"
    if not cache.add(lock, 1, LOCK_SECONDS):
        if cache.get(lock) is not None:  # someone else is on it (no lock: the cache is down)
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(0.02)
                value = cache.get(key)
                if value is not None:
                    return value
        return compute()
    try:
        value = compute()
        cache.set(key, value, seconds)
        return value
    finally:
        cache.delete(lock)


def cached(request, name: str, parts: tuple, compute, *, scopes: list[str]):
    """compute() once per version of `scopes`, day and `parts`; caching off → compute() every time.

    `scopes` are what the fragment reads (scopes_of()); `parts` everything else its HTML depends on
    (the viewer's permissions, the page asked for). Shared by everyone who asks with the same parts.
    A fragment rendered with `csrf_context(request)` holds a placeholder, not a token: each request
    gets its own token put back.
    """
    seconds = settings.CSOPS_DASHBOARD_CACHE_SECONDS
    if not seconds:
        value = compute()
    else:
        key = _key(request, name, scopes, parts)
        looked_up = getattr(request, "_csops_looked_up", None) or {}
        value = looked_up.pop(key) if key in looked_up else cache.get(key)
        if value is None:
            value = _compute_once(key, compute, seconds)
    if request is not None and isinstance(value, str) and CSRF_MARK in value:
        value = value.replace(CSRF_MARK, get_token(request))
    return value


def look_up_ahead(request, names: list[str], parts: tuple, scopes: list[str]) -> None:
    """Read the entries of several cached() regions of one page in one round trip, before the first
    is rendered: each cached() asked for one of these keys then takes what was found (None: a miss,
    computed as usual) instead of asking the cache itself. Once per request (it marks the request
    looked up); caching off, or no request: nothing is read."""
    if request is None:
        return
    request._csops_looked_up = {}
    if not settings.CSOPS_DASHBOARD_CACHE_SECONDS:
        return
    keys = [_key(request, name, scopes, parts) for name in names]
    found = cache.get_many(keys)
    request._csops_looked_up = {key: found.get(key) for key in keys}


def cached_many(request, fragments: list[tuple[str, tuple, object, list[str]]]) -> list:
    """cached() of several fragments of one page, `(name, parts, compute, scopes)` each, read from
    the cache in one round trip (their counters in one query); a missing one is computed as cached()
    computes it."""
    seconds = settings.CSOPS_DASHBOARD_CACHE_SECONDS
    if not seconds:
        values = [compute() for _, _, compute, _ in fragments]
    else:
        versions(request, sorted({scope for *_, scopes in fragments for scope in scopes}))
        keys = [_key(request, name, scopes, parts) for name, parts, _, scopes in fragments]
        found = cache.get_many(keys)
        values = [
            found[key] if found.get(key) is not None else _compute_once(key, compute, seconds)
            for key, (_, _, compute, _) in zip(keys, fragments, strict=True)
        ]
    if request is not None:
        values = [
            v.replace(CSRF_MARK, get_token(request)) if isinstance(v, str) and CSRF_MARK in v else v
            for v in values
        ]
    return values


def lazy(compute):
    """A value computed only if a template reads it: what only a cached region shows, on a hit never."""
    return SimpleLazyObject(compute)


def csrf_context() -> dict:
    """Context for a shared fragment holding POST forms: `{% csrf_token %}` renders a placeholder."""
    return {"csrf_token": CSRF_MARK}
