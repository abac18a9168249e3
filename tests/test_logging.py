"""Logs a newcomer can read (issue 11, item 10): a 403 is one line, the development worker does
not print every email, and kombu's filesystem broker does not warn about a missing hostname."""

import io
import logging
from pathlib import Path

import pytest
from django.urls import reverse

from people.outbox import email_enqueue, outbox_deliver

from .test_settings import ROOT, run_manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the log's console handlers (ours, and any Django left behind) print, as text."""
    stream = io.StringIO()
    handlers = [
        h
        for name in ("", "django", "django.request", "django.server")
        for h in logging.getLogger(name).handlers
        if type(h) is logging.StreamHandler
    ]
    assert handlers, "the LOGGING setting's console handler is installed"
    old = [h.setStream(stream) for h in handlers]
    yield stream
    for handler, previous in zip(handlers, old, strict=True):
        handler.setStream(previous)


def test_a_refused_page_is_one_log_line_with_the_reason(world, login, console, settings):
    settings.DEBUG = True  # as under make run, where Django's own console handler also printed it
    assert login(world.team_am).get(reverse("reporting:portfolio")).status_code == 403
    lines = console.getvalue().splitlines()
    assert len(lines) == 1, console.getvalue()
    assert "WARNING django.request Forbidden (Permission denied): /reporting/portfolio/ (" in lines[0]


def test_runservers_line_for_a_refused_request_is_not_a_second_one(console):
    server = logging.getLogger("django.server")
    server.warning(
        '"%s" %s %s', "GET /reporting/portfolio/ HTTP/1.1", "403", "1234", extra={"status_code": 403}
    )
    server.info('"%s" %s %s', "GET /my-week/ HTTP/1.1", "200", "1234", extra={"status_code": 200})
    assert console.getvalue().count("\n") == 1 and '"GET /my-week/ HTTP/1.1" 200' in console.getvalue()


def test_a_server_error_keeps_its_traceback(console):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /x/", exc_info=True, extra={"status_code": 500}
        )
    assert "Traceback" in console.getvalue()


def test_the_development_worker_logs_each_email_in_one_line_and_files_it(settings, tmp_path, caplog):
    settings.EMAIL_BACKEND = "csops.mail.LoggedFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with caplog.at_level(logging.INFO):
        email_enqueue(
            subject="Call tomorrow: Northwind", body="Rapport, delivery…\n" * 40, to=["amy@example.com"]
        )
        outbox_deliver()
    logged = [r.getMessage() for r in caplog.records if r.name == "csops.mail"]
    assert len(logged) == 1 and logged[0].startswith("email 'Call tomorrow: Northwind' to amy@example.com")
    assert "Rapport" not in caplog.text
    (written,) = tmp_path.iterdir()
    assert "Rapport, delivery" in written.read_text()


def test_make_runs_worker_files_emails_under_var_and_the_web_keeps_the_console():
    procfile = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line)
    assert "EMAIL_URL=${EMAIL_URL:-filemail://}" in procfile["worker"]
    assert "EMAIL_URL" not in procfile["web"]
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    result = run_manage("shell", "-c", code, EMAIL_URL="filemail://", CSOPS_VAR_DIR="/tmp/csops-var")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["csops.mail.LoggedFileBackend", str(Path("/tmp/csops-var/mail"))]


def test_the_filesystem_broker_does_not_warn_about_a_hostname():
    code = "from csops.celery import app; app.connection_for_write().info(); print('ok')"
    result = run_manage("shell", "-c", code, CSOPS_VAR_DIR="/tmp/csops-var")
    assert result.returncode == 0 and result.stdout.split()[-1] == "ok", result.stderr
    assert "No hostname" not in result.stderr
