"""What the client tells us at onboarding: the onboarding (or brief) form, channels, finance details,
and the signed links a client contact fills them through (seed 000, "Onboarding, Finance and Contracts")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from clients.models import Client, Contact
from csops.versioning import Versioned


class FormKind(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding form"
    BRIEF = "brief", "Brief (project work)"
    FINANCE = "finance", "Finance form"


class OnboardingForm(Versioned):
    """The onboarding form (retained) or its brief version (projects): one per client."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="onboarding_form")
    kind = models.CharField(max_length=20, choices=FormKind.choices[:2], default=FormKind.ONBOARDING)
    company_domain = models.CharField(max_length=253, blank=True)
    history_text = models.TextField("company history", blank=True)
    objectives = models.TextField(blank=True)
    competitors = models.TextField(blank=True)
    brief = models.TextField("project brief", blank=True)
    turnaround = models.CharField("turnaround times", max_length=300, blank=True)
    sign_off = models.CharField("sign-off process", max_length=300, blank=True)
    working_hours = models.CharField(max_length=200, blank=True)
    response_times = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by_contact = models.CharField("filled in by (client)", max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["version"])

    def __str__(self):
        return f"{self.get_kind_display()} of {self.client}"


class OnboardingChannel(models.Model):
    """A channel the client runs, who owns its budget and who does the work: the rows the cross-sell
    channel map reads (commercial/, wired by the lead)."""

    class Doer(models.TextChoices):
        US = "us", "Us"
        IN_HOUSE = "in_house", "The client, in house"
        OTHER_AGENCY = "other_agency", "Another agency"
        NOBODY = "nobody", "Nobody yet"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="onboarding_channels")
    channel = models.CharField(max_length=100, help_text="e.g. paid search, organic, social, CRM")
    budget_owner = models.CharField(max_length=200, blank=True)
    done_by = models.CharField("who does the work", max_length=20, choices=Doer.choices, default=Doer.NOBODY)
    done_by_name = models.CharField("agency or team", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["client", "channel"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel=""),
                name="onboardingchannel_named",
                violation_error_message="Name the channel.",
            ),
            # intake_save updates a channel in place by its name: re-saving the form never doubles it
            models.UniqueConstraint(
                "client",
                Lower("channel"),
                condition=Q(archived_at__isnull=True),
                name="onboardingchannel_one_per_client",
                violation_error_message="This client already has that channel on its onboarding form.",
            ),
        ]

    def __str__(self):
        return f"{self.channel} ({self.client})"


class FinanceDetails(Versioned):
    """Invoicing details (seed 000, "Finance form"): the account team, the head of CS and admins only."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="finance_details")
    billing_entity = models.CharField(max_length=200)
    address = models.TextField("billing address")
    invoice_email = models.EmailField()
    po_number = models.CharField("PO number", max_length=100, blank=True)
    vat_number = models.CharField("VAT number", max_length=40, blank=True)
    payment_terms = models.CharField(max_length=100, default="30 days")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by_contact = models.CharField("filled in by (client)", max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name_plural = "finance details"

    def __str__(self):
        return f"Finance details of {self.client}"


class FormLink(models.Model):
    """A signed, expiring, single-use link for a client contact to fill one form without logging in."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="form_links")
    kind = models.CharField(max_length=20, choices=FormKind.choices)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} link for {self.client}"


class ProjectInitiation(models.Model):
    """The job plan / project initiation form (seed 003): every new project or project change."""

    class Kind(models.TextChoices):
        NEW = "new", "New project"
        CHANGE = "change", "Project change"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="project_initiations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NEW)
    job_number = models.CharField("job #", max_length=40)
    name = models.CharField(max_length=200)
    brief = models.TextField()
    scope = models.TextField()
    budget = models.DecimalField("budget (£)", max_digits=12, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField()
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="project_initiations", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[team])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # a job # names one piece of work; a change to it is its own form with a new number
            models.UniqueConstraint(
                fields=["job_number"],
                name="projectinitiation_job_unique",
                violation_error_message="Another project initiation form has this job number.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="projectinitiation_dates_in_order",
                violation_error_message="A project cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="projectinitiation_budget_not_negative",
                violation_error_message="A budget cannot be negative.",
            ),
        ]
        indexes = [models.Index(fields=["client", "-created_at"], name="projectinit_client")]

    def __str__(self):
        return f"{self.job_number} {self.name}"
