"""A worker killed mid-task loses nothing: the redelivered task finishes the job (real worker, Redis)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from people.models import Notification, OutboxMessage
from reporting.models import Occurrence

from ..factories import OccurrenceFactory
from .conftest import drop_broker_connections

VISIBILITY = 3  # seconds before Redis hands an unacknowledged task to another worker
ROOT = Path(settings.BASE_DIR)


def start_worker(redis_url, log_path, var_dir):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "REDIS_URL": redis_url,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CSOPS_VAR_DIR": str(var_dir),
        "EMAIL_URL": "consolemail://",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "csops", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-mingle", "--without-gossip", "--without-heartbeat", "-Q", "csops-kill-test"],
        cwd=ROOT, env=env, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_while_marking_missed_calls_loses_no_notice(world, redis_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share with the test")
    from csops.celery import app
    from reporting.tasks import occurrences_mark_missed as mark_missed_occurrences

    rows = [
        OccurrenceFactory(client=world.client, assignee=world.team_am, due_date=dt.date(2026, 10, 1 + n))
        for n in range(20)
    ]
    with connection.cursor() as cursor:  # each notice takes a while: the kill lands mid-task
        cursor.execute(
            "CREATE FUNCTION csops_test_slow() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(0.4); "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER csops_test_slow BEFORE INSERT ON people_notification "
            "FOR EACH ROW EXECUTE FUNCTION csops_test_slow()"
        )
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "broker_transport_options")}
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        broker_transport_options={"visibility_timeout": VISIBILITY},
    )
    drop_broker_connections()
    first = second = None
    try:
        first = start_worker(redis_url, tmp_path / "first.log", tmp_path / "var1")
        mark_missed_occurrences.apply_async(kwargs={"today": "2026-11-26"}, queue="csops-kill-test")
        wait_for(lambda: b"received" in (tmp_path / "first.log").read_bytes(), 60, "the first worker")
        time.sleep(2)  # inside the batch: a few notices inserted, nothing committed yet
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        assert Notification.objects.filter(key__endswith="-missed").count() < len(rows)

        time.sleep(VISIBILITY + 1)  # the unacknowledged task becomes visible again
        second = start_worker(redis_url, tmp_path / "second.log", tmp_path / "var2")
        wait_for(
            lambda: Notification.objects.filter(key__endswith="-missed").count() == len(rows),
            90,
            "the redelivered task to finish",
        )
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)
        app.conf.update(saved)
        drop_broker_connections()
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS csops_test_slow ON people_notification")
            cursor.execute("DROP FUNCTION IF EXISTS csops_test_slow()")
    assert set(Occurrence.objects.values_list("status", flat=True)) == {"missed"}
    assert OutboxMessage.objects.filter(dedupe_key__endswith="-missed").count() == len(rows)
