"""The onboarding checklist: the head of CS's list, working a step, and the two emails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from clients import permissions as perms
from people import roles

from ..forms.checklist import EmailSendForm, StepDueForm, StepForm
from ..models import EmailTemplate, OnboardingStep
from ..selectors import RUN
from ..selectors import onboarding_list as onboarding_rows
from ..services import checklist as services
from ..services.emails import email_preview, onboarding_email_send


def _back(client):
    return redirect(reverse("clients:detail", args=[client.pk]) + "#onboarding")


@login_required
def onboarding_list(request):
    if not roles.can_run_onboarding_list(request.user):
        raise PermissionDenied("The onboarding list is the head of CS's.")
    data = onboarding_rows(
        today=timezone.localdate(),
        overdue_only=request.GET.get("overdue") == "1",
        page=request.GET.get("page"),
    )
    return render(request, "onboarding/onboarding_list.html", data)


def _step(request, pk, step_pk):
    client = perms.get_client_for(request.user, pk, RUN)
    step = get_object_or_404(
        OnboardingStep.objects.select_related("onboarding__client", "owner"),
        pk=step_pk,
        onboarding__client=client,
    )
    return client, step


def _contacts(client):
    return client.contacts.filter(archived_at__isnull=True).exclude(email="").order_by("name")


@login_required
def step_update(request, pk, step_pk):
    client, step = _step(request, pk, step_pk)
    if step.status != OnboardingStep.Status.OPEN:
        messages.info(request, "This step is already ticked off.")
        return _back(client)
    form = StepForm(request.POST or None, step=step, contacts=_contacts(client))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == "skip":
                services.step_skip(step=step, by=request.user, note=data["note"])
            else:
                team = [(u, data["responsibility"].strip()) for u in data.get("team") or []]
                services.step_complete(
                    step=step,
                    by=request.user,
                    note=data["note"],
                    team=team,
                    actions=data["action_lines"],
                    contact=data.get("contact"),
                )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"“{step.title}” {'skipped' if data['outcome'] == 'skip' else 'done'}.")
            return _back(client)
    due_form = StepDueForm(initial={"due_date": step.due_date})
    return render(
        request,
        "onboarding/step_form.html",
        {"client": client, "step": step, "form": form, "due_form": due_form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def step_due(request, pk, step_pk):
    client, step = _step(request, pk, step_pk)
    form = StepDueForm(request.POST or None, initial={"due_date": step.due_date})
    if request.method == "POST" and form.is_valid():
        try:
            services.step_reschedule(step=step, by=request.user, due_date=form.cleaned_data["due_date"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"“{step.title}” now due {step.due_date:%d %b %Y}.")
            return _back(client)
    return render(
        request,
        "onboarding/step_form.html",
        {
            "client": client,
            "step": step,
            "form": StepForm(step=step, contacts=_contacts(client)),
            "due_form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def email_send(request, pk, code):
    """GET: the template filled with the client's real values; POST: send it through the outbox."""
    client = perms.get_client_for(request.user, pk, RUN)
    if code not in EmailTemplate.Code.values:
        raise PermissionDenied("No such email.")
    contacts = _contacts(client)
    form = EmailSendForm(request.POST or request.GET or None, contacts=contacts, initial={"code": code})
    contact = None
    if form.is_bound and form.is_valid():
        contact = form.cleaned_data["contact"]
    elif not form.is_bound:
        contact = contacts.first()
        form = EmailSendForm(contacts=contacts, initial={"code": code, "contact": contact})
    if request.method == "POST" and contact is not None:
        try:
            onboarding_email_send(client=client, code=code, contact=contact, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Email sent to {contact.email}.")
            return _back(client)
    try:
        preview = email_preview(client=client, code=code, contact=contact)
    except ValidationError as exc:
        preview = {"error": " ".join(exc.messages)}
    return render(
        request,
        "onboarding/email_send.html",
        {"client": client, "form": form, "preview": preview, "code": code, "has_contacts": contacts.exists()},
        status=400 if request.method == "POST" else 200,
    )
