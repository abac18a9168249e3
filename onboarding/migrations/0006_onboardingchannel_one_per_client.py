import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower
from django.utils import timezone


def archive_doubled_channels(apps, schema_editor):
    """Saving the onboarding form again used to add its channels again: keep each client's newest row
    per channel name and archive the older copies, so the unique constraint can be added."""
    OnboardingChannel = apps.get_model("onboarding", "OnboardingChannel")
    seen = set()
    older = []
    rows = (
        OnboardingChannel.objects.filter(archived_at__isnull=True)
        .annotate(lname=Lower("channel"))
        .order_by("client_id", "lname", "-pk")
        .values_list("pk", "client_id", "lname")
    )
    for pk, client_id, lname in rows.iterator():
        if (client_id, lname) in seen:
            older.append(pk)
        else:
            seen.add((client_id, lname))
    if older:
        OnboardingChannel.objects.filter(pk__in=older).update(archived_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0014_support_register"),
        ("onboarding", "0005_onboarding_defaults"),
    ]

    operations = [
        migrations.RunPython(archive_doubled_channels, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="onboardingchannel",
            constraint=models.UniqueConstraint(
                models.F("client"),
                django.db.models.functions.text.Lower("channel"),
                condition=models.Q(("archived_at__isnull", True)),
                name="onboardingchannel_one_per_client",
                violation_error_message="This client already has that channel on its onboarding form.",
            ),
        ),
    ]
