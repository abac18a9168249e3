"""Cross- and upsell: the channel map (edited in place from the client page), opportunities, the
pipeline and audits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clients import permissions as perms
from clients.models import Call, Tier
from commercial import selectors_growth as reads
from commercial.forms.growth import AuditForm, ChannelRowForm, OpportunityForm
from commercial.models import Audit, Channel, ChannelRow, Opportunity
from commercial.services import growth as services
from csops.forms import integrity_error_on_form
from csops.params import int_param
from csops.versioning import StaleEdit
from people import roles
from people.selectors import cs_team_users

from .common import TEAM_WRITE, form_page


def _client_url(client_id, anchor):
    return reverse("clients:detail", args=[client_id]) + anchor


@login_required
def channel_row_edit(request, pk, channel_pk):
    """One channel of the map, edited in place (htmx swaps the row; without JS it is a page)."""
    client = perms.get_client_for(request.user, pk, TEAM_WRITE)
    channel = get_object_or_404(Channel, pk=channel_pk)
    row = ChannelRow.objects.filter(client=client, channel=channel).first() or ChannelRow(
        client=client, channel=channel
    )
    form = ChannelRowForm(request.POST or None, instance=row, client=client)
    context = {"client": client, "channel": channel, "row": row, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_row_save(
                row=form.save(commit=False), by=request.user, version=form.cleaned_data.get("version")
            )
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except (IntegrityError, ValidationError):
            integrity_error_on_form(form)
        else:
            if request.htmx:
                line = {"channel": channel, "row": row}
                return render(
                    request,
                    "commercial/partials/channel_line.html",
                    {"client": client, "line": line, "can_write": True},
                )
            messages.success(request, f"{channel.name} saved on the channel map.")
            return redirect(_client_url(client.pk, f"#channel-{channel.pk}"))
    template = (
        "commercial/partials/channel_row_form.html" if request.htmx else "commercial/channel_row_form.html"
    )
    # htmx swaps only 2xx answers: the row's form with its errors comes back as 200 there
    bad = request.method == "POST" and not request.htmx
    return render(request, template, context, status=400 if bad else 200)


@login_required
def pipeline(request):
    if not roles.is_cs_team(request.user):
        raise PermissionDenied("The pipeline is for the CS team.")
    filters = reads.pipeline_filters(request.GET)
    data = reads.pipeline(**filters)
    page = Paginator(data["rows"], 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commercial/pipeline.html",
        {
            **data,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "ams": cs_team_users().values("pk", "first_name", "last_name"),
            "tiers": Tier.objects.values("pk", "name"),
            "services": Channel.objects.values("pk", "name"),
        },
    )


@login_required
def opportunity_create(request, pk):
    client = perms.get_client_for(request.user, pk, TEAM_WRITE)
    initial = {"owner": request.user.pk}
    call = None
    if call_id := int_param(request.GET.get("call")):
        call = Call.objects.filter(pk=call_id, client=client).first()
        if call:
            initial.update(call=call.pk, title=call.commercial[:200], stage=Opportunity.Stage.DISCOVERY)
    if row_id := int_param(request.GET.get("channel_row")):
        row = client.channel_rows.filter(pk=row_id).first()
        if row:
            initial.update(channel_row=row.pk, service=row.channel_id)
            initial["kind"] = Opportunity.Kind.UPSELL if row.worker == ChannelRow.Worker.US else "cross_sell"
    opportunity = Opportunity(client=client)
    form = OpportunityForm(request.POST or None, instance=opportunity, client=client, initial=initial)

    def save():
        opp = services.opportunity_save(opportunity=form.save(commit=False), by=request.user)
        messages.success(request, f"Opportunity recorded: {opp.title}")
        return reverse("commercial:opportunity_detail", args=[opp.pk])

    context = {"client": client, "call": call, "title": f"New opportunity: {client.name}"}
    return form_page(request, form, save, "commercial/form_page.html", context)


def _opportunity(user, opp_pk, action=perms.VIEW):
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("client", "owner", "service", "channel_row__channel", "call"),
        pk=opp_pk,
    )
    perms.get_client_for(user, opportunity.client_id, action)
    return opportunity


@login_required
def opportunity_detail(request, opp_pk):
    opportunity = _opportunity(request.user, opp_pk)
    return render(
        request,
        "commercial/opportunity_detail.html",
        {
            "opp": opportunity,
            "client": opportunity.client,
            "audits": list(opportunity.audits.select_related("assignee", "requested_by")),
            "project": getattr(opportunity, "project", None),
            "spend_offer": services.spend_offer(opportunity),
            "can_write": perms.may(request.user, TEAM_WRITE, opportunity.client),
        },
    )


@login_required
def opportunity_edit(request, opp_pk):
    opportunity = _opportunity(request.user, opp_pk, TEAM_WRITE)
    form = OpportunityForm(request.POST or None, instance=opportunity, client=opportunity.client)

    def save():
        opp = services.opportunity_save(
            opportunity=form.save(commit=False), by=request.user, version=form.cleaned_data.get("version")
        )
        messages.success(request, "Opportunity saved.")
        return reverse("commercial:opportunity_detail", args=[opp.pk])

    context = {"client": opportunity.client, "opp": opportunity, "title": f"Edit: {opportunity.title}"}
    return form_page(request, form, save, "commercial/form_page.html", context)


@login_required
@require_POST
def opportunity_spend_apply(request, opp_pk):
    opportunity = _opportunity(request.user, opp_pk, TEAM_WRITE)
    note = services.opportunity_spend_apply(opportunity=opportunity, by=request.user)
    if note:
        messages.success(request, f"Monthly spend updated. Comms plan: {note}")
    else:
        messages.info(
            request, "Nothing to update: the spend was applied already, or this win does not change it."
        )
    return redirect("commercial:opportunity_detail", opp_pk=opportunity.pk)


@login_required
def audit_create(request, opp_pk):
    opportunity = _opportunity(request.user, opp_pk, TEAM_WRITE)
    form = AuditForm(
        request.POST or None,
        request.FILES or None,
        instance=Audit(opportunity=opportunity),
        initial={"assignee": request.user.pk},
    )

    def save():
        services.audit_save(audit=form.save(commit=False), by=request.user)
        messages.success(request, "Audit requested.")
        return reverse("commercial:opportunity_detail", args=[opportunity.pk]) + "#audits"

    context = {"client": opportunity.client, "opp": opportunity, "title": f"Audit for {opportunity.title}"}
    return form_page(request, form, save, "commercial/form_page.html", context)


@login_required
def audit_edit(request, audit_pk):
    audit = get_object_or_404(
        Audit.objects.select_related("opportunity__client", "opportunity__owner"), pk=audit_pk
    )
    perms.get_client_for(request.user, audit.opportunity.client_id, TEAM_WRITE)
    form = AuditForm(request.POST or None, request.FILES or None, instance=audit)

    def save():
        services.audit_save(
            audit=form.save(commit=False), by=request.user, version=form.cleaned_data.get("version")
        )
        messages.success(request, "Audit saved.")
        return reverse("commercial:opportunity_detail", args=[audit.opportunity_id]) + "#audits"

    context = {
        "client": audit.opportunity.client,
        "opp": audit.opportunity,
        "audit": audit,
        "title": "Edit audit",
    }
    return form_page(request, form, save, "commercial/form_page.html", context)


@login_required
def audit_file(request, audit_pk):
    """Audit files are not public media: served only to those who may see the client."""
    audit = get_object_or_404(Audit.objects.select_related("opportunity"), pk=audit_pk)
    perms.get_client_for(request.user, audit.opportunity.client_id)
    if not audit.file:
        raise Http404("No file uploaded.")
    try:
        handle = audit.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    return FileResponse(handle, as_attachment=True, filename=audit.file.name.rsplit("/", 1)[-1])
