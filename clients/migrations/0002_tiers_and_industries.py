from django.db import migrations

TIERS = [
    (1, "Tier 1", "The biggest and most important clients: senior time, account director or above leads."),
    (2, "Tier 2", "Large clients with growth potential: senior account manager or above leads."),
    (3, "Tier 3", "Core retained clients: account manager leads."),
    (4, "Tier 4", "Small retainers and projects: account manager or executive leads."),
]
INDUSTRIES = [
    "Automotive", "B2B services", "Charity", "Ecommerce & retail", "Education", "Energy", "Finance",
    "Food & drink", "Healthcare", "Hospitality & travel", "Legal", "Manufacturing", "Media & entertainment",
    "Property", "Public sector", "Technology", "Telecoms",
]


def load(apps, schema_editor):
    Tier = apps.get_model("clients", "Tier")
    Industry = apps.get_model("clients", "Industry")
    for rank, name, description in TIERS:
        Tier.objects.get_or_create(rank=rank, defaults={"name": name, "description": description})
    for name in INDUSTRIES:
        Industry.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
