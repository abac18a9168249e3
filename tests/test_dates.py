"""csops/dates.py: the one home of the project's date arithmetic."""

import datetime

from csops import dates

D = datetime.date


def test_weeks_start_on_monday_and_weekends_roll_to_the_monday_after():
    assert dates.week_start(D(2026, 11, 29)) == D(2026, 11, 23)  # a Sunday
    assert dates.next_weekday(D(2026, 11, 26), 0) == D(2026, 11, 30)
    assert dates.next_weekday(D(2026, 11, 26), 3) == D(2026, 11, 26)  # already a Thursday
    assert dates.working_day(D(2026, 12, 5)) == D(2026, 12, 7)  # Saturday → Monday
    assert dates.working_day(D(2026, 12, 4)) == D(2026, 12, 4)


def test_months_keep_the_day_where_the_month_has_it():
    assert dates.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert dates.add_months(D(2026, 11, 15), -12) == D(2025, 11, 15)
    assert dates.add_months(D(2026, 12, 1), 1) == D(2027, 1, 1)
    assert dates.month_start(D(2026, 11, 26)) == D(2026, 11, 1)
    assert dates.month_end(D(2028, 2, 3)) == D(2028, 2, 29)
    assert dates.first_weekday_of_month(2026, 12, 0) == D(2026, 12, 7)


def test_quarters_from_any_day_in_them():
    assert dates.quarter_start(D(2026, 11, 26)) == D(2026, 10, 1)
    assert dates.quarter_end(D(2026, 10, 1)) == D(2026, 12, 31)
    assert dates.quarter_end(D(2026, 2, 14)) == D(2026, 3, 31)
    assert dates.quarter_label(D(2026, 10, 1)) == "Q4 2026"
