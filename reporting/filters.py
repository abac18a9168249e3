"""Filters for NPS records (issue 19: the API and exports read them; the NPS page has its own)."""

import django_filters

from .models import NpsCheckIn, SurveyResponse


class NpsCheckInFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    quarter = django_filters.DateFilter()

    class Meta:
        model = NpsCheckIn
        fields = ["client", "quarter", "status"]


class SurveyResponseFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    quarter = django_filters.DateFilter()

    class Meta:
        model = SurveyResponse
        fields = ["client", "quarter"]
