"""Dashboard caching stays correct: any write moves the data version (reporting/cache.py)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from reporting.cache import bump, data_version

from ..factories import CommsPlanFactory, FlagFactory
from ..helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def caching(settings):
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 300


def open_flags(c):
    """The portfolio's open-flag count, read from the page as a person sees it."""
    import re

    html = c.get(reverse("reporting:portfolio")).content.decode()
    return int(re.search(r'Open flags</div>\s*<div class="fs-4 fw-semibold">(\d+)</div>', html).group(1))


def test_a_cached_dashboard_is_read_once_per_data_version(world, login, caching):
    c = login(world.head)
    url = reverse("reporting:portfolio")
    first = count_queries(c, url)
    again = count_queries(c, url)
    assert again < first  # served from the cache: only the session, the user and the version
    bump()
    assert count_queries(c, url) == first


def test_a_write_through_the_web_shows_at_once(world, login, caching):
    c = login(world.head)
    assert open_flags(c) == 0
    response = c.post(
        reverse("clients:flag_create", args=[world.client.pk]),
        {
            "title": "Reports late",
            "description": "Third month running.",
            "source": "weekly_call",
            "severity": "major",
            "owner": world.team_am.pk,
        },
    )
    assert response.status_code == 302
    assert open_flags(c) == 1


def test_a_form_sent_back_with_errors_writes_nothing_and_keeps_the_caches(world, login, caching):
    c = login(world.head)
    assert open_flags(c) == 0
    before = data_version()
    response = c.post(reverse("clients:flag_create", args=[world.client.pk]), {"title": ""})
    assert response.status_code == 200 and b"This field is required" in response.content
    assert data_version() == before
    assert open_flags(c) == 0


def test_logging_in_and_out_keeps_the_caches(world, client, caching):
    before = data_version()
    response = client.post(reverse("login"), {"username": world.head.username, "password": "pw-for-tests-1"})
    assert response.status_code == 302
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": world.head.username, "password": "wrong"})
    assert data_version() == before


def test_reading_pages_moves_nothing(world, login, caching):
    c = login(world.head)
    before = data_version()
    for url in (reverse("reporting:portfolio"), reverse("clients:list"), reverse("my_week")):
        assert c.get(url).status_code == 200
    assert data_version() == before


def test_a_celery_task_moves_the_version_when_it_writes(world, caching):
    from reporting.tasks import occurrences_generate as generate_occurrences

    before = data_version()
    generate_occurrences.delay()  # no comms plan yet: nothing to create, nothing written
    assert data_version() == before
    CommsPlanFactory(client=world.client)
    generate_occurrences.delay()
    assert data_version() == before + 1


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "clients_client"."id" FROM "clients_client"', False),
        ('SAVEPOINT "s1"', False),
        ('INSERT INTO "clients_call" ("client_id") VALUES (%s)', True),
        ('UPDATE "clients_flag" SET "status" = %s WHERE "clients_flag"."id" = %s', True),
        ('DELETE FROM "clients_contact" WHERE "clients_contact"."id" IN (%s)', True),
        ('UPDATE "django_session" SET "session_data" = %s WHERE "session_key" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s', False),
        ('UPDATE "auth_user" SET "last_login" = %s, "first_name" = %s WHERE "auth_user"."id" = %s', True),
        ('UPDATE "auth_user" SET "first_name" = %s WHERE "auth_user"."id" = %s', True),
        ("WITH x AS (DELETE FROM clients_flag RETURNING id) SELECT count(*) FROM x", True),
        ("TRUNCATE clients_call", True),
    ],
)
def test_what_counts_as_a_write(sql, writes):
    from reporting.cache import writes_data

    assert writes_data(sql) is writes


def test_the_loading_commands_move_the_version(caching, db):
    before = data_version()
    call_command("run_beat_tasks", "--date", "2026-12-01", verbosity=0)
    assert data_version() == before + 1


def test_a_new_day_is_a_new_entry(world, login, caching):
    c = login(world.head)
    with time_machine.travel(datetime.datetime(2026, 11, 16, 9, tzinfo=datetime.UTC), tick=False):
        assert open_flags(c) == 0
        FlagFactory(client=world.client)  # written behind the app's back: no version move
        assert open_flags(c) == 0  # the day's entry still stands…
    with time_machine.travel(datetime.datetime(2026, 11, 17, 9, tzinfo=datetime.UTC), tick=False):
        assert open_flags(c) == 1  # …until the next day (or the five-minute expiry)


def test_the_meet_agenda_is_cached_per_permission(world, login, caching):
    from ..factories import MeetingFactory

    meeting = MeetingFactory(chair=world.head)
    FlagFactory(client=world.client, owner=world.team_am)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    assert b"Record action" in login(world.head).get(url).content
    assert b"Record action" not in login(world.team_am).get(url).content  # not the head's cached copy


def test_caching_off_computes_every_time(world, login, settings):
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 0
    c = login(world.head)
    url = reverse("reporting:portfolio")
    assert count_queries(c, url) == count_queries(c, url)


def test_a_shared_fragment_never_keeps_a_csrf_token(world, rf, caching):
    from reporting.cache import cached

    request = rf.get("/")
    calls = []

    def compute():
        calls.append(1)
        return '<form><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>'

    cached(request, "fragment", (), compute)
    cached(request, "fragment", (), compute)
    assert len(calls) == 2
