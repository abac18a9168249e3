"""REST API for the feature issues' records (issue 19, item 3): opportunities, timesheets and pitches
with tokens for every role, each scoped as its page, filtered as its page, paginated and throttled."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from people.models import Role, StaffProfile

from ..commercial.factories_growth import OpportunityFactory, channel
from ..factories import PitchFactory, TimeEntryFactory, TimesheetFactory, staff
from .test_api import api, ids  # noqa: F401 - `api` is a fixture

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


def test_every_role_reads_the_opportunities_it_may(world, api):  # noqa: F811
    mine = OpportunityFactory(client=world.client, owner=world.team_am)
    theirs = OpportunityFactory(client=world.other_client, owner=world.other_am, stage="won")
    url = reverse("api:opportunity-list")
    for persona in ("team_am", "other_am", "head", "admin"):
        assert ids(api(getattr(world, persona)).get(url)) == {mine.pk, theirs.pk}, persona
    # an exec sponsor reads their client's, as its opportunity page lets them
    assert ids(api(world.sponsor).get(url)) == {mine.pk}
    other = api(world.other_sponsor)
    assert ids(other.get(url)) == {theirs.pk}
    assert other.get(reverse("api:opportunity-detail", args=[mine.pk])).status_code == 404
    assert other.get("/api/v1/opportunities/abc/").status_code == 404
    assert api(world.norole).get(url).status_code == 403
    detail = api(world.head).get(reverse("api:opportunity-detail", args=[mine.pk])).json()
    assert detail["weighted"] == "6000.00" and detail["service_name"] == "CRM / email"


def test_opportunities_filter_as_the_pipeline_and_paginate(world, api):  # noqa: F811
    seo = OpportunityFactory(client=world.client, owner=world.team_am, service=channel("SEO"))
    crm = OpportunityFactory(client=world.other_client, owner=world.other_am)
    won = OpportunityFactory(client=world.client, owner=world.team_am, stage="won")
    reader = api(world.head)
    url = reverse("api:opportunity-list")
    assert ids(reader.get(url, {"am": world.team_am.pk})) == {seo.pk, won.pk}
    assert ids(reader.get(url, {"service": channel("SEO").pk})) == {seo.pk}
    assert ids(reader.get(url, {"stage": "won"})) == {won.pk}
    assert ids(reader.get(url, {"am": "nonsense"})) == {seo.pk, crm.pk, won.pk}  # as the page: "not given"
    page = reader.get(url, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_the_opportunity_list_costs_the_same_for_more_rows(world, api, django_assert_max_num_queries):  # noqa: F811
    reader = api(world.head)
    url = reverse("api:opportunity-list")
    OpportunityFactory.create_batch(2, client=world.client, owner=world.team_am)
    reader.get(url)  # warm: the token's last use is noted once a minute
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert reader.get(url).status_code == 200
    OpportunityFactory.create_batch(8, client=world.other_client, owner=world.other_am)
    with django_assert_max_num_queries(len(small)):
        assert len(reader.get(url).json()["results"]) == 10


@time_machine.travel(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC))
def test_every_role_reads_the_timesheets_it_may(world, api):  # noqa: F811
    amy = TimesheetFactory(user=world.team_am, week=MONDAY)
    TimeEntryFactory(timesheet=amy, client=world.client, hours=Decimal("6"))
    TimeEntryFactory(timesheet=amy, client=None, category="admin", hours=Decimal("1.5"))
    tom = TimesheetFactory(user=world.other_am, week=MONDAY)
    url = reverse("api:timesheet-list")
    assert ids(api(world.team_am).get(url)) == {amy.pk}
    assert ids(api(world.other_am).get(url)) == {tom.pk}
    assert api(world.other_am).get(reverse("api:timesheet-detail", args=[amy.pk])).status_code == 404
    assert ids(api(world.head).get(url)) == {amy.pk, tom.pk}
    assert ids(api(world.sponsor).get(url)) == set() and ids(api(world.admin).get(url)) == set()
    assert api(world.norole).get(url).status_code == 403
    # a line manager reads their report's
    StaffProfile.objects.filter(user=world.team_am).update(line_manager=world.other_am)
    assert ids(api(world.other_am).get(url)) == {amy.pk, tom.pk}
    sheet = api(world.other_am).get(reverse("api:timesheet-detail", args=[amy.pk])).json()
    assert sheet["week"] == "2026-03-02" and sheet["total"] == "7.50"
    assert {(e["client"], e["category"], e["hours"]) for e in sheet["entries"]} == {
        (world.client.pk, "client", "6.00"),
        (None, "admin", "1.50"),
    }


@time_machine.travel(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC))
def test_timesheets_filter_by_person_and_week(world, api):  # noqa: F811
    first = TimesheetFactory(user=world.team_am, week=MONDAY)
    later = TimesheetFactory(user=world.team_am, week=MONDAY + datetime.timedelta(days=7))
    theirs = TimesheetFactory(user=world.other_am, week=MONDAY)
    reader = api(world.head)
    url = reverse("api:timesheet-list")
    assert ids(reader.get(url, {"person": world.team_am.pk})) == {first.pk, later.pk}
    assert ids(reader.get(url, {"week": "2026-03-05"})) == {first.pk, theirs.pk}  # any day of the week
    assert ids(reader.get(url, {"week_after": "2026-03-09"})) == {later.pk}
    response = reader.get(url, {"week": "someday"})
    assert response.status_code == 400 and "week" in response.json()


@time_machine.travel(datetime.datetime(2026, 3, 6, 12, 0, tzinfo=datetime.UTC))
def test_pitches_are_read_by_who_runs_them(world, api):  # noqa: F811
    pitching = PitchFactory()
    lost = PitchFactory(
        outcome="lost", outcome_reason="Went in-house", outcome_date=datetime.date(2026, 1, 5)
    )
    url = reverse("api:pitch-list")
    new_business = staff(Role.NEW_BUSINESS)
    for reader in (world.head, new_business):
        assert ids(api(reader).get(url)) == {pitching.pk, lost.pk}
    assert ids(api(world.head).get(url, {"stage": "lost"})) == {lost.pk}
    detail = api(new_business).get(reverse("api:pitch-detail", args=[pitching.pk])).json()
    assert detail["stage"] == "Pitching" and detail["prospect_name"] == pitching.prospect_name
    for persona in ("team_am", "sponsor", "admin", "norole"):
        assert api(getattr(world, persona)).get(url).status_code == 403, persona


def test_the_new_endpoints_are_throttled_as_the_others(world, api, monkeypatch):  # noqa: F811
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    reader = api(world.head)
    for name in ("api:opportunity-list", "api:timesheet-list", "api:pitch-list"):
        from django.core.cache import cache

        cache.clear()
        answers = [reader.get(reverse(name)).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429], name
