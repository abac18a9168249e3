"""make bench's own parts: the write load goes through the web as a person's browser would."""

import time

import pytest

from reporting.cache import kind_scope, user_scope, versions
from tools.bench.pages import browser_cookie, writer_action
from tools.bench.run import Writer, table

from .factories import ActionFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_writer_ticks_an_action_off_and_on_through_the_web(live_server, world):
    action = ActionFactory(client=world.client, owner=world.team_am)
    assert writer_action(world.team_am) == action
    scopes = [kind_scope("actions"), user_scope(world.team_am.pk)]
    before = versions(None, scopes)
    writes = Writer(
        live_server.url,
        {
            "path": f"/clients/{action.client_id}/actions/{action.pk}/toggle/",
            "cookie": browser_cookie(world.team_am),
        },
        every=0.05,
    )
    writes.start()
    deadline = time.monotonic() + 10
    while writes.writes < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    writes.stopped.set()
    writes.join()
    assert writes.failures == 0 and writes.writes >= 3  # CSRF and login as a browser has them
    action.refresh_from_db()
    assert action.status == ("done" if writes.writes % 2 else "open")
    after = versions(None, scopes)
    assert all(after[s] >= before[s] + writes.writes for s in scopes)  # each tick outdated what read it


def test_the_table_says_which_pages_meet_the_targets():
    report = {
        "clients": 2000,
        "connections": 16,
        "sessions_per_page": 16,
        "duration_s": 20,
        "machine": "2 CPU",
        "passes": {
            "cache on": [
                {
                    "page": "bare view",
                    "requests_per_s": 800,
                    "p50_ms": 20,
                    "p95_ms": 25,
                    "queries": 2,
                    "ratio_to_bare": 1.0,
                    "errors": 0,
                    "writes": 0,
                    "meets_targets": True,
                },
                {
                    "page": "weekly meet",
                    "requests_per_s": 40,
                    "p50_ms": 300,
                    "p95_ms": 400,
                    "queries": 20,
                    "ratio_to_bare": 0.05,
                    "errors": 3,
                    "writes": 2,
                    "meets_targets": False,
                },
            ]
        },
    }
    text = table(report)
    assert "| bare view | 800 | 20.0 | 25.0 | 2 | 1.00 | — | met |" in text
    assert "| weekly meet | 40 | 300.0 | 400.0 | 20 | 0.05 | 2 | missed (3 errors) |" in text
