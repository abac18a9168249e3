"""A cache outage makes pages slower, never down (PRODUCT.md §6, issue 10 item 4)."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from csops import cache as resilient

from ..factories import MeetingFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails with a ConnectionError.
CLOSED = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "csops.cache.ResilientRedisCache", "LOCATION": CLOSED, "KEY_PREFIX": "csops"}
    }
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 300
    resilient._outages.clear()  # each test starts before any outage was seen


def key_pages(world):
    meeting = MeetingFactory(chair=world.head)
    return [
        reverse("my_week"),
        reverse("clients:list"),
        reverse("clients:detail", args=[world.client.pk]),
        reverse("reporting:portfolio"),
        reverse("reporting:meeting_detail", args=[meeting.pk]),
        reverse("reporting:nps"),
    ]


def test_every_key_page_answers_with_the_cache_down(world, login, cache_down):
    c = login(world.head)
    for url in key_pages(world):
        response = c.get(url)
        assert response.status_code == 200, url


def test_an_am_s_week_answers_with_the_cache_down(world, login, cache_down):
    c = login(world.team_am)
    assert c.get(reverse("my_week")).status_code == 200


def test_a_write_answers_with_the_cache_down(world, login, cache_down):
    response = login(world.head).post(
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


def test_the_outage_is_logged_once_a_minute_not_per_request(world, login, cache_down, caplog, time_machine):
    time_machine.move_to("2026-11-16 09:00:00+00:00", tick=False)
    c = login(world.head)
    with caplog.at_level(logging.WARNING, logger="csops.cache"):
        for _ in range(3):
            assert c.get(reverse("reporting:portfolio")).status_code == 200
        assert len([r for r in caplog.records if r.name == "csops.cache"]) == 1
        time_machine.move_to("2026-11-16 09:01:01+00:00", tick=False)
        assert c.get(reverse("reporting:portfolio")).status_code == 200
        assert len([r for r in caplog.records if r.name == "csops.cache"]) == 2


def test_a_failing_cache_reads_as_a_miss_and_writes_as_nothing(cache_down):
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.get_many(["k", "l"]) == {}
    assert cache.set_many({"k": 1}) == ["k"]
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    cache.delete_many(["k"])
    cache.clear()
    assert cache.touch("k") is False
    assert cache.get_or_set("k", 5) == 5


def test_sessions_do_not_live_in_the_cache(settings):
    # a cache outage must not log everyone out: sessions are in the database
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_a_working_redis_is_used_as_usual(settings, redis_url):
    settings.CACHES = {"default": {"BACKEND": "csops.cache.ResilientRedisCache", "LOCATION": redis_url}}
    resilient._outages.clear()
    cache.set("csops-test-key", {"a": 1}, 30)
    assert cache.get("csops-test-key") == {"a": 1}
    assert cache.delete("csops-test-key") is True


def test_one_redis_client_serves_every_call_of_a_process(settings, redis_url):
    # Django's client builds a redis.Redis per call (~0.3 ms of CPU); ours keeps one per pool
    settings.CACHES = {"default": {"BACKEND": "csops.cache.ResilientRedisCache", "LOCATION": redis_url}}
    resilient._outages.clear()
    client = cache._cache
    assert isinstance(client, resilient.SharedClientRedisCacheClient)
    first = client.get_client(write=True)
    cache.set("csops-test-shared", 1, 30)
    assert cache.get("csops-test-shared") == 1
    assert client.get_client(write=True) is first
    assert client.get_client() is client.get_client()
    cache.delete("csops-test-shared")


def test_the_shared_client_still_reads_an_outage_as_a_miss(cache_down):
    assert cache.get("k", "fallback") == "fallback"
    shared = cache._cache.get_client()
    assert cache.get("k") is None  # the same client, failing again, still a miss
    assert cache._cache.get_client() is shared
