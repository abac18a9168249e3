"""Reads for the timesheet grid: whose timesheets a person may read, which clients a week shows, with
what the calls suggest."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.utils import timezone

from clients.models import AccountTeamMembership, Call

from . import roles
from .models import TimeEntry, Timesheet


def timesheet_people(user):
    """Whose timesheets `user` may read: their own, their reports' (as line manager), anyone's for the
    head of CS. The timesheet page, its export and the API all scope by this one queryset."""
    people = get_user_model().objects.all()
    if roles.is_head_of_cs(user):
        return people
    return people.filter(Q(pk=user.pk) | Q(profile__line_manager=user))


def timesheets_for(user):
    """The timesheets `user` may read (timesheet_people's)."""
    return Timesheet.objects.filter(user__in=timesheet_people(user).values("pk"))


def week_rows(person, week: datetime.date) -> tuple[list, dict, Timesheet | None]:
    """(rows, saved hours, the timesheet): rows are (client pk, name, hours from calls) for the clients
    on the person's account teams, those they logged that week, and those they held calls with.

    Four queries whatever the number of clients.
    """
    start = timezone.make_aware(datetime.datetime.combine(week, datetime.time.min))
    end = start + datetime.timedelta(days=7)
    mine = Call.objects.filter(Q(author=person) | Q(staff_attendees=person)).values("pk")
    from_calls = {
        row["client_id"]: (Decimal(row["minutes"]) / 60).quantize(Decimal("0.25"))
        for row in Call.objects.filter(pk__in=mine, held=True, held_at__gte=start, held_at__lt=end)
        .values("client_id")
        .annotate(minutes=Sum("duration_minutes"))
        .order_by()
    }
    names = dict(
        AccountTeamMembership.objects.filter(user=person, client__archived_at__isnull=True).values_list(
            "client_id", "client__name"
        )
    )
    sheet = Timesheet.objects.filter(user=person, week=week).first()
    saved = {}
    if sheet is not None:
        for client_id, name, category, hours in TimeEntry.objects.filter(timesheet=sheet).values_list(
            "client_id", "client__name", "category", "hours"
        ):
            saved[client_id or category] = hours
            if client_id:
                names[client_id] = name
    for client_id, name in (
        Call.objects.filter(pk__in=mine, client_id__in=set(from_calls) - set(names))
        .values_list("client_id", "client__name")
        .distinct()
    ):
        names[client_id] = name
    rows = sorted(((pk, name, from_calls.get(pk)) for pk, name in names.items()), key=lambda r: r[1].lower())
    return rows, saved, sheet


def recent_weeks(person, n: int = 8) -> list[dict]:
    """The person's last `n` timesheets with their totals: one query."""
    return list(
        Timesheet.objects.filter(user=person)
        .annotate(total=Sum("entries__hours"))
        .order_by("-week")
        .values("week", "total", "submitted_at")[:n]
    )
