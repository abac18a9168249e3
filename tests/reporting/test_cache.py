"""Caches a write only dents: fragments keyed by scoped versions moved by the writes (reporting/cache.py)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients.models import Flag
from reporting.cache import cached, kind_scope, user_scope, versions, versions_bump
from reporting.versions import EVERYTHING, KINDS, scopes_of

from ..factories import ActionFactory, CallFactory, CommsPlanFactory, FlagFactory, MeetingFactory
from ..helpers import count_queries

pytestmark = pytest.mark.django_db


def version(scope):
    return versions(None, [scope])[scope]


def every_version():
    return versions(None, scopes_of(kinds=KINDS))


@pytest.fixture
def caching(settings):
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 300


def open_flags(c):
    """The portfolio's open-flag count, read from the page as a person sees it."""
    import re

    html = c.get(reverse("reporting:portfolio")).content.decode()
    return int(re.search(r'Open flags</div>\s*<div class="fs-4 fw-semibold">(\d+)</div>', html).group(1))


def test_a_cached_dashboard_is_read_once_per_version(world, login, caching):
    c = login(world.head)
    url = reverse("reporting:portfolio")
    first = count_queries(c, url)
    again = count_queries(c, url)
    assert again < first  # served from the cache: only the session, the user and the versions
    versions_bump(kinds=["flags"])  # the portfolio reads flags
    # computed again, less the NPS figures: stored on the first request, they read no flags
    assert again < count_queries(c, url) < first
    versions_bump(kinds=["nps"])  # and the NPS figures are computed again too
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
    before = every_version()
    response = c.post(reverse("clients:flag_create", args=[world.client.pk]), {"title": ""})
    assert response.status_code == 200 and b"This field is required" in response.content
    assert every_version() == before
    assert open_flags(c) == 0


def test_logging_in_and_out_keeps_the_caches(world, client, caching):
    before = every_version(), version(user_scope(world.head.pk))
    response = client.post(reverse("login"), {"username": world.head.username, "password": "pw-for-tests-1"})
    assert response.status_code == 302
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": world.head.username, "password": "wrong"})
    assert (every_version(), version(user_scope(world.head.pk))) == before


def test_reading_pages_moves_nothing(world, login, caching):
    c = login(world.head)
    before = every_version()
    for url in (reverse("reporting:portfolio"), reverse("clients:list"), reverse("my_week")):
        assert c.get(url).status_code == 200
    assert every_version() == before


def test_a_beat_task_moves_what_it_wrote_and_a_rerun_moves_nothing(world, caching):
    from reporting.tasks import occurrences_generate as generate_occurrences

    before = every_version()
    generate_occurrences.delay()  # no comms plan yet: nothing to create, nothing written
    assert every_version() == before
    CommsPlanFactory(client=world.client)
    plan_made = every_version()
    generate_occurrences.delay()
    assert version(kind_scope("occurrences")) > plan_made[kind_scope("occurrences")]
    assert version(kind_scope("nps")) == plan_made[kind_scope("nps")]
    moved = every_version()
    generate_occurrences.delay()  # nothing left to do
    assert every_version() == moved


def test_the_loading_commands_move_every_fragment(caching, db):
    before = version(EVERYTHING)
    call_command("seed_scale", "--clients", "10", "--tag", "vers", verbosity=0)
    assert version(EVERYTHING) == before + 1


def test_a_new_day_is_a_new_entry(world, login, caching):
    c = login(world.head)
    with time_machine.travel(datetime.datetime(2026, 11, 16, 9, tzinfo=datetime.UTC), tick=False):
        assert open_flags(c) == 0
        Flag.objects.bulk_create(
            [FlagFactory.build(client=world.client, owner=world.team_am, raised_by=world.head)]
        )
        # written behind the app's back (bulk, no service): no version moved
        assert open_flags(c) == 0  # the day's entry still stands…
    with time_machine.travel(datetime.datetime(2026, 11, 17, 9, tzinfo=datetime.UTC), tick=False):
        assert open_flags(c) == 1  # …until the next day (or the five-minute expiry)


def test_the_meet_agenda_is_cached_per_permission(world, login, caching):

    meeting = MeetingFactory(chair=world.head)
    FlagFactory(client=world.client, owner=world.team_am)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    assert b"Record action" in login(world.head).get(url).content
    assert b"Record action" not in login(world.team_am).get(url).content  # not the head's cached copy


