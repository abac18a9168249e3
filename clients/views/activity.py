"""The account manager's day: calls, call reports, actions, flags, the stakeholder map and my week.

With htmx (request.htmx) the client page's panels are swapped in place; without JavaScript every form
posts normally and redirects back (post/redirect/get).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from clients import permissions as perms
from csops.forms import integrity_error_on_form, submitted
from csops.params import id_param_or_404, safe_next
from people import roles
from people.submissions import submit_once, submitted_before
from reporting import my_week as my_week_reads
from reporting.cache import lazy, scopes_of
from reporting.status import milestones_this_week

from ..forms.activity import (
    ActionForm,
    CallForm,
    EscalationRuleForm,
    FlagForm,
    FlagResolveForm,
    NextActionFormSet,
    StanceForm,
)
from ..models import Client, EscalationRule, Flag
from ..services import accounts
from ..services import activity as svc
from .core import client_panels


def _client_with_contacts(user, pk, action):
    return perms.get_client_for(user, pk, action, queryset=Client.objects.prefetch_related("contacts"))


def _back_url(request, client) -> str:
    """Where a plain (non-htmx) form returns to: a safe `next`, else the client page (read before writing)."""
    return safe_next(request, reverse("clients:detail", args=[client.pk]))


def _announce(response, message):
    """What an in-place update did, for the page's polite live region (static/js/a11y.js reads it)."""
    return trigger_client_event(response, "announce", {"message": message})


def _panels(request, client, template, status=200, **extra):
    return render(request, template, {**client_panels(request, client), **extra}, status=status)


# --- calls -------------------------------------------------------------------------------------------


@login_required
def call_create(request, pk):
    client = _client_with_contacts(request.user, pk, perms.LOG_CALL)
    form = CallForm(request.POST or None, client=client)
    actions = NextActionFormSet(request.POST or None, prefix="actions")
    for f in actions:
        f._setup_staff()
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        data = submitted(form)
        staff, contacts = data.pop("staff_attendees"), data.pop("contact_attendees")
        next_actions = [
            (a.cleaned_data["description"], a.cleaned_data["owner"], a.cleaned_data["due_date"])
            for a in actions
            if a.has_changed()
        ]
        logged = []

        def create():
            call = svc.call_log(
                client=client,
                by=request.user,
                staff_attendees=staff,
                contact_attendees=contacts,
                actions=next_actions,
                **data,
            )
            logged.append(call)
            return reverse("clients:call_detail", args=[client.pk, call.pk])

        url, _ = submit_once(request, form, create)
        if request.htmx:
            if not logged:  # sent twice: the first one's page
                return HttpResponse(headers={"HX-Redirect": url})
            response = _panels(request, client, "clients/partials/call_logged.html", call=logged[0])
            return _announce(response, "Call logged.")
        if logged:
            messages.success(request, "Call logged.")
        return redirect(url or reverse("clients:detail", args=[client.pk]))
    template = "clients/partials/call_form.html" if request.htmx else "clients/call_form.html"
    return render(
        request,
        template,
        {"client": client, "form": form, "actions": actions, "title": f"Log a call with {client.name}"},
    )


@login_required
def call_edit(request, pk, call_pk):
    client = _client_with_contacts(request.user, pk, perms.LOG_CALL)
    call = get_object_or_404(client.calls, pk=call_pk)
    form = CallForm(request.POST or None, instance=call, client=client)
    if request.method == "POST" and form.is_valid():
        svc.call_update(form=form, by=request.user)
        messages.success(request, "Call saved.")
        return redirect("clients:call_detail", pk=client.pk, call_pk=call.pk)
    return render(
        request,
        "clients/call_form.html",
        {"client": client, "form": form, "call": call, "title": f"Edit the call of {call.held_at:%d %b %Y}"},
    )


@login_required
def call_detail(request, pk, call_pk):
    client = perms.get_client_for(request.user, pk)
    call = get_object_or_404(
        client.calls.select_related("author").prefetch_related("staff_attendees", "contact_attendees"),
        pk=call_pk,
    )
    return render(
        request,
        "clients/call_detail.html",
        {
            "client": client,
            "call": call,
            "actions": list(call.actions.select_related("owner")),
            "flags": list(call.flags.all()),
            "action_form": ActionForm(initial={"owner": request.user.pk}),
            "recipients": svc.call_report_recipients(call),
            "can_log_call": perms.may(request.user, perms.LOG_CALL, client),
            "can_raise_flag": perms.may(request.user, perms.RAISE_FLAG, client),
        },
    )


