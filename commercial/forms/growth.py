from django import forms

from clients.forms.core import DateInput
from commercial.models import Audit, Channel, ChannelRow, Opportunity
from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin
from people.selectors import cs_team_users


def _person(user):
    return user.get_full_name() or user.username


class ChannelRowForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ChannelRow
        fields = ["worker", "agency_name", "budget_owner", "monthly_budget", "kpi", "kpi_note", "appetite"]
        error_messages = {"monthly_budget": {"min_value": "A budget cannot be negative."}}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_owner"].queryset = client.contacts.filter(archived_at__isnull=True)

    def clean(self):
        data = super().clean()
        if data.get("worker") == ChannelRow.Worker.AGENCY and not data.get("agency_name"):
            self.add_error("agency_name", "Name the agency that does the work.")
        return data


class OpportunityForm(VersionedFormMixin, SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "title",
            "kind",
            "service",
            "stage",
            "value",
            "value_period",
            "probability",
            "lost_reason",
            "owner",
            "next_step",
            "next_step_date",
            "channel_row",
            "call",
        ]
        widgets = {
            "next_step_date": DateInput(),
            "lost_reason": forms.Textarea(attrs={"rows": 2}),
            "call": forms.HiddenInput,  # set from the call's "Turn into an opportunity"
        }
        error_messages = {
            "probability": {
                "min_value": "Probability is a percentage from 0 to 100.",
                "max_value": "Probability is a percentage from 0 to 100.",
            },
            "value": {"min_value": "A value cannot be negative."},
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Channel.objects.filter(active=True)
        self.fields["owner"].queryset = cs_team_users()
        self.fields["owner"].label_from_instance = _person
        self.fields["channel_row"].queryset = client.channel_rows.select_related("channel")
        self.fields["channel_row"].label_from_instance = lambda row: row.channel.name
        self.fields["call"].queryset = client.calls.order_by("-held_at")

    def clean(self):
        data = super().clean()
        stage = data.get("stage")
        if stage == Opportunity.Stage.WON and data.get("value") is None and "value" not in self.errors:
            self.add_error("value", "A won opportunity needs its value.")
        if stage == Opportunity.Stage.LOST and not data.get("lost_reason"):
            self.add_error("lost_reason", "Say why it was lost: the wash-up learns from it.")
        return data


class AuditForm(VersionedFormMixin, SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = Audit
        fields = ["kind", "assignee", "due_date", "audience", "status", "output", "file"]
        widgets = {"due_date": DateInput(), "output": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = cs_team_users()
        self.fields["assignee"].label_from_instance = _person

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == Audit.Status.DONE
            and not data.get("output")
            and not (data.get("file") or self.instance.file)
            and "file" not in self.errors
        ):
            self.add_error("output", "A done audit needs its output: write it or upload the file.")
        return data
