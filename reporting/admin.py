from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from csops.admin import NoDeleteMixin
from csops.readonly_admin import ReadOnlyAdminMixin

from .models import ExchangeRate, ReportingBand
from .services.plans import comms_plans_refresh_later


@admin.register(ReportingBand)
class ReportingBandAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["engagement_type", "label", "report_cadence", "call_cadence", "live_dashboard"]
    list_filter = ["engagement_type", "report_cadence", "call_cadence", "live_dashboard"]
    screen_url_name = "reporting:matrix"
    screen_title = "reporting matrix"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Admins set what a EUR or USD is worth in pounds; the spend bands are in pounds."""

    list_display = ["currency", "rate", "set_at"]
    readonly_fields = ["set_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # a new rate can move foreign-currency clients between bands: their plans follow the matrix
        comms_plans_refresh_later()
