from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from csops.admin import NoDeleteMixin, NoDeleteTabularInline

from .models import AccountTeamMembership, Client, Contact, Industry, Tier


class MembershipInline(NoDeleteTabularInline):
    model = AccountTeamMembership
    extra = 0
    autocomplete_fields = ["user"]


class ContactInline(NoDeleteTabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "email", "seniority", "decision_maker", "stance", "rag", "archived_at"]


@admin.register(Client)
class ClientAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    # clients and contacts are archived, never deleted: set "archived at" instead
    list_display = [
        "name",
        "domain",
        "status",
        "engagement_type",
        "tier",
        "monthly_spend",
        "project_value",
        "exec_sponsor",
        "archived_at",
    ]
    list_filter = [
        "status",
        "engagement_type",
        "tier",
        "propensity",
        "currency",
        "industry",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "domain", "contacts__name", "contacts__email"]
    list_select_related = ["tier", "exec_sponsor"]
    autocomplete_fields = ["exec_sponsor", "industry"]
    inlines = [MembershipInline, ContactInline]
    date_hierarchy = "created_at"


@admin.register(Contact)
class ContactAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "client", "title", "email", "seniority", "decision_maker", "stance", "rag"]
    list_filter = ["stance", "rag", "seniority", "decision_maker"]
    search_fields = ["name", "email", "title", "client__name"]
    list_select_related = ["client"]
    autocomplete_fields = ["client"]


@admin.register(AccountTeamMembership)
class AccountTeamMembershipAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["client", "user", "responsibility", "is_lead"]
    list_filter = ["is_lead"]
    search_fields = [
        "client__name",
        "user__username",
        "user__first_name",
        "user__last_name",
        "responsibility",
    ]
    list_select_related = ["client", "user"]
    autocomplete_fields = ["client", "user"]


@admin.register(Tier)
class TierAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["rank", "name", "description"]
    search_fields = ["name"]


@admin.register(Industry)
class IndustryAdmin(NoDeleteMixin, admin.ModelAdmin):
    search_fields = ["name"]
