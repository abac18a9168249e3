"""The CS pricing matrix and the spend bands it is priced by (seed 000, "CS pricing")."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from clients.models import EngagementType, Industry, Tier


class SpendBand(models.Model):
    """A spend band of new business: what a pitch's spend suggests (tier) and how CS is priced.

    Amounts are whole pounds, inclusive at both ends like the reporting matrix (£1,001–£3,000);
    max_amount is empty for the open-ended top band. Admin-configured (Django admin).
    """

    engagement_type = models.CharField(max_length=20, choices=EngagementType.choices)
    min_amount = models.DecimalField(max_digits=12, decimal_places=0, validators=[MinValueValidator(0)])
    max_amount = models.DecimalField(max_digits=12, decimal_places=0, null=True, blank=True)
    suggested_tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The tier a client of this spend starts in (seed 000, tiering).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["engagement_type", "min_amount"]
        constraints = [
            # a spend belongs to one band: the pitch's suggested tier and CS fee read exactly one
            models.UniqueConstraint(
                fields=["engagement_type", "min_amount"],
                name="spendband_unique_start",
                violation_error_message="Two spend bands of this engagement start at the same amount.",
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=F("min_amount")),
                name="spendband_max_not_below_min",
                violation_error_message="A band cannot end before it starts.",
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

    def contains(self, amount: Decimal) -> bool:
        return amount >= self.min_amount and (self.max_amount is None or amount < self.max_amount + 1)


def band_for(bands, engagement_type: str, amount) -> SpendBand | None:
    """The band of `bands` (loaded once) holding this amount, or None: a spend that fits no band."""
    if amount is None:
        return None
    for band in bands:
        if band.engagement_type == engagement_type and band.contains(amount):
            return band
    return None


class CsPrice(models.Model):
    """The CS pricing matrix (seed 000, "CS pricing"): industry × spend × client size × service →
    monthly CS fee.

    A row with no industry applies to every industry without a row of its own; a row with no spend
    band applies to every spend without one. The most specific row wins (industry before band).
    """

    class Size(models.TextChoices):
        SMALL = "small", "Small (under 50 staff)"
        MEDIUM = "medium", "Medium (50–250 staff)"
        LARGE = "large", "Large (250–1,000 staff)"
        ENTERPRISE = "enterprise", "Enterprise (1,000+ staff)"

    class Service(models.TextChoices):
        SEO = "seo", "SEO"
        PPC = "ppc", "Paid search"
        SOCIAL = "social", "Paid social"
        CONTENT = "content", "Content"
        DIGITAL_PR = "digital_pr", "Digital PR"
        CRO = "cro", "CRO / web"

    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    spend_band = models.ForeignKey(
        SpendBand, null=True, blank=True, on_delete=models.PROTECT, related_name="prices"
    )
    client_size = models.CharField(max_length=20, choices=Size.choices)
    service = models.CharField(max_length=20, choices=Service.choices)
    monthly_fee = models.DecimalField(
        "monthly CS fee (£)", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = [
            "industry__name",
            "spend_band__engagement_type",
            "spend_band__min_amount",
            "client_size",
            "service",
        ]
        constraints = [
            # the pitch's fee reads one row per cell: "any" (NULL) counts as one value here
            models.UniqueConstraint(
                fields=["industry", "spend_band", "client_size", "service"],
                name="csprice_one_per_cell",
                nulls_distinct=False,
                violation_error_message=(
                    "This industry, spend, size and service already has a price: keep one row."
                ),
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(monthly_fee__gte=0),
                name="csprice_not_negative",
                violation_error_message="A fee cannot be negative.",
            ),
        ]

    def __str__(self):
        industry = self.industry or "Any industry"
        band = self.spend_band.label if self.spend_band_id else "any spend"
        return f"{industry} / {band} / {self.get_client_size_display()} / {self.get_service_display()}"


class OnboardingPolicy(models.Model):
    """Agency-wide onboarding settings (one row, Django admin)."""

    face_to_face_min_spend = models.DecimalField(
        "face-to-face onboarding from (£/month)",
        max_digits=12,
        decimal_places=0,
        default=3000,
        validators=[MinValueValidator(0)],
        help_text="Retained wins at or above this monthly spend meet face to face; projects and smaller "
        "retainers have a call (seed 000, 'Initial onboarding meet or call').",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "onboarding policy"

    def __str__(self):
        return "Onboarding policy"

    @classmethod
    def current(cls) -> "OnboardingPolicy":
        return cls.objects.order_by("pk").first() or cls(face_to_face_min_spend=Decimal(3000))
