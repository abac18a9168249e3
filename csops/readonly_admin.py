"""Admin pages that show configuration edited elsewhere, read-only.

The matrices (and the agency-wide escalation rules) are edited on their own screens, which
validate the whole table at once (no gaps between bands, one price per cell). The admin edits one
row at a time and would bypass that, so it shows these rows and points at the screen instead.
"""

from django.contrib import messages
from django.urls import reverse
from django.utils.html import format_html


class ReadOnlyAdminMixin:
    screen_url_name: str = ""  # the screen where the table is edited
    screen_title: str = ""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _point_to_screen(self, request):
        messages.info(
            request,
            format_html(
                'Read-only here: change the {} on <a href="{}">its screen</a>, which checks the whole table '
                "before saving.",
                self.screen_title,
                reverse(self.screen_url_name),
            ),
        )

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._point_to_screen(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._point_to_screen(request)
        return super().change_view(request, object_id, form_url, extra_context)
