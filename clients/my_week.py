"""An account manager's week across their clients (PRODUCT.md §2 dashboards, "my week")."""

from datetime import timedelta

from django.db.models import Max, Q
from django.utils import timezone

from reporting.models import BandTable, Cadence

from .models import Action, Call, Client, Flag

CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14, Cadence.MONTHLY: 30}


def week_bounds(today):
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def calls_due(clients, today):
    """Clients whose call cadence (reporting matrix) makes a call due by the end of this week.

    Due = last held call + cadence interval, or now if there has never been one. Bespoke, project
    and paused clients are left to their own plans.
    """
    _, sunday = week_bounds(today)
    bands = BandTable.load()
    due = []
    for client in clients:
        band = bands.for_client(client)
        if client.status not in (Client.Status.ACTIVE, Client.Status.ONBOARDING) or client.bespoke_plan:
            continue
        days = CADENCE_DAYS.get(band.call_cadence) if band else None
        if days is None:
            continue
        last = client.last_call_at and timezone.localdate(client.last_call_at)
        due_on = last + timedelta(days=days) if last else today
        if due_on <= sunday:
            due.append(
                {"client": client, "band": band, "last": last, "due_on": due_on, "overdue": due_on < today}
            )
    return sorted(due, key=lambda d: d["due_on"])


def my_week(user, today=None):
    today = today or timezone.localdate()
    monday, sunday = week_bounds(today)
    clients = list(
        Client.objects.active()
        .filter(memberships__user=user)
        .select_related("tier")
        .annotate(last_call_at=Max("calls__held_at", filter=Q(calls__held=True)))
        .order_by("name")
    )
    client_ids = [c.pk for c in clients]
    actions = list(
        Action.objects.open()
        .filter(owner=user, due_date__lte=sunday)
        .select_related("client", "owner", "flag", "call")
        .order_by("due_date", "pk")
    )
    return {
        "today": today,
        "monday": monday,
        "sunday": sunday,
        "clients": clients,
        "calls_due": calls_due(clients, today),
        "planned_calls": list(
            Call.objects.filter(client_id__in=client_ids, held=False, held_at__date__lte=sunday)
            .select_related("client")
            .order_by("held_at")
        ),
        "overdue_actions": [a for a in actions if a.due_date < today],
        "week_actions": [a for a in actions if a.due_date >= today],
        "later_actions_count": Action.objects.open().filter(owner=user, due_date__gt=sunday).count(),
        "open_flags": list(
            Flag.objects.filter(client_id__in=client_ids)
            .exclude(status=Flag.Status.RESOLVED)
            .select_related("client", "owner")
            .order_by("raised_at")
        ),
        "reports_unsent": list(
            Call.objects.filter(
                Q(author=user) | Q(client_id__in=client_ids),
                held=True,
                report_required=True,
                report_sent_at__isnull=True,
            )
            .select_related("client")
            .order_by("held_at")
        ),
    }
