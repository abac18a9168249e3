"""The weekly timesheet grid: one hours cell per client and per internal category."""

from decimal import Decimal

from django import forms

from clients.models import Client

from ..models import MAX_WEEK_HOURS, TimeEntry

INTERNAL = [(code, label) for code, label in TimeEntry.Category.choices if code != TimeEntry.Category.CLIENT]


def hours_field(label, placeholder=None):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=MAX_WEEK_HOURS,
        max_digits=4,
        decimal_places=2,
        error_messages={
            "max_value": "Hours in a week run from 0 to 80.",
            "min_value": "Hours cannot be negative.",
        },
        widget=forms.NumberInput(
            attrs={"step": "0.25", "min": "0", "max": "80", "inputmode": "decimal"}
            | ({"placeholder": placeholder} if placeholder else {})
        ),
    )


class TimesheetForm(forms.Form):
    """`rows` are the person's clients this week: (client pk, name, hours from calls)."""

    extra_client = forms.ModelChoiceField(
        queryset=Client.objects.none(),
        required=False,
        label="Another client",
        error_messages={"invalid_choice": "You cannot log hours on that client: it is not one you can see."},
    )
    extra_hours = hours_field("Hours on it")

    def __init__(self, *args, person, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["extra_client"].queryset = Client.objects.for_user(person).current().order_by("name")
        for pk, name, from_calls in rows:
            hint = f"{from_calls} from calls" if from_calls else None
            self.fields[f"client_{pk}"] = hours_field(name, hint)
        for code, label in INTERNAL:
            self.fields[f"internal_{code}"] = hours_field(label)
        self.order_fields([f"client_{pk}" for pk, _, _ in rows] + [f"internal_{c}" for c, _ in INTERNAL])

    def client_fields(self):
        return [self[f"client_{pk}"] for pk, _, _ in self.rows]

    def internal_fields(self):
        return [self[f"internal_{c}"] for c, _ in INTERNAL]

    def clean(self):
        data = super().clean()
        client, extra = data.get("extra_client"), data.get("extra_hours")
        if extra and client is None and "extra_client" not in self.errors:
            self.add_error("extra_client", "Choose the client these hours are for.")
        total = sum(
            (v for k, v in data.items() if k != "extra_client" and isinstance(v, Decimal)), Decimal(0)
        )
        if total > MAX_WEEK_HOURS:
            raise forms.ValidationError(
                f"That is {total} hours in one week: a week is at most {MAX_WEEK_HOURS}. Check for a typo."
            )
        return data

    def client_hours(self) -> dict:
        hours = {pk: self.cleaned_data.get(f"client_{pk}") or Decimal(0) for pk, _, _ in self.rows}
        if self.cleaned_data.get("extra_client") and self.cleaned_data.get("extra_hours"):
            pk = self.cleaned_data["extra_client"].pk
            hours[pk] = hours.get(pk, Decimal(0)) + self.cleaned_data["extra_hours"]
        return hours

    def internal_hours(self) -> dict:
        return {code: self.cleaned_data.get(f"internal_{code}") or Decimal(0) for code, _ in INTERNAL}


class CsFeeForm(forms.Form):
    client_size = forms.ChoiceField(label="Client size (pricing matrix)", required=False)
    services = forms.MultipleChoiceField(
        label="Services (pricing matrix)", required=False, widget=forms.CheckboxSelectMultiple
    )
    monthly_fee = forms.DecimalField(
        label="Agreed monthly CS fee (£)",
        required=False,
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        help_text="Leave empty to use the pricing matrix for the size and services above.",
    )

    def __init__(self, *args, sizes, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_size"].choices = [("", "—"), *sizes]
        self.fields["services"].choices = services

    def clean(self):
        data = super().clean()
        if data.get("monthly_fee") is None and not (data.get("client_size") and data.get("services")):
            raise forms.ValidationError(
                "Give an agreed fee, or the client's size and services for the matrix."
            )
        return data
