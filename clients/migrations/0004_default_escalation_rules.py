"""Agency-wide escalation defaults (seed 004): editable in the admin, replaceable per client."""

from decimal import Decimal

from django.db import migrations

RULES = [
    ("overrule", "head_of_cs", None, "Head of CS overrules the account team in a request or dispute"),
    ("extra_spend", "account_director", Decimal("5000"), "Above this, the head of CS"),
    ("discount", "head_of_cs", None, "Discounts are agreed by the head of CS"),
    ("goodwill", "account_manager", Decimal("250"), "Small gestures by the AM; more via the head of CS"),
    ("overtime", "senior_account_manager", None, "Agreed with the delivery lead"),
]


def load(apps, schema_editor):
    EscalationRule = apps.get_model("clients", "EscalationRule")
    Role = apps.get_model("people", "Role")
    for matter, role_code, amount, notes in RULES:
        role = Role.objects.filter(code=role_code).first()
        if role and not EscalationRule.objects.filter(client__isnull=True, matter=matter).exists():
            EscalationRule.objects.create(matter=matter, role=role, up_to_amount=amount, notes=notes)


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_calls_flags_actions"), ("people", "0002_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
