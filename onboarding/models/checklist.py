"""A won client's onboarding: the checklist from an admin-edited template, and the emails sent."""

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models import Client


class StepTemplate(models.Model):
    """One step of every onboarding, in the seed's order (Django admin edits the list)."""

    class Owner(models.TextChoices):
        NEW_BUSINESS = "new_business", "The new-business owner"
        LEAD_AM = "lead_am", "The lead AM"
        HEAD_OF_CS = "head_of_cs", "The head of CS"

    class Kind(models.TextChoices):
        # what ticking the step does, beyond recording it (onboarding/services/checklist.py)
        PLAIN = "plain", "Tick off"
        INTRO_EMAIL = "intro_email", "Send the intro email"
        FORMS_EMAIL = "forms_email", "Send the contract-and-forms email"
        FORM_BACK = "form_back", "Onboarding (or brief) form returned"
        FINANCE_BACK = "finance_back", "Finance form returned"
        INTERNAL = "internal", "Internal onboarding: choose the account team"
        MEETING = "meeting", "Onboarding meeting: capture and email the actions"
        GO_LIVE = "go_live", "The client goes active"

    order = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.CharField(max_length=20, choices=Owner.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PLAIN)
    due_days = models.PositiveSmallIntegerField("due (days after the win)", default=7)
    active = models.BooleanField(default=True, help_text="Untick to leave it out of new onboardings.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class Onboarding(models.Model):
    class Meeting(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        CALL = "call", "Call or video"

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="onboarding")
    new_business_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    won_on = models.DateField()
    meeting = models.CharField(max_length=20, choices=Meeting.choices)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-won_on"]
        indexes = [
            # the head of CS's list reads the onboardings still open
            models.Index(fields=["won_on"], condition=Q(completed_at__isnull=True), name="onboarding_open"),
        ]

    def __str__(self):
        return f"Onboarding of {self.client}"


class OnboardingStep(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="steps")
    template = models.ForeignKey(
        StepTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=StepTemplate.Kind.choices, default=StepTemplate.Kind.PLAIN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onboarding_steps",
    )
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["onboarding", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding", "order"],
                name="onboardingstep_one_per_place",
                violation_error_message="The checklist already has a step in this place.",
            ),
            # a skipped step is explained: the head of CS reads why on the onboarding list
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(note=""),
                name="onboardingstep_skip_has_note",
                violation_error_message="Say why the step is skipped.",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(done_at__isnull=False),
                name="onboardingstep_closed_has_time",
                violation_error_message="A finished step records when.",
            ),
        ]
        indexes = [
            # the daily reminder and the overdue counts read open steps by due date
            models.Index(fields=["due_date"], condition=Q(status="open"), name="onboardingstep_open_due"),
        ]

    def __str__(self):
        return self.title


# The placeholders a template may use; the email's values come from onboarding/services/emails.py.
PLACEHOLDERS = {
    "contact_first_name": "the client contact's first name",
    "client_name": "the client's name",
    "am_name": "the lead AM's full name",
    "am_first_name": "the lead AM's first name",
    "am_title": "the lead AM's job title",
    "new_business_owner": "the new-business owner's full name",
    "new_business_title": "the new-business owner's job title",
    "start_date": "the start date, e.g. 1 April",
    "onboarding_form_link": "the signed link to the onboarding form",
    "finance_form_link": "the signed link to the finance form",
    "escalation_path": "AM → head of CS → exec sponsor, by name",
}


def placeholders_in(text: str) -> list[str]:
    """The {names} in `text`; ValidationError when the braces do not parse or a name is unknown."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise ValidationError(
            f"The braces do not match ({exc}): write {{name}}, or {{{{ for a brace."
        ) from None
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
        raise ValidationError(
            f"Unknown placeholder{'s' if len(unknown) > 1 else ''} "
            f"{', '.join('{' + u + '}' for u in unknown)}. Use only: {known}."
        )
    return fields


class EmailTemplate(models.Model):
    """The seed's two onboarding emails, admin-edited, with named placeholders."""

    class Code(models.TextChoices):
        INTRO = "intro", "New-business owner's intro of the AM"
        FORMS = "forms", "AM's contract, onboarding form and finance form"

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Placeholders in braces, e.g. {contact_first_name}: see the list below."
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.get_code_display()

    def clean(self):
        errors = {}
        for field in ("subject", "body"):
            try:
                placeholders_in(getattr(self, field) or "")
            except ValidationError as exc:
                errors[field] = exc.messages
        if errors:
            raise ValidationError(errors)


class OnboardingEmail(models.Model):
    """An onboarding email as sent: on the client's timeline; the outbox row delivers it."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="onboarding_emails")
    code = models.CharField(max_length=20, choices=EmailTemplate.Code.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    message = models.ForeignKey(
        "people.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["client", "-sent_at"], name="onboardingemail_client")]

    def __str__(self):
        return f"{self.get_code_display()} to {self.to}"
