"""Tasks through a real Celery worker and a real Redis broker (CI requires both)."""

import threading
from datetime import timedelta

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from csops.celery import app
from people.models import OutboxMessage
from people.outbox import BACKOFF_BASE_SECONDS, MAX_ATTEMPTS, email_enqueue
from people.tasks import clear_expired_sessions
from people.tasks import outbox_deliver as deliver_outbox


@pytest.fixture
def redis_worker(redis_url):
    """A worker thread consuming from Redis, with the app pointed at the same Redis for results."""
    saved = {
        k: app.conf[k]
        for k in ("broker_url", "result_backend", "broker_transport_options", "task_ignore_result")
    }
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_ignore_result=False,
        broker_transport_options={"visibility_timeout": 3600},
    )
    _drop_connections()
    with start_worker(
        app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10
    ):
        yield
    app.conf.update(saved)
    _drop_connections()


def _drop_connections():
    # Connections, producer pools and the result backend are built from the config on first use and
    # cached (kombu keeps a process-wide registry): clear them all so the next use reads the new config.
    kombu.pools.reset()
    app._after_fork()
    app._backend_cache = None
    app._local = threading.local()


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_sends_the_outbox_email_taken_from_redis(redis_worker, mailoutbox):
    email_enqueue(subject="Weekly meet", body="Agenda attached.", to=["head@agency.example"])
    # the commit already asked the worker to deliver; asking again finds nothing left to send
    result = deliver_outbox.apply_async(ignore_result=False)  # production keeps no results without Redis
    result.get(timeout=30)
    assert [(m.subject, m.to) for m in mailoutbox] == [("Weekly meet", ["head@agency.example"])]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_runs_a_database_task_and_running_it_again_changes_nothing(redis_worker):
    from reporting.cache import meet_version as data_version

    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(days=1))
    version = data_version()
    assert clear_expired_sessions.apply_async(ignore_result=False).get(timeout=30) == 1
    assert clear_expired_sessions.apply_async(ignore_result=False).get(timeout=30) == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert data_version() == version  # sessions are nothing a page shows: the caches stand


def test_tasks_are_acked_late_and_bounded_in_time():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.worker_prefetch_multiplier == 1


def test_outbox_retries_with_backoff_when_smtp_is_down():
    assert BACKOFF_BASE_SECONDS >= 30 and MAX_ATTEMPTS >= 5


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_generates_occurrences_from_redis_and_a_second_run_adds_none(redis_worker):
    from reporting.models import Occurrence
    from reporting.services.plans import comms_plan_create
    from reporting.tasks import occurrences_generate as generate_occurrences
    from tests.factories import ClientFactory, ReportingBandFactory

    # Transactional tests flush the database, data-migration rows included: bring the band this needs.
    ReportingBandFactory(min_amount=1501, max_amount=3000, report_cadence="monthly", call_cadence="weekly")
    from reporting.cache import kind_scope, versions

    def data_version():
        return versions(None, [kind_scope("occurrences")])[kind_scope("occurrences")]

    comms_plan_create(client=ClientFactory())  # £2,000/month: weekly calls, monthly reports
    version = data_version()
    first = generate_occurrences.apply_async(kwargs={"today": "2026-11-23"}, ignore_result=False)
    second = generate_occurrences.apply_async(kwargs={"today": "2026-11-23"}, ignore_result=False)
    assert (first.get(timeout=30)["done"], second.get(timeout=30)["done"]) == (5, 0)
    assert Occurrence.objects.count() == 5
    assert data_version() > version  # the worker's writes outdated the cached pages
