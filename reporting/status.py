"""Reads for status reports (seed 003): per client, per AM across their clients, and my week's
milestones. `.values()` rows, a fixed number of queries whatever the number of jobs or clients."""

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from clients import permissions as perms
from clients.models import Client
from csops.dates import week_start
from csops.params import int_param
from people import roles

from .models import ClientDashboard, CommsPlan, DashboardLink, Job, Milestone, StatusReview

# "new work" on the status report: jobs opened in the last fortnight (one or two reviews ago)
NEW_WORK_DAYS = 14
# my week shows this many milestones; the rest are on the AM's status report
MILESTONES_SHOWN = 20
JOB_ROW = (
    "pk",
    "client_id",
    "client__name",
    "number",
    "name",
    "kind",
    "status",
    "next_steps",
    "start_date",
    "billable",
    "to_bill",
    "link",
    "created_at",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


def _label(choices, value):
    return dict(choices).get(value, value)


def _with_milestones(jobs: list[dict], today) -> list[dict]:
    """Each job row with its milestones (one query for all), missed ones marked."""
    by_job = defaultdict(list)
    for m in Milestone.objects.filter(job_id__in=[j["pk"] for j in jobs]).values(
        "pk", "job_id", "name", "due_date", "done_on"
    ):
        m["missed"] = m["done_on"] is None and m["due_date"] < today
        by_job[m["job_id"]].append(m)
    for job in jobs:
        job["status_label"] = _label(Job.Status.choices, job["status"])
        job["kind_label"] = _label(Job.Kind.choices, job["kind"])
        job["owner_name"] = (
            f"{job['owner__first_name']} {job['owner__last_name']}".strip() or job["owner__username"]
        )
        job["milestones"] = by_job.get(job["pk"], [])
        job["missed"] = sum(1 for m in job["milestones"] if m["missed"])
        job["next_milestone"] = next((m for m in job["milestones"] if m["done_on"] is None), None)
    return jobs


def client_status_report(client, today=None) -> dict:
    """One client's status report: open jobs, new work, work to bill, and when it was last reviewed."""
    today = today or timezone.localdate()
    rows = list(
        Job.objects.current()
        .filter(client=client)
        .filter(Q(status__in=Job.OPEN_STATUSES) | Q(to_bill=True))
        .values(*JOB_ROW)
        .order_by("number")
    )
    rows = _with_milestones(rows, today)
    new_since = timezone.now() - datetime.timedelta(days=NEW_WORK_DAYS)
    last = StatusReview.objects.filter(client=client).select_related("reviewed_by").first()
    return {
        "client": client,
        "today": today,
        "open_jobs": [j for j in rows if j["status"] in Job.OPEN_STATUSES],
        "new_work": [j for j in rows if j["created_at"] >= new_since and j["status"] in Job.OPEN_STATUSES],
        "to_bill": [j for j in rows if j["to_bill"]],
        "last_review": last,
        "review_overdue": last is None or last.reviewed_at < timezone.now() - datetime.timedelta(days=7),
        "new_work_days": NEW_WORK_DAYS,
    }


def status_report_jobs(qs):
    """The jobs a status report lists: current, and open or still to bill."""
    return qs.filter(archived_at__isnull=True).filter(Q(status__in=Job.OPEN_STATUSES) | Q(to_bill=True))


def am_status_report_narrow(qs, params):
    """`qs` as the AM status report narrows it (its export): the report's jobs, of the active clients
    whose team `person` is on when given (the report's own parameter), of every client without."""
    qs = status_report_jobs(qs)
    if person_id := int_param(params.get("person"), 0, maximum=2**31 - 1):
        qs = qs.filter(client__in=Client.objects.active().filter(memberships__user_id=person_id).values("pk"))
    return qs.order_by("client__name", "number", "pk")


def am_status_report(user, today=None) -> dict:
    """The AM's status report across every client they are on the team of (the weekly status meeting)."""
    today = today or timezone.localdate()
    clients = list(
        Client.objects.active()
        .filter(memberships__user=user)
        .annotate(last_review=Max("status_reviews__reviewed_at"))
        .values("pk", "name", "last_review")
        .order_by("name")
    )
    jobs = _with_milestones(
        list(
            status_report_jobs(Job.objects.filter(client_id__in=[c["pk"] for c in clients]))
            .values(*JOB_ROW)
            .order_by("client__name", "number")
        ),
        today,
    )
    by_client = defaultdict(list)
    for job in jobs:
        by_client[job["client_id"]].append(job)
    stale = timezone.now() - datetime.timedelta(days=7)
    for c in clients:
        c["jobs"] = by_client.get(c["pk"], [])
        c["open"] = [j for j in c["jobs"] if j["status"] in Job.OPEN_STATUSES]
        c["to_bill"] = [j for j in c["jobs"] if j["to_bill"]]
        c["missed"] = sum(j["missed"] for j in c["open"])
        c["review_overdue"] = bool(c["open"]) and (c["last_review"] is None or c["last_review"] < stale)
    return {
        "person": user,
        "today": today,
        "clients": [c for c in clients if c["jobs"]],
        "quiet": [c for c in clients if not c["jobs"]],
        "open_count": sum(len(c["open"]) for c in clients),
        "to_bill_count": sum(len(c["to_bill"]) for c in clients),
        "missed_count": sum(c["missed"] for c in clients),
    }


def milestones_this_week(user, today=None) -> dict:
    """My week: milestones due by Sunday on jobs the person owns or whose client they are on the team
    of, not yet done; those already past are marked missed (a month back at most). One query."""
    today = today or timezone.localdate()
    monday = week_start(today)
    sunday = monday + datetime.timedelta(days=6)
    mine = Q(job__owner=user) | Q(job__client__memberships__user=user)
    rows = list(
        Milestone.objects.filter(
            mine,
            done_on__isnull=True,
            due_date__lte=sunday,
            due_date__gte=today - datetime.timedelta(days=30),
            job__archived_at__isnull=True,
            job__status__in=Job.OPEN_STATUSES,
            job__client__archived_at__isnull=True,
        )
        .values(
            "pk",
            "name",
            "due_date",
            "job_id",
            "job__number",
            "job__name",
            "job__client_id",
            "job__client__name",
        )
        .distinct()
        .order_by("due_date", "pk")
    )
    for m in rows:
        m["missed"] = m["due_date"] < today
    return {
        # the missed first, then the week's in date order; a long list shows its first MILESTONES_SHOWN
        "milestones": rows[:MILESTONES_SHOWN],
        "more": max(0, len(rows) - MILESTONES_SHOWN),
        "missed_milestones": sum(m["missed"] for m in rows),
        "today": today,
    }


def client_jobs_panel(client, user, today=None) -> dict:
    """The client page's jobs and dashboard card: counts in SQL, the next deadlines, the share state."""
    today = today or timezone.localdate()
    counts = (
        Job.objects.current()
        .filter(client=client)
        .aggregate(
            open=Count("pk", filter=Q(status__in=Job.OPEN_STATUSES)),
            to_bill=Count("pk", filter=Q(to_bill=True)),
        )
    )
    upcoming = list(
        Milestone.objects.filter(
            job__client=client,
            job__archived_at__isnull=True,
            job__status__in=Job.OPEN_STATUSES,
            done_on__isnull=True,
        )
        .values("pk", "name", "due_date", "job__number", "job__name")
        .order_by("due_date")[:5]
    )
    for m in upcoming:
        m["missed"] = m["due_date"] < today
    flags = (
        Client.objects.filter(pk=client.pk)
        .annotate(
            plan_grants=Exists(CommsPlan.objects.filter(client=OuterRef("pk"), live_dashboard=True)),
            bespoke=Exists(
                ClientDashboard.objects.filter(client=OuterRef("pk"), bespoke_granted_at__isnull=False)
            ),
            last_review=Max("status_reviews__reviewed_at"),
            live_links=Count(
                "dashboard_links",
                filter=Q(
                    dashboard_links__revoked_at__isnull=True, dashboard_links__expires_at__gt=timezone.now()
                ),
                distinct=True,
            ),
        )
        .values("plan_grants", "bespoke", "last_review", "live_links")
        .get()
    )
    entitled = flags["plan_grants"] or flags["bespoke"]
    return {
        "jobs_open": counts["open"],
        "jobs_to_bill": counts["to_bill"],
        "milestones_upcoming": upcoming,
        "status_last_review": flags["last_review"],
        "dashboard_entitled": entitled,
        "dashboard_bespoke": flags["bespoke"] and not flags["plan_grants"],
        "dashboard_live_links": flags["live_links"],
        "can_share_dashboard": entitled and perms.may(user, perms.LOG_CALL, client),
        "can_grant": roles.is_head_of_cs(user),
    }


def dashboard_links_of(client) -> list[dict]:
    """The share links of a client, newest first, with who made them and when they were last opened."""
    now = timezone.now()
    rows = list(
        DashboardLink.objects.filter(client=client)
        .annotate(
            maker=Concat(F("created_by__first_name"), Value(" "), F("created_by__last_name")),
            revoker=Concat(F("revoked_by__first_name"), Value(" "), F("revoked_by__last_name")),
        )
        .values(
            "pk",
            "label",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_opened_at",
            "views",
            "maker",
            "revoker",
        )
        .order_by("-created_at")[:50]
    )
    for r in rows:
        r["state"] = "revoked" if r["revoked_at"] else ("expired" if r["expires_at"] <= now else "live")
    return rows
