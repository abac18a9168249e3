"""When a comms plan makes calls and reports due: the one calendar that occurrences, "Coming up"
and the iCal feed all read, so a diary entry and the occurrence it stands for fall on the same day.

Calls: weekly on the plan's call day; fortnightly on that day every other week, counting weeks from
the week of the plan's anchor date; monthly on the first such day of the month; "initial call only"
once, on the first such day on or after the anchor. Reports: weekly on Fridays; fortnightly on the
Fridays of the calls' fortnight; monthly by the 5th (the Monday after when the 5th is a weekend).
"At the end", bespoke and unset schedule nothing recurring.
"""

import datetime
import functools

from csops.dates import first_weekday_of_month, next_weekday, week_start, working_day

from .models import Cadence

REPORT_WEEKDAY = 4  # weekly and fortnightly reports go out on Fridays
MONTHLY_REPORT_DAY = 5  # due by the 5th; on a weekend, the Monday after


@functools.lru_cache(maxsize=64)
def _days(start, end) -> tuple:
    """Every day from start to end; the same window for every plan of a run, so it is made once."""
    return tuple(start + datetime.timedelta(days=n) for n in range((end - start).days + 1))


def _in_anchor_fortnight(plan, day) -> bool:
    anchor_monday = week_start(plan.anchor_date)
    return ((day - anchor_monday).days // 7) % 2 == 0


def call_dates(plan, start, end) -> list[datetime.date]:
    """The days from start to end (inclusive) on which the plan makes a call due."""
    cadence, weekday = plan.call_cadence, plan.call_weekday
    days = _days(start, end)
    if cadence == Cadence.WEEKLY:
        return [d for d in days if d.weekday() == weekday]
    if cadence == Cadence.FORTNIGHTLY:
        return [d for d in days if d.weekday() == weekday and _in_anchor_fortnight(plan, d)]
    if cadence == Cadence.MONTHLY:
        return [d for d in days if d == first_weekday_of_month(d.year, d.month, weekday)]
    if cadence == Cadence.INITIAL_ONLY:
        first = next_weekday(plan.anchor_date, weekday)
        return [first] if start <= first <= end else []
    return []


def first_call_date(plan) -> datetime.date | None:
    """The plan's first call on or after its anchor date (a monthly call's is up to 5 weeks on)."""
    found = call_dates(plan, plan.anchor_date, plan.anchor_date + datetime.timedelta(days=62))
    return found[0] if found else None


def report_dates(plan, start, end) -> list[datetime.date]:
    """The days from start to end (inclusive) on which the plan makes a report due."""
    cadence = plan.report_cadence
    days = _days(start, end)
    if cadence == Cadence.WEEKLY:
        return [d for d in days if d.weekday() == REPORT_WEEKDAY]
    if cadence == Cadence.FORTNIGHTLY:
        return [d for d in days if d.weekday() == REPORT_WEEKDAY and _in_anchor_fortnight(plan, d)]
    if cadence == Cadence.MONTHLY:
        months = {(d.year, d.month) for d in days}
        due = {working_day(datetime.date(y, m, MONTHLY_REPORT_DAY)) for y, m in months}
        return sorted(due & set(days))
    return []
