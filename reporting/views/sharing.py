"""The client's live activity dashboard: the AM's share screen, and the public page behind a link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clients import permissions as perms
from people import roles

from .. import live_dashboard, status
from ..forms_jobs import CommentaryForm, DashboardLinkForm
from ..models import ClientDashboard, DashboardLink
from ..services import sharing as svc


def _manage_context(request, client, link_form=None, commentary_form=None):
    entitlement = svc.dashboard_entitlement(client)
    row = ClientDashboard.objects.filter(client=client).first()
    links = status.dashboard_links_of(client)
    for link in links:
        if link["state"] == "live":
            link["url"] = request.build_absolute_uri(svc.dashboard_path_for(link["pk"]))
    return {
        "client": client,
        "entitlement": entitlement,
        "links": links,
        "link_form": link_form or DashboardLinkForm(),
        "commentary_form": commentary_form or CommentaryForm(instance=row),
        "dashboard": row,
        "can_grant": roles.is_head_of_cs(request.user),
    }


@login_required
def dashboard_manage(request, pk):
    """Share links (who made each, when last opened), the commentary, and the head of CS's grant."""
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    return render(request, "reporting/dashboard_manage.html", _manage_context(request, client))


@login_required
@require_POST
def dashboard_link_create(request, pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    form = DashboardLinkForm(request.POST)
    if form.is_valid():
        try:
            svc.dashboard_link_create(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Share link made: copy it below and send it to the client.")
            return redirect("reporting:dashboard_manage", pk=client.pk)
    return render(
        request,
        "reporting/dashboard_manage.html",
        _manage_context(request, client, link_form=form),
        status=400,
    )


@login_required
@require_POST
def dashboard_link_revoke(request, pk, link_pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    link = get_object_or_404(DashboardLink, pk=link_pk, client=client)
    if svc.dashboard_link_revoke(link=link, by=request.user):
        messages.success(request, "Link revoked: it shows the client a closed page from now on.")
    else:
        messages.info(request, "That link was already revoked.")
    return redirect("reporting:dashboard_manage", pk=client.pk)


@login_required
@require_POST
def dashboard_commentary(request, pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    form = CommentaryForm(request.POST)
    if form.is_valid():
        svc.dashboard_commentary_save(
            client=client, by=request.user, commentary=form.cleaned_data["commentary"]
        )
        messages.success(request, "Commentary saved: the client sees it on their dashboard.")
        return redirect("reporting:dashboard_manage", pk=client.pk)
    return render(
        request,
        "reporting/dashboard_manage.html",
        _manage_context(request, client, commentary_form=form),
        status=400,
    )


@login_required
@require_POST
def dashboard_grant(request, pk):
    """The head of CS grants (or withdraws) a bespoke live dashboard."""
    client = perms.get_client_for(request.user, pk)
    if not roles.is_head_of_cs(request.user):
        raise PermissionDenied("Only the head of CS grants a bespoke dashboard.")
    granted = request.POST.get("granted") == "1"
    svc.dashboard_bespoke_grant(client=client, by=request.user, granted=granted)
    messages.success(
        request,
        f"{client.name}: live dashboard {'granted as bespoke' if granted else 'bespoke grant withdrawn'}.",
    )
    return redirect("reporting:dashboard_manage", pk=client.pk)


@never_cache
def dashboard_shared(request, token):
    """The client's page: no login, the signed link is the credential. Every opening is logged."""
    try:
        link = svc.dashboard_link_for_token(token)
    except svc.DashboardLinkError as exc:
        status_code = 404 if exc.reason == "invalid" else 410
        return render(request, "reporting/dashboard_closed.html", {"reason": exc.reason}, status=status_code)
    svc.dashboard_view_record(link=link, user_agent=request.headers.get("User-Agent", ""))
    response = render(
        request,
        "reporting/dashboard_shared.html",
        {"client_name": link.client.name, **live_dashboard.client_dashboard(link.client_id)},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
