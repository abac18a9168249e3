"""The support register (seed 001, outcome 5): the SLA, requests, breaches, SLA performance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import permissions as perms
from csops.dates import add_months, month_start
from csops.forms import integrity_error_on_form, submitted
from csops.versioning import StaleEdit
from people import roles
from people.submissions import submit_once

from .. import support_selectors as reads
from ..forms.support import SupportArrangementForm, SupportProgressForm, SupportRequestForm
from ..models import SupportArrangement, SupportRequest
from ..services import support as svc


def _page(status_code, request, template, context):
    return render(request, template, context, status=status_code if request.method == "POST" else 200)


@login_required
def support_setup(request, pk):
    """Put a client on support with its SLA, or edit the current one (lead AM, head of CS, admins)."""
    client = perms.get_client_for(request.user, pk, perms.EDIT)
    current = SupportArrangement.objects.filter(client=client, ended_on__isnull=True).first()
    form = SupportArrangementForm(
        request.POST or None,
        instance=current,
        initial={"since": timezone.localdate()} if current is None else None,
    )
    if request.method == "POST" and form.is_valid():
        data = submitted(form)
        try:
            if current is None:

                def create():
                    svc.support_arrangement_create(client=client, by=request.user, **data)
                    return reverse("clients:support", args=[client.pk])

                url, _ = submit_once(request, form, create)
            else:
                svc.support_arrangement_update(
                    arrangement=current, by=request.user, version=form.cleaned_data.get("version"), **data
                )
                url = reverse("clients:support", args=[client.pk])
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            messages.success(request, f"{client.name}: support arrangement saved.")
            return redirect(url)
    return _page(
        400,
        request,
        "clients/support_form.html",
        {"client": client, "form": form, "title": "Support arrangement and SLA"},
    )


@login_required
def support(request, pk):
    """A client's support register: the SLA, its requests with their outcome, months of performance."""
    client = perms.get_client_for(request.user, pk)
    return render(
        request,
        "clients/support.html",
        {
            "client": client,
            **reads.client_support(client),
            "can_write": perms.may(request.user, perms.LOG_CALL, client),
            "can_setup": perms.may(request.user, perms.EDIT, client),
            "can_raise_flag": perms.may(request.user, perms.RAISE_FLAG, client),
        },
    )


@login_required
def support_request_create(request, pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    if svc.current_arrangement(client) is None:
        messages.error(request, "Set up the support arrangement and its SLA first.")
        return redirect("clients:support", pk=client.pk)
    form = SupportRequestForm(
        request.POST or None, initial={"owner": request.user.pk, "received_at": timezone.localtime()}
    )
    if request.method == "POST" and form.is_valid():

        def create():
            req = svc.support_request_log(client=client, by=request.user, **submitted(form))
            messages.success(request, "Request logged: its SLA due times are on it.")
            return reverse("clients:support_request", args=[client.pk, req.pk])

        try:
            url, _ = submit_once(request, form, create)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(url or reverse("clients:support", args=[client.pk]))
    return _page(
        400,
        request,
        "clients/support_form.html",
        {"client": client, "form": form, "title": "Log a support request"},
    )


@login_required
def support_request(request, pk, request_pk):
    """One request: its SLA due times and outcome; record its first response and resolution."""
    client = perms.get_client_for(
        request.user, pk, perms.LOG_CALL if request.method == "POST" else perms.VIEW
    )
    req = get_object_or_404(
        SupportRequest.objects.select_related(
            "owner", "first_response_by", "resolved_by", "flag", "arrangement"
        ),
        pk=request_pk,
        client=client,
    )
    local = timezone.localtime
    form = SupportProgressForm(
        request.POST or None,
        request=req,
        initial={
            "first_response_at": local(req.first_response_at) if req.first_response_at else None,
            "resolved_at": local(req.resolved_at) if req.resolved_at else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.support_request_update(request=req, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Request updated.")
            return redirect("clients:support_request", pk=client.pk, request_pk=req.pk)
    now = timezone.now()
    return _page(
        400,
        request,
        "clients/support_request.html",
        {
            "client": client,
            "req": req,
            "form": form,
            "response_outcome": req.response_outcome(now),
            "resolution_outcome": req.resolution_outcome(now),
            "breached": req.breached(now),
            "can_write": perms.may(request.user, perms.LOG_CALL, client),
            "can_raise_flag": perms.may(request.user, perms.RAISE_FLAG, client),
        },
    )


@login_required
@require_POST
def support_request_flag(request, pk, request_pk):
    """One click: a breach becomes a flag with source "support" (once)."""
    client = perms.get_client_for(request.user, pk, perms.RAISE_FLAG)
    req = get_object_or_404(SupportRequest, pk=request_pk, client=client)
    try:
        flag = svc.support_breach_raise_flag(request=req, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("clients:support_request", pk=client.pk, request_pk=req.pk)
    messages.success(request, "Flag raised from the SLA breach: it is on the weekly meet's agenda.")
    return redirect("clients:flag_detail", pk=client.pk, flag_pk=flag.pk)


@login_required
def support_register(request):
    """Every client on support, since when, with this month's SLA performance (the head of CS's page)."""
    if not (roles.is_head_of_cs(request.user) or roles.is_admin(request.user)):
        raise PermissionDenied("SLA performance across clients is the head of CS's page.")
    today = timezone.localdate()
    month = reads.register_month(request.GET.get("month", ""), today)
    return render(
        request,
        "clients/support_register.html",
        {
            "month": month,
            "months": [add_months(month_start(today), -i) for i in range(12)],
            "performance": reads.sla_performance(month),
            "register": reads.support_clients(),
        },
    )
