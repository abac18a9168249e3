import datetime

from django import forms
from django.utils import timezone

from clients.forms.activity import ActionForm, StaffChoiceMixin
from clients.forms.core import DateInput
from clients.models import Client, EngagementType, Flag
from csops.forms import SaneDatesMixin, VersionedFormMixin
from csops.formsets import MatrixFormSetMixin

from .models import Cadence, CommsPlan, Meeting, ReportingBand

REPORT_CHOICES = [
    ("", "Choose…"),
    *[
        (value, label)
        for value, label in Cadence.choices
        if value in (Cadence.WEEKLY, Cadence.FORTNIGHTLY, Cadence.MONTHLY, Cadence.AT_END)
    ],
]
CALL_CHOICES = [
    ("", "Choose…"),
    *[
        (value, label)
        for value, label in Cadence.choices
        if value in (Cadence.WEEKLY, Cadence.FORTNIGHTLY, Cadence.MONTHLY, Cadence.INITIAL_ONLY)
    ],
]


class TimeInput(forms.TimeInput):
    input_type = "time"


class CommsPlanForm(VersionedFormMixin, forms.ModelForm):
    """The client's own plan: concrete cadences (a bespoke band is where the plan decides)."""

    report_cadence = forms.ChoiceField(
        choices=REPORT_CHOICES, error_messages={"required": "Set how often the client gets a report."}
    )
    call_cadence = forms.ChoiceField(
        choices=CALL_CHOICES, error_messages={"required": "Set how often you call the client."}
    )

    class Meta:
        model = CommsPlan
        fields = [
            "report_cadence",
            "call_cadence",
            "call_weekday",
            "call_time",
            "call_details",
            "live_dashboard",
            "feedback_cadence",
            "entertainment_budget",
            "entertainment_notes",
            "surprise_delight_notes",
        ]
        widgets = {
            "call_time": TimeInput(format="%H:%M"),
            "entertainment_notes": forms.Textarea(attrs={"rows": 2}),
            "surprise_delight_notes": forms.Textarea(attrs={"rows": 2}),
        }


