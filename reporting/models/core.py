import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, ExpressionWrapper, Q, Value, When
from django.db.models.functions import Cast, Coalesce
from simple_history.models import HistoricalRecords

from clients.models import Client, EngagementType
from csops.dates import quarter_label
from csops.versioning import Versioned


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
            models.UniqueConstraint(
                fields=["engagement_type", "min_amount"],
                name="band_unique_start",
                violation_error_code="duplicate",
                violation_error_message="Two bands of this engagement start at the same amount: remove one.",
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=models.F("min_amount")),
                name="band_max_not_below_min",
                violation_error_message="A band cannot end before it starts (its “to” is below its “from”).",
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
        """The clients in this band, as a filter on clients annotated by BandTable.with_pounds()."""
        q = Q(engagement_type=self.engagement_type, amount_gbp__gte=self.min_amount)
        if self.max_amount is not None:
            q &= Q(amount_gbp__lt=self.max_amount + 1)
        return q


AGENCY_CURRENCY = "GBP"  # the reporting matrix's bands are in pounds
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


class ExchangeRate(models.Model):
    """What one unit of a client's currency is worth in pounds, as an admin set it (Django admin).

    Bands are in pounds; a EUR or USD client is banded at this rate (PRODUCT.md §2, spend band).
    A currency with no rate leaves its clients unbanded, listed as exceptions on the portfolio.
    """

    # pounds are the bands' own currency: no rate to set (or to get wrong)
    currency = models.CharField(
        max_length=3,
        choices=[c for c in Client.Currency.choices if c[0] != AGENCY_CURRENCY],
        unique=True,
        error_messages={"unique": "This currency already has a rate: change that one."},
    )
    rate = models.DecimalField(
        "£ per unit",
        max_digits=12,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"), "A rate is more than 0.")],
        help_text="e.g. 0.86: one euro is worth £0.86.",
    )
    set_at = models.DateTimeField("set", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchangerate_positive",
                violation_error_message="A rate is more than 0.",
            ),
        ]

    def __str__(self):
        return f"1 {self.currency} = £{self.rate.normalize():f}"


def money(amount, currency: str) -> str:
    """€2,000 or €2,000.50: the symbol, thousands, and pence only when there are some."""
    text = f"{amount:,.2f}".removesuffix(".00")
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


class BandTable:
    """The reporting matrix and the exchange rates loaded once (two queries), to band many clients."""

    def __init__(self, bands, rates=()):
        self.bands = sorted(bands, key=lambda b: (b.engagement_type, b.min_amount))
        self.rates = {r.currency: r for r in rates}

    @classmethod
    def load(cls) -> "BandTable":
        return cls(ReportingBand.objects.all(), ExchangeRate.objects.all())

    def in_pounds(self, client):
        """The client's spend (or project value) in pounds; None without an amount or a rate."""
        amount = client.amount
        if amount is None or client.currency == AGENCY_CURRENCY:
            return amount
        rate = self.rates.get(client.currency)
        return None if rate is None else amount * rate.rate

    def for_client(self, client):
        amount = self.in_pounds(client)
        if amount is None:
            return None
        for band in self.bands:
            if band.engagement_type == client.engagement_type and band.contains(amount):
                return band
        return None

    def conversion(self, client) -> dict | None:
        """What the client page says about a foreign-currency amount (None for pounds)."""
        if client.currency == AGENCY_CURRENCY or client.amount is None:
            return None
        rate = self.rates.get(client.currency)
        unit = "/month" if client.engagement_type == EngagementType.RETAINED else ""
        info = {
            "amount": money(client.amount, client.currency) + unit,
            "currency": client.currency,
            "rate": rate,
        }
        if rate is not None:
            info["pounds"] = f"£{client.amount * rate.rate:,.0f}"
            info["rate_text"] = f"{rate.rate.normalize():f}"
        return info

    def amount_in_pounds(self):
        """in_pounds() as SQL, for filtering and grouping clients by band (NULL: no amount or rate)."""
        amount = Coalesce("monthly_spend", "project_value")
        out = models.DecimalField(max_digits=20, decimal_places=8)
        whens = [When(currency=AGENCY_CURRENCY, then=Cast(amount, out))]
        whens += [
            When(currency=currency, then=ExpressionWrapper(amount * Value(r.rate), output_field=out))
            for currency, r in self.rates.items()
        ]
        return Case(*whens, default=Value(None, output_field=out), output_field=out)

    def with_pounds(self, queryset):
        """Clients annotated with `amount_gbp`, which ReportingBand.amount_q() filters on."""
        return queryset.annotate(amount_gbp=self.amount_in_pounds())


