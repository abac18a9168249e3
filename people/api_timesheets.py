"""REST API for timesheets (issue 19): read-only, scoped as the timesheet page (people/timesheets.py,
`timesheets_for`): your own, your reports' as their line manager, anyone's for the head of CS.

Apart from people/api.py because DRF's settings import that module (its token authentication) while
rest_framework.views is still loading: a viewset defined there would import itself half-made.
"""

import django_filters
from django.db.models import Prefetch, Sum
from rest_framework import serializers, viewsets

from csops.dates import week_start

from .models import TimeEntry, Timesheet
from .timesheets import timesheets_for


class TimeEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeEntry
        fields = ["client", "category", "hours"]
        read_only_fields = fields


class TimesheetSerializer(serializers.ModelSerializer):
    entries = TimeEntrySerializer(many=True, read_only=True)
    total = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)

    class Meta:
        model = Timesheet
        fields = ["id", "user", "week", "submitted_at", "total", "entries"]
        read_only_fields = fields


class TimesheetFilter(django_filters.FilterSet):
    """As the timesheet page (and its export): `person`, `week` (any day: its week), and a range."""

    person = django_filters.NumberFilter(field_name="user_id")
    week = django_filters.DateFilter(method="in_week")
    week_after = django_filters.DateFilter(field_name="week", lookup_expr="gte")
    week_before = django_filters.DateFilter(field_name="week", lookup_expr="lte")

    class Meta:
        model = Timesheet
        fields = []

    def in_week(self, queryset, name, value):
        return queryset.filter(week=week_start(value))


class TimesheetViewSet(viewsets.ReadOnlyModelViewSet):
    """Timesheets you may read: your own, your reports' (as their line manager), anyone's for the head
    of CS; newest week first. Another person's is a 404."""

    serializer_class = TimesheetSerializer
    filterset_class = TimesheetFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is drawn without a person
            return Timesheet.objects.none()
        entries = TimeEntry.objects.order_by("category", "client_id", "pk")
        return (
            timesheets_for(self.request.user)
            .annotate(total=Sum("entries__hours"))
            .prefetch_related(Prefetch("entries", queryset=entries))
            .order_by("-week", "user_id", "pk")
        )
