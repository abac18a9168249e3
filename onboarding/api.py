"""REST API for the pitch pipeline (issue 19): pitches, read-only, for who runs pitches (new business
and the head of CS, as the pipeline page); anyone else is a 403. Wired in csops/api_urls.py.
Filter: `stage`, the pipeline page's (read by its own `pipeline_stage`); without it, every pitch."""

from rest_framework import serializers, viewsets
from rest_framework.permissions import BasePermission

from people.roles import can_run_pitches

from . import selectors as reads
from .models import Pitch


class RunsPitches(BasePermission):
    message = "Pitches are run by new business and the head of CS."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and can_run_pitches(user))


class PitchSerializer(serializers.ModelSerializer):
    stage = serializers.CharField(source="stage_label", read_only=True)

    class Meta:
        model = Pitch
        fields = [
            "id",
            "prospect_name",
            "domain",
            "industry",
            "client_size",
            "engagement_type",
            "monthly_spend",
            "project_value",
            "services",
            "new_business_owner",
            "decision",
            "decision_reason",
            "proposed_cs",
            "cs_attends",
            "pitch_date",
            "outcome",
            "outcome_reason",
            "outcome_date",
            "stage",
            "client",
            "created_at",
        ]
        read_only_fields = fields


class PitchViewSet(viewsets.ReadOnlyModelViewSet):
    """Pitches, by pitch date. Filter as the pipeline page's: `stage`."""

    serializer_class = PitchSerializer
    permission_classes = [RunsPitches]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return reads.with_stage_label(Pitch.objects.all()).order_by("pitch_date", "prospect_name", "pk")

    def filter_queryset(self, queryset):
        stage = reads.pipeline_stage(self.request.query_params.get("stage"))
        return reads.pipeline_pitches(queryset, stage) if stage else queryset
