"""The onboarding (or brief) and finance forms, in the app or through the client's signed link;
the project initiation form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clients import permissions as perms
from csops.forms import integrity_error_on_form
from csops.versioning import StaleEdit
from people.submissions import submit_once

from ..forms.intake import (
    ChannelRows,
    ContactRows,
    FinanceForm,
    InAppFinanceForm,
    InAppIntakeForm,
    IntakeForm,
    ProjectInitiationForm,
    filled,
)
from ..models import FinanceDetails, FormKind, OnboardingForm
from ..selectors import FINANCE, RUN
from ..services import intake as services
from ..services.projects import project_initiation_create


def _back(client):
    return redirect(reverse("clients:detail", args=[client.pk]) + "#onboarding")


def _intake_kind(client) -> str:
    return FormKind.BRIEF if client.engagement_type == "project" else FormKind.ONBOARDING


@login_required
def intake_fill(request, pk):
    client = perms.get_client_for(request.user, pk, RUN)
    instance = OnboardingForm.objects.filter(client=client).first()
    kind = instance.kind if instance else _intake_kind(client)
    data = request.POST or None
    form = InAppIntakeForm(data, instance=instance, kind=kind)
    contacts, channels = ContactRows(data, prefix="contacts"), ChannelRows(data, prefix="channels")
    if request.method == "POST" and form.is_valid() and contacts.is_valid() and channels.is_valid():
        try:
            services.intake_save(
                client=client,
                form=form,
                contacts=filled(contacts, "name"),
                channels=filled(channels, "channel"),
                by=request.user,
            )
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except (ValidationError, IntegrityError) as exc:
            form.add_error(
                None, " ".join(getattr(exc, "messages", [])) or "This could not be saved: check the form."
            )
        else:
            messages.success(request, "Onboarding form saved.")
            return _back(client)
    return render(
        request,
        "onboarding/intake_form.html",
        {
            "client": client,
            "form": form,
            "contacts": contacts,
            "channels": channels,
            "kind": FormKind(kind).label,
            "public": False,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def finance_fill(request, pk):
    client = perms.get_client_for(request.user, pk, FINANCE)
    instance = FinanceDetails.objects.filter(client=client).first()
    form = InAppFinanceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.finance_save(client=client, form=form, by=request.user)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            messages.success(request, "Finance details saved.")
            return _back(client)
    return render(
        request,
        "onboarding/finance_form.html",
        {"client": client, "form": form, "public": False},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def form_link_create(request, pk, kind):
    client = perms.get_client_for(request.user, pk, RUN)
    if kind not in FormKind.values:
        raise Http404("No such form.")
    try:
        link, token = services.form_link_create(client=client, kind=kind, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(client)
    url = request.build_absolute_uri(reverse("onboarding:public_form", args=[token]))
    messages.success(
        request,
        f"{link.get_kind_display()} link for the client (good once, {services.LINK_DAYS} days): {url}",
    )
    return _back(client)


def _closed(request, reason, status):
    return render(request, "onboarding/public_closed.html", {"reason": reason}, status=status)


def public_form(request, token):
    """The client contact's page: no login; the signed token is the credential, good once."""
    try:
        link = services.form_link_for_token(token)
    except services.FormLinkError as exc:
        return _closed(request, exc.reason, 404 if exc.reason == "invalid" else 410)
    client = link.client
    data = request.POST or None
    if link.kind == FormKind.FINANCE:
        form = FinanceForm(data, instance=FinanceDetails.objects.filter(client=client).first())
        ok = request.method == "POST" and form.is_valid()
        context = {"client": client, "form": form, "public": True}
        template = "onboarding/finance_form.html"
    else:
        form = IntakeForm(data, instance=OnboardingForm.objects.filter(client=client).first(), kind=link.kind)
        contacts, channels = ContactRows(data, prefix="contacts"), ChannelRows(data, prefix="channels")
        ok = request.method == "POST" and all([form.is_valid(), contacts.is_valid(), channels.is_valid()])
        context = {
            "client": client,
            "form": form,
            "contacts": contacts,
            "channels": channels,
            "kind": link.get_kind_display(),
            "public": True,
        }
        template = "onboarding/intake_form.html"
    if ok:
        try:
            if link.kind == FormKind.FINANCE:
                services.finance_save(client=client, form=form, token=token)
            else:
                services.intake_save(
                    client=client,
                    form=form,
                    contacts=filled(contacts, "name"),
                    channels=filled(channels, "channel"),
                    token=token,
                )
        except services.FormLinkError as exc:
            return _closed(request, exc.reason, 410)
        except (ValidationError, IntegrityError) as exc:
            form.add_error(
                None, " ".join(getattr(exc, "messages", [])) or "This could not be saved: check the form."
            )
        else:
            return _closed(request, "thanks", 200)
    return render(request, template, context, status=400 if request.method == "POST" else 200)


@login_required
def project_create(request, pk):
    client = perms.get_client_for(request.user, pk, RUN)
    form = ProjectInitiationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create():
            record = project_initiation_create(client=client, by=request.user, form=form)
            messages.success(request, f"Project initiation form {record.job_number} recorded.")
            return reverse("clients:detail", args=[client.pk]) + "#projects"

        try:
            url, _ = submit_once(request, form, create)
        except ValidationError as exc:  # the job it opens refused (e.g. its number is taken)
            form.add_error(None, exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            return redirect(url)
    return render(
        request,
        "onboarding/project_form.html",
        {"client": client, "form": form},
        status=400 if request.method == "POST" else 200,
    )
