"""Shared fixtures: the personas of every view test, and the services CI requires.

With CSOPS_REQUIRE_SERVICES=1 (CI) a missing PostgreSQL, Redis or Chromium fails the run;
without it (a laptop) the tests that need them skip with the reason.
"""

import os
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings

from people.models import Role

from .factories import ClientFactory, MembershipFactory, UserFactory, staff

REQUIRE_SERVICES = os.environ.get("CSOPS_REQUIRE_SERVICES") == "1"

# The suite mounts /bench/bare/ as `make bench`'s server does (CSOPS_BENCH=1), so the URL × role
# matrix covers it; csops/urls.py reads the setting when it is first imported, after this line.
settings.CSOPS_BENCH = True


def pytest_configure(config):
    # Playwright's sync API leaves an event loop on the main thread for the rest of the session; the
    # ORM calls tests make are still synchronous and safe. (The deploy check runs without this.)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if REQUIRE_SERVICES and "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        raise pytest.UsageError(
            "CSOPS_REQUIRE_SERVICES=1 but DATABASE_URL does not point at PostgreSQL "
            f"(engine {settings.DATABASES['default']['ENGINE']})"
        )


def service_missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing (CSOPS_REQUIRE_SERVICES=1): {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, request, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads never land in the working tree
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Dashboards compute every time unless a test is about their cache (tests/reporting/test_cache.py);
    # a per-process memory cache, emptied per test, keeps tests apart and off CI's Redis.
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run in-process unless a test asks for a real worker.
    from csops.celery import app

    eager = request.node.get_closest_marker("real_worker") is None
    app.conf.task_always_eager = eager
    app.conf.task_eager_propagates = eager


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        service_missing(f"Redis not reachable at {url}: {exc}")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CSOPS_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.exists(path) or shutil.which(path)):
        service_missing(f"Chromium not found at {path} (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@dataclass
class World:
    """One client and the people around it: the personas every view test covers."""

    client: object
    other_client: object
    team_am: object  # lead AM on `client`
    other_am: object  # AM on another client's team only
    head: object
    sponsor: object  # exec sponsor of `client`
    other_sponsor: object  # exec sponsor of `other_client` only
    admin: object
    norole: object  # logged in, no role

    def persona(self, name):
        return None if name == "anon" else getattr(self, name)


@pytest.fixture
def world(db):
    team_am = staff(Role.ACCOUNT_MANAGER, username="team_am", first_name="Amy", last_name="Mills")
    other_am = staff(Role.ACCOUNT_MANAGER, username="other_am", first_name="Tom", last_name="Baker")
    head = staff(Role.HEAD_OF_CS, username="head", first_name="Hannah", last_name="Hughes")
    sponsor = staff(Role.EXEC_SPONSOR, username="sponsor", first_name="Keith", last_name="Richards")
    other_sponsor = staff(Role.EXEC_SPONSOR, username="other_sponsor")
    admin = staff(Role.ADMIN, username="admin", is_staff=True)
    norole = UserFactory(username="norole")
    client = ClientFactory(name="Northwind Outdoor", domain="northwind.example", exec_sponsor=sponsor)
    other_client = ClientFactory(name="Harbour Bank", domain="harbour.example", exec_sponsor=other_sponsor)
    MembershipFactory(client=client, user=team_am, is_lead=True)
    MembershipFactory(client=other_client, user=other_am, is_lead=True)
    return World(client, other_client, team_am, other_am, head, sponsor, other_sponsor, admin, norole)


PERSONAS = ["anon", "norole", "team_am", "other_am", "head", "sponsor", "other_sponsor", "admin"]


@pytest.fixture
def login(client):
    """login(user) → the test client logged in as that user (None stays anonymous)."""

    def _login(user):
        if user is not None:
            client.force_login(user)
        return client

    return _login
