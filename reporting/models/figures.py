"""Materialised figures: what an agency-wide page reads instead of scanning history per request."""

from django.db import models


class NpsQuarterFigures(models.Model):
    """One quarter's NPS tallies and check-in response rates, agency-wide and per tier, sponsor and
    lead AM (reporting/nps_figures.py computes and reads them).

    `stamp` is the digest of the cache counters the figures read (nps, clients, team, matrices) when
    they were computed: a write that moves any of them makes the stored figures stale, and the next
    reader recomputes them once. Derived data: deleting every row loses nothing.
    """

    quarter = models.DateField(primary_key=True)
    stamp = models.CharField(max_length=64)
    figures = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "NPS quarter figures"
        verbose_name_plural = "NPS quarter figures"

    def __str__(self):
        return f"NPS figures {self.quarter:%Y-%m-%d}"
