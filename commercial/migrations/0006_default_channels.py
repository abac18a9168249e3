from django.db import migrations

# seed 000 "Cross and Upsell": the channels a client may run (admins add or retire them)
CHANNELS = [
    "Paid search",
    "Organic search",
    "Paid social",
    "Organic social",
    "CRM / email",
    "Content",
    "Display",
    "Affiliates",
    "Web development",
    "Analytics",
]


def load(apps, schema_editor):
    Channel = apps.get_model("commercial", "Channel")
    for position, name in enumerate(CHANNELS, start=1):
        Channel.objects.get_or_create(name=name, defaults={"position": position})
    DelightSettings = apps.get_model("commercial", "DelightSettings")
    if not DelightSettings.objects.exists():
        DelightSettings.objects.create(monthly_budget=50, close_day=7)


class Migration(migrations.Migration):
    dependencies = [("commercial", "0005_growth_entertainment_delight")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
