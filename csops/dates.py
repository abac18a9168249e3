"""Date arithmetic, in one place: weeks, months, quarters, working days and working hours.

Pure functions of `datetime.date`, no Django: plans, NPS quarters, the satisfaction report, PDP
reviews, the weekly meet and the seed commands all count days the same way.
"""

import calendar
import datetime

import holidays

DAY = datetime.timedelta(days=1)


# --- weeks -------------------------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


def next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    """The first day on or after `day` that falls on `weekday` (0 = Monday)."""
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def working_day(day: datetime.date) -> datetime.date:
    """`day`, or the Monday after when it falls on a weekend."""
    return next_weekday(day, 0) if day.weekday() >= 5 else day


# --- months ------------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` on (or back); the 31st becomes the month's last day where it has none."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: datetime.date) -> datetime.date:
    return add_months(month_start(day), 1) - DAY


def first_weekday_of_month(year: int, month: int, weekday: int) -> datetime.date:
    return next_weekday(datetime.date(year, month, 1), weekday)


# --- quarters ----------------------------------------------------------------------------------------


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: datetime.date) -> datetime.date:
    """The last day of `day`'s quarter."""
    return add_months(quarter_start(day), 3) - DAY


def quarter_label(day: datetime.date) -> str:
    """ "Q4 2026" for any day of that quarter."""
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


# --- working time (support SLAs) ---------------------------------------------------------------------
# SLA clocks run in working hours: weekdays between a start and an end time, bank holidays excluded.
# The UK's (England and Wales) bank holidays come from the `holidays` library, not a hand-kept list:
# substitute days and one-off holidays (a coronation, a jubilee) arrive with a library update.

WORKDAY_START = datetime.time(9, 0)
WORKDAY_END = datetime.time(17, 30)
_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def is_bank_holiday(day: datetime.date) -> bool:
    return day in _BANK_HOLIDAYS


def is_working_day(day: datetime.date) -> bool:
    """A weekday that is not a bank holiday in England and Wales."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def _day_window(day: datetime.date, tzinfo, start: datetime.time, end: datetime.time):
    return (
        datetime.datetime.combine(day, start, tzinfo=tzinfo),
        datetime.datetime.combine(day, end, tzinfo=tzinfo),
    )


def add_working_hours(
    moment: datetime.datetime,
    hours,
    *,
    start: datetime.time = WORKDAY_START,
    end: datetime.time = WORKDAY_END,
) -> datetime.datetime:
    """The moment `hours` working hours after `moment` (in `moment`'s time zone: pass local time).

    A request received out of hours starts its clock at the next working day's start; a clock that
    reaches the end of a day carries on at the start of the next working day.
    """
    if end <= start:
        raise ValueError("a working day ends after it starts")
    left = datetime.timedelta(hours=float(hours))
    day = moment.date()
    cursor = moment
    for _ in range(3660):  # ten years of days: a bound, not a limit anyone reaches
        opens, closes = _day_window(day, moment.tzinfo, start, end)
        if is_working_day(day) and cursor < closes:
            cursor = max(cursor, opens)
            if cursor + left <= closes:
                return cursor + left
            left -= closes - cursor
        day += DAY
        cursor = datetime.datetime.combine(day, datetime.time(0), tzinfo=moment.tzinfo)
    raise ValueError("too many working hours to count")


def working_hours_between(
    since: datetime.datetime,
    until: datetime.datetime,
    *,
    start: datetime.time = WORKDAY_START,
    end: datetime.time = WORKDAY_END,
) -> float:
    """Working hours from `since` to `until` (0 when `until` is not later), both in the same zone."""
    if until <= since:
        return 0.0
    total = datetime.timedelta()
    day = since.date()
    while day <= until.date():
        if is_working_day(day):
            opens, closes = _day_window(day, since.tzinfo, start, end)
            lo, hi = max(opens, since), min(closes, until)
            if hi > lo:
                total += hi - lo
        day += DAY
    return total.total_seconds() / 3600