@login_required
@require_POST
def call_send_report(request, pk, call_pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    call = get_object_or_404(
        client.calls.prefetch_related("staff_attendees", "contact_attendees"), pk=call_pk
    )
    try:
        recipients = svc.call_report_send(call=call, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # queued, not "sent": the email is in the outbox and the call page says when it has gone out
        messages.success(request, f"Call report queued for {', '.join(recipients)}: it goes out in a moment.")
    return redirect("clients:call_detail", pk=client.pk, call_pk=call.pk)


# --- actions -----------------------------------------------------------------------------------------


@login_required
def action_create(request, pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    call = flag = None
    source = request.POST if request.method == "POST" else request.GET
    if call_id := id_param_or_404(source.get("call")):
        call = get_object_or_404(client.calls, pk=call_id)
    if flag_id := id_param_or_404(source.get("flag")):
        flag = get_object_or_404(client.flags, pk=flag_id)
    form = ActionForm(request.POST or None, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        back = _back_url(request, client)

        def create():
            svc.action_add(client=client, by=request.user, call=call, flag=flag, **submitted(form))
            if not request.htmx:
                messages.success(request, "Action added.")
            return back

        url, _ = submit_once(request, form, create)
        if request.htmx:
            response = _panels(request, client, "clients/partials/actions_refresh.html")
            return _announce(response, "Action added.")
        return redirect(url or back)
    if request.htmx:
        return _panels(request, client, "clients/partials/actions_card.html", action_form=form)
    return render(
        request,
        "clients/simple_form.html",
        {
            "client": client,
            "form": form,
            "title": f"New action for {client.name}",
            "hidden": {
                "call": call.pk if call else "",
                "flag": flag.pk if flag else "",
                "next": source.get("next", ""),
            },
        },
    )


@login_required
@require_POST
def action_toggle(request, pk, action_pk):
    client = perms.get_client_for(request.user, pk)
    action = get_object_or_404(client.actions.select_related("owner", "client", "flag", "call"), pk=action_pk)
    if action.owner_id != request.user.id and not perms.may(request.user, perms.LOG_CALL, client):
        raise PermissionDenied("Only the action's owner or the account team can tick it off.")
    back = _back_url(request, client)
    svc.action_set_done(action=action, by=request.user, done=request.POST.get("done", "1") == "1")
    if request.htmx:
        said = "Action done." if action.status == "done" else "Action re-opened."
        if request.POST.get("view") == "my_week":
            response = render(
                request,
                "clients/partials/my_week_action_rows.html",
                {"actions": my_week_reads.my_week_actions_of([action.pk]), "today": timezone.localdate()},
            )
            return _announce(response, said)
        return _announce(_panels(request, client, "clients/partials/actions_refresh.html"), said)
    messages.success(request, f"“{action.description}” {'done' if action.status == 'done' else 're-opened'}.")
    return redirect(back)


# --- flags -------------------------------------------------------------------------------------------


@login_required
def flag_create(request, pk):
    client = perms.get_client_for(request.user, pk, perms.RAISE_FLAG)
    call = None
    source = request.POST if request.method == "POST" else request.GET
    if call_id := id_param_or_404(source.get("call")):
        call = get_object_or_404(client.calls, pk=call_id)
    lead = client.memberships.filter(is_lead=True).values_list("user", flat=True).first()
    initial = {"owner": lead or request.user.pk, "source": Flag.Source.WEEKLY_CALL if call else None}
    form = FlagForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def create():
            flag = svc.flag_raise(client=client, by=request.user, call=call, **submitted(form))
            messages.success(request, "Flag raised: it is on the weekly meet's agenda.")
            return reverse("clients:flag_detail", args=[client.pk, flag.pk])

        url, _ = submit_once(request, form, create)
        return redirect(url or reverse("clients:detail", args=[client.pk]))
    return render(
        request,
        "clients/simple_form.html",
        {
            "client": client,
            "form": form,
            "title": f"Raise a flag on {client.name}",
            "hidden": {"call": call.pk if call else ""},
        },
    )


@login_required
def flag_detail(request, pk, flag_pk):
    client = perms.get_client_for(request.user, pk)
    flag = get_object_or_404(
        client.flags.select_related("owner", "raised_by", "resolved_by", "call"), pk=flag_pk
    )
    return render(
        request,
        "clients/flag_detail.html",
        {
            "client": client,
            "flag": flag,
            "actions": list(flag.actions.select_related("owner")),
            "action_form": ActionForm(initial={"owner": flag.owner_id}),
            "resolve_form": FlagResolveForm(),
            "can_work": perms.may(request.user, perms.WORK_FLAG, client),
            "can_close": perms.may(request.user, perms.CLOSE_FLAG, client),
            "history": list(flag.history.select_related("history_user").order_by("-history_date")[:20]),
        },
    )


@login_required
@require_POST
def flag_in_hand(request, pk, flag_pk):
    client = perms.get_client_for(request.user, pk, perms.WORK_FLAG)
    flag = get_object_or_404(client.flags, pk=flag_pk)
    svc.flag_mark_in_hand(flag=flag, by=request.user)
    messages.success(request, "Flag marked in hand.")
    return redirect("clients:flag_detail", pk=client.pk, flag_pk=flag.pk)


@login_required
def flag_resolve(request, pk, flag_pk):
    client = perms.get_client_for(request.user, pk, perms.CLOSE_FLAG)
    flag = get_object_or_404(client.flags, pk=flag_pk)
    form = FlagResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.flag_resolve(flag=flag, by=request.user, resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Flag resolved.")
            return redirect("clients:flag_detail", pk=client.pk, flag_pk=flag.pk)
    return render(
        request,
        "clients/simple_form.html",
        {"client": client, "form": form, "title": f"Resolve “{flag.title}”"},
    )


# --- stakeholder map and escalation ------------------------------------------------------------------


@login_required
@require_POST
def stakeholder_update(request, pk, contact_pk):
    client = _client_with_contacts(request.user, pk, perms.EDIT_CONTACTS)
    contact = get_object_or_404(client.contacts, pk=contact_pk, archived_at__isnull=True)
    form = StanceForm(request.POST, instance=client.contacts.get(pk=contact.pk))
    if form.is_valid():
        svc.contact_set_stance(contact=contact, by=request.user, **form.cleaned_data)
        client = _client_with_contacts(request.user, pk, perms.EDIT_CONTACTS)  # fresh contacts for the map
    elif not request.htmx:
        messages.error(request, "Choose a stance and a RAG from the lists.")
    if request.htmx:
        response = _panels(
            request,
            client,
            "clients/partials/stakeholders_refresh.html",
            stance_errors={contact.pk: form.errors} if form.errors else {},
        )
        if form.errors:
            return _announce(response, "Not saved: choose a stance and a RAG from the lists.")
        rag = contact.get_rag_display() if contact.rag else "no RAG"
        return _announce(response, f"{contact.name} saved: {contact.get_stance_display()}, {rag}.")
    return redirect(reverse("clients:detail", args=[client.pk]) + "#stakeholder-map")


@login_required
def escalation_create(request, pk):
    return _escalation_form(request, pk, None)


@login_required
def escalation_edit(request, pk, rule_pk):
    return _escalation_form(request, pk, rule_pk)


def _escalation_form(request, pk, rule_pk):
    client = perms.get_client_for(request.user, pk, perms.MANAGE_ESCALATION)
    rule = get_object_or_404(EscalationRule, pk=rule_pk, client=client) if rule_pk else None
    if landed := submitted_before(request):
        return redirect(landed)
    form = EscalationRuleForm(request.POST or None, instance=rule, client=client)
    if request.method == "POST" and form.is_valid():

        def save():
            accounts.escalation_rule_save(client=client, form=form, by=request.user)
            messages.success(request, "Escalation rule saved.")
            return reverse("clients:detail", args=[client.pk]) + "#escalation"

        try:
            url, _ = submit_once(request, form, save)  # a new rule has a token; an edit saves as it is
        except IntegrityError:  # the same matter set by someone else at the same moment
            integrity_error_on_form(form)
        else:
            return redirect(url or reverse("clients:detail", args=[client.pk]))
    return render(
        request,
        "clients/simple_form.html",
        {"client": client, "form": form, "title": f"Escalation rule for {client.name}"},
    )


# --- my week -----------------------------------------------------------------------------------------


@login_required
def my_week(request):
    if not roles.is_cs_team(request.user):
        raise PermissionDenied("My week is for the CS team.")
    # "show all" of one list: `?<list>=all` (and `&page=N`); a plain link shows the page with that
    # list in full, an htmx request (hx-get) gets its card alone to swap in place
    expanded = next((name for name in my_week_reads.SECTIONS if request.GET.get(name) == "all"), None)
    page = request.GET.get("page") or 1
    client_ids = my_week_reads.client_ids_of(request.user)
    context = my_week_reads.my_week(request.user, client_ids=client_ids, expanded=expanded, page=page)
    if expanded and request.htmx:
        card = my_week_reads.SECTIONS[expanded]
        return render(request, my_week_reads.CARD_TEMPLATES[card], context)
    # the cards are one cached region: the person's own, moved by a write to any of their clients or
    # to what is theirs (an action they own, an occurrence assigned to them): docs/caching.md
    context["fragment_scopes"] = scopes_of(
        client_ids=client_ids, user_ids=[request.user.pk], kinds=["people"]
    )
    context["fragment_parts"] = (request.user.pk, request.get_full_path())
    # the sections below the cards are a region of their own: they read the person's jobs, plan
    # objectives and reviews, and opportunities, which move `user:<me>` or their client's scope
    today = context["today"]
    below = lazy(lambda: my_week_reads.my_week_sections_below(request.user, today))
    context.update(
        {
            "below_scopes": scopes_of(
                client_ids=client_ids, user_ids=[request.user.pk], kinds=["growth", "clients", "people"]
            ),
            "below_parts": (request.user.pk,),
            "milestones_week": lazy(lambda: milestones_this_week(request.user, today)),
            "plan_objectives": lazy(lambda: below["plan_objectives"]),
            "plan_reviews": lazy(lambda: below["plan_reviews"]),
            "plan_today": today,
            "opportunities": lazy(lambda: below["opportunities"]),
        }
    )
    return render(request, "clients/my_week.html", context)
