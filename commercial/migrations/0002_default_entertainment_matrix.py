"""Entertainment defaults consistent with seed 000's two examples:
£2,000/month with scope to grow (high propensity) → £50/month;
£6,000/month expected to buy a £10k content campaign a quarter (high) → £100/month."""

from decimal import Decimal

from django.db import migrations

# (engagement, band minimum): (low, medium, high) £ per month
DEFAULTS = {
    ("retained", 0): (0, 0, 25),
    ("retained", 1001): (0, 15, 35),
    ("retained", 1501): (0, 25, 50),
    ("retained", 3001): (25, 50, 100),
    ("retained", 6001): (50, 100, 200),
    ("project", 0): (0, 0, 25),
    ("project", 5001): (0, 25, 50),
    ("project", 10001): (25, 50, 100),
}


def load(apps, schema_editor):
    ReportingBand = apps.get_model("reporting", "ReportingBand")
    EntertainmentBudget = apps.get_model("commercial", "EntertainmentBudget")
    for (engagement, low), budgets in DEFAULTS.items():
        band = ReportingBand.objects.filter(engagement_type=engagement, min_amount=low).first()
        if band is None:
            continue
        for propensity, amount in zip(("low", "medium", "high"), budgets, strict=True):
            EntertainmentBudget.objects.get_or_create(
                band=band, propensity=propensity, defaults={"monthly_budget": Decimal(amount)}
            )


class Migration(migrations.Migration):
    dependencies = [("commercial", "0001_initial"), ("reporting", "0002_default_matrix")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
