from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from clients.forms.core import DateInput
from clients.models import Contact
from commercial.models import MONEY_METRICS, QUARTERS, AccountPlan, Metric, Qbr, Trigger
from commercial.selectors_plans import HAND_ENTERED
from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin
from people.selectors import cs_team_users

COUNT_ERRORS = {
    "invalid": "Enter a whole number, e.g. 3.",
    "max_digits": "Enter a smaller number.",
    "max_decimal_places": "Enter a whole number, e.g. 3.",
    "max_whole_digits": "Enter a smaller number.",
}
MONEY_ERRORS = {
    "invalid": "Enter an amount in pounds, e.g. 15000 or 15000.50.",
    "max_digits": "Enter at most £9,999,999,999.99.",
    "max_decimal_places": "Enter pounds and pence: at most two decimal places.",
    "max_whole_digits": "Enter at most £9,999,999,999.99.",
}


def _number_field(metric: str, label: str) -> forms.DecimalField:
    money = metric in MONEY_METRICS
    # counts cannot be negative; enemies is a change since January and income may fall
    signed = metric in (Metric.ENEMIES, Metric.INCOME)
    errors = dict(MONEY_ERRORS if money else COUNT_ERRORS, min_value="A count cannot be negative.")
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=12,
        decimal_places=2 if money else 0,
        min_value=None if signed else Decimal(0),
        error_messages=errors,
        widget=forms.NumberInput(
            attrs={"step": "0.01" if money else "1", "class": "form-control form-control-sm"}
        ),
    )


class AccountPlanForm(VersionedFormMixin, SubmitOnceMixin, forms.ModelForm):
    """The plan's words and seed 002's table: a target per quarter, and an actual only for the
    metrics the data cannot give (marked hand-entered)."""

    class Meta:
        model = AccountPlan
        fields = ["year", "business_objective", "goal"]
        widgets = {
            "business_objective": forms.Textarea(attrs={"rows": 3}),
            "goal": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, metrics=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["year"]
        stored = {m.metric: m for m in (metrics or [])}
        self.table = []
        for metric, label in Metric.choices:
            row = {"metric": metric, "label": label, "targets": [], "actuals": []}
            for q in QUARTERS:
                name = f"{metric}__target_q{q}"
                self.fields[name] = _number_field(metric, f"{label}: Q{q} target")
                if metric in stored:
                    self.fields[name].initial = getattr(stored[metric], f"target_q{q}")
                row["targets"].append(self[name])
                if metric in HAND_ENTERED:
                    name = f"{metric}__actual_q{q}"
                    self.fields[name] = _number_field(metric, f"{label}: Q{q} actual (by hand)")
                    if metric in stored:
                        self.fields[name].initial = getattr(stored[metric], f"actual_q{q}")
                    row["actuals"].append(self[name])
            self.table.append(row)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("Enter a year between 2000 and 2100.")
        client = self.instance.client
        if AccountPlan.objects.filter(client=client, year=year).exists():
            raise forms.ValidationError("This client already has a plan for this year: edit that one.")
        return year

    def rows(self) -> dict:
        out = {}
        for name, value in self.cleaned_data.items():
            if "__" in name:
                metric, field = name.split("__")
                out.setdefault(metric, {})[field] = value
        return out

    def targets(self) -> dict:
        rows = self.rows()
        return {m: [rows.get(m, {}).get(f"target_q{q}") for q in QUARTERS] for m in Metric.values}


class ObjectiveForm(SaneDatesMixin, forms.Form):
    description = forms.CharField(
        label="Objective (SMART)",
        max_length=300,
        help_text="Specific, measurable, achievable, relevant and timed.",
        error_messages={"required": "Say what the objective is."},
    )
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.none())
    due_date = forms.DateField(widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = cs_team_users()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


# "Is Tom still an ally?" (seed 002, "What constitutes a review")
STANCE_WORDS = {
    "ally": "an ally",
    "friend": "a friend",
    "neutral": "neutral",
    "protester": "a protester",
    "enemy": "an enemy",
}

HAND_TRIGGERS = [
    (v, label) for v, label in Trigger.choices if not v.startswith(("monthly", "quarterly", "annual"))
]


class ReviewRaiseForm(forms.Form):
    trigger = forms.ChoiceField(label="What kind of change", choices=HAND_TRIGGERS)
    what_happened = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Say what happened."}
    )


