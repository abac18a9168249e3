from django import forms

from csops.formsets import MatrixFormSetMixin

from ..models import CsPrice


class CsPriceForm(forms.ModelForm):
    class Meta:
        model = CsPrice
        fields = ["industry", "spend_band", "client_size", "service", "monthly_fee"]
        labels = {"industry": "Industry (empty: any)", "spend_band": "Spend (empty: any)"}
        error_messages = {"monthly_fee": {"min_value": "A fee cannot be negative."}}


def _cell(data) -> str:
    industry = data.get("industry") or "Any industry"
    band = data["spend_band"].label if data.get("spend_band") else "any spend"
    size = CsPrice.Size(data["client_size"]).label if data.get("client_size") else "any size"
    service = CsPrice.Service(data["service"]).label if data.get("service") else "no service"
    return f"{industry}, {band}, {size}, {service}"


class BaseCsPriceFormSet(MatrixFormSetMixin, forms.BaseModelFormSet):
    """One price per industry (or any industry) × client size × service, across the whole table."""

    def row_label(self, form) -> str:
        data = getattr(form, "cleaned_data", None) or {}
        if not data and form.instance.pk:
            instance = form.instance
            data = {
                "industry": instance.industry,
                "spend_band": instance.spend_band,
                "client_size": instance.client_size,
                "service": instance.service,
            }
        return _cell(data) if data else "new row"

    def table_problems(self, rows):
        cells = {}
        for form in rows:
            data = form.cleaned_data
            key = (data["industry"], data.get("spend_band"), data["client_size"], data["service"])
            cells.setdefault(key, []).append(form)
        return [
            (forms_, f"{_cell(forms_[0].cleaned_data)} is priced {_times(len(forms_))}: keep one row.")
            for forms_ in cells.values()
            if len(forms_) > 1
        ]


def _times(n: int) -> str:
    return "twice" if n == 2 else f"{n} times"


CsPriceFormSet = forms.modelformset_factory(
    CsPrice, form=CsPriceForm, formset=BaseCsPriceFormSet, extra=2, can_delete=True
)