class FeedbackCadence(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly NPS call from the exec sponsor"
    HALF_YEARLY = "half_yearly", "Half-yearly"
    NONE = "none", "None"


class CommsPlan(Versioned):
    """A client's comms plan (seed 000, "Comms Planning"): derived from the matrices, editable.

    `customised` is set when someone edits the plan by hand; a spend change then leaves the plan
    alone and the page says it differs from the matrix (with a reset), instead of overwriting it.
    """

    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="comms_plan")
    report_cadence = models.CharField(max_length=20, choices=Cadence.choices, blank=True)
    call_cadence = models.CharField(max_length=20, choices=Cadence.choices, blank=True)
    call_weekday = models.PositiveSmallIntegerField(
        "call day",
        choices=[(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")],
        default=1,
    )
    call_time = models.TimeField(default=datetime.time(10, 0))
    call_details = models.CharField(
        max_length=300, blank=True, help_text="Dial-in, video link or address: it goes on every diary entry."
    )
    live_dashboard = models.BooleanField(default=False)
    feedback_cadence = models.CharField(
        "feedback (NPS)", max_length=20, choices=FeedbackCadence.choices, default=FeedbackCadence.QUARTERLY
    )
    entertainment_budget = models.DecimalField(
        "entertainment budget (£/month)",
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    entertainment_notes = models.TextField("entertainment schedule (internal)", blank=True)
    surprise_delight_notes = models.TextField("surprise and delight (internal)", blank=True)
    anchor_date = models.DateField(help_text="Fortnightly calls count their weeks from here.")
    derived_from = models.ForeignKey(
        ReportingBand, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customised = models.BooleanField(default=False)
    last_change_note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(entertainment_budget__gte=0),
                name="commsplan_budget_not_negative",
                violation_error_message="The entertainment budget cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"Comms plan of {self.client}"

    @property
    def needs_completing(self) -> bool:
        """A bespoke band leaves the cadences for the client's own plan to set."""
        return (
            not self.report_cadence
            or not self.call_cadence
            or Cadence.BESPOKE in (self.report_cadence, self.call_cadence)
        )


class Occurrence(models.Model):
    """A call or report that a comms plan makes due on a date; beat generates them ahead."""

    class Kind(models.TextChoices):
        CALL = "call", "Call"
        REPORT = "report", "Report"

    class Status(models.TextChoices):
        DUE = "due", "Due"
        DONE = "done", "Done"
        MISSED = "missed", "Missed"

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="occurrences")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField()
    due_time = models.TimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    done_at = models.DateTimeField(null=True, blank=True)
    call = models.ForeignKey(
        "clients.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "kind"]
        constraints = [
            # generation runs daily and may run twice or on two workers: one row per client, kind and day
            models.UniqueConstraint(
                fields=["client", "kind", "due_date"],
                name="occurrence_once_per_day",
                violation_error_message="This client already has one of these due that day.",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_date"], name="occurrence_assignee_due"),
            models.Index(fields=["status", "due_date"], name="occurrence_status_due"),
            # cadence adherence per AM (the meet, the portfolio): an index-only scan of 90 days
            models.Index(fields=["kind", "due_date", "assignee", "status"], name="occurrence_adherence"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.client} due {self.due_date}"


class NpsCheckIn(models.Model):
    """The exec sponsor's quarterly happiness call (seed 000, "Feedback, NPS and checking in")."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        DONE = "done", "Done"

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="nps_checkins")
    quarter = models.DateField(help_text="First day of the quarter.")
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nps_checkins",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    actions = models.TextField("actions agreed", blank=True)
    flag = models.ForeignKey(
        "clients.Flag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-quarter", "client__name"]
        # the NPS and portfolio tallies read one quarter (or a few) by status and score: an index-only
        # scan of those quarters, not a scan of every check-in ever made (issue 13)
        indexes = [models.Index(fields=["quarter", "status", "score"], name="nps_quarter_status_score")]
        constraints = [
            # one check-in per client per quarter: a second entry edits the first, never duplicates
            models.UniqueConstraint(
                fields=["client", "quarter"],
                name="nps_one_per_client_quarter",
                violation_error_message="This client already has a check-in for that quarter: edit that one.",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=10),
                name="nps_score_0_to_10",
                violation_error_message="A score runs from 0 to 10.",
            ),
            models.CheckConstraint(
                condition=Q(status="due") | Q(score__isnull=False),
                name="nps_done_has_score",
                violation_error_message="A check-in that is done needs the score the client gave.",
            ),
        ]

    def __str__(self):
        return f"NPS {quarter_label(self.quarter)}: {self.client}"

    @property
    def quarter_label(self) -> str:
        return quarter_label(self.quarter)


class Meeting(models.Model):
    """A dated team meeting (PRODUCT.md §4): the weekly CS meet, a monthly wash-up, planning, all-hands."""

    class Kind(models.TextChoices):
        WEEKLY_MEET = "weekly_meet", "Weekly CS meet"
        WASH_UP = "wash_up", "Monthly wash-up"
        PLANNING = "planning", "Monthly planning"
        ALL_HANDS = "all_hands", "All-hands client update"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WEEKLY_MEET)
    held_on = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="meetings", blank=True)
    notes = models.TextField("minutes", blank=True)
    significant_issues = models.TextField("significant issues and client losses", blank=True)
    lessons = models.TextField("lessons learned", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Closing freezes the agenda: the page and the PDF pack show it as it stood at the meeting.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agenda_snapshot = models.TextField(blank=True, editable=False)  # the page's agenda, rendered
    pack_snapshot = models.TextField(blank=True, editable=False)  # the PDF pack's agenda, rendered

    history = HistoricalRecords(m2m_fields=[attendees], excluded_fields=["agenda_snapshot", "pack_snapshot"])

    class Meta:
        ordering = ["-held_on", "kind"]
        constraints = [
            # one record per meeting per day: opening the meet twice reopens the same record
            models.UniqueConstraint(
                fields=["kind", "held_on"],
                name="meeting_one_per_kind_per_day",
                violation_error_message="There is already a meeting of this kind on that day: open that one.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.held_on:%d %b %Y}"


class SurveyInvite(models.Model):
    """A signed, expiring, single-use link for a client contact's NPS answer."""

    contact = models.ForeignKey("clients.Contact", on_delete=models.CASCADE, related_name="survey_invites")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Survey for {self.contact}"


class SurveyResponse(models.Model):
    """A client contact's own 0–10 answer; it counts in NPS beside the sponsors' check-ins."""

    SOURCE = "client_survey"

    invite = models.OneToOneField(SurveyInvite, on_delete=models.PROTECT, related_name="response")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="survey_responses")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    quarter = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["quarter", "score"], name="survey_quarter_score")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__lte=10),
                name="survey_score_0_to_10",
                violation_error_message="Choose a score from 0 to 10.",
            ),
        ]

    def __str__(self):
        return f"{self.client}: {self.score}"


class MeetingPack(models.Model):
    """A meeting's agenda/minutes PDF as the data stood at one data version, rendered by a worker.

    Rendering a large agenda takes seconds; a web request never does it. The page asks for the pack
    of the current version (one row per meeting and version: a hundred clicks render once) and a worker
    renders it; until then the page says "preparing" and offers the last pack that is ready.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    data_version = models.BigIntegerField()
    requested_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="meeting-packs/", blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-data_version"]
        constraints = [
            # one render per meeting and data version however many people ask at once
            models.UniqueConstraint(
                fields=["meeting", "data_version"],
                name="meetingpack_once_per_version",
                violation_error_message="This meeting's PDF pack for this version is already being made.",
            )
        ]

    def __str__(self):
        return f"Pack of {self.meeting} at version {self.data_version}"


class CacheVersion(models.Model):
    """One scoped counter of the caches (reporting/cache.py): `client:<id>`, `user:<id>` or `kind:<kind>`.

    A write moves the counters of what it touched, in its own transaction; a cached fragment's key
    carries the counters of what it reads, so a write outdates only the fragments that read it.
    """

    scope = models.CharField(max_length=64, primary_key=True)
    n = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.scope} v{self.n}"
