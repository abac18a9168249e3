"""The new-business role (issue 14): the people who run pitches and own the intro email (seed 000)."""

from django.db import migrations, models


def load(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    # rank 0: not a CS role, so never a fit to lead a tier (clients.Tier.lead_min_role)
    Role.objects.update_or_create(code="new_business", defaults={"name": "New business", "rank": 0})


class Migration(migrations.Migration):
    dependencies = [("people", "0011_role_definitions")]
    operations = [
        migrations.AlterField(
            model_name="role",
            name="code",
            field=models.CharField(
                choices=[
                    ("account_executive", "Account executive"),
                    ("account_manager", "Account manager"),
                    ("senior_account_manager", "Senior account manager"),
                    ("account_director", "Account director"),
                    ("head_of_cs", "Head of CS"),
                    ("exec_sponsor", "Exec sponsor"),
                    ("admin", "Admin / ops"),
                    ("new_business", "New business"),
                ],
                max_length=40,
                unique=True,
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
