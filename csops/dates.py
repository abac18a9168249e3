"""Date arithmetic, in one place: weeks, months, quarters and working days.

Pure functions of `datetime.date`, no Django: plans, NPS quarters, the satisfaction report, PDP
reviews, the weekly meet and the seed commands all count days the same way.
"""

import calendar
import datetime

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
