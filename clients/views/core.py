import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import permissions as perms
from commercial import panels as commercial_panels
from commercial.selectors_plans import plan_glance
from csops.forms import integrity_error_on_form, submitted
from csops.params import int_param
from csops.versioning import StaleEdit
from onboarding.selectors import client_onboarding_panel
from people import roles
from people.org import lead_fit, lead_fit_for
from people.selectors import heads_of_cs
from people.submissions import submit_once, submitted_before
from reporting.cache import cached, lazy, scopes_of, versions_ahead
from reporting.models import BandTable, CommsPlan
from reporting.nps import client_scores
from reporting.services import occurrences as reporting_occurrences
from reporting.services import plans as reporting_plans
from reporting.status import client_jobs_panel
from reporting.timeline import PAGE_SIZE as TIMELINE_PAGE
from reporting.timeline import client_timeline

from ..filters import ClientFilter
from ..forms.activity import ActionForm
from ..forms.core import ClientCreateForm, ClientForm, ContactForm, TeamMemberForm
from ..models import AccountTeamMembership, Action, Client, Contact
from ..selectors import (
    effective_escalation_rules,
    open_flags_of,
    staff_choices,
    staff_options_html,
    stakeholder_grid,
)
from ..services import accounts as services
from ..support_selectors import client_support_panel

PAGE_SIZE = 25


def _lead_prefetch():
    return Prefetch(
        "memberships", queryset=AccountTeamMembership.objects.select_related("user").order_by("-is_lead")
    )


def _team_of(client) -> list:
    """The client's account team, lead first, with their users: prefetched onto the client, so that
    `client.lead` and the permission checks read it too."""
    prefetch_related_objects([client], _lead_prefetch())
    return list(client.memberships.all())


@login_required
def client_list(request):
    if not (roles.sees_every_client(request.user) or roles.is_exec_sponsor(request.user)):
        raise PermissionDenied("Your role does not include clients.")
    base = (
        Client.objects.for_user(request.user)
        .with_amount()
        .select_related("tier", "industry", "exec_sponsor")
        .prefetch_related(_lead_prefetch())
    )
    filterset = lazy(lambda: ClientFilter(request.GET or None, queryset=base, request=request))

    def listed():
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base.active()
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        bands = BandTable.load()
        for client in page.object_list:
            client.band = bands.for_client(client)
        return page

    query = request.GET.copy()
    query.pop("page", None)
    sees_all, can_create = roles.sees_every_client(request.user), roles.can_create_client(request.user)
    return render(
        request,
        "clients/client_list.html",
        {
            "filter": filterset,
            "page": lazy(listed),
            "query": query.urlencode(),
            "can_create": can_create,
            # the list and its form are one cached region, shared by everyone who sees every client
            # (an exec sponsor's is their own): docs/caching.md
            "fragment_scopes": scopes_of(kinds=["clients", "team", "matrices", "people"]),
            "fragment_parts": (None if sees_all else request.user.pk, can_create, request.GET.urlencode()),
        },
    )


@login_required
def client_create(request):
    if not roles.can_create_client(request.user):
        raise PermissionDenied("Only the head of CS and admins add clients.")
    if landed := submitted_before(request):
        return redirect(landed)
    form = ClientCreateForm(request.POST or None, can_manage_team=True)
    if request.method == "POST" and form.is_valid():
        data = submitted(form)
        lead = data.pop("lead")

        def create():
            client = services.client_create(by=request.user, lead=lead, **data)
            messages.success(request, f"{client.name} added.")
            return reverse("clients:detail", args=[client.pk])

        try:
            url, _ = submit_once(request, form, create)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            return redirect(url or "clients:list")
    return render(request, "clients/client_form.html", {"form": form, "title": "New client"})


# the client page shows the latest few entries of its timeline; "show all" (?tl=1, htmx or a plain
# link) pages through the whole of it, TIMELINE_PAGE entries at a time
TIMELINE_SUMMARY = 5


