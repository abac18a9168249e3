"""Managing the team: invite, edit, deactivate; tiers and role definitions (issue 18, item 1-2)."""

from django import forms
from django.contrib.auth import get_user_model

from clients.models import Tier
from csops.forms import SubmitOnceMixin, VersionedFormMixin

from ..models import Role, StaffProfile
from ..selectors import manager_loop


def person_label(user) -> str:
    return user.get_full_name() or user.username


class ProfileFieldsMixin:
    """Roles, level, line manager, capacity and pathway, with the checks every place that sets them makes."""

    def _setup_profile_fields(self, person=None):
        self.fields["roles"].queryset = Role.objects.order_by("rank")
        self.fields["roles"].widget = forms.CheckboxSelectMultiple()
        self.fields["roles"].choices = [(r.pk, r.name) for r in self.fields["roles"].queryset]
        managers = (
            get_user_model().objects.filter(is_active=True, profile__isnull=False).order_by("first_name")
        )
        if person is not None:
            managers = managers.exclude(pk=person.pk)
        self.fields["line_manager"].queryset = managers
        self.fields["line_manager"].label_from_instance = person_label

    def _check_line_manager(self, person):
        manager = self.cleaned_data.get("line_manager")
        if (
            person is not None
            and manager is not None
            and manager_loop(person_id=person.pk, manager_id=manager.pk)
        ):
            self.add_error(
                "line_manager",
                f"{person_label(manager)} is already managed (directly or further down) by "
                f"{person_label(person)}: a line manager cannot report to their own report.",
            )


PROFILE_FIELDS = ["job_title", "roles", "level", "line_manager", "capacity_hours", "pathway"]


class InviteForm(ProfileFieldsMixin, SubmitOnceMixin, forms.ModelForm):
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)

    class Meta:
        model = StaffProfile
        fields = PROFILE_FIELDS

    field_order = ["email", "first_name", "last_name", *PROFILE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_profile_fields()
        self.fields["roles"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        users = get_user_model().objects
        if users.filter(email__iexact=email).exists() or users.filter(username__iexact=email).exists():
            raise forms.ValidationError(
                "Someone already uses this email address: edit their profile instead."
            )
        return email

    def profile_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS if name != "roles"}


class PersonForm(VersionedFormMixin, ProfileFieldsMixin, forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_profile_fields(self.instance.user)

    def clean(self):
        data = super().clean()
        self._check_line_manager(self.instance.user)
        roles = data.get("roles")
        if roles is not None and self.instance.pk and not any(r.code == Role.HEAD_OF_CS for r in roles):
            was_head = self.instance.roles.filter(code=Role.HEAD_OF_CS).exists()
            others = (
                get_user_model()
                .objects.filter(is_active=True, profile__roles__code=Role.HEAD_OF_CS)
                .exclude(pk=self.instance.user_id)
                .exists()
            )
            if was_head and not others:
                self.add_error("roles", "This is the last head of CS: make someone else head of CS first.")
        return data


class DeactivateForm(forms.Form):
    """One new owner per open action and one new lead per client they lead, on one screen."""

    confirm = forms.BooleanField(label="Deactivate this person (their history stays)")

    def __init__(self, *args, person, actions, leads, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions, self.leads = actions, leads
        for action in actions:
            field = forms.ModelChoiceField(
                queryset=successors, label=f"{action.description} ({action.client.name})"
            )
            field.label_from_instance = person_label
            self.fields[f"action_{action.pk}"] = field
        for membership in leads:
            field = forms.ModelChoiceField(queryset=successors, label=f"Lead AM of {membership.client.name}")
            field.label_from_instance = person_label
            self.fields[f"lead_{membership.pk}"] = field

    def action_owners(self) -> dict:
        return {a: self.cleaned_data[f"action_{a.pk}"] for a in self.actions}

    def lead_successors(self) -> dict:
        return {m: self.cleaned_data[f"lead_{m.pk}"] for m in self.leads}


class TierForm(SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["rank", "name", "description", "lead_min_role"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_min_role"].queryset = Role.objects.filter(code__in=Role.CS_TEAM).order_by("rank")


class RoleDefinitionForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = [
            "overview",
            "responsibilities",
            "share_account_management",
            "share_senior_relationships",
            "share_people_management",
        ]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 5}),
            "responsibilities": forms.Textarea(attrs={"rows": 6}),
        }

    def clean(self):
        data = super().clean()
        shares = [data.get(f) for f in self.Meta.fields[2:]]
        if all(s is not None for s in shares):
            for name, value in zip(self.Meta.fields[2:], shares, strict=True):
                if value > 100:
                    self.add_error(name, "A share is a percentage: 0 to 100.")
            if sum(shares) != 100 and not self.errors:
                self.add_error(
                    None, f"The three shares make one week: they add up to 100%, not {sum(shares)}%."
                )
        return data
