"""REST API for the growth pipeline (issue 19): opportunities, read-only, wired in csops/api_urls.py.

Scoped as an opportunity's page is (`clients/permissions.py` via `Client.objects.for_user`): the CS
team and admins read every one, an exec sponsor their clients'; another person's is a 404. Filters are
the pipeline page's (`am`, `tier`, `service`, `stage`, read by its own `pipeline_filters`), except that
without `stage` every stage is listed, not only the open ones.
"""

from rest_framework import serializers, viewsets

from clients.api import ScopedToClients

from . import selectors_growth as growth
from .models import Opportunity


class OpportunitySerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)
    weighted = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "client",
            "kind",
            "service",
            "service_name",
            "title",
            "value",
            "value_period",
            "probability",
            "weighted",
            "stage",
            "lost_reason",
            "owner",
            "next_step",
            "next_step_date",
            "call",
            "created_by",
            "created_at",
            "won_at",
        ]
        read_only_fields = fields


class OpportunityViewSet(ScopedToClients, viewsets.ReadOnlyModelViewSet):
    """Opportunities on clients you may see, highest weighted value first. Filters as the pipeline
    page's: `am` (the owner's id), `tier`, `service`, `stage`."""

    model = Opportunity
    serializer_class = OpportunitySerializer

    def get_queryset(self):
        return (
            self.scoped()
            .annotate(weighted=growth.WEIGHTED)
            .select_related("service")
            .order_by("-weighted", "next_step_date", "pk")
        )

    def filter_queryset(self, queryset):
        filters = growth.pipeline_filters(self.request.query_params)
        stage = filters.pop("stage")
        queryset = growth.opportunities_narrowed(queryset, **filters)
        return queryset.filter(stage=stage) if stage else queryset
