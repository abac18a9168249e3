"""What happens with a client: calls, flags and the actions that come out of them (PRODUCT.md §2)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models import Role

from .core import Client, Contact

REPORT_WINDOW = timedelta(hours=48)  # seed 003: meeting call reports distributed within 48 hours


class Call(models.Model):
    """A call or meeting with a client, in the framework's four parts (seed 000, "Calls")."""

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        FACE_TO_FACE = "face_to_face", "Face to face (our office)"
        ON_SITE = "on_site", "On site (client's office)"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="calls")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls_logged"
    )
    held_at = models.DateTimeField("date and time")
    held = models.BooleanField(
        "held", default=True, help_text="Untick for a call that is planned, not yet held."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VIDEO)
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)", default=30)
    staff_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="calls_attended", blank=True, verbose_name="our attendees"
    )
    contact_attendees = models.ManyToManyField(
        Contact, related_name="calls_attended", blank=True, verbose_name="client attendees"
    )
    rapport = models.TextField(
        blank=True, help_text="Catch-up and social: what you learnt about them and their world."
    )
    delivery = models.TextField(
        blank=True, help_text="Day to day: issues, sign-offs agreed, what happens next and when."
    )
    strategy = models.TextField(blank=True, help_text="Is the strategy still right? Does it need updating?")
    next_strategy_review = models.DateField(null=True, blank=True)
    commercial = models.TextField(
        "commercial discovery",
        blank=True,
        help_text="Other areas of the business, budget timing, competitors. Discovery, not selling.",
    )
    report_required = models.BooleanField(
        "call report needed",
        default=True,
        help_text="Calls about decisions, budgets or next steps need a written report within 48 hours.",
    )
    # when the author sent the report (what the 48-hour window measures); the email itself may still be
    # waiting in the outbox (report_message), and the page says "queued" until it has gone out
    report_sent_at = models.DateTimeField(null=True, blank=True)
    report_message = models.ForeignKey(
        "people.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[staff_attendees, contact_attendees])

    class Meta:
        ordering = ["-held_at"]
        indexes = [
            # the client timeline and cadence checks read a client's calls newest first
            models.Index(fields=["client", "-held_at"], name="call_client_held"),
            # the weekly meet's upsell item reads the last 30 days' calls across all clients
            models.Index(fields=["-held_at"], name="call_held"),
            # my week: reports not yet sent
            models.Index(fields=["report_required", "report_sent_at"], name="call_report_pending"),
            # my week: calls planned in the diary (a handful among a client's hundreds held)
            models.Index(fields=["client", "held_at"], condition=Q(held=False), name="call_planned"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=24 * 60),
                name="call_duration_within_a_day",
                violation_error_message="A call lasts at most a day (1,440 minutes).",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.client} on {timezone.localtime(self.held_at):%d %b %Y}"

    @property
    def report_due_at(self):
        return self.held_at + REPORT_WINDOW

    def report_state(self, now=None) -> str:
        """'not_needed', 'queued', 'sent', 'sent_late', 'pending' (inside the window) or 'late'."""
        if not self.report_required or not self.held:
            return "not_needed"
        if self.report_sent_at:
            if self.report_message_id and self.report_message.status != "sent":
                return "queued"
            return "sent_late" if self.report_sent_at > self.report_due_at else "sent"
        return "late" if (now or timezone.now()) > self.report_due_at else "pending"

    def report_time_left(self, now=None) -> timedelta:
        return self.report_due_at - (now or timezone.now())


class Flag(models.Model):
    """A serious client issue (seed 000: only serious negatives, or the flags lose their impact)."""

    class Source(models.TextChoices):
        WEEKLY_CALL = "weekly_call", "Weekly call"
        COMMS = "comms", "Comms"
        EXEC_SPONSOR = "exec_sponsor", "Exec sponsor / NPS"
        SUPPORT = "support", "Support"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        SERIOUS = "serious", "Serious"
        MAJOR = "major", "Major: relationship at risk"
        CRITICAL = "critical", "Critical: client may leave"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_HAND = "in_hand", "In hand"
        RESOLVED = "resolved", "Resolved"

    SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.SERIOUS: 2}
    # "not resolved" spelled as the statuses it is, so the (status, client) index serves it
    OPEN_STATUSES = (Status.OPEN, Status.IN_HAND)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="flags")
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags")
    title = models.CharField(max_length=200)
    description = models.TextField()
    source = models.CharField(max_length=20, choices=Source.choices)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flags_owned")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flags_raised"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            # open flags per client (client page, my week, the weekly meet)
            models.Index(fields=["status", "client"], name="flag_status_client"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="flag_title_not_empty",
                violation_error_message="Give the flag a title.",
            ),
            # a flag is closed with a resolution note, and only then (who resolved it and when)
            models.CheckConstraint(
                condition=(
                    Q(status="resolved", resolved_at__isnull=False) & ~Q(resolution="")
                    | ~Q(status="resolved") & Q(resolved_at__isnull=True)
                ),
                name="flag_resolved_with_note",
                violation_error_message=(
                    "A resolved flag needs a note of how it was resolved (and only a resolved flag has one)."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Action.Status.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Action(models.Model):
    """Something someone must do by a date: from a call, a flag or (later) a meeting."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="actions")
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    flag = models.ForeignKey(Flag, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    # an action agreed in a team meeting: reporting's models sit above clients', so the lazy string
    meeting = models.ForeignKey(
        "reporting.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions_owned"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # my week: an owner's open actions by due date
            models.Index(fields=["owner", "status", "due_date"], name="action_owner_open_due"),
            models.Index(fields=["client", "-created_at"], name="action_client_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""),
                name="action_description_not_empty",
                violation_error_message="Say what the action is.",
            ),
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False) | Q(status="open", done_at__isnull=True),
                name="action_done_has_time",
                violation_error_message="A done action records when it was done; an open one does not.",
            ),
        ]

    def __str__(self):
        return self.description

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.OPEN and self.due_date < (today or timezone.localdate())


class EscalationRule(models.Model):
    """Who can overrule whom, and who may authorise what (seed 004, "Your escalation strategy").

    A rule with no client is agency-wide; a client's own rule for the same matter replaces it.
    """

    class Matter(models.TextChoices):
        OVERRULE = "overrule", "Overrules in a request or dispute"
        EXTRA_SPEND = "extra_spend", "Authorises extra spend"
        DISCOUNT = "discount", "Authorises discounts"
        GOODWILL = "goodwill", "Authorises goodwill gestures"
        OVERTIME = "overtime", "Authorises overtime"

    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.CASCADE, related_name="escalation_rules"
    )
    matter = models.CharField(max_length=20, choices=Matter.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    up_to_amount = models.DecimalField(
        "up to (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty for no limit.",
    )
    notes = models.CharField(max_length=300, blank=True, help_text="e.g. overrules the AM on scope disputes")

    history = HistoricalRecords()

    class Meta:
        ordering = ["matter", "pk"]
        constraints = [
            # the rule names someone: a person, or whoever holds a role
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(role__isnull=False),
                name="escalation_rule_names_someone",
                violation_error_message="Choose who: a person or a role.",
            ),
            models.UniqueConstraint(
                fields=["client", "matter"],
                name="escalation_one_rule_per_client_matter",
                violation_error_message="This client already has a rule for this: edit that one.",
            ),
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(client__isnull=True),
                name="escalation_one_agency_rule_per_matter",
                violation_error_code="duplicate",  # the agency rules screen names both rows
                violation_error_message="There is already an agency-wide rule for this: edit that one.",
            ),
        ]

    def __str__(self):
        return f"{self.get_matter_display()}: {self.who}"

    @property
    def who(self) -> str:
        if self.person_id:
            return self.person.get_full_name() or self.person.username
        if not self.role_id:  # a row still being filled in (the form asks for one or the other)
            return "nobody yet"
        name = self.role.name
        return f"any {name[0].lower()}{name[1:]}"  # "any head of CS", "any account director"
