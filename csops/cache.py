"""A Redis cache whose failure is a cache miss: pages get slower, never down (PRODUCT.md §6).

Django's RedisCache raises redis' ConnectionError (or TimeoutError) into the view when Redis is
unreachable, so every page that reads the cache answered 500. This backend turns any Redis error
into what an empty cache would answer — get → the default, set → nothing kept, add → not added —
and logs the outage at most once a minute per process, not once per request. After a failure it
stops asking Redis for a few seconds, so a Redis that hangs rather than refuses costs one short
timeout every few seconds, not one per cache call. Sessions do not live here (they are in the
database), so an outage logs nobody out.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60
# After a failure Redis is not asked again for this long: every call in between is a miss at once.
PAUSE_SECONDS = 5
# Redis answers in a millisecond on a working network; a hung one must not hold a page for long.
SOCKET_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


class _Outage:
    """Per process and per Redis location: when Redis last failed and when that was last logged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failed_at = None
        self.logged_at = None

    def paused(self) -> bool:
        failed_at = self.failed_at
        return failed_at is not None and 0 <= time.time() - failed_at < PAUSE_SECONDS

    def failed(self, location: str, operation: str, error: Exception) -> None:
        now = time.time()
        with self.lock:
            self.failed_at = now
            if self.logged_at is not None and 0 <= now - self.logged_at < LOG_EVERY_SECONDS:
                return
            self.logged_at = now
        log.warning(
            "cache at %s unavailable (%s: %s): serving without it; logged at most once a minute",
            location,
            operation,
            error,
        )

    def succeeded(self, location: str) -> None:
        if self.failed_at is None:
            return
        with self.lock:
            was_logged, self.failed_at, self.logged_at = self.logged_at is not None, None, None
        if was_logged:
            log.warning("cache at %s is back", location)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _miss(answer):
    """Run the Redis call unless Redis is paused; on a Redis error answer `answer(*args)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            if self._outage.paused():
                return answer(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                self._outage.failed(self._location, method.__name__, error)
                return answer(*args, **kwargs)
            self._outage.succeeded(self._location)
            return result

        return wrapped

    return decorate


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _not_found(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` for every cache call; building one fills its table of response
    callbacks (some 165 entries), about 0.3 ms of CPU, so a page reading five fragments spent 1.5 ms
    on it. redis-py's client is safe to share between threads (its connections come from the pool,
    which also resets itself in a forked child), so one per pool is kept.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients.setdefault(
                index, self._client(connection_pool=self._get_connection_pool(write))
            )
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache where a Redis error is a miss (see the module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._options = {**SOCKET_TIMEOUTS, **self._options}
        self._location = ",".join(self._servers)
        self._outage = _outage_for(self._location)

    @_miss(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_miss(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_miss(_false)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_miss(_false)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_miss(_nothing)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_miss(lambda data, timeout=DEFAULT_TIMEOUT, version=None: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_miss(_false)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_miss(_false)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_miss(_nothing)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_miss(_not_found)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_miss(_false)
    def clear(self):
        return super().clear()
