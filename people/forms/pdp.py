from django import forms
from django.contrib.auth import get_user_model

from commercial.models import PlanObjective
from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin

from ..models import Measure, Pdp, PdpTarget


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PdpForm(VersionedFormMixin, SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = Pdp
        fields = [
            "staff",
            "year",
            "pathway",
            "summary",
            "next_review_date",
            "salary_review_date",
            "salary_reviewed_at",
            "salary_outcome",
        ]
        widgets = {
            "next_review_date": DateInput(),
            "salary_review_date": DateInput(),
            "salary_reviewed_at": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "salary_outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, staff_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_choices
        self.fields["staff"].label_from_instance = lambda u: u.get_full_name() or u.username
        if self.instance.pk:
            self.fields["staff"].disabled = True
            self.fields["year"].disabled = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("Enter a year such as 2027.")
        return year

    def clean(self):
        data = super().clean()
        staff, year = data.get("staff"), data.get("year")
        if staff and year and not self.instance.pk and Pdp.objects.filter(staff=staff, year=year).exists():
            self.add_error("year", f"{staff.get_full_name()} already has a PDP for {year}: edit that one.")
        return data

    def validate_unique(self):
        pass  # checked in clean() with a clearer message; the constraint still guards the table


class PdpTargetForm(SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = PdpTarget
        fields = [
            "description",
            "measure",
            "reward",
            "progress",
            "achieved_on",
            "follows",
            "follows_objective",
        ]
        widgets = {"achieved_on": DateInput()}

    def __init__(self, *args, year=None, staff_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        # a target may follow one of that year's team measures (its progress then updates itself)
        self.fields["follows"].queryset = Measure.objects.filter(
            objective__team_year__year=year
        ).select_related("objective")
        self.fields["follows"].label_from_instance = lambda m: f"{m.objective}: {m.description}"
        # or one of that year's account-plan objectives owned by the PDP's person
        staff = getattr(getattr(self.instance, "pdp", None), "staff", None) or staff_of
        self.fields["follows_objective"].queryset = PlanObjective.objects.filter(
            plan__year=year, owner=staff
        ).select_related("plan__client")
        self.fields["follows_objective"].label_from_instance = lambda o: f"{o.plan.client}: {o.description}"

    def clean(self):
        data = super().clean()
        if data.get("follows") and data.get("follows_objective"):
            self.add_error("follows_objective", "Follow a team measure or a plan objective, not both.")
        return data

    def clean_progress(self):
        progress = self.cleaned_data["progress"]
        if progress > 100:
            raise forms.ValidationError("Progress is a percentage: 0 to 100.")
        return progress


class PdpReviewForm(SubmitOnceMixin, SaneDatesMixin, forms.Form):
    held_on = forms.DateField(widget=DateInput())
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    target_progress = forms.CharField(
        label="Progress against targets", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def staff_users():
    return get_user_model().objects.filter(is_active=True, profile__isnull=False).order_by("first_name")
