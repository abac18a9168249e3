"""Account plans (seed 002): the plan per client and year, its quarterly metrics table, objectives
allocated to people, the reviews that keep it alive; the monthly client review document (seed 000)
and the quarterly business review for the largest accounts (seed 003)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models import Action, Client
from csops.versioning import Versioned


class PlanSettings(models.Model):
    """Agency-wide settings of account management, one row (the admin edits it)."""

    qbr_threshold = models.DecimalField(
        "QBR threshold (£ a year)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("100000"),
        validators=[MinValueValidator(0)],
        help_text="Clients worth this much a year or more get a quarterly business review (seed 003).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "account plan settings"
        verbose_name_plural = "account plan settings"

    def __str__(self):
        return f"QBR from £{self.qbr_threshold:,.0f} a year"

    @classmethod
    def load(cls) -> "PlanSettings":
        return cls.objects.order_by("pk").first() or cls()


class AccountPlan(Versioned):
    """One client's plan for one calendar year: the objective, the 12-month goal, the metrics."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="account_plans")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000)])
    business_objective = models.TextField(
        help_text="Our business objective in relation to this client (seed 002: where the plan starts)."
    )
    goal = models.TextField("12-month goal", help_text="Where the relationship will be a year from now.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-year"]
        constraints = [
            # one plan per client and year: the client page, the review beat and the QBR read "the" plan
            models.UniqueConstraint(
                fields=["client", "year"],
                name="plan_one_per_client_year",
                violation_error_message="This client already has a plan for this year: edit that one.",
            ),
        ]

    def __str__(self):
        return f"{self.client} account plan {self.year}"


class Metric(models.TextChoices):
    # seed 002's table, in its order
    ALLIES = "allies", "Friends and allies"
    ENEMIES = "enemies", "Enemies and protesters (change since January)"
    MEETINGS = "meetings", "Meetings per quarter"
    NEW_SERVICES = "new_services", "New services used"
    OPPORTUNITIES = "opportunities", "New opportunities secured"
    INCOME = "income", "Increase in income over last FY"


LOWER_IS_BETTER = {Metric.ENEMIES}
MONEY_METRICS = {Metric.INCOME}
QUARTERS = (1, 2, 3, 4)


class PlanMetric(models.Model):
    """A row of the metrics table: a target per quarter; hand-entered actuals where the data has none."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="metrics")
    metric = models.CharField(max_length=20, choices=Metric.choices)
    target_q1 = models.DecimalField("Q1 target", max_digits=12, decimal_places=2, null=True, blank=True)
    target_q2 = models.DecimalField("Q2 target", max_digits=12, decimal_places=2, null=True, blank=True)
    target_q3 = models.DecimalField("Q3 target", max_digits=12, decimal_places=2, null=True, blank=True)
    target_q4 = models.DecimalField("Q4 target", max_digits=12, decimal_places=2, null=True, blank=True)
    # read only for metrics the data cannot give yet (commercial.selectors_plans.ACTUALS says which)
    actual_q1 = models.DecimalField("Q1 actual", max_digits=12, decimal_places=2, null=True, blank=True)
    actual_q2 = models.DecimalField("Q2 actual", max_digits=12, decimal_places=2, null=True, blank=True)
    actual_q3 = models.DecimalField("Q3 actual", max_digits=12, decimal_places=2, null=True, blank=True)
    actual_q4 = models.DecimalField("Q4 actual", max_digits=12, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "metric"],
                name="plan_metric_once",
                violation_error_message="The plan already has this metric.",
            ),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} ({self.plan})"


class PlanObjective(models.Model):
    """A SMART objective of the plan, allocated to one person (seed 002, performance management)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Achieved"

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="objectives")
    description = models.CharField(
        "objective (SMART)",
        max_length=300,
        help_text="Specific, measurable, achievable, relevant, timed: e.g. 'CMO to lunch by 30 June'.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_objectives"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # my week: a person's open objectives by due date
            models.Index(fields=["owner", "status", "due_date"], name="objective_owner_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""),
                name="objective_described",
                violation_error_message="Say what the objective is.",
            ),
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False) | Q(status="open", done_at__isnull=True),
                name="objective_done_has_time",
                violation_error_message="An achieved objective records when; an open one does not.",
            ),
        ]

    def __str__(self):
        return self.description


