from django.db import migrations

ROLES = [
    ("account_executive", "Account executive", 1),
    ("account_manager", "Account manager", 2),
    ("senior_account_manager", "Senior account manager", 3),
    ("account_director", "Account director", 4),
    ("head_of_cs", "Head of CS", 5),
    ("exec_sponsor", "Exec sponsor", 6),
    ("admin", "Admin / ops", 7),
]


def load(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    for code, name, rank in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
