from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models import EngagementType


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly"
    AT_END = "at_end", "At the end"
    INITIAL_ONLY = "initial_only", "Initial call only"
    BESPOKE = "bespoke", "Bespoke"


class DashboardAccess(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    BESPOKE = "bespoke", "Bespoke"


class ReportingBand(models.Model):
    """One row of the reporting matrix (PRODUCT.md §2 reporting/): a spend band and what it gets.

    Amounts are whole pounds and inclusive at both ends, as the seed writes them (£1,001–£1,500):
    an amount belongs to the band when min_amount <= amount < max_amount + 1, so £1,000.50 is in
    £0–1,000. max_amount is empty for the open-ended top band.
    """

    engagement_type = models.CharField(max_length=20, choices=EngagementType.choices)
    min_amount = models.DecimalField(max_digits=12, decimal_places=0, validators=[MinValueValidator(0)])
    max_amount = models.DecimalField(max_digits=12, decimal_places=0, null=True, blank=True)
    report_cadence = models.CharField(max_length=20, choices=Cadence.choices)
    call_cadence = models.CharField(max_length=20, choices=Cadence.choices)
    live_dashboard = models.CharField(max_length=10, choices=DashboardAccess.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["engagement_type", "min_amount"]
        constraints = [
            models.UniqueConstraint(fields=["engagement_type", "min_amount"], name="band_unique_start"),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=models.F("min_amount")),
                name="band_max_not_below_min",
            ),
        ]

    def __str__(self):
        return f"{self.get_engagement_type_display()} {self.label}"

    @property
    def label(self) -> str:
        suffix = " / month" if self.engagement_type == EngagementType.RETAINED else ""
        if self.max_amount is None:
            return f"£{self.min_amount:,.0f}+{suffix}"
        return f"£{self.min_amount:,.0f}–{self.max_amount:,.0f}{suffix}"

    @property
    def is_bespoke(self) -> bool:
        return Cadence.BESPOKE in (self.report_cadence, self.call_cadence)

    def contains(self, amount: Decimal) -> bool:
        return amount >= self.min_amount and (self.max_amount is None or amount < self.max_amount + 1)

    def amount_q(self) -> Q:
        """The clients in this band, as a filter on Client (for the client list's band filter)."""
        field = "monthly_spend" if self.engagement_type == EngagementType.RETAINED else "project_value"
        q = Q(engagement_type=self.engagement_type, **{f"{field}__gte": self.min_amount})
        if self.max_amount is not None:
            q &= Q(**{f"{field}__lt": self.max_amount + 1})
        return q


class BandTable:
    """The reporting matrix loaded once (one query), to give many clients their band without a query each."""

    def __init__(self, bands):
        self.bands = sorted(bands, key=lambda b: (b.engagement_type, b.min_amount))

    @classmethod
    def load(cls) -> "BandTable":
        return cls(ReportingBand.objects.all())

    def for_client(self, client):
        amount = client.amount
        if amount is None:
            return None
        for band in self.bands:
            if band.engagement_type == client.engagement_type and band.contains(amount):
                return band
        return None
