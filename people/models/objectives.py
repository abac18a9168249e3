"""Team objectives (seed 000, "Team Objectives"): an annual mantra, objectives, and measures that are
computed from the data where it exists (reporting.team_objectives) or entered by hand."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class TeamYear(models.Model):
    year = models.PositiveSmallIntegerField(unique=True)
    mantra = models.CharField(max_length=300, help_text="What do we want to achieve by the end of the year?")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}: {self.mantra}"


class Objective(models.Model):
    team_year = models.ForeignKey(TeamYear, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=200, help_text="e.g. Retention target met")
    description = models.TextField("we will do this by", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Measure(models.Model):
    """One measurable line of an objective, with its target and deadline."""

    class Kind(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        RED_TO_ORANGE = "red_to_orange", "Red senior contacts at least orange (stakeholder RAG history)"
        RED_TO_GREEN = "red_to_green", "Red senior contacts green (stakeholder RAG history)"
        ONE_TO_ONES = "one_to_ones", "Each lead AM meets every main contact one-to-one (calls)"
        PROJECTS_TO_RETAINED = "projects_to_retained", "Projects converted to retained (engagement history)"
        TIER1_GROWTH = "tier1_growth", "Growth of tier 1 retainers, % (spend history)"
        TIER2_PROJECTS = "tier2_projects", "Tier 2 clients with a new project (contracts)"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measures")
    description = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.MANUAL)
    target = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        help_text="e.g. 100 (% of red contacts), 8 (projects), 10 (% growth).",
    )
    deadline = models.DateField()
    manual_value = models.DecimalField(
        "progress so far",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For measures entered by hand.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gt=0),
                name="measure_target_positive",
                violation_error_message="A target is more than zero.",
            ),
        ]

    def __str__(self):
        return self.description
