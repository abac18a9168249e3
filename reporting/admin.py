from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from csops.readonly_admin import ReadOnlyAdminMixin

from .models import ReportingBand


@admin.register(ReportingBand)
class ReportingBandAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["engagement_type", "label", "report_cadence", "call_cadence", "live_dashboard"]
    list_filter = ["engagement_type", "report_cadence", "call_cadence", "live_dashboard"]
    screen_url_name = "reporting:matrix"
    screen_title = "reporting matrix"
