from django import forms
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower

from clients.forms.core import _DOMAIN, DateInput, normalise_domain
from clients.models import Client, EngagementType
from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin
from people.models import Role
from people.selectors import cs_team_users

from ..models import CsPrice, Pitch, SpendBand, band_for


def _person(user) -> str:
    return user.get_full_name() or user.username


def new_business_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__roles__code__in=[Role.NEW_BUSINESS, Role.HEAD_OF_CS])
        .distinct()
        .order_by("first_name", "last_name")
    )


class PitchForm(VersionedFormMixin, SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    services = forms.MultipleChoiceField(
        choices=CsPrice.Service.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Pitch
        fields = [
            "prospect_name",
            "domain",
            "industry",
            "client_size",
            "engagement_type",
            "monthly_spend",
            "project_value",
            "services",
            "new_business_owner",
            "decision",
            "decision_reason",
            "proposed_cs",
            "fit_note",
            "cs_attends",
            "pitch_date",
            "cs_fee_override",
            "cs_fee_override_reason",
        ]
        error_messages = {"prospect_name": {"required": "Name the prospect."}}
        widgets = {
            "pitch_date": DateInput(),
            "decision_reason": forms.Textarea(attrs={"rows": 2}),
            "fit_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_business_owner"].queryset = new_business_users()
        self.fields["new_business_owner"].label_from_instance = _person
        self.fields["proposed_cs"].queryset = cs_team_users()
        self.fields["proposed_cs"].label_from_instance = _person

    def clean_prospect_name(self):
        name = self.cleaned_data["prospect_name"].strip()
        if not name:
            raise forms.ValidationError("Name the prospect.")
        return name

    def clean_domain(self):
        domain = normalise_domain(self.cleaned_data.get("domain", ""))
        if domain and not _DOMAIN.match(domain):
            raise forms.ValidationError("Enter a web domain such as example.com.")
        return domain

    def clean(self):
        data = super().clean()
        engagement = data.get("engagement_type")
        field = "monthly_spend" if engagement == EngagementType.RETAINED else "project_value"
        other = "project_value" if field == "monthly_spend" else "monthly_spend"
        if engagement:
            if data.get(other) is not None:
                self.add_error(
                    other, "Give the amount that fits the engagement: " + self.fields[field].label + "."
                )
            amount = data.get(field)
            if amount is None and field not in self.errors:
                self.add_error(field, "Enter the " + self.fields[field].label.lower() + ".")
            elif amount is not None and band_for(list(SpendBand.objects.all()), engagement, amount) is None:
                self.add_error(field, "This spend fits no spend band: ask an admin to add a band for it.")
        decision = data.get("decision")
        if (
            decision
            and decision != Pitch.Decision.PENDING
            and not (data.get("decision_reason") or "").strip()
        ):
            self.add_error("decision_reason", "Say why you decided to pitch or not.")
        if data.get("cs_fee_override") is not None and not (data.get("cs_fee_override_reason") or "").strip():
            self.add_error("cs_fee_override_reason", "Say why the CS fee differs from the matrix.")
        return data


class PitchWonForm(SaneDatesMixin, forms.Form):
    won_on = forms.DateField(label="Won on", widget=DateInput())
    start_date = forms.DateField(label="Work starts", widget=DateInput(), required=False)
    link_existing = forms.BooleanField(
        label="Link the pitch to the existing client instead of creating one", required=False
    )

    def __init__(self, *args, pitch, **kwargs):
        self.pitch = pitch
        super().__init__(*args, **kwargs)
        self.existing = None
        if pitch.domain:
            self.existing = Client.objects.annotate(d=Lower("domain")).filter(d=pitch.domain.lower()).first()
        if self.existing is None:
            del self.fields["link_existing"]

    def clean(self):
        data = super().clean()
        won_on, start = data.get("won_on"), data.get("start_date")
        if won_on and self.pitch.pitch_date and won_on < self.pitch.pitch_date:
            self.add_error("won_on", "A pitch cannot be won before its pitch date.")
        if won_on and start and start < won_on:
            self.add_error("start_date", "Work cannot start before the pitch is won.")
        if self.existing is not None and not data.get("link_existing"):
            self.add_error(
                "link_existing",
                f"{self.existing.name} already has the domain {self.pitch.domain}: tick this to link the "
                "pitch to it, or change the pitch's domain.",
            )
        if self.pitch.decision != Pitch.Decision.YES:
            self.add_error(None, "Only a pitch we decided to make can be won: record the decision first.")
        return data


class PitchCloseForm(SaneDatesMixin, forms.Form):
    outcome = forms.ChoiceField(
        choices=[(Pitch.Outcome.LOST, "Lost"), (Pitch.Outcome.WITHDRAWN, "Withdrawn")]
    )
    on = forms.DateField(label="On", widget=DateInput())
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the pitch was lost or withdrawn.")
        return reason
