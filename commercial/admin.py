from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PlanSettings


@admin.register(PlanSettings)
class PlanSettingsAdmin(SimpleHistoryAdmin):
    """The QBR threshold: one row, set by an admin (no row means the default, £100,000 a year)."""

    list_display = ["__str__", "qbr_threshold"]

    def has_add_permission(self, request):
        return not PlanSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
