from django import forms
from django.utils import timezone

from csops.forms import SaneDatesMixin, SubmitOnceMixin
from people.selectors import cs_team_users

from ..models import Action, Call, Contact, EscalationRule, Flag
from .core import DateInput
from .escalation import RuleChecksMixin


def _name(user):
    return user.get_full_name() or user.username


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class StaffChoiceMixin:
    """Staff pickers list the CS team by name."""

    staff_fields: tuple[str, ...] = ()

    def _setup_staff(self):
        for name in self.staff_fields:
            field = self.fields[name]
            field.queryset = cs_team_users()
            field.label_from_instance = _name


class CallForm(SubmitOnceMixin, SaneDatesMixin, StaffChoiceMixin, forms.ModelForm):
    staff_fields = ("staff_attendees",)

    class Meta:
        model = Call
        fields = [
            "held_at",
            "held",
            "kind",
            "duration_minutes",
            "staff_attendees",
            "contact_attendees",
            "rapport",
            "delivery",
            "strategy",
            "next_strategy_review",
            "commercial",
            "report_required",
        ]
        widgets = {
            "held_at": DateTimeInput(),
            "next_strategy_review": DateInput(),
            "staff_attendees": forms.CheckboxSelectMultiple,
            "contact_attendees": forms.CheckboxSelectMultiple,
            "rapport": forms.Textarea(attrs={"rows": 2}),
            "delivery": forms.Textarea(attrs={"rows": 3}),
            "strategy": forms.Textarea(attrs={"rows": 2}),
            "commercial": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_staff()
        self.fields["contact_attendees"].queryset = client.contacts.filter(archived_at__isnull=True)
        self.fields["duration_minutes"].min_value = 1
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("held_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 1 <= minutes <= 600:
            raise forms.ValidationError("Enter a duration between 1 and 600 minutes.")
        return minutes

    def clean(self):
        data = super().clean()
        held_at = data.get("held_at")
        if data.get("held") and held_at and held_at > timezone.now():
            self.add_error("held_at", "A call in the future cannot have been held: untick “held” to plan it.")
        return data


class ActionForm(SubmitOnceMixin, SaneDatesMixin, StaffChoiceMixin, forms.ModelForm):
    staff_fields = ("owner",)

    class Meta:
        model = Action
        fields = ["description", "owner", "due_date"]
        widgets = {"due_date": DateInput()}
        labels = {"description": "Action"}
        error_messages = {
            "owner": {"required": "Give the action an owner."},
            "due_date": {"required": "Give the action a due date."},
            "description": {"required": "Say what needs doing."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_staff()

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise forms.ValidationError("Say what needs doing.")
        return text


class NextActionForm(ActionForm):
    """One row of a call's next actions: empty rows are ignored, half-filled rows are errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["form_token"]  # the call form's token covers its rows
        for field in self.fields.values():
            field.required = False

    def clean(self):
        data = super().clean()
        if not self.has_changed():
            return data
        if not data.get("description"):
            self.add_error("description", "Say what needs doing.")
        if not data.get("owner"):
            self.add_error("owner", "Give the action an owner.")
        if not data.get("due_date"):
            self.add_error("due_date", "Give the action a due date.")
        return data

    def clean_description(self):
        return self.cleaned_data["description"].strip()


NextActionFormSet = forms.formset_factory(NextActionForm, extra=3, max_num=10)


class FlagForm(SubmitOnceMixin, StaffChoiceMixin, forms.ModelForm):
    staff_fields = ("owner",)

    class Meta:
        model = Flag
        fields = ["title", "severity", "source", "owner", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"title": "Only serious issues: the weekly meet reviews every open flag."}
        error_messages = {"severity": {"required": "Say how serious the issue is."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_staff()
        self.fields["severity"].choices = [("", "Choose…"), *Flag.Severity.choices]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the flag a short title.")
        return title


class FlagResolveForm(forms.Form):
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="How was it resolved? What did we learn?"
    )

    def clean_resolution(self):
        text = self.cleaned_data["resolution"].strip()
        if not text:
            raise forms.ValidationError("Say how the issue was resolved.")
        return text


class StanceForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["stance", "rag"]


class EscalationRuleForm(SubmitOnceMixin, RuleChecksMixin, forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["matter", "person", "role", "up_to_amount", "notes"]

    def __init__(self, *args, client, **kwargs):
        self.client = client
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = cs_team_users()
        self.fields["person"].label_from_instance = _name
        self.fields["person"].help_text = "A named person, or leave empty and choose a role."

    def clean(self):
        data = super().clean()
        matter = data.get("matter")
        clash = EscalationRule.objects.filter(client=self.client, matter=matter)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if matter and clash.exists():
            self.add_error("matter", "This client already has a rule for this; edit that one.")
        return data

    def validate_unique(self):
        # the client is set by the view, after validation; the matter clash is checked in clean()
        pass
