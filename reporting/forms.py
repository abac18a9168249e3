from django import forms

from clients.models import EngagementType

from .models import Cadence, CommsPlan, ReportingBand

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


class CommsPlanForm(forms.ModelForm):
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


class BaseBandFormSet(forms.BaseModelFormSet):
    """The matrix as a whole: per engagement type, bands from £0 up, touching, not overlapping, open-ended."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        by_type = {value: [] for value in EngagementType.values}
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            by_type[data["engagement_type"]].append((data["min_amount"], data["max_amount"]))
        problems = []
        for engagement, bands in by_type.items():
            name = dict(EngagementType.choices)[engagement].lower()
            if not bands:
                problems.append(f"The {name} matrix needs at least one band.")
                continue
            bands.sort(key=lambda b: b[0])
            if bands[0][0] != 0:
                problems.append(f"The {name} bands must start at £0 (the lowest starts at £{bands[0][0]:,}).")
            for (low, high), (next_low, _) in zip(bands, bands[1:], strict=False):
                if low == next_low:
                    problems.append(f"Two {name} bands start at £{low:,}: remove the duplicate.")
                elif high is None:
                    problems.append(
                        f"The {name} band from £{low:,} is open-ended but another starts at "
                        f"£{next_low:,}: only the top band may be open-ended."
                    )
                elif next_low <= high:
                    problems.append(f"The {name} bands £{low:,}–{high:,} and from £{next_low:,} overlap.")
                elif next_low > high + 1:
                    problems.append(
                        f"There is a gap in the {name} bands between £{high:,} and £{next_low:,}: "
                        f"the next band should start at £{high + 1:,}."
                    )
            if bands[-1][1] is not None:
                problems.append(f"The top {name} band must be open-ended (leave its “to” empty).")
            for low, high in bands:
                if high is not None and high < low:
                    problems.append(f"A {name} band ends (£{high:,}) before it starts (£{low:,}).")
        if problems:
            raise forms.ValidationError(problems)


BandFormSet = forms.modelformset_factory(
    ReportingBand, form=BandForm, formset=BaseBandFormSet, extra=1, can_delete=True
)