def timeline_page(request) -> tuple[int, int]:
    """(page, size) of the timeline asked for: the summary unless a page (?tl=) is asked for."""
    if "tl" not in request.GET:
        return 1, TIMELINE_SUMMARY
    # a page past any client's history (or not a number) shows the first: a huge one overflows SQL
    return int_param(request.GET.get("tl"), 1, maximum=100_000), TIMELINE_PAGE


def timeline_context(request, client) -> dict:
    page, size = timeline_page(request)
    return {"timeline": client_timeline(client, page, size), "timeline_summary": size == TIMELINE_SUMMARY}


def timeline_html(request, client) -> str:
    """The timeline as HTML, cached per client and page under the data version (reporting/cache.py)."""
    return cached(
        request,
        "timeline",
        (client.pk, *timeline_page(request)),
        lambda: render_to_string(
            "clients/partials/timeline.html", {"client": client, **timeline_context(request, client)}
        ),
        scopes=scopes_of(client_ids=[client.pk], kinds=["people"]),
    )


def _actions_of(client):
    # actions ticked off today stay in view, done, with an undo (one query for both lists)
    start_of_today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    return list(
        client.actions.filter(
            Q(status=Action.Status.OPEN) | Q(status=Action.Status.DONE, done_at__gte=start_of_today)
        ).select_related("owner", "flag", "call")
    )


def client_panels(request, client, timeline=True):
    """What the client page's live panels (flags, actions, stakeholder map, timeline) show.

    Lazy values: the page's cached regions ({% fragment %}, reporting/templatetags/fragments.py)
    read them only when they are computed, so a page served from the cache makes none of these queries.
    """
    contacts = lazy(lambda: [c for c in client.contacts.all() if c.archived_at is None])
    actions = lazy(lambda: _actions_of(client))
    can_log_call = perms.may(request.user, perms.LOG_CALL, client)
    return {
        "client": client,
        "contacts": contacts,
        "stakeholders": lazy(lambda: stakeholder_grid(contacts)),
        "stance_choices": Contact.Stance.choices,
        "rag_choices": Contact.Rag.choices,
        "open_flags": lazy(lambda: open_flags_of(client)),
        "open_actions": lazy(lambda: [a for a in actions if a.status == Action.Status.OPEN]),
        "done_today_actions": lazy(
            lambda: sorted(
                (a for a in actions if a.status == Action.Status.DONE), key=lambda a: a.done_at, reverse=True
            )
        ),
        **(timeline_context(request, client) if timeline else {"timeline": None}),
        "action_form": lazy(lambda: ActionForm(initial={"owner": request.user.pk})),  # in a region
        "staff_choices": lazy(lambda: staff_choices(request)),
        "staff_options_html": lazy(lambda: staff_options_html(request)),
        "today": timezone.localdate(),
        "can_log_call": can_log_call,
        "can_edit_contacts": perms.may(request.user, perms.EDIT_CONTACTS, client),
        # the cached regions: what they read, and what else their HTML depends on (docs/caching.md)
        "fragment_scopes": scopes_of(client_ids=[client.pk], kinds=["matrices", "people"]),
        "fragment_parts": (
            client.pk,
            request.get_full_path(),
            # a row's tick box shows to its owner, and to everyone who logs calls for the client
            None if can_log_call else request.user.pk,
            *(perms.may(request.user, p, client) for p in CLIENT_PAGE_PERMISSIONS),
            roles.is_head_of_cs(request.user),  # grants a live dashboard as bespoke (the jobs card)
        ),
    }


# every permission the client page's regions show or hide something by
CLIENT_PAGE_PERMISSIONS = (
    perms.EDIT,
    perms.MANAGE_TEAM,
    perms.ARCHIVE,
    perms.RAISE_FLAG,
    perms.MANAGE_ESCALATION,
    perms.NPS_CHECKIN,
    perms.LOG_CALL,
    perms.EDIT_CONTACTS,
)