def test_ticking_an_action_recomputes_the_meets_items_1_and_2_and_leaves_its_renewals(world, login, caching):
    from commercial.models import Contract

    from ..factories import ContractFactory

    today = timezone.localdate()
    last = MeetingFactory(chair=world.head, held_on=today - datetime.timedelta(days=7))
    meeting = MeetingFactory(chair=world.head, held_on=today)
    action = ActionFactory(client=world.client, owner=world.team_am, meeting=last, description="Old words")
    ContractFactory(client=world.client, title="Retainer", end_date=today + datetime.timedelta(days=30))
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    assert "Old words" in c.get(url).content.decode()
    Contract.objects.update(title="Renamed behind the cache's back")  # a bulk write: no counter moves
    action.description = "New words"
    action.save()  # moves kind:actions, the client's and the owner's counters
    html = c.get(url).content.decode()
    assert "New words" in html and "Old words" not in html  # item 1 read again
    assert "Retainer" in html and "Renamed" not in html  # item 3 still its entry: it reads no actions


def test_caching_off_computes_every_time(world, login, settings):
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 0
    c = login(world.head)
    url = reverse("reporting:portfolio")
    c.get(url)  # stores the NPS figures (kept in the database, not the cache: docs/caching.md)
    assert count_queries(c, url) == count_queries(c, url)


def test_a_shared_fragment_keeps_a_placeholder_and_each_request_gets_its_own_token(world, rf, caching):
    from reporting.cache import csrf_context

    calls = []

    def compute():
        calls.append(1)
        return '<form><input name="csrfmiddlewaretoken" value="{}"></form>'.format(
            csrf_context()["csrf_token"]
        )

    one, two = rf.get("/"), rf.get("/")
    first = cached(one, "fragment", (), compute, scopes=scopes_of())
    second = cached(two, "fragment", (), compute, scopes=scopes_of())
    assert len(calls) == 1  # one computation, shared
    assert csrf_context()["csrf_token"] not in first + second and first != second
    assert one.META["CSRF_COOKIE"] != two.META["CSRF_COOKIE"]  # each browser's own secret, put back


def portfolio_queries(c):
    return count_queries(c, reverse("reporting:portfolio"))


def test_ticking_an_action_on_a_outdates_a_and_its_owner_and_leaves_b_and_the_portfolio(
    world, login, caching
):
    """A write dents the caches: what read client A recomputes with the new data, the rest is served."""
    a, b = world.client, world.other_client
    action = ActionFactory(client=a, owner=world.team_am, description="Send the media plan")
    CallFactory(client=b, author=world.other_am)
    head = login(world.head)
    head.get(reverse("reporting:portfolio"))
    cached_portfolio = portfolio_queries(head)
    computed = []

    def fragment(client):
        """A fragment that reads one client, as the timeline does (its counter and the people's)."""

        def compute():
            computed.append(client.pk)
            return f"{client.pk}:" + ",".join(sorted(client.actions.values_list("status", flat=True)))

        return cached(
            RequestFactory().get("/"),
            "test-client",
            (client.pk,),
            compute,
            scopes=scopes_of(client_ids=[client.pk], kinds=["people"]),
        )

    assert fragment(a) == f"{a.pk}:open" and fragment(b) == f"{b.pk}:"
    assert fragment(a) and fragment(b) and computed == [a.pk, b.pk]  # both kept
    owner_week = version(user_scope(world.team_am.pk))
    other_week = version(user_scope(world.other_am.pk))
    renewals = version(kind_scope("contracts"))
    nps = version(kind_scope("nps"))

    am = Client()
    am.force_login(world.team_am)
    response = am.post(reverse("clients:action_toggle", args=[a.pk, action.pk]), {"done": "1"})
    assert response.status_code in (200, 302)

    assert fragment(a) == f"{a.pk}:done"  # recomputed: a stale "open" would fail here
    assert fragment(b) == f"{b.pk}:"
    assert computed == [a.pk, b.pk, a.pk]  # B's entry still in place
    assert version(user_scope(world.team_am.pk)) > owner_week  # the owner's my week is outdated
    assert version(user_scope(world.other_am.pk)) == other_week
    assert version(kind_scope("contracts")) == renewals and version(kind_scope("nps")) == nps
    assert portfolio_queries(head) == cached_portfolio  # the portfolio's entry still served


def test_raising_a_flag_outdates_the_portfolio_at_once(world, login, caching):
    c = login(world.head)
    assert open_flags(c) == 0
    FlagFactory(client=world.client, owner=world.team_am)  # a save through the ORM: its counters move
    assert open_flags(c) == 1


