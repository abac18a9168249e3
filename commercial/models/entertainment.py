"""Relationship investment (seed 000 "Entertainment", "Surprise and Delight"): each client's monthly
entertainment budget accrues in a ledger and is spent on events, pooled monthly, quarterly or
half-yearly; and the team's monthly surprise-and-delight vote, its winner and the gift."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models import Client, Contact
from csops.dates import add_months, month_start
from csops.versioning import Versioned


class Pooling(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    HALF_YEARLY = "half_yearly", "Half-yearly"


POT_MONTHS = {Pooling.MONTHLY: 1, Pooling.QUARTERLY: 3, Pooling.HALF_YEARLY: 6}


def pot_bounds(day: datetime.date, pooling: str) -> tuple[datetime.date, datetime.date]:
    """The pot holding `day`: (first day, first day after). Quarters and halves run from January."""
    months = POT_MONTHS[pooling]
    first = month_start(day).replace(month=(day.month - 1) // months * months + 1)
    return first, add_months(first, months)


class EntertainmentPot(models.Model):
    """A client's entertainment setting: how its monthly budget is pooled (the AM plans and answers
    for it). A client without one pools monthly."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="entertainment_pot")
    pooling = models.CharField(max_length=12, choices=Pooling.choices, default=Pooling.MONTHLY)

    history = HistoricalRecords()

    def __str__(self):
        return f"{self.client}: {self.get_pooling_display().lower()}"


class EntertainmentAccrual(models.Model):
    """A month's budget credited to a client's ledger (beat, on the 1st, from the comms plan)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="entertainment_accruals")
    month = models.DateField(help_text="The first of the month.")
    amount = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            # beat run twice (or on two workers) credits a month once
            models.UniqueConstraint(
                fields=["client", "month"],
                name="accrual_one_per_month",
                violation_error_message="This month is already credited to the client.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="accrual_not_negative",
                violation_error_message="An accrual cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.client} {self.month:%b %Y}: £{self.amount}"


class EntertainmentEvent(Versioned):
    """An entertainment event: what, when, where, who is invited and who goes, and what it costs."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="entertainment_events")
    title = models.CharField("what", max_length=200)
    held_on = models.DateField("when")
    venue = models.CharField("where", max_length=200, blank=True)
    contacts_invited = models.ManyToManyField(
        Contact, blank=True, related_name="+", verbose_name="client contacts invited"
    )
    staff_attending = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="staff attending"
    )
    sponsor_attending = models.BooleanField("exec sponsor attending", default=False)
    estimated_cost = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    actual_cost = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[contacts_invited, staff_attending])

    class Meta:
        ordering = ["held_on", "pk"]
        indexes = [models.Index(fields=["held_on"], name="ent_event_held_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0) & (Q(actual_cost__isnull=True) | Q(actual_cost__gte=0)),
                name="ent_event_costs_not_negative",
                violation_error_message="A cost cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.client}, {self.held_on:%d %b})"

    @property
    def cost(self) -> Decimal:
        """What the event takes from the pot: the actual cost once known, else the estimate."""
        if self.status == self.Status.CANCELLED:
            return Decimal(0)
        return self.actual_cost if self.actual_cost is not None else self.estimated_cost


class DelightSettings(models.Model):
    """Surprise and delight (admin setting, one row): the monthly budget and the day the vote closes."""

    monthly_budget = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("50.00"), validators=[MinValueValidator(0)]
    )
    close_day = models.PositiveSmallIntegerField(
        "the vote closes on day",
        default=7,
        validators=[MinValueValidator(2), MaxValueValidator(28)],
        help_text="Day of the month (2–28); the vote opens on the 1st.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "surprise and delight settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(close_day__gte=2, close_day__lte=28),
                name="delight_close_day_in_month",
                violation_error_message="The vote closes between the 2nd and the 28th.",
            ),
            models.CheckConstraint(
                condition=Q(monthly_budget__gte=0),
                name="delight_budget_not_negative",
                violation_error_message="A budget cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"£{self.monthly_budget}/month, vote closes on day {self.close_day}"

    @classmethod
    def load(cls) -> "DelightSettings":
        return cls.objects.order_by("pk").first() or cls()


class DelightRound(models.Model):
    """One month's vote: opened by beat on the 1st, closed on the close day, then a winner and a gift."""

    class Status(models.TextChoices):
        OPEN = "open", "Voting"
        TIED = "tied", "Tied: the head of CS picks"
        DECIDED = "decided", "Winner chosen"

    month = models.DateField(unique=True, help_text="The first of the month.")
    closes_on = models.DateField()
    budget = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    winner = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(winner__isnull=False),
                name="delight_decided_has_winner",
                violation_error_message="A decided vote needs its winner.",
            ),
        ]

    def __str__(self):
        return f"Surprise and delight, {self.month:%B %Y}"


class DelightVote(models.Model):
    round = models.ForeignKey(DelightRound, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            # one vote per CS team member per month (the form checks first; two tabs meet this)
            models.UniqueConstraint(
                fields=["round", "voter"],
                name="delight_one_vote_per_month",
                violation_error_message="You have already voted this month.",
            ),
        ]

    def __str__(self):
        return f"{self.voter} → {self.client} ({self.round.month:%b %Y})"


class DelightGift(Versioned):
    """The gift: unexpected and personal to the contact (seed)."""

    round = models.OneToOneField(DelightRound, on_delete=models.PROTECT, related_name="gift")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+", verbose_name="for")
    what = models.CharField(max_length=200)
    why_personal = models.TextField("why it is personal to them")
    cost = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    sent_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="delight_gift_cost_not_negative",
                violation_error_message="A cost cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.what} for {self.contact}"
