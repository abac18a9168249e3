"""Commercial's admin: the channel list of the channel map, the surprise-and-delight settings and the
QBR threshold (everything else is entered on the app's own pages, with its history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from csops.admin import NoDeleteMixin

from .models import Channel, DelightSettings, PlanSettings


@admin.register(Channel)
class ChannelAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Add a channel, reorder, or untick "active" to retire one: clients' rows for it stay."""

    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(DelightSettings)
class DelightSettingsAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """One row: the monthly budget and the day the vote closes (a data migration makes it)."""

    list_display = ["monthly_budget", "close_day"]

    def has_add_permission(self, request):
        return not DelightSettings.objects.exists()


@admin.register(PlanSettings)
class PlanSettingsAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """The QBR threshold: one row, set by an admin (no row means the default, £100,000 a year)."""

    list_display = ["__str__", "qbr_threshold"]

    def has_add_permission(self, request):
        return not PlanSettings.objects.exists()
