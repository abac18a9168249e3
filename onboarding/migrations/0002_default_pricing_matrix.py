"""CS pricing defaults for any industry: the monthly account-management fee by client size and service."""

from decimal import Decimal

from django.db import migrations

BASE = {"small": 250, "medium": 450, "large": 750, "enterprise": 1200}
SERVICE_FACTOR = {"seo": 1.0, "ppc": 1.0, "social": 0.8, "content": 0.8, "digital_pr": 1.2, "cro": 0.6}


def load(apps, schema_editor):
    CsPrice = apps.get_model("onboarding", "CsPrice")
    for size, base in BASE.items():
        for service, factor in SERVICE_FACTOR.items():
            CsPrice.objects.get_or_create(
                industry=None, client_size=size, service=service,
                defaults={"monthly_fee": Decimal(round(base * factor / 25) * 25)},
            )


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
