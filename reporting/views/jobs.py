"""Jobs, milestones and status reports (seed 003): per client, and the AM's across their clients."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import permissions as perms
from csops.forms import integrity_error_on_form, submitted
from csops.params import int_param
from csops.versioning import StaleEdit
from people import roles
from people.selectors import cs_team_users
from people.submissions import submit_once

from .. import status
from ..forms_jobs import JobForm, MilestoneForm, StatusReviewForm
from ..models import Job, Milestone
from ..pdf import pdf_response
from ..services import jobs as svc


def _job_of(client, job_pk):
    return get_object_or_404(Job.objects.current().select_related("owner"), pk=job_pk, client=client)


@login_required
def job_create(request, pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    initial = {"owner": request.user.pk, "start_date": timezone.localdate()}
    form = JobForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def create():
            job = svc.job_create(client=client, by=request.user, **submitted(form))
            messages.success(request, f"Job {job.number} opened: add its milestones.")
            return reverse("reporting:job_edit", args=[client.pk, job.pk])

        try:
            url, _ = submit_once(request, form, create)
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            return redirect(url or reverse("reporting:status_report", args=[client.pk]))
    return render(
        request,
        "reporting/job_form.html",
        {"client": client, "form": form, "title": "New job"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def job_edit(request, pk, job_pk):
    """The job: its details (an edit form) and its milestones (add, tick off)."""
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    job = _job_of(client, job_pk)
    form = JobForm(request.POST or None, instance=job)
    if request.method == "POST" and form.is_valid():
        data = submitted(form)
        try:
            svc.job_update(job=job, by=request.user, version=form.cleaned_data.get("version"), **data)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            messages.success(request, f"Job {job.number} saved.")
            return redirect("reporting:status_report", pk=client.pk)
    return render(
        request,
        "reporting/job_form.html",
        {
            "client": client,
            "job": job,
            "form": form,
            "title": f"Job {job.number}",
            "milestones": list(job.milestones.all()),
            "milestone_form": MilestoneForm(job=job),
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def milestone_create(request, pk, job_pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    job = _job_of(client, job_pk)
    form = MilestoneForm(request.POST, job=job)
    if form.is_valid():
        try:
            svc.milestone_add(job=job, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Milestone “{form.cleaned_data['name']}” added.")
            return redirect("reporting:job_edit", pk=client.pk, job_pk=job.pk)
    return render(
        request,
        "reporting/job_form.html",
        {
            "client": client,
            "job": job,
            "form": JobForm(instance=job),
            "title": f"Job {job.number}",
            "milestones": list(job.milestones.all()),
            "milestone_form": form,
            "today": timezone.localdate(),
        },
        status=400,
    )


@login_required
@require_POST
def milestone_toggle(request, pk, milestone_pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    milestone = get_object_or_404(
        Milestone.objects.select_related("job"), pk=milestone_pk, job__client=client
    )
    done = request.POST.get("done") == "1"
    svc.milestone_mark(milestone=milestone, by=request.user, done=done)
    messages.success(request, f"“{milestone.name}” {'done' if done else 're-opened'}.")
    back = request.POST.get("back")
    if back == "my_week":
        return redirect("my_week")
    return redirect("reporting:job_edit", pk=client.pk, job_pk=milestone.job_id)


@login_required
def status_report(request, pk):
    client = perms.get_client_for(request.user, pk)
    return render(
        request,
        "reporting/status_report.html",
        {
            **status.client_status_report(client),
            "can_write": perms.may(request.user, perms.LOG_CALL, client),
            "review_form": StatusReviewForm(),
        },
    )


@login_required
def status_report_pdf(request, pk):
    client = perms.get_client_for(request.user, pk)
    return pdf_response(
        "reporting/pdf/status_report.html",
        {**status.client_status_report(client), "generated_at": timezone.localtime()},
        f"status report {client.name} {timezone.localdate():%Y-%m-%d}",
    )


@login_required
@require_POST
def status_review(request, pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    form = StatusReviewForm(request.POST)
    if form.is_valid():
        svc.status_report_review(client=client, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, f"{client.name}: status report marked reviewed today.")
    else:
        messages.error(request, "The note is at most 300 characters: nothing was saved.")
    return redirect("reporting:status_report", pk=client.pk)


@login_required
def am_status_report(request):
    """The AM's status report across their clients; the head of CS (or anyone in CS) picks a person."""
    if not roles.is_cs_team(request.user):
        raise PermissionDenied("Status reports are for the CS team.")
    person = request.user
    if person_id := int_param(request.GET.get("person"), 0, maximum=2**31 - 1):
        person = get_object_or_404(cs_team_users(), pk=person_id)
    return render(
        request,
        "reporting/am_status_report.html",
        {
            **status.am_status_report(person),
            "people": cs_team_users().values("pk", "first_name", "last_name", "username"),
        },
    )
