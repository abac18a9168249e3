"""Every cadence of both schedules against a calendar written out by hand.

The plan: anchored on Wednesday 11 November 2026 (so its fortnights are the weeks of 9 Nov, 23 Nov,
7 Dec, 21 Dec, 4 Jan), calls on Tuesdays. The window: Monday 23 November 2026 to Sunday 10 January
2027, across a month end, a 5th on a Saturday (5 Dec) and a year end.

    November 2026          December 2026          January 2027
    Mo Tu We Th Fr Sa Su   Mo Tu We Th Fr Sa Su   Mo Tu We Th Fr Sa Su
                       1       1  2  3  4  5  6                1  2  3
     2  3  4  5  6  7  8    7  8  9 10 11 12 13    4  5  6  7  8  9 10
     9 10 11 12 13 14 15   14 15 16 17 18 19 20
    16 17 18 19 20 21 22   21 22 23 24 25 26 27
    23 24 25 26 27 28 29   28 29 30 31
    30
"""

from datetime import date
from types import SimpleNamespace

import pytest

from reporting.schedule import call_dates, first_call_date, report_dates

START, END = date(2026, 11, 23), date(2027, 1, 10)


def plan(call="", report="", anchor=date(2026, 11, 11), weekday=1):
    return SimpleNamespace(call_cadence=call, report_cadence=report, anchor_date=anchor, call_weekday=weekday)


def d(month, day):
    return date(2027 if month == 1 else 2026, month, day)


@pytest.mark.parametrize(
    "cadence, expected",
    [
        ("weekly", [d(11, 24), d(12, 1), d(12, 8), d(12, 15), d(12, 22), d(12, 29), d(1, 5)]),
        ("fortnightly", [d(11, 24), d(12, 8), d(12, 22), d(1, 5)]),
        ("monthly", [d(12, 1), d(1, 5)]),  # the first Tuesday of each month
        ("initial_only", []),  # its one call, Tuesday 17 Nov, is before the window
        ("at_end", []),
        ("bespoke", []),
        ("", []),
    ],
)
def test_call_dates_follow_the_calendar(cadence, expected):
    assert call_dates(plan(call=cadence), START, END) == expected


def test_an_initial_call_falls_once_on_the_first_call_day_after_the_anchor():
    assert call_dates(plan(call="initial_only"), d(11, 9), END) == [d(11, 17)]
    assert call_dates(plan(call="initial_only", anchor=d(11, 24)), START, END) == [d(11, 24)]


def test_a_fortnight_counts_from_the_anchors_week_even_when_the_call_day_is_earlier_in_the_week():
    # anchored on a Wednesday with calls on Mondays: the first call is the Monday of the next fortnight
    fortnightly_mondays = plan(call="fortnightly", weekday=0)
    assert call_dates(fortnightly_mondays, START, END) == [d(11, 23), d(12, 7), d(12, 21), d(1, 4)]
    assert first_call_date(fortnightly_mondays) == d(11, 23)


@pytest.mark.parametrize(
    "cadence, first",
    [
        ("weekly", d(11, 17)),
        ("fortnightly", d(11, 24)),  # Tue 10 Nov is before the anchor; the week of 16 Nov is off
        ("monthly", d(12, 1)),  # November's first Tuesday (3 Nov) is before the anchor
        ("initial_only", d(11, 17)),
        ("at_end", None),
    ],
)
def test_the_first_call_is_the_first_date_of_the_schedule(cadence, first):
    assert first_call_date(plan(call=cadence)) == first


@pytest.mark.parametrize(
    "cadence, expected",
    [
        ("weekly", [d(11, 27), d(12, 4), d(12, 11), d(12, 18), d(12, 25), d(1, 1), d(1, 8)]),  # Fridays
        ("fortnightly", [d(11, 27), d(12, 11), d(12, 25), d(1, 8)]),  # Fridays of the plan's fortnights
        ("monthly", [d(12, 7), d(1, 5)]),  # by the 5th; Saturday 5 Dec → Monday 7 Dec
        ("at_end", []),
        ("bespoke", []),
        ("", []),
    ],
)
def test_report_dates_follow_the_calendar(cadence, expected):
    assert report_dates(plan(report=cadence), START, END) == expected