class BandForm(forms.ModelForm):
    class Meta:
        model = ReportingBand
        fields = [
            "engagement_type",
            "min_amount",
            "max_amount",
            "report_cadence",
            "call_cadence",
            "live_dashboard",
        ]
        labels = {"min_amount": "From £", "max_amount": "To £ (empty: and above)"}
        error_messages = {
            "min_amount": {"min_value": "A band starts at £0 or more."},
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and high < low:
            # on the field, before the row's CheckConstraint (band_max_not_below_min) would say it
            self.add_error("max_amount", f"This band ends (£{high:,}) before it starts (£{low:,}).")
        return data


class BaseBandFormSet(MatrixFormSetMixin, forms.BaseModelFormSet):
    """The matrix as a whole: per engagement type, bands from £0 up, touching, not overlapping, open-ended."""

    def row_label(self, form) -> str:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        engagement = data.get("engagement_type") or form.instance.engagement_type
        low = data.get("min_amount", form.instance.min_amount)
        if not engagement:
            return "new band"
        name = dict(EngagementType.choices)[engagement].lower()
        return f"{name} band from £{low:,}" if low is not None else f"{name} band"

    def table_problems(self, rows):
        by_type = {value: [] for value in EngagementType.values}
        for form in rows:
            by_type[form.cleaned_data["engagement_type"]].append(form)
        problems = []
        for engagement, forms_ in by_type.items():
            name = dict(EngagementType.choices)[engagement].lower()
            if not forms_:
                problems.append(([], f"The {name} matrix needs at least one band."))
                continue
            forms_.sort(key=lambda f: f.cleaned_data["min_amount"])
            bands = [(f.cleaned_data["min_amount"], f.cleaned_data["max_amount"]) for f in forms_]
            if bands[0][0] != 0:
                problems.append(
                    (
                        [forms_[0]],
                        f"The {name} bands must start at £0 (the lowest starts at £{bands[0][0]:,}).",
                    )
                )
            for n in range(len(forms_) - 1):
                (low, high), (next_low, _) = bands[n], bands[n + 1]
                both = [forms_[n], forms_[n + 1]]
                if low == next_low:
                    problems.append((both, f"Two {name} bands start at £{low:,}: remove the duplicate."))
                elif high is None:
                    problems.append(
                        (
                            both,
                            f"The {name} band from £{low:,} is open-ended but another starts at "
                            f"£{next_low:,}: only the top band may be open-ended.",
                        )
                    )
                elif next_low <= high:
                    problems.append(
                        (both, f"The {name} bands £{low:,}–{high:,} and from £{next_low:,} overlap.")
                    )
                elif next_low > high + 1:
                    problems.append(
                        (
                            both,
                            f"There is a gap in the {name} bands between £{high:,} and £{next_low:,}: "
                            f"the next band should start at £{high + 1:,}.",
                        )
                    )
            if bands[-1][1] is not None:
                problems.append(
                    ([forms_[-1]], f"The top {name} band must be open-ended (leave its “to” empty).")
                )
        return problems


BandFormSet = forms.modelformset_factory(
    ReportingBand, form=BandForm, formset=BaseBandFormSet, extra=1, can_delete=True
)


# --- NPS: the sponsor's check-in and the client's survey -----------------------------------------

SCORE_CHOICES = [(n, str(n)) for n in range(11)]


def score_field(label: str, required: str) -> forms.TypedChoiceField:
    """The 0–10 NPS question, as a row of buttons (static/css/csops.css, .score-picker)."""
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


class NpsCheckInForm(forms.Form):
    """The exec sponsor's quarterly call, fast: a score, what they said, what was agreed, a flag if needed."""

    score = score_field(
        "How likely are they to recommend us? (0–10)", "Choose the score the client gave, 0 to 10."
    )
    comment = forms.CharField(
        label="What they said", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actions = forms.CharField(
        label="Actions agreed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    raise_flag = forms.BooleanField(label="Raise a flag for the CS team from this check-in", required=False)
    flag_severity = forms.ChoiceField(
        label="Flag severity", choices=[("", "Choose…"), *Flag.Severity.choices], required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("raise_flag"):
            if not (data.get("comment") or "").strip():
                self.add_error("comment", "Say what the issue is, so the CS team can act on the flag.")
            if not data.get("flag_severity"):
                self.add_error("flag_severity", "Choose how serious the issue is.")
        return data


class SurveyAnswerForm(forms.Form):
    score = score_field(
        "How likely are you to recommend us to a friend or colleague?",
        "Choose a score from 0 (not at all likely) to 10 (extremely likely).",
    )
    comment = forms.CharField(
        label="What is the main reason for your score?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- meetings ------------------------------------------------------------------------------------


class MeetingOpenForm(SaneDatesMixin, forms.Form):
    kind = forms.ChoiceField(choices=Meeting.Kind.choices, initial=Meeting.Kind.WEEKLY_MEET)
    held_on = forms.DateField(label="Date", widget=DateInput())

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate() + datetime.timedelta(days=31):
            raise forms.ValidationError("Open a meeting at most a month ahead.")
        return day


class MeetingForm(StaffChoiceMixin, forms.ModelForm):
    staff_fields = ("attendees",)

    class Meta:
        model = Meeting
        fields = ["attendees", "notes", "significant_issues", "lessons"]
        widgets = {
            "attendees": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 5}),
            "significant_issues": forms.Textarea(attrs={"rows": 4}),
            "lessons": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_staff()
        if self.instance.kind != Meeting.Kind.WASH_UP:
            del self.fields["significant_issues"]
            del self.fields["lessons"]


class MeetingActionForm(ActionForm):
    """An action agreed in the meet: owner, due date, and the client (or the flag) it is about."""

    client = forms.ModelChoiceField(queryset=Client.objects.none(), required=False)
    flag = forms.ModelChoiceField(queryset=Flag.objects.none(), required=False, label="Flag (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.active().order_by("name")
        self.fields["flag"].queryset = Flag.objects.filter(status__in=Flag.OPEN_STATUSES).select_related(
            "client"
        )
        self.fields["flag"].label_from_instance = lambda f: f"{f.client.name}: {f.title}"

    def clean(self):
        data = super().clean()
        client, flag = data.get("client"), data.get("flag")
        if flag and client and flag.client_id != client.pk:
            self.add_error("flag", "That flag is about another client.")
        elif flag and not client:
            data["client"] = flag.client
        elif not client and not self.has_error("flag"):
            self.add_error("client", "Choose the client (or the flag) the action is about.")
        return data
