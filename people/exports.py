"""Timesheets as an export (issue 19): one row per person, week and client or internal category.

Scoped exactly as the timesheet page: your own, your reports' as their line manager, anyone's for the
head of CS (people/timesheets.py, `timesheets_for`). Filters: `person` (a user id, as the page's
/people/timesheets/<id>/), `week` (any day: its week, as the page's ?week=), `week_after`,
`week_before`. Mounted by csops/export_urls.py.
"""

import django_filters

from csops.dates import week_start
from csops.exports import Column, Export, choice

from .models import TimeEntry
from .timesheets import timesheets_for


def has_timesheets(user) -> bool:
    """Timesheets are kept by people with a staff profile (the timesheet page's rule)."""
    return user.is_authenticated and hasattr(user, "profile")


class TimeEntryFilter(django_filters.FilterSet):
    person = django_filters.NumberFilter(field_name="timesheet__user_id")
    week = django_filters.DateFilter(method="in_week")
    week_after = django_filters.DateFilter(field_name="timesheet__week", lookup_expr="gte")
    week_before = django_filters.DateFilter(field_name="timesheet__week", lookup_expr="lte")
    client = django_filters.NumberFilter(field_name="client_id")

    class Meta:
        model = TimeEntry
        fields = ["category"]

    def in_week(self, queryset, name, value):
        return queryset.filter(timesheet__week=week_start(value))


TIMESHEETS = Export(
    slug="timesheets",
    title="Timesheets",
    description="Hours per person, week and client or internal category: yours and your reports'.",
    queryset=lambda user: TimeEntry.objects.filter(timesheet__in=timesheets_for(user)),
    allowed=has_timesheets,
    filterset=TimeEntryFilter,
    ordering=("-timesheet__week", "timesheet__user__email", "category", "client__name", "pk"),
    columns=(
        Column("Person", "timesheet__user__email"),
        Column("First name", "timesheet__user__first_name"),
        Column("Last name", "timesheet__user__last_name"),
        Column("Week beginning", "timesheet__week"),
        Column("Category", "category", choice(TimeEntry.Category.choices)),
        Column("Client", "client__name"),
        Column("Hours", "hours"),
        Column("Submitted at", "timesheet__submitted_at"),
        Column("ID", "pk"),
    ),
)

EXPORTS = (TIMESHEETS,)
