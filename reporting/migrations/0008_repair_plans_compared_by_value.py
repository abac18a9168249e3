"""Repair the comms plans that string comparison marked "edited by hand" (issue 11).

The plan's budget read back as Decimal("0.00") and the matrix's as 0: compared as text they
differed, so plans were marked customised (and stopped following spend and matrix changes) and a
matrix save left notes like "entertainment budget £0/month → £0/month". Here `customised` is
recomputed by comparing values with what the matrices give, as reporting.services now does, and
the no-op changes are taken out of each note (a note of nothing but no-ops is cleared).

Self-contained on purpose: a migration must not import code that later changes.
"""

import re
from decimal import Decimal

from django.db import migrations

LABELS = ("reports", "calls", "live dashboard", "entertainment budget")
_ITEM = rf"(?:{'|'.join(LABELS)}) [^;]+? → [^;]+?"
_CHANGES = rf"{_ITEM}(?:; {_ITEM})*"
# "Matrix changed: reports monthly → weekly; entertainment budget £0/month → £0/month."
_DERIVED = re.compile(rf"(?P<prefix>(?:.*?: )?)(?P<changes>{_CHANGES})\.")
# "Matrix changed: the matrix now gives …. This plan was edited by hand and was left as it is."
_KEPT = re.compile(
    rf"(?P<prefix>(?:.*?: )?)the matrix now gives (?P<changes>{_CHANGES})\. "
    r"(?P<suffix>This plan was edited by hand and was left as it is\.)"
)


def _is_change(item: str) -> bool:
    label = next(label for label in LABELS if item.startswith(label + " "))
    old, new = item[len(label) + 1 :].split(" → ", 1)
    return old != new


def clean_note(note: str) -> str:
    """The note without its no-op changes ("x → x"); "" when nothing else was in it."""
    for pattern, kept in ((_KEPT, True), (_DERIVED, False)):
        match = pattern.fullmatch(note)
        if match is None:
            continue
        items = match["changes"].split("; ")
        real = [i for i in items if _is_change(i)]
        if len(real) == len(items):
            return note
        if not real:
            return ""
        if kept:
            return f"{match['prefix']}the matrix now gives {'; '.join(real)}. {match['suffix']}"
        return f"{match['prefix']}{'; '.join(real)}."
    return note


def repair(apps, schema_editor):
    CommsPlan = apps.get_model("reporting", "CommsPlan")
    ReportingBand = apps.get_model("reporting", "ReportingBand")
    EntertainmentBudget = apps.get_model("commercial", "EntertainmentBudget")
    bands = list(ReportingBand.objects.all())
    budgets = {(b.band_id, b.propensity): b.monthly_budget for b in EntertainmentBudget.objects.all()}

    def band_for(client):
        amount = client.monthly_spend if client.engagement_type == "retained" else client.project_value
        if amount is None:
            return None
        for band in bands:
            if (
                band.engagement_type == client.engagement_type
                and amount >= band.min_amount
                and (band.max_amount is None or amount < band.max_amount + 1)
            ):
                return band
        return None

    for plan in CommsPlan.objects.select_related("client"):
        band = band_for(plan.client)
        matrix = {"report_cadence": "", "call_cadence": "", "live_dashboard": False, "budget": Decimal(0)}
        if band is not None:
            if not ("bespoke" in (band.report_cadence, band.call_cadence) or plan.client.bespoke_plan):
                matrix.update(
                    report_cadence=band.report_cadence,
                    call_cadence=band.call_cadence,
                    live_dashboard=band.live_dashboard == "yes",
                )
            matrix["budget"] = budgets.get((band.pk, plan.client.propensity)) or Decimal(0)
        customised = (
            (plan.report_cadence or "") != matrix["report_cadence"]
            or (plan.call_cadence or "") != matrix["call_cadence"]
            or bool(plan.live_dashboard) != matrix["live_dashboard"]
            or Decimal(plan.entertainment_budget or 0) != Decimal(matrix["budget"])
        )
        note = clean_note(plan.last_change_note)
        if (customised, note) != (plan.customised, plan.last_change_note):
            CommsPlan.objects.filter(pk=plan.pk).update(customised=customised, last_change_note=note)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_occurrence_adherence_index"),
        ("commercial", "0002_default_entertainment_matrix"),
        ("clients", "0009_call_planned_index"),
    ]
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