@login_required
def client_detail(request, pk):
    # what the header shows is joined; the team and the exec sponsor only the cached regions read
    # (the team lazily, the sponsor on first use), so a page served from the cache reads neither
    client = perms.get_client_for(
        request.user, pk, queryset=Client.objects.select_related("tier", "industry")
    )
    if request.htmx and request.htmx.target == "timeline":
        return HttpResponse(timeline_html(request, client))
    context = client_panels(request, client, timeline=False)
    versions_ahead(request, context["fragment_scopes"])  # the timeline's counters are among them
    team = lazy(lambda: _team_of(client))
    plan = lazy(lambda: CommsPlan.objects.filter(client=client).select_related("derived_from").first())
    bands = lazy(BandTable.load)
    today = timezone.localdate()
    held_due = lazy(
        lambda: reporting_occurrences.adherence(today=today, client_ids=[client.pk])["clients"].get(
            client.pk, (0, 0)
        )
    )
    return render(
        request,
        "clients/client_detail.html",
        {
            **context,
            "band": lazy(lambda: bands.for_client(client)),
            "conversion": lazy(lambda: bands.conversion(client)),
            "team": team,
            "team_lead": lazy(lambda: next((m.user for m in team if m.is_lead), None)),
            "lead_fit": lazy(lambda: lead_fit(client)),
            "heads_of_cs": lazy(heads_of_cs),
            "escalation_rules": lazy(lambda: effective_escalation_rules(client)),
            "can_edit": perms.may(request.user, perms.EDIT, client),
            "can_manage_team": perms.may(request.user, perms.MANAGE_TEAM, client),
            "can_archive": perms.may(request.user, perms.ARCHIVE, client),
            "can_raise_flag": perms.may(request.user, perms.RAISE_FLAG, client),
            "can_manage_escalation": perms.may(request.user, perms.MANAGE_ESCALATION, client),
            "plan": plan,
            "plan_differences": lazy(
                lambda: reporting_plans.plan_differences(plan) if plan and plan.customised else []
            ),
            "adherence": lazy(
                lambda: {
                    "held": held_due[0],
                    "due": held_due[1],
                    "percent": reporting_occurrences.percent(held_due),
                }
            ),
            "upcoming": lazy(
                lambda: list(
                    client.occurrences.filter(due_date__gte=today, status="due").order_by("due_date")[:6]
                )
            ),
            "contracts": lazy(lambda: list(client.contracts.all())),
            "timeline_html": timeline_html(request, client),
            "nps_scores": lazy(lambda: client_scores(client)),
            "can_checkin": perms.may(request.user, perms.NPS_CHECKIN, client),
            "survey_days": settings.CSOPS_SURVEY_LINK_DAYS,
            # the feature sections: inside the cached regions, read only when those are computed
            "ob": lazy(lambda: client_onboarding_panel(client, request.user)),
            "jobs_panel": lazy(lambda: client_jobs_panel(client, request.user)),
            "support_panel": lazy(lambda: client_support_panel(client)),
            "growth": lazy(lambda: commercial_panels.client_panel(request.user, client, today)),
            "glance": lazy(lambda: plan_glance(client, today)),
        },
    )


@login_required
def client_edit(request, pk):
    client = perms.get_client_for(request.user, pk, perms.EDIT)
    form = ClientForm(
        request.POST or None,
        instance=client,
        can_manage_team=perms.may(request.user, perms.MANAGE_TEAM, client),
    )
    if request.method == "POST" and form.is_valid():
        try:
            client, plan_note = services.client_update(client=client, by=request.user, form=form)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            messages.success(
                request, f"{client.name} saved." + (f" Comms plan: {plan_note}" if plan_note else "")
            )
            return redirect("clients:detail", pk=client.pk)
    return render(
        request, "clients/client_form.html", {"form": form, "client": client, "title": f"Edit {client.name}"}
    )


