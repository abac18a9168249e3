import re

from django import forms
from django.db.models.functions import Lower

from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin
from people.selectors import cs_team_users, exec_sponsor_users

from ..models import Client, Contact, EngagementType

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalise_domain(value: str) -> str:
    """'https://www.Example.com/about' -> 'example.com': one spelling per client, for the uniqueness rule."""
    value = _SCHEME.sub("", value.strip().lower()).split("/")[0].split(":")[0]
    return value.removeprefix("www.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClientForm(VersionedFormMixin, SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "name",
            "domain",
            "industry",
            "status",
            "engagement_type",
            "monthly_spend",
            "project_value",
            "currency",
            "tier",
            "bespoke_plan",
            "propensity",
            "exec_sponsor",
            "start_date",
            "lost_date",
            "lost_reason",
        ]
        widgets = {
            "start_date": DateInput(),
            "lost_date": DateInput(),
            "lost_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, can_manage_team: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["exec_sponsor"].queryset = exec_sponsor_users()
        self.fields["exec_sponsor"].label_from_instance = lambda u: u.get_full_name() or u.username
        if not can_manage_team:
            # Assigning the exec sponsor is the head of CS's call (§1); others see it, cannot change it.
            self.fields["exec_sponsor"].disabled = True

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the client's name.")
        return name

    def clean_domain(self):
        domain = normalise_domain(self.cleaned_data.get("domain", ""))
        if not domain:
            return ""
        if not _DOMAIN.match(domain):
            raise forms.ValidationError("Enter a web domain such as example.com.")
        clash = Client.objects.annotate(d=Lower("domain")).filter(d=domain)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        other = clash.first()
        if other is not None:
            where = " (archived)" if other.is_archived else ""
            raise forms.ValidationError(f"{other.name}{where} already has the domain {domain}.")
        return domain

    def clean(self):
        data = super().clean()
        engagement = data.get("engagement_type")
        spend, value = data.get("monthly_spend"), data.get("project_value")
        if engagement == EngagementType.RETAINED:
            if value is not None:
                self.add_error("project_value", "A retained client has a monthly spend, not a project value.")
            if spend is None and "monthly_spend" not in self.errors:
                self.add_error("monthly_spend", "Enter the monthly spend of a retained client.")
        elif engagement == EngagementType.PROJECT:
            if spend is not None:
                self.add_error("monthly_spend", "A project client has a project value, not a monthly spend.")
            if value is None and "project_value" not in self.errors:
                self.add_error("project_value", "Enter the value of the project.")
        status = data.get("status")
        if status == Client.Status.LOST and not data.get("lost_date"):
            self.add_error("lost_date", "Enter the date the client was lost.")
        start, lost = data.get("start_date"), data.get("lost_date")
        if start and lost and lost < start:
            self.add_error("lost_date", "The lost date cannot be before the start date.")
        return data


class ClientCreateForm(ClientForm):
    lead = forms.ModelChoiceField(
        label="Lead AM",
        queryset=None,
        required=False,
        help_text="Puts this person on the account team as its lead.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = cs_team_users()
        self.fields["lead"].label_from_instance = lambda u: u.get_full_name() or u.username


class ContactForm(VersionedFormMixin, SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "seniority", "decision_maker", "stance", "rag"]

    def __init__(self, *args, client, **kwargs):
        self.client = client
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the contact's name.")
        return name

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip().lower()
        if email:
            clash = self.client.contacts.annotate(e=Lower("email")).filter(e=email)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError("Another contact at this client has this email address.")
        return email


class TeamMemberForm(forms.Form):
    """Add a person to the account team, or change what they do (the service applies the one-lead rule)."""

    user = forms.ModelChoiceField(label="Person", queryset=None)
    responsibility = forms.CharField(
        label="What they do for this client",
        max_length=255,
        help_text="e.g. day-to-day comms and reporting; paid search delivery lead",
    )
    is_lead = forms.BooleanField(
        label="Lead AM", required=False, help_text="Making someone lead moves the lead from the current one."
    )

    def __init__(self, *args, client, membership=None, **kwargs):
        self.client = client
        self.membership = membership
        if membership is not None:
            kwargs.setdefault("initial", {}).update(
                user=membership.user, responsibility=membership.responsibility, is_lead=membership.is_lead
            )
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = cs_team_users()
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        if membership is not None:
            self.fields["user"].disabled = True
        if client.tier.lead_min_role_id:  # the tier-fit rule, where the lead is chosen (issue 18)
            self.fields[
                "is_lead"
            ].help_text += f" {client.tier}'s lead should be at least {client.tier.lead_min_role}."

    def clean_responsibility(self):
        text = self.cleaned_data["responsibility"].strip()
        if not text:
            raise forms.ValidationError("Say what this person does for the client.")
        return text

    def clean_user(self):
        user = self.cleaned_data["user"]
        if self.membership is None and self.client.memberships.filter(user=user).exists():
            raise forms.ValidationError(
                "This person is already on the account team; edit their entry instead."
            )
        return user
