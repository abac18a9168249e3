from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from csops.admin import NoDeleteMixin

from .models import ReportingBand


@admin.register(ReportingBand)
class ReportingBandAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["engagement_type", "label", "report_cadence", "call_cadence", "live_dashboard"]
    list_filter = ["engagement_type", "report_cadence", "call_cadence", "live_dashboard"]
