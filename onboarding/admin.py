"""Admins edit the onboarding templates here: the checklist's steps, the two emails, the spend bands
and the face-to-face threshold. Nothing is deleted: untick a step's "active" instead."""

from django.contrib import admin
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from csops.admin import NoDeleteMixin

from .models import PLACEHOLDERS, EmailTemplate, OnboardingPolicy, Pitch, SpendBand, StepTemplate


@admin.register(StepTemplate)
class StepTemplateAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["order", "title", "owner", "kind", "due_days", "active"]
    list_editable = ["due_days", "active"]
    ordering = ["order"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    # EmailTemplate.clean refuses an unknown placeholder with the list of the known ones
    list_display = ["code", "subject", "updated_at"]
    readonly_fields = ["placeholders"]
    fields = ["code", "subject", "body", "placeholders"]

    @admin.display(description="Placeholders you may use")
    def placeholders(self, obj):
        return format_html_join(
            "", "<div><code>{{{}}}</code>: {}</div>", ((name, text) for name, text in PLACEHOLDERS.items())
        )


@admin.register(SpendBand)
class SpendBandAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["engagement_type", "min_amount", "max_amount", "suggested_tier"]


@admin.register(OnboardingPolicy)
class OnboardingPolicyAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "face_to_face_min_spend"]


@admin.register(Pitch)
class PitchAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["prospect_name", "decision", "outcome", "pitch_date", "new_business_owner"]
    list_filter = ["decision", "outcome"]