class Trigger(models.TextChoices):
    """Why a plan is reviewed (seed 002, "Reviewing the plan")."""

    MONTHLY = "monthly", "Calendar: monthly"
    QUARTERLY = "quarterly", "Calendar: quarterly"
    ANNUAL = "annual", "Calendar: annual"
    CLIENT_PERSONNEL = "client_personnel", "Client: change of significant personnel"
    CLIENT_STRATEGY = "client_strategy", "Client: change of strategy or 12-month goal"
    COMPETITOR = "competitor", "Client: a major competitor changed strategy"
    MERGER = "merger", "Client: merger or acquisition"
    SUPPLY_CHAIN = "supply_chain", "Client: change of supplier chain"
    OUR_PROCESS = "our_process", "Internal: change of process"
    OUR_OBJECTIVE = "our_objective", "Internal: change in our overall objective"
    OUR_INITIATIVE = "our_initiative", "Internal: organisation-wide initiative"
    OUR_PERSONNEL = "our_personnel", "Internal: change of significant personnel"
    OUR_MERGER = "our_merger", "Internal: we are in a merger or acquisition"
    ACHIEVED = "achieved", "Internal: a major short-term objective achieved"
    MARKET = "market", "Internal: major development in the marketplace"


CALENDAR_TRIGGERS = (Trigger.MONTHLY, Trigger.QUARTERLY, Trigger.ANNUAL)


class PlanReview(models.Model):
    """A review of the plan: due by the calendar or raised by an event; done when it produced actions
    or said why nothing changes."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        DONE = "done", "Done"

    plan = models.ForeignKey(AccountPlan, on_delete=models.PROTECT, related_name="reviews")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    what_happened = models.TextField(blank=True, help_text="What happened that calls for a review.")
    # calendar reviews: the first day of the month, quarter or year reviewed; automatic triggers: the
    # event's key ("contact-12-archived"). Either makes a rerun of beat or of the same write a no-op.
    period = models.DateField(null=True, blank=True)
    event_key = models.CharField(max_length=80, blank=True)
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    # the walk: [{"kind": "metric"|"stakeholder", "name", "before", "after", "note"}, ...]
    walk = models.JSONField(default=list, blank=True)
    changes = models.TextField("what changed", blank=True)
    no_change_reason = models.TextField("no change, because…", blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="plan_reviews")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_date", "-pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="review_status_due")]
        constraints = [
            # beat runs daily, twice, on two workers: one calendar review per plan, kind and period
            models.UniqueConstraint(
                fields=["plan", "trigger", "period"],
                condition=Q(period__isnull=False),
                name="review_once_per_period",
                violation_error_message="This plan already has this calendar review.",
            ),
            # a decision maker archived twice, a lead changed back and forth: one review per event
            models.UniqueConstraint(
                fields=["plan", "event_key"],
                condition=~Q(event_key=""),
                name="review_once_per_event",
                violation_error_message="This event already raised a review.",
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False)
                | Q(status="due", completed_at__isnull=True),
                name="review_done_has_time",
                violation_error_message="A done review records when it was done; a due one does not.",
            ),
        ]

    def __str__(self):
        return f"{self.get_trigger_display()} review of {self.plan}"

    @property
    def is_calendar(self) -> bool:
        return self.trigger in CALENDAR_TRIGGERS


class ClientReviewMonth(models.Model):
    """The AM marked this month's client review document reviewed (seed 000: updated monthly)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="review_months")
    month = models.DateField(help_text="First day of the month.")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "month"],
                name="client_review_once_a_month",
                violation_error_message="This month's client review is already marked reviewed.",
            ),
        ]

    def __str__(self):
        return f"{self.client} review {self.month:%b %Y}"


class Rating(models.IntegerChoices):
    POOR = 1, "1 – poor"
    FAIR = 2, "2 – fair"
    GOOD = 3, "3 – good"
    VERY_GOOD = 4, "4 – very good"
    EXCELLENT = 5, "5 – excellent"


DISCIPLINES = ("strategy", "creative", "media", "production", "research")


class Qbr(Versioned):
    """The quarterly business review of an account worth the threshold or more (seed 003): the
    written progress report handed to the client, its narrative written by the account team."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="qbrs")
    quarter = models.DateField(help_text="First day of the quarter reviewed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    meeting_date = models.DateField(null=True, blank=True, help_text="On site, with the key decision makers.")
    business_performance = models.TextField(blank=True)
    financial_notes = models.TextField("financial performance: commentary", blank=True)
    product_budget_recap = models.TextField(blank=True)
    strategy_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    strategy_note = models.TextField(blank=True)
    creative_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    creative_note = models.TextField(blank=True)
    media_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    media_note = models.TextField(blank=True)
    production_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    production_note = models.TextField(blank=True)
    research_rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    research_note = models.TextField(blank=True)
    next_quarter_plan = models.TextField("next quarter's plan", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-quarter"]
        constraints = [
            # beat schedules it daily: one QBR per client and quarter
            models.UniqueConstraint(
                fields=["client", "quarter"],
                name="qbr_once_per_quarter",
                violation_error_message="This client already has a QBR for this quarter.",
            ),
        ]

    def __str__(self):
        return f"QBR {self.client} {self.quarter:%Y}-Q{(self.quarter.month - 1) // 3 + 1}"
