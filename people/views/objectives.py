"""Team objectives: the progress page, and the head of CS's edits (issue 18, item 4)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from people import roles
from reporting.team_objectives import team_objectives

from ..forms.objectives import MantraForm, MeasureForm, ObjectiveForm
from ..models import Measure, Objective, TeamYear
from ..services.objectives import measure_save, objective_save, team_year_save
from ..submissions import submit_once


def _reader(request):
    if not (roles.sees_every_client(request.user) or roles.is_exec_sponsor(request.user)):
        raise PermissionDenied("Your role does not include the team objectives.")


def _editor(request):
    if not roles.can_manage_people(request.user):
        raise PermissionDenied("The head of CS sets the team objectives.")


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def objectives(request):
    _reader(request)
    year = _year(request)
    today = timezone.localdate()
    return render(
        request,
        "people/objectives.html",
        {
            "year": year,
            "team": team_objectives(year, today),
            "can_edit": roles.can_manage_people(request.user),
            "mantra_form": MantraForm(),
            "today": today,
        },
    )


@login_required
def mantra_edit(request):
    _editor(request)
    year = _year(request)
    current = TeamYear.objects.filter(year=year).first()
    form = MantraForm(request.POST or None, initial={"mantra": current.mantra if current else ""})
    if request.method == "POST" and form.is_valid():
        team_year_save(year=year, mantra=form.cleaned_data["mantra"], by=request.user)
        messages.success(request, f"Mantra for {year} saved.")
        return redirect(f"{reverse('people:objectives')}?year={year}")
    return render(request, "people/team_form.html", {"form": form, "title": f"The mantra for {year}"})


@login_required
def objective_edit(request, pk=None):
    _editor(request)
    year = _year(request)
    objective = get_object_or_404(Objective.objects.select_related("team_year"), pk=pk) if pk else None
    team_year = objective.team_year if objective else TeamYear.objects.filter(year=year).first()
    if team_year is None:
        messages.info(request, f"Set the mantra for {year} first.")
        return redirect(f"{reverse('people:mantra_edit')}?year={year}")
    form = ObjectiveForm(request.POST or None, instance=objective)
    back = f"{reverse('people:objectives')}?year={team_year.year}"
    if request.method == "POST" and form.is_valid():
        if objective is None:
            submit_once(
                request,
                form,
                lambda: (objective_save(form=form, team_year=team_year, by=request.user), back)[1],
            )
        else:
            objective_save(form=form, by=request.user)
        messages.success(request, "Objective saved.")
        return redirect(back)
    return render(
        request, "people/team_form.html", {"form": form, "title": f"Objective for {team_year.year}"}
    )


@login_required
def measure_edit(request, objective_pk=None, pk=None):
    _editor(request)
    measure = get_object_or_404(Measure.objects.select_related("objective__team_year"), pk=pk) if pk else None
    objective = (
        measure.objective
        if measure
        else get_object_or_404(Objective.objects.select_related("team_year"), pk=objective_pk)
    )
    year = objective.team_year.year
    form = MeasureForm(
        request.POST or None,
        instance=measure,
        year=year,
        initial=None if measure else {"deadline": datetime.date(year, 12, 31)},
    )
    back = f"{reverse('people:objectives')}?year={year}"
    if request.method == "POST" and form.is_valid():
        if measure is None:
            submit_once(
                request,
                form,
                lambda: (measure_save(form=form, objective=objective, by=request.user), back)[1],
            )
        else:
            measure_save(form=form, by=request.user)
        messages.success(request, "Measure saved.")
        return redirect(back)
    return render(request, "people/team_form.html", {"form": form, "title": f"A measure of “{objective}”"})
