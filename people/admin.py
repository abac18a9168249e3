from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from csops.admin import NoDeleteMixin, NoDeleteStackedInline

from .models import Role, StaffProfile

User = get_user_model()


class StaffProfileInline(NoDeleteStackedInline):
    model = StaffProfile
    fk_name = "user"
    filter_horizontal = ["roles"]
    autocomplete_fields = ["line_manager"]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(NoDeleteMixin, UserAdmin):
    # someone who leaves is deactivated (untick "active"): their calls, flags and history stay theirs
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]


@admin.register(StaffProfile)
class StaffProfileAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "job_title", "level", "line_manager", "capacity_hours"]
    list_filter = ["roles", "level"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
    list_select_related = ["user", "line_manager"]
    filter_horizontal = ["roles"]
    autocomplete_fields = ["user", "line_manager"]


@admin.register(Role)
class RoleAdmin(NoDeleteMixin, admin.ModelAdmin):
    # the code relies on each role's code existing
    list_display = ["name", "code", "rank"]
    readonly_fields = ["code"]
