"""Forms for jobs and milestones, the status report's review and the dashboard's share links."""

from django import forms

from clients.forms.activity import StaffChoiceMixin
from clients.forms.core import DateInput
from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin

from .models import ClientDashboard, Job, Milestone
from .services.sharing import LINK_DAYS_CHOICES


class JobForm(SubmitOnceMixin, VersionedFormMixin, SaneDatesMixin, StaffChoiceMixin, forms.ModelForm):
    staff_fields = ("owner",)
    link = forms.URLField(
        label="Link to the work",
        required=False,
        assume_scheme="https",
        help_text=Job._meta.get_field("link").help_text,
    )

    class Meta:
        model = Job
        fields = [
            "number",
            "name",
            "kind",
            "status",
            "start_date",
            "owner",
            "next_steps",
            "billable",
            "to_bill",
            "link",
        ]
        widgets = {"start_date": DateInput(), "next_steps": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_staff()

    def clean(self):
        data = super().clean()
        if data.get("to_bill") and not data.get("billable"):
            self.add_error("to_bill", "Only billable work can be marked to bill.")
        return data


class MilestoneForm(SaneDatesMixin, forms.ModelForm):
    prefix = "milestone"

    class Meta:
        model = Milestone
        fields = ["name", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, job=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if self.job is not None and due < self.job.start_date:
            raise forms.ValidationError(
                f"The job starts on {self.job.start_date:%d %b %Y}: a milestone cannot be due before that."
            )
        return due


class StatusReviewForm(forms.Form):
    note = forms.CharField(max_length=300, required=False, label="Note (optional)")


class DashboardLinkForm(forms.Form):
    label = forms.CharField(max_length=120, required=False, label="Who it is for")
    days = forms.TypedChoiceField(
        label="Works for",
        coerce=int,
        choices=[(d, f"{d} days") for d in LINK_DAYS_CHOICES],
        initial=30,
    )


class CommentaryForm(forms.ModelForm):
    class Meta:
        model = ClientDashboard
        fields = ["commentary"]
        widgets = {"commentary": forms.Textarea(attrs={"rows": 4})}
