"""Timesheets, utilisation and cost to serve (issue 18, item 3)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from csops.dates import week_start
from people import roles
from reporting import utilisation as util

from ..forms.time import INTERNAL, CsFeeForm, TimesheetForm
from ..models import ClientCsFee
from ..services.time import WeekTooLong, cs_fee_save, timesheet_save
from ..timesheets import recent_weeks, timesheet_people, week_rows


def _week(request) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 12, 31):
        day = timezone.localdate()
    return week_start(day)


def _person_for(request, user_pk):
    """Yourself; a report of yours; anyone for the head of CS (timesheet_people). Anyone else: 404."""
    if user_pk is None or user_pk == request.user.pk:
        return request.user
    people = timesheet_people(request.user).select_related("profile")
    return get_object_or_404(people, pk=user_pk)


@login_required
def timesheet_edit(request, user_pk=None):
    person = _person_for(request, user_pk)
    if not hasattr(person, "profile"):
        raise PermissionDenied("Timesheets are for people with a staff profile.")
    own = person.pk == request.user.pk
    week = _week(request)
    rows, saved, sheet = week_rows(person, week)
    initial = {}
    for pk, _, from_calls in rows:
        # call durations are the starting point until the week is saved
        initial[f"client_{pk}"] = saved.get(pk) if sheet else from_calls
    for code, _ in INTERNAL:
        initial[f"internal_{code}"] = saved.get(code)
    if request.method == "POST" and not own:
        # a line manager (or the head of CS) reads a report's week; only its owner writes it
        raise PermissionDenied("Only its owner saves a timesheet.")
    data = request.POST if request.method == "POST" else None
    form = TimesheetForm(data, initial=initial, person=person, rows=rows)
    if data is not None and form.is_valid():
        try:
            timesheet_save(
                user=person, week=week, client_hours=form.client_hours(), internal_hours=form.internal_hours()
            )
        except WeekTooLong as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Timesheet for the week of {week:%d %b} saved.")
            return redirect(f"{request.path}?week={week:%Y-%m-%d}")
    capacity = person.profile.capacity_hours
    return render(
        request,
        "people/timesheet.html",
        {
            "form": form,
            "person": person,
            "own": own,
            "week": week,
            "sheet": sheet,
            "previous": week - datetime.timedelta(days=7),
            "next": week + datetime.timedelta(days=7),
            "capacity": capacity,
            "recent": recent_weeks(person),
        },
    )


@login_required
def utilisation(request):
    if not roles.can_view_utilisation(request.user):
        raise PermissionDenied("Utilisation is for the head of CS.")
    return render(request, "people/utilisation.html", {"u": util.utilisation(timezone.localdate())})


@login_required
def cost_to_serve(request):
    if not roles.can_view_utilisation(request.user):
        raise PermissionDenied("Cost to serve is for the head of CS.")
    return render(request, "people/cost_to_serve.html", {"c": util.cost_to_serve(timezone.localdate())})


@login_required
def cs_fee_edit(request, client_pk):
    if not roles.can_view_utilisation(request.user):
        raise PermissionDenied("CS fees are set by the head of CS and admins.")
    client = get_object_or_404(Client, pk=client_pk)
    fee = ClientCsFee.objects.filter(client=client).first()
    initial = (
        {"client_size": fee.client_size, "services": fee.services, "monthly_fee": fee.monthly_fee}
        if fee
        else {}
    )
    form = CsFeeForm(request.POST or None, initial=initial, sizes=util.SIZES, services=util.SERVICES)
    if request.method == "POST" and form.is_valid():
        cs_fee_save(client=client, by=request.user, **form.cleaned_data)
        messages.success(request, f"CS fee of {client} saved.")
        return redirect(reverse("people:cost_to_serve"))
    return render(request, "people/team_form.html", {"form": form, "title": f"What {client} pays for CS"})
