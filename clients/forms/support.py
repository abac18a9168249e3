"""Forms of the support register: the SLA, a request, its first response and resolution."""

from django import forms

from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin

from ..models import SupportArrangement, SupportRequest
from .activity import DateTimeInput, StaffChoiceMixin
from .core import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class SupportArrangementForm(SubmitOnceMixin, VersionedFormMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = SupportArrangement
        fields = [
            "since",
            "ended_on",
            "description",
            "day_starts",
            "day_ends",
            "critical_response_hours",
            "critical_resolution_hours",
            "high_response_hours",
            "high_resolution_hours",
            "normal_response_hours",
            "normal_resolution_hours",
            "low_response_hours",
            "low_resolution_hours",
        ]
        widgets = {
            "since": DateInput(),
            "ended_on": DateInput(),
            "day_starts": TimeInput(),
            "day_ends": TimeInput(),
        }

    def clean(self):
        data = super().clean()
        for priority in ("critical", "high", "normal", "low"):
            response, resolution = (
                data.get(f"{priority}_response_hours"),
                data.get(f"{priority}_resolution_hours"),
            )
            if response is not None and resolution is not None and resolution < response:
                self.add_error(
                    f"{priority}_resolution_hours", "Resolution cannot be due before the first response."
                )
        if data.get("day_starts") and data.get("day_ends") and data["day_ends"] <= data["day_starts"]:
            self.add_error("day_ends", "The working day ends after it starts.")
        if data.get("since") and data.get("ended_on") and data["ended_on"] < data["since"]:
            self.add_error("ended_on", "An arrangement cannot end before it starts.")
        return data


class SupportRequestForm(SubmitOnceMixin, SaneDatesMixin, StaffChoiceMixin, forms.ModelForm):
    staff_fields = ("owner",)

    class Meta:
        model = SupportRequest
        fields = ["received_at", "priority", "summary", "owner", "first_response_at", "resolved_at"]
        widgets = {
            "received_at": DateTimeInput(),
            "first_response_at": DateTimeInput(),
            "resolved_at": DateTimeInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_staff()

    def clean(self):
        data = super().clean()
        received, response, resolved = (
            data.get("received_at"),
            data.get("first_response_at"),
            data.get("resolved_at"),
        )
        if received and response and response < received:
            self.add_error(
                "first_response_at", "The first response cannot come before the request was received."
            )
        if resolved and not response and "first_response_at" not in self.errors:
            self.add_error("resolved_at", "Record the first response before the resolution.")
        elif resolved and response and resolved < response:
            self.add_error("resolved_at", "A request is resolved after its first response.")
        return data


class SupportProgressForm(SaneDatesMixin, forms.Form):
    first_response_at = forms.DateTimeField(label="First response", required=False, widget=DateTimeInput())
    resolved_at = forms.DateTimeField(label="Resolved", required=False, widget=DateTimeInput())

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.support_request = request

    def clean(self):
        data = super().clean()
        received = self.support_request.received_at
        response, resolved = data.get("first_response_at"), data.get("resolved_at")
        if response and response < received:
            self.add_error(
                "first_response_at", "The first response cannot come before the request was received."
            )
        if resolved and not response:
            self.add_error("resolved_at", "Record the first response before the resolution.")
        elif resolved and response and resolved < response:
            self.add_error("resolved_at", "A request is resolved after its first response.")
        return data
