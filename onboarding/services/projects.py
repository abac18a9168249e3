"""Project initiation forms (seed 003): every new project or project change, in writing."""

from django.db import transaction

from ..models import ProjectInitiation


@transaction.atomic
def project_initiation_create(*, client, by, form) -> ProjectInitiation:
    record = form.save(commit=False)
    record.client = client
    record.created_by = by
    record.full_clean()
    record.save()
    form.save_m2m()
    return record
