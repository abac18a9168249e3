"""A client's jobs and their milestones, and the status report's "reviewed on" stamp (seed 003).

Seed 003, "Status Reports": the account group keeps a status report per client with all its open
jobs, new work and work to bill — job number and name, status, next steps, milestone (deadline)
dates — updated once or twice a week and reviewed at the weekly status meeting.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from csops.versioning import Versioned


class JobQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)

    def open(self):
        return self.current().filter(status__in=Job.OPEN_STATUSES)


class Job(Versioned):
    """One job for a client: opened directly here (or, later, from a project initiation form)."""

    class Kind(models.TextChoices):
        PROJECT = "project", "Project"
        RETAINED = "retained", "Retained deliverable"
        CHANGE = "change", "Change request"
        AD_HOC = "ad_hoc", "Ad hoc"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_CLIENT = "awaiting_client", "Awaiting client"
        ON_HOLD = "on_hold", "On hold"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.AWAITING_CLIENT, Status.ON_HOLD)
    # what the client's live dashboard calls "in progress" (on hold and not started are ours to say)
    IN_PROGRESS_STATUSES = (Status.IN_PROGRESS, Status.AWAITING_CLIENT)

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="jobs")
    # job numbers are how production, finance and the client refer to a job: one job each
    number = models.CharField(
        "job #",
        max_length=30,
        unique=True,
        help_text="The agency's job number, e.g. NW-0142.",
        error_messages={"unique": "Another job already has this job number."},
    )
    name = models.CharField(max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    next_steps = models.TextField("next steps", blank=True)
    start_date = models.DateField("starts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs_owned")
    billable = models.BooleanField(default=True)
    to_bill = models.BooleanField(
        "to bill",
        default=False,
        help_text="Work done that still needs to be billed (the status report lists it).",
    )
    link = models.URLField(
        "link to the work", blank=True, help_text="Shown to the client on the live dashboard once completed."
    )
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["client", "number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(number="") & ~Q(name=""),
                name="job_number_and_name",
                violation_error_message="A job needs a job number and a name.",
            ),
            # "work to bill" is billable work: the status report's to-bill list relies on it
            models.CheckConstraint(
                condition=Q(to_bill=False) | Q(billable=True),
                name="job_to_bill_is_billable",
                violation_error_message="Only billable work can be marked to bill.",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("start_date")),
                name="job_completed_after_start",
                violation_error_message="A job cannot be completed before it starts.",
            ),
        ]
        indexes = [
            # the status report and the client page: a client's open jobs
            models.Index(fields=["client", "status"], name="job_client_status"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Milestone(models.Model):
    """A deadline on a job; missed when its date passes with it not done."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due_date = models.DateField("deadline")
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="milestone_name_not_empty",
                violation_error_message="Give the milestone a name.",
            ),
        ]
        indexes = [
            # my week: milestones due this week, and those missed, across the AM's clients
            models.Index(fields=["due_date"], condition=Q(done_on__isnull=True), name="milestone_open_due"),
        ]

    def __str__(self):
        return f"{self.name} ({self.due_date:%d %b %Y})"


class StatusReview(models.Model):
    """Someone reviewed a client's status report: the "reviewed on" stamp, one row per review."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="status_reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [
            # the latest review per client (status report, beat reminder)
            models.Index(fields=["client", "-reviewed_at"], name="statusreview_client_latest"),
        ]

    def __str__(self):
        return f"{self.client} reviewed {self.reviewed_at:%d %b %Y}"
