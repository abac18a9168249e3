"""An account manager's week across their clients (PRODUCT.md §2 dashboards, "my week")."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from reporting.models import Occurrence

from .models import Action, Call, Client, Flag


def week_bounds(today):
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def my_week(user, today=None):
    today = today or timezone.localdate()
    monday, sunday = week_bounds(today)
    clients = list(
        Client.objects.active().filter(memberships__user=user).select_related("tier").order_by("name")
    )
    client_ids = [c.pk for c in clients]
    mine = Q(assignee=user) | Q(client_id__in=client_ids)
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
        # from the occurrences beat generates from each comms plan; missed ones stay until logged
        "calls_due": list(
            Occurrence.objects.filter(
                mine,
                kind=Occurrence.Kind.CALL,
                due_date__lte=sunday,
                status__in=[Occurrence.Status.DUE, Occurrence.Status.MISSED],
                due_date__gte=today - timedelta(days=30),
            )
            .select_related("client", "assignee")
            .order_by("due_date", "due_time")
        ),
        "reports_due": list(
            Occurrence.objects.filter(
                mine,
                kind=Occurrence.Kind.REPORT,
                due_date__lte=sunday,
                status__in=[Occurrence.Status.DUE, Occurrence.Status.MISSED],
                due_date__gte=today - timedelta(days=30),
            )
            .select_related("client")
            .order_by("due_date")
        ),
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
            .filter(status__in=Flag.OPEN_STATUSES)
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
