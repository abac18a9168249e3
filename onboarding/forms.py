from django import forms

from .models import CsPrice


class CsPriceForm(forms.ModelForm):
    class Meta:
        model = CsPrice
        fields = ["industry", "client_size", "service", "monthly_fee"]
        labels = {"industry": "Industry (empty: any)"}


class BaseCsPriceFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = {}
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            key = (data.get("industry"), data.get("client_size"), data.get("service"))
            if key in seen:
                industry, size, service = key[0] or "any industry", CsPrice.Size(key[1]).label, key[2]
                raise forms.ValidationError(
                    f"Two prices for {industry}, {size}, {CsPrice.Service(service).label}: keep one."
                )
            seen[key] = form


CsPriceFormSet = forms.modelformset_factory(
    CsPrice, form=CsPriceForm, formset=BaseCsPriceFormSet, extra=2, can_delete=True
)
