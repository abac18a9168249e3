"""Time and utilisation (issue 18, item 3): a weekly timesheet per person, hours per client or internal
category, and what each client pays for CS (the cost-to-serve comparison)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

MAX_WEEK_HOURS = Decimal(80)  # a week over this is a typo (issue 18, bad input)


class Timesheet(models.Model):
    """One person's week (Monday to Sunday); `week` is its Monday (csops.dates.week_start)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="timesheets")
    week = models.DateField("week beginning")
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-week"]
        constraints = [
            # the missing-timesheet reminder and utilisation read one row per person and week
            models.UniqueConstraint(
                fields=["user", "week"],
                name="timesheet_one_per_week",
                violation_error_message="This person already has a timesheet for that week.",
            ),
            # utilisation groups by ISO week: a week starts on a Monday
            models.CheckConstraint(
                condition=Q(week__week_day=2),
                name="timesheet_week_is_monday",
                violation_error_message="A timesheet week starts on a Monday.",
            ),
        ]

    def __str__(self):
        return f"{self.user} w/c {self.week:%d %b %Y}"


class TimeEntry(models.Model):
    """Hours in one timesheet on one client, or on one internal category."""

    class Category(models.TextChoices):
        CLIENT = "client", "Client work"
        ADMIN = "admin", "Admin and reporting"
        INTERNAL_MEETINGS = "meetings", "Internal meetings"
        PEOPLE = "people", "People management"
        PITCHING = "pitching", "Pitching and new business"
        TRAINING = "training", "Training"
        LEAVE = "leave", "Leave and sickness"

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries")
    # reporting sits above people: the lazy string
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries"
    )
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.CLIENT)
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WEEK_HOURS)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "client__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=MAX_WEEK_HOURS),
                name="timeentry_hours_range",
                violation_error_message="Hours in a week run from 0 to 80.",
            ),
            # client work names its client; internal time names none (cost to serve sums client rows)
            models.CheckConstraint(
                condition=Q(category="client", client__isnull=False)
                | (~Q(category="client") & Q(client=None)),
                name="timeentry_client_iff_client_work",
                violation_error_message="Client work names a client; internal time does not.",
            ),
            # the grid saves one cell per client or category
            models.UniqueConstraint(
                fields=["timesheet", "client"],
                condition=Q(client__isnull=False),
                name="timeentry_one_per_client",
                violation_error_message="This week already has hours on this client.",
            ),
            models.UniqueConstraint(
                fields=["timesheet", "category"],
                condition=Q(client__isnull=True),
                name="timeentry_one_per_category",
                violation_error_message="This week already has hours in this category.",
            ),
        ]
        indexes = [models.Index(fields=["client", "timesheet"], name="timeentry_client")]

    def __str__(self):
        return f"{self.hours}h {self.client or self.get_category_display()}"


class ClientCsFee(models.Model):
    """What a client pays each month for client services: the cost-to-serve comparison's yardstick.

    Either agreed on its own (`monthly_fee`) or looked up in the CS pricing matrix from the client's
    size and services (onboarding.CsPrice, read only); the agreed fee wins where both are set.
    """

    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="cs_fee")
    # CsPrice.Size and CsPrice.Service codes (onboarding sits above people: plain strings here)
    client_size = models.CharField(max_length=20, blank=True)
    services = models.JSONField(default=list, blank=True)
    monthly_fee = models.DecimalField(
        "agreed monthly CS fee (£)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "client CS fee"
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_fee__isnull=True) | Q(monthly_fee__gte=0),
                name="clientcsfee_not_negative",
                violation_error_message="A fee cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"CS fee of {self.client}"
