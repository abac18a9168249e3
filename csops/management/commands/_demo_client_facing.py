"""Demo data for what the client sees and what we owe them (issue 17).

Jobs with milestones on most current clients (some deadlines already missed, some work to bill, a
job completed this month with a link to the work), status reports reviewed recently, a while ago or
never; two clients with a live dashboard shared (a link, a commentary, an opening logged); and one
client on support with requests in and out of their SLA.

Idempotent: a client that already has jobs, links or a support arrangement is left alone.
Deterministic: everything follows from the clients' order and today's date.
"""

import datetime

from django.utils import timezone

from clients.models import AccountTeamMembership, Client, SupportArrangement, SupportRequest
from clients.services.support import due_times
from people.selectors import heads_of_cs
from reporting.models import (
    ClientDashboard,
    CommsPlan,
    DashboardLink,
    DashboardView,
    Job,
    Milestone,
    StatusReview,
)

JOBS = [
    (
        "Website refresh: landing pages",
        "project",
        "in_progress",
        "Client to sign off the wireframes by Friday",
    ),
    ("Monthly content plan", "retained", "in_progress", "Draft next month's four articles"),
    (
        "Tracking and analytics audit",
        "ad_hoc",
        "awaiting_client",
        "Waiting for GA4 access from their IT team",
    ),
    ("Paid social creative refresh", "change", "not_started", "Brief the design team on Monday"),
]
COMMENTARY = (
    "A strong month: organic sessions up 12% and the new landing pages are in review. "
    "Next up: the content calendar for the new year."
)
MILESTONES = [("Wireframes", -5), ("First drafts", 2), ("Client review", 9), ("Go live", 25)]


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed_client_facing(*, today: datetime.date) -> None:
    leads = dict(AccountTeamMembership.objects.filter(is_lead=True).values_list("client_id", "user_id"))
    head = heads_of_cs().first()
    clients = list(Client.objects.current().order_by("pk"))
    _jobs(clients, leads, head, today)
    _dashboards(leads, head, today)
    _support(clients, leads, head, today)


def _jobs(clients, leads, head, today):
    has_jobs = set(Job.objects.values_list("client_id", flat=True))
    for i, client in enumerate(clients):
        if client.pk in has_jobs or i % 6 == 5:  # most clients, not all
            continue
        owner_id = leads.get(client.pk) or (head.pk if head else None)
        if owner_id is None:
            continue
        for n, (name, kind, status, next_steps) in enumerate(JOBS[: 2 + i % 3]):
            start = today - datetime.timedelta(days=20 + 3 * n)
            job = Job.objects.create(
                client=client,
                number=f"J{client.pk:03d}-{n + 1:02d}",
                name=name,
                kind=kind,
                status=status,
                next_steps=next_steps,
                start_date=start,
                owner_id=owner_id,
                created_by_id=owner_id,
                billable=kind != "change",
            )
            for m, (label, offset) in enumerate(MILESTONES[: 2 + (i + n) % 3]):
                due = today + datetime.timedelta(days=offset + 2 * n + i % 5)  # spread over weeks
                # the first deadline of every third client's first job has passed without being met
                done = due < today and not (i % 3 == 0 and n == 0 and m == 0)
                Milestone.objects.create(
                    job=job, name=label, due_date=max(due, start), done_on=due if done else None
                )
        # work completed this month, with a link the client can open, and (on some) still to bill
        Job.objects.create(
            client=client,
            number=f"J{client.pk:03d}-90",
            name="Technical SEO audit",
            kind="ad_hoc",
            status="completed",
            start_date=today - datetime.timedelta(days=30),
            completed_on=max(today.replace(day=1), today - datetime.timedelta(days=3)),
            owner_id=owner_id,
            created_by_id=owner_id,
            to_bill=i % 2 == 0,
            link=f"https://docs.example/{client.pk}/seo-audit",
            next_steps="Invoice with this month's retainer",
        )
        Job.objects.filter(client=client).update(
            created_at=timezone.now() - datetime.timedelta(days=10 + i % 9)
        )
        if i % 4 != 3:  # a quarter never reviewed; the rest 2 or 9 days ago
            StatusReview.objects.create(
                client=client,
                reviewed_by_id=owner_id,
                reviewed_at=timezone.now() - datetime.timedelta(days=2 if i % 2 else 9),
            )


def _dashboards(leads, head, today):
    if DashboardLink.objects.exists():
        return
    entitled = CommsPlan.objects.filter(live_dashboard=True, client__archived_at__isnull=True).order_by(
        "client_id"
    )
    for plan in entitled[:2]:
        by_id = leads.get(plan.client_id) or (head.pk if head else None)
        if by_id is None:
            continue
        ClientDashboard.objects.update_or_create(
            client_id=plan.client_id,
            defaults={
                "commentary": COMMENTARY,
                "commentary_by_id": by_id,
                "commentary_updated_at": timezone.now() - datetime.timedelta(days=1),
            },
        )
        link = DashboardLink.objects.create(
            client_id=plan.client_id,
            label="Marketing team",
            created_by_id=by_id,
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
        DashboardView.objects.create(link=link, user_agent="demo")
        DashboardLink.objects.filter(pk=link.pk).update(
            last_opened_at=timezone.now() - datetime.timedelta(hours=5), views=1
        )


def _support(clients, leads, head, today):
    if SupportArrangement.objects.exists() or not clients:
        return
    client = next((c for c in clients if c.pk in leads), clients[0])
    by_id = leads.get(client.pk) or (head.pk if head else None)
    if by_id is None:
        return
    arrangement = SupportArrangement.objects.create(
        client=client,
        since=today - datetime.timedelta(days=200),
        description="Website support and maintenance, 20 hours a month",
        critical_response_hours=1,
        critical_resolution_hours=4,
        high_response_hours=2,
        high_resolution_hours=8,
        normal_response_hours=4,
        normal_resolution_hours=16,
        low_response_hours=8,
        low_resolution_hours=40,
        created_by_id=by_id,
    )
    # (days ago, hour, priority, summary, hours to first response, hours to resolution or None)
    requests = [
        (40, 10, "high", "Checkout page returns an error", 1, 6),
        (33, 11, "normal", "Update the footer's office address", 2, 10),
        (26, 15, "critical", "Site down after the hosting provider's maintenance", 3, 9),  # both late
        (19, 9, "low", "New staff photos on the team page", 4, 30),
        (12, 14, "normal", "Contact form emails not arriving", 26, 50),  # response late
        (5, 10, "high", "Search results show unpublished pages", 1, None),
        (2, 11, "normal", "Broken image on the pricing page", None, None),  # out of SLA, no reply
    ]
    rows = []
    for days, hour, priority, summary, respond, resolve in requests:
        received = _aware(today - datetime.timedelta(days=days), hour)
        rows.append(
            SupportRequest(
                client=client,
                arrangement=arrangement,
                received_at=received,
                priority=priority,
                summary=summary,
                owner_id=by_id,
                created_by_id=by_id,
                first_response_at=received + datetime.timedelta(hours=respond) if respond else None,
                first_response_by_id=by_id if respond else None,
                resolved_at=received + datetime.timedelta(hours=resolve) if resolve else None,
                resolved_by_id=by_id if resolve else None,
                **due_times(arrangement, priority, received),
            )
        )
    SupportRequest.objects.bulk_create(rows)