@login_required
@require_POST
def client_archive(request, pk):
    client = perms.get_client_for(request.user, pk, perms.ARCHIVE)
    services.client_archive(client=client, by=request.user)
    messages.success(request, f"{client.name} archived. It stays in history and can be restored.")
    return redirect("clients:detail", pk=client.pk)


@login_required
@require_POST
def client_unarchive(request, pk):
    client = perms.get_client_for(request.user, pk, perms.ARCHIVE)
    services.client_unarchive(client=client, by=request.user)
    messages.success(request, f"{client.name} restored.")
    return redirect("clients:detail", pk=client.pk)


@login_required
def contact_create(request, pk):
    client = perms.get_client_for(request.user, pk, perms.EDIT_CONTACTS)
    if landed := submitted_before(request):
        return redirect(landed)
    form = ContactForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():

        def create():
            contact = services.contact_create(client=client, by=request.user, form=form)
            messages.success(request, f"{contact.name} added.")
            return reverse("clients:detail", args=[client.pk])

        try:
            url, _ = submit_once(request, form, create)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            return redirect(url or reverse("clients:detail", args=[client.pk]))
    return render(
        request,
        "clients/simple_form.html",
        {"form": form, "client": client, "title": f"New contact at {client.name}"},
    )


@login_required
def contact_edit(request, pk, contact_pk):
    client = perms.get_client_for(request.user, pk, perms.EDIT_CONTACTS)
    contact = get_object_or_404(client.contacts, pk=contact_pk)
    form = ContactForm(request.POST or None, instance=contact, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(form=form, by=request.user)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            messages.success(request, f"{contact.name} saved.")
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/simple_form.html",
        {"form": form, "client": client, "title": f"Edit {contact.name}", "contact": contact},
    )


@login_required
@require_POST
def contact_archive(request, pk, contact_pk):
    client = perms.get_client_for(request.user, pk, perms.EDIT_CONTACTS)
    contact = get_object_or_404(client.contacts, pk=contact_pk, archived_at__isnull=True)
    services.contact_archive(contact=contact, by=request.user)
    messages.success(request, f"{contact.name} archived.")
    return redirect("clients:detail", pk=client.pk)


def _warn_lead_fit(request, form, client):
    """The tier-fit warning when a lead is assigned (people.org: the portfolio's and the page's rule)."""
    if form.cleaned_data.get("is_lead") and (warning := lead_fit_for(form.cleaned_data["user"], client.tier)):
        messages.warning(request, warning)


@login_required
def team_member_add(request, pk):
    client = perms.get_client_for(request.user, pk, perms.MANAGE_TEAM)
    form = TeamMemberForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_set(client=client, by=request.user, **form.cleaned_data)
            _warn_lead_fit(request, form, client)
        except IntegrityError:  # two leads named at once: the second is told, not a 500
            integrity_error_on_form(form)
        else:
            messages.success(request, "Account team updated.")
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/simple_form.html",
        {"form": form, "client": client, "title": f"Add to {client.name}'s account team"},
    )


@login_required
def team_member_edit(request, pk, member_pk):
    client = perms.get_client_for(request.user, pk, perms.MANAGE_TEAM)
    membership = get_object_or_404(client.memberships.select_related("user"), pk=member_pk)
    form = TeamMemberForm(request.POST or None, client=client, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_set(client=client, by=request.user, **form.cleaned_data)
            _warn_lead_fit(request, form, client)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            messages.success(request, "Account team updated.")
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/simple_form.html",
        {
            "form": form,
            "client": client,
            "title": f"{membership.user.get_full_name()} on {client.name}",
            "remove_url_membership": membership,
        },
    )


@login_required
@require_POST
def team_member_remove(request, pk, member_pk):
    client = perms.get_client_for(request.user, pk, perms.MANAGE_TEAM)
    membership = get_object_or_404(client.memberships, pk=member_pk)
    services.team_member_remove(membership=membership, by=request.user)
    messages.success(request, "Removed from the account team (kept in the history).")
    return redirect("clients:detail", pk=client.pk)
