from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models import Industry


class CsPrice(models.Model):
    """The CS pricing matrix (seed 000, "CS pricing"): industry × client size × service → monthly CS fee.

    A row with no industry applies to every industry without a row of its own.
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
    client_size = models.CharField(max_length=20, choices=Size.choices)
    service = models.CharField(max_length=20, choices=Service.choices)
    monthly_fee = models.DecimalField(
        "monthly CS fee (£)", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["industry__name", "client_size", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["industry", "client_size", "service"],
                name="csprice_one_per_cell",
                violation_error_message="This industry, size and service already has a price: keep one row.",
                violation_error_code="duplicate",
            ),
            models.UniqueConstraint(
                fields=["client_size", "service"],
                condition=Q(industry__isnull=True),
                name="csprice_one_default",
                violation_error_message="This size and service already has a price for any industry.",
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
        return f"{industry} / {self.get_client_size_display()} / {self.get_service_display()}"
