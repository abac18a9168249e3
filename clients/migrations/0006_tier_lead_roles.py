"""Tier ↔ role matching (seed 000, "Tiering clients"): Tier 1 gets senior time."""

from django.db import migrations

LEADS = {1: "account_director", 2: "senior_account_manager", 3: "account_manager", 4: "account_executive"}


def load(apps, schema_editor):
    Tier = apps.get_model("clients", "Tier")
    Role = apps.get_model("people", "Role")
    for rank, code in LEADS.items():
        Tier.objects.filter(rank=rank, lead_min_role__isnull=True).update(
            lead_min_role=Role.objects.filter(code=code).first()
        )


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_meeting_actions_tier_fit"), ("people", "0002_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