def test_the_meet_s_renewals_are_kept_apart_from_the_rest_of_its_agenda(world, login, caching):
    """A flag raised outdates the agenda, not item 3; a contract's change outdates item 3 alone."""
    from django.test.utils import CaptureQueriesContext

    from ..factories import ContractFactory

    contract = ContractFactory(client=world.client, title="Retainer 2026")
    meeting = MeetingFactory(chair=world.head, held_on=timezone.localdate())
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    c = login(world.head)
    assert "Retainer 2026" in c.get(url).content.decode()

    def contract_reads(client):
        from django.db import connection

        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        return html, sum("commercial_contract" in q["sql"] for q in ctx.captured_queries)

    html, reads = contract_reads(c)
    assert reads == 0  # both fragments served
    FlagFactory(client=world.client, owner=world.team_am, title="Budget cut")
    html, reads = contract_reads(c)
    assert "Budget cut" in html and reads == 0  # the agenda recomputed, item 3 still served
    contract.title = "Retainer 2027"
    contract.save()
    html, reads = contract_reads(c)
    assert "Retainer 2027" in html and "Retainer 2026" not in html and reads > 0


def test_ticking_an_action_on_my_week_outdates_that_week_and_leaves_another_am_s_and_the_nps_page(
    world, login, caching
):
    """My week is the person's own: their write shows at once on it (a stale row would fail here);
    another AM's week and the NPS page stay served from the cache."""
    action = ActionFactory(
        client=world.client,
        owner=world.team_am,
        description="Send the media plan",
        due_date=timezone.localdate(),
    )
    ActionFactory(client=world.other_client, owner=world.other_am, description="Call the bank")
    mine, theirs, head = login(world.team_am), Client(), Client()
    theirs.force_login(world.other_am)
    head.force_login(world.head)
    week, nps_url = reverse("my_week"), reverse("reporting:nps")
    row = f'id="action-{action.pk}"'
    assert row in mine.get(week).content.decode()
    theirs.get(week), head.get(nps_url)
    theirs_cached, nps_cached = count_queries(theirs, week), count_queries(head, nps_url)

    mine.post(reverse("clients:action_toggle", args=[world.client.pk, action.pk]), {"done": "1"})

    assert row not in mine.get(week).content.decode()  # done: off this week's list
    assert count_queries(theirs, week) == theirs_cached  # still served
    assert count_queries(head, nps_url) == nps_cached


def test_a_flag_on_one_of_my_clients_shows_on_my_week_at_once(world, login, caching):
    c = login(world.team_am)
    assert "Budget cut" not in c.get(reverse("my_week")).content.decode()
    FlagFactory(client=world.client, owner=world.head, title="Budget cut")
    assert "Budget cut" in c.get(reverse("my_week")).content.decode()


def test_a_check_in_recorded_outdates_the_nps_page_and_leaves_my_week(world, login, caching):
    from reporting.nps import quarters_back

    from ..factories import NpsCheckInFactory

    head, am = login(world.head), Client()
    am.force_login(world.team_am)
    url = reverse("reporting:nps")
    assert 'data-testid="nps-value">—<' in head.get(url).content.decode()
    am.get(reverse("my_week"))
    week_cached = count_queries(am, reverse("my_week"))
    this_q = quarters_back(timezone.localdate(), 1)[0]
    NpsCheckInFactory(
        client=world.other_client, sponsor=world.other_sponsor, quarter=this_q, status="done", score=10
    )
    assert 'data-testid="nps-value">100<' in head.get(url).content.decode()
    assert count_queries(am, reverse("my_week")) == week_cached  # not one of team_am's clients


def test_my_week_s_sections_below_the_cards_are_kept_and_outdated_by_what_they_show(world, login, caching):
    """Milestones of my jobs and objectives I own show at once even on a client not on my team (their
    writes move user:<me>); another AM's objective leaves my week served from the cache."""
    from ..factories import AccountPlanFactory, JobFactory, MilestoneFactory, PlanObjectiveFactory

    plan = AccountPlanFactory(client=world.other_client, created_by=world.other_am)
    c, week = login(world.team_am), reverse("my_week")
    c.get(week)
    cached_queries = count_queries(c, week)
    PlanObjectiveFactory(plan=plan, owner=world.other_am, description="Lunch with their CFO")
    assert count_queries(c, week) == cached_queries  # not mine: still served
    assert "Lunch with their CFO" not in c.get(week).content.decode()

    job = JobFactory(client=world.other_client, owner=world.team_am, created_by=world.team_am)
    milestone = MilestoneFactory(job=job, name="Landing pages live", due_date=timezone.localdate())
    PlanObjectiveFactory(plan=plan, owner=world.team_am, description="Meet their new CMO")
    html = c.get(week).content.decode()
    assert "Landing pages live" in html and "Meet their new CMO" in html
    milestone.done_on = timezone.localdate()
    milestone.save()
    assert "Landing pages live" not in c.get(week).content.decode()
