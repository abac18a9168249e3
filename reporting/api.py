"""REST API for NPS (issue 19): quarterly check-ins (read, and record one) and client survey answers."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from clients import permissions as perms
from clients.api import ScopedToClients, client_for_write
from csops.api import form_data, form_or_400, form_serializer
from csops.dates import quarter_start

from .filters import NpsCheckInFilter, SurveyResponseFilter
from .forms import NpsCheckInForm
from .models import NpsCheckIn, SurveyResponse
from .services.feedback import nps_checkin_record


class NpsCheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = NpsCheckIn
        fields = [
            "id",
            "client",
            "quarter",
            "sponsor",
            "status",
            "score",
            "comment",
            "actions",
            "flag",
            "completed_at",
            "created_at",
        ]
        read_only_fields = fields


class SurveyResponseSerializer(serializers.ModelSerializer):
    contact = serializers.IntegerField(source="invite.contact_id", read_only=True)

    class Meta:
        model = SurveyResponse
        fields = ["id", "client", "contact", "quarter", "score", "comment", "created_at"]
        read_only_fields = fields


def quarter_or_400(value, today) -> datetime.date:
    """The quarter a check-in is for: this one unless given; the first day of a past or current one."""
    if value in (None, ""):
        return quarter_start(today)
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({"quarter": ["Give the quarter's first day, e.g. 2026-10-01."]}) from None
    if day != quarter_start(day) or day > quarter_start(today) or day.year < today.year - 5:
        raise ValidationError(
            {"quarter": ["Give the first day of this quarter or one of the last five years'."]}
        )
    return day


CheckInWrite = form_serializer(
    "NpsCheckInWrite",
    NpsCheckInForm,
    extra={
        "client": serializers.IntegerField(help_text="The client's id."),
        "quarter": serializers.DateField(
            required=False, help_text="First day of the quarter; this one if left out."
        ),
    },
)


class NpsCheckInViewSet(ScopedToClients, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Quarterly exec-sponsor check-ins on clients you may see; POST records one (the client's exec
    sponsor, or the head of CS for them). Recording the same quarter again edits it."""

    model = NpsCheckIn
    serializer_class = NpsCheckInSerializer
    filterset_class = NpsCheckInFilter

    def get_queryset(self):
        return self.scoped().order_by("-quarter", "client_id", "pk")

    @extend_schema(request=CheckInWrite, responses={201: NpsCheckInSerializer})
    def create(self, request, *args, **kwargs):
        client = client_for_write(request, perms.NPS_CHECKIN)
        quarter = quarter_or_400(request.data.get("quarter"), timezone.localdate())
        data = form_or_400(NpsCheckInForm(form_data(request, NpsCheckInForm())))
        checkin = nps_checkin_record(client=client, quarter=quarter, by=request.user, **data)
        return Response(NpsCheckInSerializer(checkin).data, status=status.HTTP_201_CREATED)


class SurveyResponseViewSet(ScopedToClients, viewsets.ReadOnlyModelViewSet):
    """Client contacts' survey answers on clients you may see, newest first."""

    model = SurveyResponse
    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilter

    def get_queryset(self):
        return self.scoped().select_related("invite").order_by("-created_at", "-pk")
