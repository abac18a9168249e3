"""Team objectives: the year's mantra, its objectives and their measures (seed 000)."""

from django.db import transaction

from ..models import TeamYear


@transaction.atomic
def team_year_save(*, year: int, mantra: str, by) -> TeamYear:
    team_year, _ = TeamYear.objects.update_or_create(year=year, defaults={"mantra": mantra})
    return team_year


@transaction.atomic
def objective_save(*, form, team_year=None, by):
    objective = form.save(commit=False)
    if team_year is not None:
        objective.team_year = team_year
    objective.save()
    return objective


@transaction.atomic
def measure_save(*, form, objective=None, by):
    measure = form.save(commit=False)
    if objective is not None:
        measure.objective = objective
    measure.save()
    return measure
