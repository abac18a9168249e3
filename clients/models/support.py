"""The support register (seed 001, outcome 5): support arrangements, their SLAs and the requests.

An SLA gives, per priority, a first-response time and a resolution time in working hours (weekdays
inside the arrangement's working day, UK bank holidays excluded: csops/dates.py). A request's due
times are worked out when it is logged, from the SLA then in force, and stored: whether it was met
is then a comparison the database makes, so SLA performance per client and month is one query.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from csops.dates import WORKDAY_END, WORKDAY_START
from csops.versioning import Versioned

from .core import Client


class Priority(models.TextChoices):
    CRITICAL = "critical", "P1 critical (service down)"
    HIGH = "high", "P2 high"
    NORMAL = "normal", "P3 normal"
    LOW = "low", "P4 low"


def _hours(label):
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0.25, "At least a quarter hour.")],
    )


class SupportArrangement(Versioned):
    """A client on support since a date, with its SLA. One current arrangement per client."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="support_arrangements")
    since = models.DateField("on support since")
    ended_on = models.DateField(null=True, blank=True)
    description = models.CharField(
        max_length=300, blank=True, help_text="e.g. Drupal site support, 20 hours a month."
    )
    day_starts = models.TimeField("working day starts", default=WORKDAY_START)
    day_ends = models.TimeField("working day ends", default=WORKDAY_END)
    critical_response_hours = _hours("P1 first response (working hours)")
    critical_resolution_hours = _hours("P1 resolution (working hours)")
    high_response_hours = _hours("P2 first response (working hours)")
    high_resolution_hours = _hours("P2 resolution (working hours)")
    normal_response_hours = _hours("P3 first response (working hours)")
    normal_resolution_hours = _hours("P3 resolution (working hours)")
    low_response_hours = _hours("P4 first response (working hours)")
    low_resolution_hours = _hours("P4 resolution (working hours)")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["client__name"]
        constraints = [
            # the register lists each client once; a request is timed by the one SLA in force
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(ended_on__isnull=True),
                name="support_one_current_per_client",
                violation_error_message="This client is already on support: edit its current arrangement.",
            ),
            models.CheckConstraint(
                condition=Q(day_ends__gt=F("day_starts")),
                name="support_day_ends_after_start",
                violation_error_message="The working day ends after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("since")),
                name="support_ends_after_start",
                violation_error_message="An arrangement cannot end before it starts.",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{p}_response_hours__gt": 0})
                    & Q(**{f"{p}_resolution_hours__gte": F(f"{p}_response_hours")}),
                    name=f"support_{p}_times",
                    violation_error_message=(
                        f"{Priority(p).label}: times are above 0; resolution no sooner than first response."
                    ),
                )
                for p in Priority.values
            ],
        ]

    def __str__(self):
        return f"Support for {self.client} since {self.since:%d %b %Y}"

    def times(self, priority: str):
        """(first-response hours, resolution hours) for a priority."""
        return getattr(self, f"{priority}_response_hours"), getattr(self, f"{priority}_resolution_hours")

    def sla_rows(self):
        return [(label, *self.times(value)) for value, label in Priority.choices]


class SupportRequest(models.Model):
    """A client's request for support: when it came in, how urgent, and when it was answered and fixed."""

    # warn the owner when this share of the SLA window is left (beat, clients.services.support)
    WARN_AT = 0.75

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="support_requests")
    arrangement = models.ForeignKey(SupportArrangement, on_delete=models.PROTECT, related_name="requests")
    received_at = models.DateTimeField("received")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    summary = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_owned"
    )
    first_response_at = models.DateTimeField("first response", null=True, blank=True)
    first_response_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField("resolved", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # worked out from the SLA in working hours when the request is logged (see the module docstring)
    response_due_at = models.DateTimeField()
    resolution_due_at = models.DateTimeField()
    response_warn_at = models.DateTimeField()
    resolution_warn_at = models.DateTimeField()
    flag = models.ForeignKey(
        "clients.Flag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="support_request_summary",
                violation_error_message="Say what the request is about.",
            ),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True) | Q(first_response_at__gte=F("received_at")),
                name="support_response_after_receipt",
                violation_error_message="The first response cannot come before the request was received.",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True)
                | Q(first_response_at__isnull=False, resolved_at__gte=F("first_response_at")),
                name="support_resolved_after_response",
                violation_error_message="A request is resolved after its first response (record that first).",
            ),
        ]
        indexes = [
            # SLA performance per client and month
            models.Index(fields=["client", "received_at"], name="support_client_received"),
            # beat: open requests nearing their due times
            models.Index(
                fields=["response_warn_at"],
                condition=Q(first_response_at__isnull=True),
                name="support_response_open",
            ),
            models.Index(
                fields=["resolution_warn_at"],
                condition=Q(resolved_at__isnull=True),
                name="support_resolution_open",
            ),
        ]

    def __str__(self):
        return f"{self.client}: {self.summary}"

    def response_outcome(self, now) -> str:
        """'met', 'breached' or 'open' (not answered, still inside the SLA)."""
        return _outcome(self.first_response_at, self.response_due_at, now)

    def resolution_outcome(self, now) -> str:
        return _outcome(self.resolved_at, self.resolution_due_at, now)

    def breached(self, now) -> bool:
        return "breached" in (self.response_outcome(now), self.resolution_outcome(now))


def _outcome(done_at, due_at, now) -> str:
    if done_at is not None:
        return "met" if done_at <= due_at else "breached"
    return "breached" if now > due_at else "open"
