"""The reporting matrix of PRODUCT.md §2, from seed 000 "Reporting set up"."""

from decimal import Decimal

from django.db import migrations

D = Decimal
MATRIX = [
    # engagement, min, max, report, call, live dashboard
    ("retained", D(0), D(1000), "monthly", "monthly", "no"),
    ("retained", D(1001), D(1500), "monthly", "fortnightly", "no"),
    ("retained", D(1501), D(3000), "monthly", "weekly", "yes"),
    ("retained", D(3001), D(6000), "weekly", "weekly", "yes"),
    ("retained", D(6001), None, "bespoke", "bespoke", "bespoke"),
    ("project", D(0), D(5000), "at_end", "initial_only", "no"),
    ("project", D(5001), D(10000), "at_end", "weekly", "no"),
    ("project", D(10001), None, "bespoke", "bespoke", "bespoke"),
]


def load(apps, schema_editor):
    ReportingBand = apps.get_model("reporting", "ReportingBand")
    for engagement, low, high, report, call, dashboard in MATRIX:
        ReportingBand.objects.get_or_create(
            engagement_type=engagement, min_amount=low,
            defaults={"max_amount": high, "report_cadence": report, "call_cadence": call,
                      "live_dashboard": dashboard},
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
