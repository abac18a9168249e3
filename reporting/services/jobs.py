"""Jobs, milestones and the status report's review stamp (seed 003, "Status Reports")."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from csops.dates import week_start
from csops.rows import RunReport
from csops.versioning import version_claim
from people.services.digests import Item, notify_digests

from ..models import Job, Milestone, StatusReview

# seed 003: the status report is updated once or twice a week; a week without a review is a reminder
REVIEW_EVERY = datetime.timedelta(days=7)

JOB_FIELDS = (
    "number",
    "name",
    "kind",
    "status",
    "next_steps",
    "start_date",
    "owner",
    "billable",
    "to_bill",
    "link",
)


def _completion(job: Job, today) -> None:
    if job.status == Job.Status.COMPLETED:
        job.completed_on = job.completed_on or max(today, job.start_date)
    else:
        job.completed_on = None


@transaction.atomic
def job_create(*, client, by, **fields) -> Job:
    """Open a job on a client (directly; a project initiation form will call this too)."""
    if client.archived_at:
        raise ValidationError("This client is archived: open jobs on a current client.")
    job = Job(client=client, created_by=by, **{k: fields[k] for k in JOB_FIELDS if k in fields})
    _completion(job, timezone.localdate())
    job.full_clean()
    job.save()
    return job


@transaction.atomic
def job_update(*, job: Job, by, version: int | None, **fields) -> Job:
    """Save an edit made on a form loaded at `version` (StaleEdit if someone saved meanwhile)."""
    version_claim(job, version)
    for name in JOB_FIELDS:
        if name in fields:
            setattr(job, name, fields[name])
    earliest = job.milestones.order_by("due_date").values_list("due_date", flat=True).first()
    if earliest and earliest < job.start_date:
        raise ValidationError(
            {"start_date": f"A milestone is due on {earliest:%d %b %Y}, before this start: move it first."}
        )
    _completion(job, timezone.localdate())
    job.full_clean()
    job.save()
    return job


@transaction.atomic
def milestone_add(*, job: Job, by, name: str, due_date: datetime.date) -> Milestone:
    if due_date < job.start_date:
        raise ValidationError(
            {"due_date": f"The job starts on {job.start_date:%d %b %Y}: no milestone is due before that."}
        )
    milestone = Milestone(job=job, name=name.strip(), due_date=due_date)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_mark(*, milestone: Milestone, by, done: bool) -> Milestone:
    """Tick a milestone off (today) or re-open it; twice is once."""
    milestone.done_on = (milestone.done_on or timezone.localdate()) if done else None
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def status_report_review(*, client, by, note: str = "") -> StatusReview:
    """Stamp the client's status report as reviewed now (seed 003: once or twice a week)."""
    return StatusReview.objects.create(
        client=client, reviewed_by=by, reviewed_at=timezone.now(), note=note.strip()
    )


def status_reports_remind(*, today) -> RunReport:
    """Tell each lead AM whose client's status report has gone a week unreviewed, once per week.

    Only clients with open jobs need a status report; a client whose first job was opened within the
    week is not yet due. The notice is keyed by client and week: a rerun, or two workers, tell once.
    """
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    cutoff = now - REVIEW_EVERY
    open_jobs = Job.objects.open().filter(client=OuterRef("pk"))
    rows = (
        Client.objects.current()
        .filter(Exists(open_jobs))
        .annotate(last_review=Max("status_reviews__reviewed_at"))
        .filter(
            Q(last_review__lt=cutoff)
            | Q(last_review__isnull=True) & Exists(open_jobs.filter(created_at__lt=cutoff))
        )
        .filter(memberships__is_lead=True)
        .values_list("pk", "name", "memberships__user_id", "last_review")
        .order_by("pk")
    )
    monday = week_start(today)
    rows = list(rows)  # one row per client due: read once, with their lead AMs in one more query
    users = get_user_model().objects.in_bulk({user_id for _, _, user_id, _ in rows})
    return notify_digests(
        (
            Item(
                user=users[user_id],
                key=f"status-review-{pk}-{monday}",
                label=f"{name} — "
                + (f"last reviewed {timezone.localtime(last):%d %b %Y}" if last else "never reviewed"),
                url=reverse("reporting:status_report", args=[pk]),
            )
            for pk, name, user_id, last in rows
        ),
        task="status report reminders",
        key=f"status-review-{monday}",
        subject="Status reports not reviewed for a week: {count} of your clients",
        body="Check each open job's status, next steps and milestones, then mark the report reviewed.",
    )
