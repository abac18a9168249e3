from django import forms

from clients.forms.core import DateInput
from csops.forms import SaneDatesMixin
from people.selectors import cs_team_users

from ..models import EmailTemplate, OnboardingStep, StepTemplate


def _person(user) -> str:
    return user.get_full_name() or user.username


class StepForm(SaneDatesMixin, forms.Form):
    """Tick a step off or skip it with a note; what its kind adds (team, actions) rides along."""

    ACTIONS = [("done", "Done"), ("skip", "Skip")]

    outcome = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect, initial="done")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, step: OnboardingStep, contacts=None, **kwargs):
        self.step = step
        super().__init__(*args, **kwargs)
        if step.kind == StepTemplate.Kind.INTERNAL:
            self.fields["team"] = forms.ModelMultipleChoiceField(
                label="The team chosen (they join the account team)",
                queryset=cs_team_users(),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields["team"].label_from_instance = _person
            self.fields["responsibility"] = forms.CharField(
                label="What they do for this client",
                max_length=255,
                required=False,
                initial="Delivery team (from the internal onboarding)",
            )
        if step.kind == StepTemplate.Kind.MEETING:
            self.fields["actions"] = forms.CharField(
                label="Actions agreed (one a line)", widget=forms.Textarea(attrs={"rows": 4}), required=False
            )
            self.fields["contact"] = forms.ModelChoiceField(
                label="Email them to",
                queryset=contacts,
                required=False,
                help_text="With the escalation path: AM → head of CS → exec sponsor.",
            )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "skip" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the step is skipped.")
        if (
            data.get("outcome") == "done"
            and data.get("team")
            and not (data.get("responsibility") or "").strip()
        ):
            self.add_error("responsibility", "Say what the team does for this client.")
        lines = [line.strip() for line in (data.get("actions") or "").splitlines() if line.strip()]
        if any(len(line) > 300 for line in lines):
            self.add_error("actions", "Keep each action to 300 characters.")
        if data.get("contact") is not None and not data["contact"].email:
            self.add_error("contact", "This contact has no email address.")
        data["action_lines"] = lines
        return data


class StepDueForm(SaneDatesMixin, forms.Form):
    due_date = forms.DateField(widget=DateInput())


class EmailSendForm(forms.Form):
    contact = forms.ModelChoiceField(queryset=None, label="To", empty_label=None)
    code = forms.ChoiceField(choices=EmailTemplate.Code.choices, widget=forms.HiddenInput)

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts
        self.fields["contact"].label_from_instance = lambda c: f"{c.name} <{c.email}>"
