import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x9!f3kL0-prod-secret-for-the-check-only-7b2c1e0d9a8f6e5d4c3b2a1f0e9d8c7b",
    "ALLOWED_HOSTS": "csops.example.com",
    "SITE_URL": "https://csops.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/csops",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", **env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_site_url():
    env = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = run_manage("check", **env)
    assert result.returncode != 0 and "SITE_URL" in result.stderr


def site_url(**env):
    env = {"SITE_URL": "", "PORT": "", **env}  # not whatever the calling shell has set
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.SITE_URL)", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


def test_in_development_site_url_follows_the_port_served():
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8001") == "http://127.0.0.1:8001"
    assert site_url(PORT="8001", SITE_URL="http://cs.local:9000/") == "http://cs.local:9000"


def test_make_run_passes_its_port_to_every_process_as_site_url():
    # honcho gives each process its own PORT (the worker's is PORT+100), so make run passes SITE_URL
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8001"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if "run_beat_tasks" in line or "honcho" in line]
    assert len(commands) == 2
    assert all("SITE_URL=http://127.0.0.1:8001 " in line for line in commands)


def test_a_site_url_without_a_scheme_fails_loudly():
    result = run_manage("check", SITE_URL="csops.example.com")
    assert result.returncode != 0 and "must start with http:// or https://" in result.stderr


def test_a_misspelt_boolean_fails_loudly():
    result = run_manage("check", DEBUG="flase")
    assert result.returncode != 0 and "DEBUG='flase' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    "env, engine, broker",
    [
        ({}, "sqlite3", "filesystem://localhost/"),
        (
            {"DATABASE_URL": "postgres://u@db:5432/csops", "REDIS_URL": "redis://cache:6379/0"},
            "postgresql",
            "redis://cache:6379/0",
        ),
    ],
)
def test_the_embedded_default_and_the_services(env, engine, broker):
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ACKS_LATE)"
    )
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [f"django.db.backends.{engine}", broker, "True"]


def test_with_redis_the_cache_is_the_one_whose_outage_is_a_miss():
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)"
    result = run_manage("shell", "-c", code, REDIS_URL="redis://cache:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == [
        "csops.cache.ResilientRedisCache",
        "django.contrib.sessions.backends.db",  # sessions never depend on the cache
    ]


@pytest.mark.parametrize(
    "env, count",
    [
        ({}, "0"),  # development: no proxy, X-Forwarded-For ignored
        (PRODUCTION, "1"),  # production behind the documented TLS proxy
        ({**PRODUCTION, "TRUSTED_PROXY_COUNT": "2"}, "2"),
        ({**PRODUCTION, "BEHIND_TLS_PROXY": "0"}, "0"),  # served directly: the header is anyone's
    ],
)
def test_the_client_address_is_read_from_the_proxy_only_behind_one(env, count):
    code = "from django.conf import settings as s; print(s.TRUSTED_PROXY_COUNT)"
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == count


BENCH_URL = "from django.urls import reverse; print(reverse('bench_bare'))"


def test_the_bench_view_is_mounted_only_for_the_benchmark():
    off = run_manage("shell", "--no-imports", "-c", BENCH_URL, CSOPS_BENCH="0")
    assert off.returncode != 0 and "NoReverseMatch" in off.stderr
    on = run_manage("shell", "--no-imports", "-c", BENCH_URL, CSOPS_BENCH="1")
    assert on.returncode == 0 and on.stdout.strip() == "/bench/bare/", on.stderr
