from django import forms

from clients.forms.core import DateInput
from commercial.models import Contract
from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin


class ContractForm(VersionedFormMixin, SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "title",
            "status",
            "start_date",
            "end_date",
            "notice_period_days",
            "value",
            "currency",
            "sla",
            "document",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "sla": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "The contract must end after it starts.")
        notice = data.get("notice_period_days")
        if start and end and notice is not None and notice > (end - start).days:
            self.add_error("notice_period_days", "The notice period is longer than the contract.")
        if data.get("status") == Contract.Status.SIGNED and not (
            data.get("document") or self.instance.document
        ):
            self.add_error("document", "Upload the signed document to mark the contract signed.")
        return data


class EntertainmentMatrixForm(forms.Form):
    """One £/month field per band × propensity cell."""

    def __init__(self, *args, bands, propensities, budgets, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for band in bands:
            cells = []
            for value, label in propensities:
                name = f"cell_{band.pk}_{value}"
                self.fields[name] = forms.DecimalField(
                    label=f"{band} × {label}",
                    min_value=0,
                    max_digits=8,
                    decimal_places=2,
                    initial=budgets.get((band.pk, value), 0),
                    error_messages={
                        "min_value": "A budget cannot be negative.",
                        "required": "Enter an amount (0 for none).",
                        "invalid": "Enter an amount in pounds, e.g. 50 or 49.99.",
                        "max_digits": "Enter at most £999,999.99.",
                        "max_decimal_places": "Enter pounds and pence: at most two decimal places.",
                        "max_whole_digits": "Enter at most £999,999.99.",
                    },
                )
                cells.append(self[name])
            self.rows.append((band, cells))

    def summary(self) -> list[str]:
        """Each bad cell named by its band and propensity, for the top of the page."""
        return [
            f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() for error in errors
        ]

    def cells(self):
        for name, value in self.cleaned_data.items():
            _, band_id, propensity = name.split("_", 2)
            yield int(band_id), propensity, value