class ReviewForm(SaneDatesMixin, forms.Form):
    """The walk: a note per metric, each stakeholder's stance confirmed or moved; what changed; the
    actions (up to three here, more from the client page) or "no change, because…"."""

    ACTION_ROWS = 3

    changes = forms.CharField(label="What changed", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    no_change_reason = forms.CharField(
        label="No change, because…", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, metrics=(), contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.metric_fields, self.stakeholder_fields, self.action_rows = [], [], []
        for row in metrics:
            name = f"metric_{row['metric']}"
            self.fields[name] = forms.CharField(label=row["label"], required=False, max_length=500)
            self.metric_fields.append((row, self[name]))
        for contact in contacts:
            name = f"stance_{contact.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"Is {contact.name} still {STANCE_WORDS.get(contact.stance, contact.stance)}?",
                choices=Contact.Stance.choices,
                initial=contact.stance,
            )
            self.stakeholder_fields.append((contact, self[name]))
        team = cs_team_users()
        for i in range(self.ACTION_ROWS):
            self.fields[f"action_{i}_description"] = forms.CharField(
                label=f"Action {i + 1}", required=False, max_length=300
            )
            self.fields[f"action_{i}_owner"] = forms.ModelChoiceField(
                label=f"Action {i + 1} owner", queryset=team, required=False
            )
            self.fields[f"action_{i}_owner"].label_from_instance = lambda u: u.get_full_name() or u.username
            self.fields[f"action_{i}_due"] = forms.DateField(
                label=f"Action {i + 1} due", required=False, widget=DateInput()
            )
            self.action_rows.append([self[f"action_{i}_{part}"] for part in ("description", "owner", "due")])
        self.contacts = {c.pk: c for c in contacts}
        self.metrics = list(metrics)

    def clean(self):
        data = super().clean()
        actions = []
        for i in range(self.ACTION_ROWS):
            description = (data.get(f"action_{i}_description") or "").strip()
            owner, due = data.get(f"action_{i}_owner"), data.get(f"action_{i}_due")
            if not description and not owner and not due:
                continue
            if not description:
                self.add_error(f"action_{i}_description", "Say what the action is.")
            if not owner:
                self.add_error(f"action_{i}_owner", "Choose who owns the action.")
            if not due:
                self.add_error(f"action_{i}_due", "Give the action a due date.")
            if description and owner and due:
                actions.append((description, owner, due))
        if not actions and not (data.get("no_change_reason") or "").strip() and not self.errors:
            self.add_error(
                "no_change_reason", "A review produces at least one action, or says why nothing changes."
            )
        data["actions"] = actions
        return data

    def walk(self) -> list[dict]:
        data = self.cleaned_data
        walk = [
            {
                "kind": "metric",
                "name": row["label"],
                "before": _quarter_text(row),
                "after": "",
                "note": data.get(f"metric_{row['metric']}", ""),
            }
            for row in self.metrics
        ]
        for pk, contact in self.contacts.items():
            after = data.get(f"stance_{pk}")
            walk.append(
                {
                    "kind": "stakeholder",
                    "name": contact.name,
                    "before": contact.stance,
                    "after": after,
                    "note": "moved" if after != contact.stance else "confirmed",
                }
            )
        return walk

    def stances(self) -> dict:
        return {
            pk: self.cleaned_data[f"stance_{pk}"]
            for pk, contact in self.contacts.items()
            if self.cleaned_data.get(f"stance_{pk}") and self.cleaned_data[f"stance_{pk}"] != contact.stance
        }


def _shown(value) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _quarter_text(row) -> str:
    """ "Q1 3/2, Q2 1/3": actual/target of each quarter started, as the review found them."""
    return ", ".join(
        f"Q{q['q']} {_shown(q['actual'])}/{_shown(q['target'])}" for q in row["quarters"] if q["started"]
    )


class ClientReviewMarkForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class QbrForm(VersionedFormMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = Qbr
        fields = [
            "status",
            "meeting_date",
            "business_performance",
            "financial_notes",
            "product_budget_recap",
            "strategy_rating",
            "strategy_note",
            "creative_rating",
            "creative_note",
            "media_rating",
            "media_note",
            "production_rating",
            "production_note",
            "research_rating",
            "research_note",
            "next_quarter_plan",
        ]
        widgets = {
            "meeting_date": DateInput(),
            **{
                f: forms.Textarea(attrs={"rows": 3})
                for f in (
                    "business_performance",
                    "financial_notes",
                    "product_budget_recap",
                    "next_quarter_plan",
                )
            },
            **{
                f"{d}_note": forms.Textarea(attrs={"rows": 2})
                for d in ("strategy", "creative", "media", "production", "research")
            },
        }
