from django import forms

from clients.forms.core import _DOMAIN, DateInput, normalise_domain
from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin
from people.selectors import cs_team_users

from ..models import FinanceDetails, FormKind, OnboardingChannel, OnboardingForm, ProjectInitiation

FULL = [
    "company_domain",
    "history_text",
    "objectives",
    "competitors",
    "turnaround",
    "sign_off",
    "working_hours",
    "response_times",
]
BRIEF = ["company_domain", "brief", "objectives", "turnaround", "sign_off"]
TEXTAREAS = {
    name: forms.Textarea(attrs={"rows": 3}) for name in ("history_text", "objectives", "competitors", "brief")
}


class IntakeForm(forms.ModelForm):
    """The onboarding form, or its brief version for project work (`kind`)."""

    class Meta:
        model = OnboardingForm
        fields = FULL + ["brief"]
        widgets = TEXTAREAS

    def __init__(self, *args, kind: str = FormKind.ONBOARDING, **kwargs):
        super().__init__(*args, **kwargs)
        keep = BRIEF if kind == FormKind.BRIEF else FULL
        for name in list(self.fields):
            if name not in keep and name != "version":
                del self.fields[name]

    def clean_company_domain(self):
        domain = normalise_domain(self.cleaned_data.get("company_domain", ""))
        if domain and not _DOMAIN.match(domain):
            raise forms.ValidationError("Enter a web domain such as example.com.")
        return domain


class InAppIntakeForm(VersionedFormMixin, IntakeForm):
    pass


class ContactRowForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    title = forms.CharField(label="Job title", max_length=200, required=False)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("email") or data.get("phone") or data.get("title")) and not (
            data.get("name") or ""
        ).strip():
            self.add_error("name", "Give the contact's name.")
        return data


class ChannelRowForm(forms.Form):
    channel = forms.CharField(
        max_length=100, required=False, help_text="e.g. paid search, organic, social, CRM"
    )
    budget_owner = forms.CharField(label="Who owns the budget", max_length=200, required=False)
    done_by = forms.ChoiceField(
        label="Who does the work", choices=OnboardingChannel.Doer.choices, initial="nobody"
    )
    done_by_name = forms.CharField(label="Agency or team", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        described = data.get("budget_owner") or data.get("done_by_name")
        if described and not (data.get("channel") or "").strip():
            self.add_error("channel", "Name the channel.")
        return data


ContactRows = forms.formset_factory(ContactRowForm, extra=3, max_num=20, validate_max=True)
ChannelRows = forms.formset_factory(ChannelRowForm, extra=4, max_num=20, validate_max=True)


def filled(formset, key: str) -> list[dict]:
    return [
        f.cleaned_data for f in formset.forms if f.cleaned_data and (f.cleaned_data.get(key) or "").strip()
    ]


class FinanceForm(forms.ModelForm):
    class Meta:
        model = FinanceDetails
        fields = ["billing_entity", "address", "invoice_email", "po_number", "vat_number", "payment_terms"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class InAppFinanceForm(VersionedFormMixin, FinanceForm):
    pass


class ProjectInitiationForm(SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = ProjectInitiation
        fields = ["kind", "job_number", "name", "brief", "scope", "budget", "start_date", "end_date", "team"]
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 3}),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "team": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cs_team_users()
        self.fields["team"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["budget"].min_value = 0

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "A project cannot end before it starts.")
        if data.get("budget") is not None and data["budget"] < 0:
            self.add_error("budget", "A budget cannot be negative.")
        return data
