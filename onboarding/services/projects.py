"""Project initiation forms (seed 003): every new project or project change, in writing. Recording
one opens its job on the client's status report in the same transaction."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from reporting.models import Job
from reporting.services.jobs import job_create

from ..models import ProjectInitiation

# the job's fields that come from the initiation form's (job field: form field)
JOB_FROM_FORM = {"number": "job_number", "name": "name", "start_date": "start_date"}


def _open_job(record: ProjectInitiation, by) -> None:
    """The form's job on the status report: opened once; a job already under this number on this
    client (opened by hand, or by an earlier save) is left as it is."""
    existing = Job.objects.filter(number=record.job_number).values_list("client_id", flat=True).first()
    if existing == record.client_id:
        return
    if existing is not None:
        raise ValidationError({"job_number": "Another client's job already has this job number."})
    try:
        job_create(
            client=record.client,
            by=by,
            number=record.job_number,
            name=record.name,
            start_date=record.start_date,
            owner=by,
            kind=Job.Kind.PROJECT,
        )
    except ValidationError as exc:  # say it on the initiation form's own fields
        errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        raise ValidationError(
            {JOB_FROM_FORM.get(field, NON_FIELD_ERRORS): messages for field, messages in errors.items()}
        ) from None


@transaction.atomic
def project_initiation_create(*, client, by, form) -> ProjectInitiation:
    record = form.save(commit=False)
    record.client = client
    record.created_by = by
    record.full_clean()
    record.save()
    form.save_m2m()
    _open_job(record, by)
    return record
