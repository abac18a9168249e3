"""What the client sees on their live activity dashboard (seed 000, "Activity Reporting").

Everything here is read for one client, named by the share link, as `.values()` of the columns the
client may see: this month's plan (calls held, reports delivered, milestones met, work completed),
what is in progress, the latest reports, the next call and the AM's commentary. Internal notes,
flags, NPS, stakeholder stances, money and billing are never read, so they cannot be shown.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from clients.models import Call
from csops.dates import month_end, month_start

from .models import ClientDashboard, Job, Milestone, Occurrence

LATEST_REPORTS = 5


def client_dashboard(client_id: int, today=None) -> dict:
    today = today or timezone.localdate()
    first, last = month_start(today), month_end(today)
    plan = list(
        Occurrence.objects.filter(client_id=client_id, due_date__range=(first, last))
        .values("kind", "due_date", "status")
        .order_by("due_date", "kind")
    )
    plan_due = [o for o in plan if o["due_date"] <= today or o["status"] == Occurrence.Status.DONE]
    completed_jobs = list(
        Job.objects.current()
        .filter(client_id=client_id, status=Job.Status.COMPLETED, completed_on__range=(first, last))
        .values("number", "name", "kind", "completed_on", "link")
        .order_by("-completed_on")
    )
    in_progress = list(
        Job.objects.current()
        .filter(client_id=client_id, status__in=Job.IN_PROGRESS_STATUSES)
        .values("pk", "number", "name", "kind", "status", "link")
        .order_by("number")
    )
    milestones = list(
        Milestone.objects.filter(job__client_id=client_id, job__archived_at__isnull=True)
        .filter(
            Q(done_on__range=(first, last))
            | Q(done_on__isnull=True, job__status__in=Job.IN_PROGRESS_STATUSES)
        )
        .values("job_id", "name", "due_date", "done_on")
        .order_by("due_date")
    )
    upcoming = {}
    for m in milestones:
        if m["done_on"] is None:
            upcoming.setdefault(m["job_id"], m)
    for job in in_progress:
        job["status_label"] = dict(Job.Status.choices)[job["status"]]
        job["kind_label"] = dict(Job.Kind.choices)[job["kind"]]
        job["next_milestone"] = upcoming.get(job.pop("pk"))
    for job in completed_jobs:
        job["kind_label"] = dict(Job.Kind.choices)[job["kind"]]
    reports = list(
        Occurrence.objects.filter(
            client_id=client_id, kind=Occurrence.Kind.REPORT, status=Occurrence.Status.DONE
        )
        .values("due_date", "done_at")
        .order_by("-due_date")[:LATEST_REPORTS]
    )
    next_due = (
        Occurrence.objects.filter(
            client_id=client_id, kind=Occurrence.Kind.CALL, status=Occurrence.Status.DUE, due_date__gte=today
        )
        .values("due_date", "due_time")
        .order_by("due_date")
        .first()
    )
    planned = (
        Call.objects.filter(client_id=client_id, held=False, held_at__gte=timezone.now())
        .values("held_at")
        .order_by("held_at")
        .first()
    )
    next_call = None
    if next_due:
        next_call = datetime.datetime.combine(next_due["due_date"], next_due["due_time"] or datetime.time(10))
        next_call = timezone.make_aware(next_call)
    if planned and (next_call is None or planned["held_at"] < next_call):
        next_call = planned["held_at"]
    commentary = (
        ClientDashboard.objects.filter(client_id=client_id)
        .values("commentary", "commentary_updated_at")
        .first()
    )
    return {
        "month": first,
        "today": today,
        "calls_held": sum(1 for o in plan_due if o["kind"] == Occurrence.Kind.CALL and o["status"] == "done"),
        "calls_planned": sum(1 for o in plan if o["kind"] == Occurrence.Kind.CALL),
        "reports_delivered": sum(
            1 for o in plan if o["kind"] == Occurrence.Kind.REPORT and o["status"] == "done"
        ),
        "reports_planned": sum(1 for o in plan if o["kind"] == Occurrence.Kind.REPORT),
        "milestones_met": [m for m in milestones if m["done_on"] is not None],
        "completed_jobs": completed_jobs,
        "in_progress": in_progress,
        "latest_reports": reports,
        "next_call": next_call,
        "commentary": (commentary or {}).get("commentary", ""),
        "commentary_at": (commentary or {}).get("commentary_updated_at"),
    }
