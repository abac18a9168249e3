from django import forms

from csops.forms import SaneDatesMixin, SubmitOnceMixin

from ..models import Measure, Objective
from .pdp import DateInput


class MantraForm(forms.Form):
    mantra = forms.CharField(max_length=300, help_text="What do we want to achieve by the end of the year?")


class ObjectiveForm(SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["title", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MeasureForm(SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["description", "kind", "target", "deadline", "manual_value"]
        widgets = {"deadline": DateInput()}
        error_messages = {"target": {"invalid": "Enter the target as a number, e.g. 8 or 100."}}

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target is not None and target <= 0:
            raise forms.ValidationError("A target is more than zero.")
        return target

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline.year != self.year:
            raise forms.ValidationError(f"The deadline falls in {self.year}, the objectives' year.")
        return deadline

    def clean(self):
        data = super().clean()
        if data.get("kind") != Measure.Kind.MANUAL and data.get("manual_value") is not None:
            self.add_error("manual_value", "This measure is computed from the data: leave progress empty.")
        return data
