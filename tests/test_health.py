"""Operations (issue 19, item 6): the health endpoint, JSON logs, ADMINS, and the backup round trip."""

import json
import logging

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from clients.models import Client
from csops import health
from csops.backup import BackupError, backup, restore
from csops.log_json import JsonFormatter

from .conftest import service_missing
from .factories import ClientFactory
from .test_celery_worker import redis_worker  # noqa: F401 - the fixture
from .test_settings import run_manage

URL = "/health/"


@pytest.fixture
def worker_answers(monkeypatch):
    monkeypatch.setattr(health.celery_app.control, "ping", lambda timeout: [{"celery@test": {"ok": "pong"}}])


def test_the_url_is_where_docker_compose_asks():
    assert reverse("health") == URL
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    assert "/health/?only=database,cache" in compose


@pytest.mark.django_db
def test_every_component_ok_is_200_without_a_login(client, worker_answers):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "components": {"database": "ok", "cache": "ok", "worker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_no_worker_answering_is_503_naming_it(client, settings):
    settings.CSOPS_HEALTH_WORKER_TIMEOUT = 0.2  # nothing consumes the test broker: nobody answers
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["worker"]
    assert body["components"] == {"database": "ok", "cache": "ok", "worker": "failing"}


@pytest.mark.django_db
def test_only_checks_the_components_asked_for(client, monkeypatch):
    monkeypatch.setattr(health.celery_app.control, "ping", lambda timeout: pytest.fail("worker was asked"))
    response = client.get(URL + "?only=database,cache")
    assert response.status_code == 200 and response.json()["components"] == {"database": "ok", "cache": "ok"}
    assert client.get(URL + "?only=database,disk").status_code == 400


@pytest.mark.django_db
def test_a_cache_that_swallows_errors_is_still_reported_failing(client, settings, worker_answers):
    # csops.cache.ResilientRedisCache turns a dead Redis into misses for pages; health must not be fooled
    settings.CACHES = {
        "default": {"BACKEND": "csops.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get(URL)
    assert response.status_code == 503 and response.json()["failing"] == ["cache"]


@pytest.mark.django_db
def test_a_database_error_is_503_and_the_reason_is_logged_not_shown(
    client, monkeypatch, worker_answers, caplog
):
    def broken():
        raise RuntimeError("connection refused on 5432")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    with caplog.at_level(logging.WARNING, logger="csops.health"):
        response = client.get(URL)
    assert response.status_code == 503 and response.json()["failing"] == ["database"]
    assert "5432" not in response.content.decode()
    assert "connection refused on 5432" in caplog.text


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_answers_the_ping(client, redis_worker):  # noqa: F811 - the fixture
    response = client.get(URL + "?only=worker")
    assert response.status_code == 200, response.json()


def test_json_log_lines_carry_the_message_the_level_and_extras():
    record = logging.LogRecord("csops.x", logging.WARNING, __file__, 1, "sent %s", ("it",), None)
    record.status_code = 403
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "sent it" and line["level"] == "WARNING" and line["logger"] == "csops.x"
    assert line["status_code"] == 403


def test_log_format_and_admins_come_from_the_environment():
    code = (
        "from django.conf import settings; import logging; "
        "print(settings.ADMINS); logging.getLogger('csops.t').warning('hello %s', 'json')"
    )
    result = run_manage(
        "shell", "-c", code, LOG_FORMAT="json", ADMINS="Ops Team <ops@example.com>, oncall@example.com"
    )
    assert result.returncode == 0, result.stderr
    assert "[('Ops Team', 'ops@example.com'), ('oncall@example.com', 'oncall@example.com')]" in result.stdout
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello json" and line["logger"] == "csops.t"


def test_sentry_starts_only_with_a_dsn():
    code = "import sentry_sdk; print(sentry_sdk.is_initialized())"
    assert run_manage("shell", "-c", code).stdout.splitlines()[-1] == "False"
    with_dsn = run_manage("shell", "-c", code, SENTRY_DSN="https://key@sentry.invalid/1")
    assert with_dsn.stdout.splitlines()[-1] == "True", with_dsn.stderr


# --- backup and restore ---------------------------------------------------------------------------


def _restore_database_name() -> str:
    # derived from the test database's name (test_<DATABASE_URL's name>), so two runs never collide
    return f"{connection.settings_dict['NAME']}_restore"


def _admin_connection():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_a_fresh_postgresql_database(tmp_path, settings):
    if connection.vendor != "postgresql":
        service_missing("the backup round trip runs on PostgreSQL (set DATABASE_URL)")
    ClientFactory(name="Northwind Outdoor", domain="northwind.example")
    ClientFactory(name="Harbour Bank", domain="harbour.example")
    (settings.MEDIA_ROOT / "contracts").mkdir(parents=True)
    (settings.MEDIA_ROOT / "contracts" / "signed.pdf").write_bytes(b"%PDF-1.4 signed")

    folder = backup(tmp_path / "backup")
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}

    name = _restore_database_name()
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        settings.MEDIA_ROOT = tmp_path / "restored-media"
        restore(folder, database_name=name)
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None, dbname=name
        ) as restored:
            names = [r[0] for r in restored.execute("SELECT name FROM clients_client ORDER BY name")]
            migrations = restored.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert (
            names
            == sorted(Client.objects.values_list("name", flat=True))
            == ["Harbour Bank", "Northwind Outdoor"]
        )
        assert migrations > 0
        assert (tmp_path / "restored-media" / "contracts" / "signed.pdf").read_bytes() == b"%PDF-1.4 signed"
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(BackupError, match="manifest.json"):
        restore(tmp_path)


@pytest.mark.django_db
def test_restore_command_asks_before_replacing(tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="not restored"):
        call_command("restore", str(tmp_path))
