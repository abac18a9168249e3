"""What every CS Ops admin page shares: nothing is hard-deleted through the Django admin.

PRODUCT.md §6: every change is kept in history and nothing is deleted, only archived. Deleting a
contact in the admin took its survey invite and its call attendance with it, so every ModelAdmin
and inline of ours (users included: deactivate instead) refuses delete for everyone, superusers
included; with no delete permission Django also drops the "delete selected" action.
"""

from django.contrib import admin


class NoDeleteMixin:
    """Mix into a ModelAdmin or an inline: no delete view, no bulk delete action, no inline delete box."""

    def has_delete_permission(self, request, obj=None):
        return False


class NoDeleteTabularInline(NoDeleteMixin, admin.TabularInline):
    pass


class NoDeleteStackedInline(NoDeleteMixin, admin.StackedInline):
    pass
