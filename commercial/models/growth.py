"""Cross- and upsell (seed 000 "Cross and Upsell"): the channel map per client, the opportunities it
and calls turn up, the audits that gather the evidence, and the projects won."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models import Call, Client, Contact
from csops.versioning import Versioned

from .contracts import validate_contract_file


class Channel(models.Model):
    """A channel or service a client may run (admin-editable; seeded by a data migration)."""

    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Untick to retire a channel; its rows stay.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ChannelRow(Versioned):
    """One channel of one client's map: who owns the budget, who does the work, how it performs."""

    class Worker(models.TextChoices):
        NOBODY = "nobody", "Nobody runs it"
        IN_HOUSE = "in_house", "In-house"
        US = "us", "Us"
        AGENCY = "agency", "Another agency"

    class Kpi(models.TextChoices):
        UNKNOWN = "unknown", "Not known"
        RED = "red", "Red"
        ORANGE = "orange", "Orange"
        GREEN = "green", "Green"

    class Appetite(models.TextChoices):
        UNKNOWN = "unknown", "Not known"
        NONE = "none", "None"
        SOME = "some", "Some"
        STRONG = "strong", "Strong"

    GAP = Q(worker="nobody") | Q(worker="in_house", kpi__in=["red", "orange"])

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="channel_rows")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="rows")
    budget_owner = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="budget owner",
    )
    worker = models.CharField(
        "who does the work", max_length=10, choices=Worker.choices, default=Worker.NOBODY
    )
    agency_name = models.CharField("agency", max_length=120, blank=True)
    monthly_budget = models.DecimalField(
        "budget / month (estimate)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    kpi = models.CharField("performance vs KPI", max_length=10, choices=Kpi.choices, default=Kpi.UNKNOWN)
    kpi_note = models.CharField("KPI note", max_length=255, blank=True)
    appetite = models.CharField(
        "appetite to grow", max_length=10, choices=Appetite.choices, default="unknown"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["channel__position", "channel__name"]
        verbose_name = "channel-map row"
        constraints = [
            # the client page edits a row per channel in place: one row each
            models.UniqueConstraint(
                fields=["client", "channel"],
                name="channel_row_one_per_channel",
                violation_error_message="This client's map already has a row for this channel.",
            ),
            models.CheckConstraint(
                condition=Q(monthly_budget__isnull=True) | Q(monthly_budget__gte=0),
                name="channel_row_budget_not_negative",
                violation_error_message="A budget cannot be negative.",
            ),
            # "another agency" is only useful with its name (the seed asks "which ones?")
            models.CheckConstraint(
                condition=~Q(worker="agency") | ~Q(agency_name=""),
                name="channel_row_agency_named",
                violation_error_message="Name the agency that does the work.",
            ),
        ]

    def __str__(self):
        return f"{self.client}: {self.channel}"

    @property
    def is_gap(self) -> bool:
        return self.worker == self.Worker.NOBODY or (
            self.worker == self.Worker.IN_HOUSE and self.kpi in (self.Kpi.RED, self.Kpi.ORANGE)
        )


class Opportunity(Versioned):
    """Upsell (more of the same) or cross-sell (another service) for one client."""

    class Kind(models.TextChoices):
        UPSELL = "upsell", "Upsell"
        CROSS_SELL = "cross_sell", "Cross-sell"

    class Period(models.TextChoices):
        MONTHLY = "monthly", "per month"
        ONE_OFF = "one_off", "one-off"

    class Stage(models.TextChoices):
        IDEA = "idea", "Idea"
        DISCOVERY = "discovery", "Discovery"
        AUDIT = "audit", "Audit"
        PROPOSED = "proposed", "Proposed"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    OPEN_STAGES = ("idea", "discovery", "audit", "proposed")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="opportunities")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CROSS_SELL)
    service = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField("what", max_length=200)
    value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    value_period = models.CharField(max_length=10, choices=Period.choices, default=Period.MONTHLY)
    probability = models.PositiveSmallIntegerField(
        "probability (%)", default=20, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.IDEA)
    lost_reason = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunities"
    )
    next_step = models.CharField(max_length=255, blank=True)
    next_step_date = models.DateField(null=True, blank=True)
    channel_row = models.ForeignKey(
        ChannelRow,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name="from the channel map",
    )
    call = models.ForeignKey(
        Call,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name="from the call",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    won_at = models.DateTimeField(null=True, blank=True)
    spend_applied_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "opportunities"
        indexes = [
            # the pipeline and the meet's item 5 read open opportunities by stage
            models.Index(fields=["stage", "next_step_date"], name="opportunity_stage_next"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=100),
                name="opportunity_probability_0_100",
                violation_error_message="Probability is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="opportunity_value_not_negative",
                violation_error_message="A value cannot be negative.",
            ),
            # a win without a value would count nothing in growth (h16's account plan reads it)
            models.CheckConstraint(
                condition=~Q(stage="won") | Q(value__isnull=False),
                name="opportunity_won_has_value",
                violation_error_message="A won opportunity needs its value.",
            ),
            models.CheckConstraint(
                condition=~Q(stage="lost") | ~Q(lost_reason=""),
                name="opportunity_lost_has_reason",
                violation_error_message="Say why it was lost: the wash-up learns from it.",
            ),
        ]

    def __str__(self):
        return f"{self.client}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES


class Project(models.Model):
    """A project won from an opportunity, with its value."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="won_projects")
    opportunity = models.OneToOneField(Opportunity, on_delete=models.PROTECT, related_name="project")
    name = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    won_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-won_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="project_value_not_negative",
                violation_error_message="A project value cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.name


def validate_audit_file(upload):
    """An audit's file is checked as contracts' uploads are (by name and by first bytes)."""
    try:
        validate_contract_file(upload)
    except ValidationError as exc:
        raise ValidationError([m.replace("the signed contract", "the audit") for m in exc.messages]) from None


def audit_upload_to(instance, filename):
    return f"audits/{instance.opportunity_id}/{filename.rsplit('/', 1)[-1]}"


class Audit(Versioned):
    """A free audit or an opportunity audit: a task on an opportunity whose output the AM shares."""

    class Kind(models.TextChoices):
        FREE = "free", "Free audit"
        OPPORTUNITY = "opportunity", "Opportunity audit"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="audits")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OPPORTUNITY)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits")
    due_date = models.DateField()
    audience = models.CharField(max_length=200, blank=True, help_text="Who it is for, e.g. the client's CMO.")
    output = models.TextField(blank=True)
    file = models.FileField(upload_to=audit_upload_to, blank=True, validators=[validate_audit_file])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="audit_status_due")]
        constraints = [
            # "output sent to the AM to share" (seed): done means there is something to share
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(output="") | ~Q(file=""),
                name="audit_done_has_output",
                violation_error_message="A done audit needs its output: write it or upload the file.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.opportunity}"
