from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from csops.versioning import Versioned


class Role(models.Model):
    """A role of PRODUCT.md §1. Rows are loaded by a data migration; a person may hold several."""

    ACCOUNT_EXECUTIVE = "account_executive"
    ACCOUNT_MANAGER = "account_manager"
    SENIOR_ACCOUNT_MANAGER = "senior_account_manager"
    ACCOUNT_DIRECTOR = "account_director"
    HEAD_OF_CS = "head_of_cs"
    EXEC_SPONSOR = "exec_sponsor"
    ADMIN = "admin"
    NEW_BUSINESS = "new_business"

    CODES = [
        (ACCOUNT_EXECUTIVE, "Account executive"),
        (ACCOUNT_MANAGER, "Account manager"),
        (SENIOR_ACCOUNT_MANAGER, "Senior account manager"),
        (ACCOUNT_DIRECTOR, "Account director"),
        (HEAD_OF_CS, "Head of CS"),
        (EXEC_SPONSOR, "Exec sponsor"),
        (ADMIN, "Admin / ops"),
        (NEW_BUSINESS, "New business"),
    ]
    # The CS team of §1: they read every client and write for the clients whose team they are on.
    CS_TEAM = frozenset(
        {ACCOUNT_EXECUTIVE, ACCOUNT_MANAGER, SENIOR_ACCOUNT_MANAGER, ACCOUNT_DIRECTOR, HEAD_OF_CS}
    )

    code = models.CharField(max_length=40, choices=CODES, unique=True)
    name = models.CharField(max_length=80)
    # Seniority order for tier matching: a higher rank may lead a higher tier.
    rank = models.PositiveSmallIntegerField(default=0)
    # The role's definition (seed 000, "Role Overviews" and "Organisational Structure"): loaded as
    # editable defaults by a data migration, edited by the head of CS on the org screen.
    overview = models.TextField(blank=True)
    responsibilities = models.TextField("key responsibilities (one a line)", blank=True)
    share_account_management = models.PositiveSmallIntegerField("account management (%)", default=0)
    share_senior_relationships = models.PositiveSmallIntegerField("senior relationships (%)", default=0)
    share_people_management = models.PositiveSmallIntegerField("people management (%)", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["rank", "name"]
        constraints = [
            # the org chart reads the three shares as one person's whole week
            models.CheckConstraint(
                condition=models.Q(
                    share_account_management__lte=100,
                    share_senior_relationships__lte=100,
                    share_people_management__lte=100,
                ),
                name="role_shares_percent",
                violation_error_message="Each share of time is a percentage: 0 to 100.",
            ),
        ]

    def __str__(self):
        return self.name


class Pathway(models.TextChoices):
    """The two career paths of seed 000, "Organisational Structure"."""

    DELIVERY = "delivery", "Strategic and tactical delivery expertise"
    PEOPLE = "people", "People management"


class StaffProfile(Versioned):
    class Level(models.TextChoices):
        JUNIOR = "junior", "Junior"
        SENIOR = "senior", "Senior"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    roles = models.ManyToManyField(Role, related_name="profiles", blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.JUNIOR)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    capacity_hours = models.DecimalField(
        "capacity (hours/week)", max_digits=4, decimal_places=1, default=37.5
    )
    phone = models.CharField(max_length=40, blank=True)
    pathway = models.CharField(max_length=20, choices=Pathway.choices, blank=True)

    history = HistoricalRecords(m2m_fields=[roles], excluded_fields=["version"])

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        constraints = [
            # capacity feeds utilisation (§2 people/); a negative or absurd week would poison it
            models.CheckConstraint(
                condition=models.Q(capacity_hours__gte=0, capacity_hours__lte=80),
                name="staffprofile_capacity_range",
                violation_error_message="Capacity is between 0 and 80 hours a week.",
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def role_names(self) -> str:
        return ", ".join(role.name for role in self.roles.all())


class Notification(models.Model):
    """Something a person should hear about: shown in the app, and emailed once.

    `key` names the event (e.g. "contract-12-renewal-60"); the unique (user, key) constraint is what
    makes every reminder task idempotent: running it twice, or on two workers, notifies once.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="notification_once_per_event",
                violation_error_message="This person has already been told about this.",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.subject


class ReminderClaim(models.Model):
    """ "This person was reminded about this item" for a reminder sent as a digest: `key` names the
    item and its period (e.g. "client-review-12-2026-11"), as a per-item notice's key would. The
    unique (user, key) pair keeps a digest idempotent: a rerun lists only items not yet claimed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # notify_digests relies on it: a reminder is claimed once per person and period
            models.UniqueConstraint(
                fields=["user", "key"],
                name="reminder_claim_once",
                violation_error_message="This reminder has already been sent to this person.",
            )
        ]

    def __str__(self):
        return self.key


class CalendarFeed(models.Model):
    """A secret, revocable iCal URL for one person's calls, check-ins and reviews."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Calendar of {self.user}"


class Pdp(Versioned):
    """A personal development plan for one person and year (seed 000, "Pathways and PDPs")."""

    Pathway = Pathway

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pdps")
    year = models.PositiveSmallIntegerField()
    pathway = models.CharField(max_length=20, choices=Pathway.choices, default=Pathway.DELIVERY)
    summary = models.TextField("aims for the year", blank=True)
    next_review_date = models.DateField(help_text="PDPs are reviewed every three months.")
    salary_review_date = models.DateField(help_text="Salary and promotion are reviewed once a year.")
    salary_reviewed_at = models.DateField(null=True, blank=True)
    salary_outcome = models.TextField("salary / promotion outcome", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-year", "staff__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "year"],
                name="pdp_one_per_person_per_year",
                violation_error_message="This person already has a PDP for that year: edit that one.",
            )
        ]

    def __str__(self):
        return f"PDP {self.year}: {self.staff.get_full_name() or self.staff.username}"


class PdpTarget(models.Model):
    pdp = models.ForeignKey(Pdp, on_delete=models.CASCADE, related_name="targets")
    description = models.CharField("measurable target", max_length=300)
    measure = models.CharField("how it is measured", max_length=200)
    reward = models.CharField("what happens when it is hit", max_length=300)
    progress = models.PositiveSmallIntegerField("progress (%)", default=0)
    achieved_on = models.DateField(null=True, blank=True)
    # a target that follows a team objective's measure: its progress is the measure's, kept up to
    # date by reporting.team_objectives (the lazy string: objectives sit in their own module)
    follows = models.ForeignKey(
        "people.Measure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pdp_targets",
        verbose_name="follows the team measure",
        help_text="Progress then updates itself from the team objective's measure.",
    )
    # or an account-plan objective allocated to the person (seed 002): 100% once it is done. The lazy
    # string points up a layer (commercial builds on people), as Action.meeting does.
    follows_objective = models.ForeignKey(
        "commercial.PlanObjective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pdp_targets",
        verbose_name="follows the account-plan objective",
        help_text="Progress is then 100% once the objective is done, else 0%.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="pdptarget_progress_percent",
                violation_error_message="Progress runs from 0 to 100%.",
            )
        ]

    def __str__(self):
        return self.description


class PdpReview(models.Model):
    """The quarterly review meeting, recorded."""

    pdp = models.ForeignKey(Pdp, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField()
    target_progress = models.TextField("progress against targets", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"Review of {self.pdp} on {self.held_on}"


class OutboxMessage(models.Model):
    """An email to send or a task to start, written in the transaction that caused it (an outbox).

    The row commits with the state change it reports, so a broker outage or a worker killed after the
    commit delays the message and loses nothing: `people.outbox.outbox_deliver` (run after each commit
    and every minute by beat) sends whatever is still pending, claiming each row so two workers never
    send it twice.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        TASK = "task", "Task"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # gave up after MAX_ATTEMPTS; an admin can set it back to pending

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # what it is, for the admin and the logs: an email's subject, a task's name
    summary = models.CharField(max_length=200)
    payload = models.JSONField()
    # one message per event however often the cause is replayed (e.g. "notification-12"); null: no such rule
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    available_at = models.DateTimeField(db_index=False)  # not before: backoff after a failed attempt
    # a worker's lease while it sends: who holds it and until when (then another may take it over)
    claimed_by = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            # the delivery sweep reads only what is pending, oldest first
            models.Index(
                fields=["available_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"


class Throttle(models.Model):
    """How many times something was done in one fixed window (password-reset emails per address and
    per email address an hour). One row per key and window, claimed with a conditional UPDATE so two
    requests at once cannot both take the last slot. Expired rows are swept daily."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # throttle_claim's get_or_create relies on it: one counter per key and window
            models.UniqueConstraint(
                fields=["key", "window_start"],
                name="throttle_one_per_window",
                violation_error_message="This limit is already being counted for this hour.",
            )
        ]
        # the daily sweep (people.tasks.clear_expired_sessions)
        indexes = [models.Index(fields=["expires_at"], name="throttle_expiry")]

    def __str__(self):
        return f"{self.key} since {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class FormSubmission(models.Model):
    """A create form, sent: its one-time token is unique here, so it creates once (people/submissions.py).

    `key` hashes the form's token with the person, the address and what was sent; a double click,
    a retry or the back button sending the same form again finds its row taken and lands where
    the first one did. The unique index decides, so two sent at the same moment also create once.
    """

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    landed_at = models.CharField(max_length=500, blank=True, help_text="Where the first one landed.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"form sent by {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
