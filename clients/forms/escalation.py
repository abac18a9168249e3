"""The agency-wide escalation rules (seed 004) edited as one table, like the matrices."""

from django import forms

from csops.formsets import MatrixFormSetMixin
from people.models import Role
from people.selectors import cs_team_users

from ..models import EscalationRule


class RuleChecksMixin:
    """What makes one escalation rule valid, for a client's rule and the agency table alike."""

    def clean_up_to_amount(self):
        amount = self.cleaned_data.get("up_to_amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError("Enter a limit of zero or more, or leave it empty for no limit.")
        return amount

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("role") and not self.has_error("person"):
            self.add_error("person", "Choose who: a person or a role.")
        return data


class AgencyEscalationRuleForm(RuleChecksMixin, forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["matter", "person", "role", "up_to_amount", "notes"]
        labels = {"person": "Person (or a role)", "up_to_amount": "Up to £ (empty: no limit)"}
        error_messages = {"matter": {"required": "Choose what the rule is about."}}


class BaseAgencyEscalationFormSet(MatrixFormSetMixin, forms.BaseModelFormSet):
    """One agency-wide rule per matter; a client's own rule for the matter replaces it on its page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # one query each for the people and roles lists, shared by every row
        self._people = [("", "—")] + [(u.pk, u.get_full_name() or u.username) for u in cs_team_users()]
        self._roles = [("", "—")] + [(r.pk, r.name) for r in Role.objects.order_by("-rank")]

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.fields["person"].queryset = cs_team_users()
        form.fields["person"].choices = self._people
        form.fields["role"].choices = self._roles
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.fields["person"].choices = self._people
        form.fields["role"].choices = self._roles
        return form

    def row_label(self, form) -> str:
        data = getattr(form, "cleaned_data", None) or {}
        matter = data.get("matter") or form.instance.matter
        return EscalationRule.Matter(matter).label.lower() if matter else "new rule"

    def table_problems(self, rows):
        by_matter = {}
        for form in rows:
            by_matter.setdefault(form.cleaned_data["matter"], []).append(form)
        return [
            (
                forms_,
                f"There are {len(forms_)} agency-wide rules for “{EscalationRule.Matter(matter).label}”: "
                "keep one.",
            )
            for matter, forms_ in by_matter.items()
            if len(forms_) > 1
        ]


AgencyEscalationFormSet = forms.modelformset_factory(
    EscalationRule,
    form=AgencyEscalationRuleForm,
    formset=BaseAgencyEscalationFormSet,
    extra=1,
    can_delete=True,
)
