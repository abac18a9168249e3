"""Pitches: a lead that passed "should we pitch", through to won, lost or withdrawn (seed 000)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models import Client, EngagementType, Industry
from csops.versioning import Versioned

from .pricing import CsPrice


class PitchQuerySet(models.QuerySet):
    def open(self):
        return self.filter(outcome=Pitch.Outcome.OPEN).exclude(decision=Pitch.Decision.NO)


class Pitch(Versioned):
    class Decision(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        YES = "yes", "Pitch"
        NO = "no", "Don't pitch"

    class Outcome(models.TextChoices):
        OPEN = "open", "Open"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Stage(models.TextChoices):
        # derived (stage_of); the pipeline groups by it
        LEAD = "lead", "Lead: should we pitch?"
        PITCHING = "pitching", "Pitching"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"
        NOT_PITCHED = "not_pitched", "Not pitched"

    prospect_name = models.CharField("prospect", max_length=200)
    domain = models.CharField(
        max_length=253, blank=True, help_text="The prospect's web domain, e.g. example.com"
    )
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    client_size = models.CharField(max_length=20, choices=CsPrice.Size.choices)
    engagement_type = models.CharField(max_length=20, choices=EngagementType.choices)
    monthly_spend = models.DecimalField(
        "expected monthly spend (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    project_value = models.DecimalField(
        "expected project value (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    services = models.JSONField(default=list, blank=True, help_text="CsPrice.Service codes")
    new_business_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pitches_owned"
    )
    decision = models.CharField(
        "should we pitch?", max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField("why", blank=True)
    proposed_cs = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pitches_proposed",
        verbose_name="best-fit CS person",
    )
    fit_note = models.TextField(
        "behavioural fit", blank=True, help_text="Why this person suits this client's people."
    )
    cs_attends = models.BooleanField("CS person attends the pitch", default=False)
    pitch_date = models.DateField(null=True, blank=True)
    cs_fee_override = models.DecimalField(
        "CS fee agreed (£/month)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Collaborative pricing: leave empty to use the matrix.",
    )
    cs_fee_override_reason = models.CharField("why the fee differs", max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_reason = models.TextField(blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    client = models.OneToOneField(
        Client, null=True, blank=True, on_delete=models.PROTECT, related_name="pitch"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PitchQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(prospect_name=""),
                name="pitch_prospect_not_empty",
                violation_error_message="Name the prospect.",
            ),
            # the pipeline and the won pitch's client both read one amount per engagement
            models.CheckConstraint(
                condition=(
                    Q(engagement_type=EngagementType.RETAINED, project_value__isnull=True)
                    | Q(engagement_type=EngagementType.PROJECT, monthly_spend__isnull=True)
                ),
                name="pitch_amount_fits_engagement",
                violation_error_message=(
                    "A retained pitch has a monthly spend; a project pitch has a project value."
                ),
            ),
            # seed 000: the "should we pitch" test is a decision someone can explain later
            models.CheckConstraint(
                condition=Q(decision="pending") | ~Q(decision_reason=""),
                name="pitch_decision_has_reason",
                violation_error_message="Say why you decided to pitch or not.",
            ),
            models.CheckConstraint(
                condition=Q(cs_fee_override__isnull=True) | ~Q(cs_fee_override_reason=""),
                name="pitch_fee_override_has_reason",
                violation_error_message="Say why the CS fee differs from the matrix.",
            ),
            models.CheckConstraint(
                condition=Q(outcome="open") | Q(outcome_date__isnull=False),
                name="pitch_outcome_has_date",
                violation_error_message="A decided pitch needs the date of its outcome.",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["open", "won"]) | ~Q(outcome_reason=""),
                name="pitch_loss_has_reason",
                violation_error_message="Say why the pitch was lost or withdrawn.",
            ),
            # won → client (onboarding/services/pitches.pitch_win): a won pitch always has its client
            models.CheckConstraint(
                condition=~Q(outcome="won") | Q(client__isnull=False),
                name="pitch_won_has_client",
                violation_error_message="A won pitch has its client.",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "decision"], name="pitch_stage")]

    def __str__(self):
        return self.prospect_name

    @property
    def amount(self):
        return self.monthly_spend if self.engagement_type == EngagementType.RETAINED else self.project_value

    @property
    def stage(self) -> str:
        return stage_of(self.decision, self.outcome)

    def get_stage_display(self) -> str:
        return Pitch.Stage(self.stage).label

    def service_labels(self) -> list[str]:
        names = dict(CsPrice.Service.choices)
        return [names.get(code, code) for code in self.services]


def stage_of(decision: str, outcome: str) -> str:
    if outcome != Pitch.Outcome.OPEN:
        return outcome
    if decision == Pitch.Decision.NO:
        return Pitch.Stage.NOT_PITCHED
    return Pitch.Stage.PITCHING if decision == Pitch.Decision.YES else Pitch.Stage.LEAD
