from django import forms

from clients.forms.core import DateInput
from clients.models import Client
from commercial.models import DelightGift, EntertainmentEvent, Pooling
from commercial.services.entertainment import pot_is_closed
from csops.forms import SaneDatesMixin, SubmitOnceMixin, VersionedFormMixin
from people.selectors import cs_team_users

COST_ERRORS = {"min_value": "A cost cannot be negative."}


class EventForm(VersionedFormMixin, SubmitOnceMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = EntertainmentEvent
        fields = [
            "title",
            "held_on",
            "venue",
            "contacts_invited",
            "staff_attending",
            "sponsor_attending",
            "estimated_cost",
            "actual_cost",
            "status",
        ]
        widgets = {
            "held_on": DateInput(),
            "contacts_invited": forms.CheckboxSelectMultiple,
            "staff_attending": forms.CheckboxSelectMultiple,
        }
        error_messages = {"estimated_cost": COST_ERRORS, "actual_cost": COST_ERRORS}

    def __init__(self, *args, client, pooling, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.pooling, self.today = pooling, today
        self.fields["contacts_invited"].queryset = client.contacts.filter(archived_at__isnull=True)
        self.fields["staff_attending"].queryset = cs_team_users()
        self.fields["staff_attending"].label_from_instance = lambda u: u.get_full_name() or u.username
        sponsor = client.exec_sponsor
        self.fields["sponsor_attending"].label = (
            f"Exec sponsor attending ({sponsor.get_full_name()})" if sponsor else "Exec sponsor attending"
        )

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        unchanged = self.instance.pk is not None and self.instance.held_on == day
        if not unchanged and pot_is_closed(day, self.pooling, self.today):
            raise forms.ValidationError(
                "That pot has closed: an event goes in the current pot or a later one."
            )
        return day


class PoolingForm(forms.Form):
    pooling = forms.ChoiceField(choices=Pooling.choices, label="Pool the budget")


class VoteForm(SubmitOnceMixin, forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.current(), label="Client")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why them?", max_length=2000)


class PickForm(forms.Form):
    client = forms.TypedChoiceField(coerce=int, label="Winner")

    def __init__(self, *args, tied, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [(r["client_id"], r["client__name"]) for r in tied]


class GiftForm(VersionedFormMixin, SaneDatesMixin, forms.ModelForm):
    class Meta:
        model = DelightGift
        fields = ["contact", "what", "why_personal", "cost", "sent_on"]
        widgets = {"sent_on": DateInput(), "why_personal": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"cost": COST_ERRORS}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = client.contacts.filter(archived_at__isnull=True)
