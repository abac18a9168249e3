"""The iCal feed, read by a strict parser: icalendar's, then RFC 5545's rules it does not enforce
(a VTIMEZONE for every TZID, CRLF lines of at most 75 octets, UID/DTSTAMP/DTSTART on every event)
and python-dateutil's RRULE engine to check each DTSTART is an instance of its own rule."""

import datetime as dt

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from reporting.models import CommsPlan
from reporting.schedule import call_dates
from reporting.services.plans import comms_plan_create

from ..factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def strict_parse(body: bytes) -> Calendar:
    text = body.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[-1] == "" and "\n" not in text.replace("\r\n", ""), "lines end in CRLF"
    assert all(len(line.encode()) <= 75 for line in lines), "long lines are folded"
    cal = Calendar.from_ical(body)
    assert [c.errors for c in cal.walk()] == [[] for _ in cal.walk()], "icalendar read every property"
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    for zone in zones.values():
        assert zone.walk("STANDARD") and zone.walk("DAYLIGHT")
    for event in cal.walk("VEVENT"):
        assert all(prop in event for prop in ("UID", "DTSTAMP", "DTSTART")), event
        assert not ("DTEND" in event and "DURATION" in event)
        for prop in ("DTSTART", "DTEND"):
            tzid = event[prop].params.get("TZID") if prop in event else None
            assert tzid is None or tzid in zones, f"{prop} uses TZID {tzid} with no VTIMEZONE"
        if "RRULE" in event:
            start = event.decoded("DTSTART")
            rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
            assert rule[0] == start, f"DTSTART {start} is not an instance of {event['RRULE'].to_ical()}"
    return cal


def plan_for(user, name, **fields):
    client = ClientFactory(name=name)
    MembershipFactory(client=client, user=user, is_lead=True)
    plan = comms_plan_create(client=client)
    CommsPlan.objects.filter(pk=plan.pk).update(**fields)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def feed(world, login, client):
    """team_am's feed as a calendar app reads it (logged out, by its secret address)."""

    def _read():
        c = login(world.team_am)
        if not c.get(reverse("people:calendar")).context["feed_url"]:
            c.post(reverse("people:calendar"))
        url = c.get(reverse("people:calendar")).context["feed_url"]
        c.post(reverse("logout"))
        response = client.get(url)
        assert response.status_code == 200
        cal = strict_parse(response.content)
        return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}, cal

    return _read


def test_a_monthly_first_monday_call_starts_on_a_first_monday(world, feed):
    # anchored on Monday 30 November 2026, which is not the first Monday of its month
    plan_for(
        world.team_am, "Osprey", call_cadence="monthly", call_weekday=0, anchor_date=dt.date(2026, 11, 30)
    )
    events, _ = feed()
    call = events["Monthly call: Osprey"]
    assert call.decoded("DTSTART").date() == dt.date(2026, 12, 7)
    assert call["RRULE"]["BYDAY"] == ["1MO"]


def test_a_fortnightly_call_keeps_the_fortnight_of_the_occurrences(world, feed):
    # anchored on a Wednesday with calls on Mondays: the Monday of the anchor's week is already past
    plan = plan_for(
        world.team_am, "Kite", call_cadence="fortnightly", call_weekday=0, anchor_date=dt.date(2026, 11, 11)
    )
    events, _ = feed()
    call = events["Fortnightly call: Kite"]
    start = call.decoded("DTSTART")
    rule = rrulestr(call["RRULE"].to_ical().decode(), dtstart=start)
    window = (dt.date(2026, 11, 11), dt.date(2027, 1, 31))
    in_feed = [
        d.date() for d in rule.between(*(dt.datetime.combine(d, dt.time(), start.tzinfo) for d in window))
    ]
    assert in_feed == call_dates(plan, *window)
    assert in_feed[0] == dt.date(2026, 11, 23)


def test_an_initial_call_only_is_one_event(world, feed):
    plan_for(
        world.team_am, "Wren", call_cadence="initial_only", call_weekday=2, anchor_date=dt.date(2026, 11, 23)
    )
    events, _ = feed()
    call = events["Initial call: Wren"]
    assert "RRULE" not in call
    assert call.decoded("DTSTART").date() == dt.date(2026, 11, 25)


def test_times_carry_a_timezone_the_feed_defines(world, feed):
    plan_for(world.team_am, "Heron", call_cadence="weekly", call_weekday=1, anchor_date=dt.date(2026, 6, 1))
    events, cal = feed()
    call = events["Weekly call: Heron"]
    assert call["DTSTART"].params["TZID"] == "Europe/London"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert call.decoded("DTSTART").utcoffset() == dt.timedelta(hours=1)  # 10:00 BST on Tue 2 June


def test_the_first_address_does_not_say_an_old_one_stopped_working(world, login):
    c = login(world.team_am)
    first = c.post(reverse("people:calendar"), follow=True).content.decode()
    assert "Calendar address made" in first and "no longer works" not in first
    second = c.post(reverse("people:calendar"), follow=True).content.decode()
    assert "the old one no longer works" in second
