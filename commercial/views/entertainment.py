"""Relationship investment: the entertainment ledger and calendar, events, pooling, and the monthly
surprise-and-delight vote."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import permissions as perms
from clients.models import Client
from commercial import selectors_entertainment as reads
from commercial.forms.entertainment import EventForm, GiftForm, PickForm, PoolingForm, VoteForm
from commercial.models import DelightGift, DelightRound, EntertainmentEvent
from commercial.services import delight as delight_services
from commercial.services import entertainment as services
from csops.dates import add_months, month_start
from csops.params import int_param
from people import roles
from people.selectors import cs_team_users
from people.submissions import submit_once

from .common import TEAM_WRITE, form_page


def _require_cs(user, what="This page"):
    if not roles.is_cs_team(user):
        raise PermissionDenied(f"{what} is for the CS team.")


@login_required
def ledger(request):
    _require_cs(request.user, "The entertainment ledger")
    today = timezone.localdate()
    owner_id = int_param(request.GET.get("am"))
    clients = reads.ledger_clients(today, owner_id=owner_id)
    if request.GET.get("overspent") == "1":
        clients = reads.overspent(clients)
    page = Paginator(clients.order_by("name").values(*reads.LEDGER_ROW), 50).get_page(request.GET.get("page"))
    page.object_list = [reads._ledger_row(row) for row in page.object_list]
    return render(
        request,
        "commercial/ledger.html",
        {
            "page": page,
            "by_am": reads.ledger_by_am(today),
            "owner_id": owner_id,
            "only_overspent": request.GET.get("overspent") == "1",
            "ams": cs_team_users().values("pk", "first_name", "last_name"),
            "today": today,
        },
    )


@login_required
def event_calendar(request):
    _require_cs(request.user, "The entertainment calendar")
    today = timezone.localdate()
    first = reads.calendar_month(request.GET.get("month"), today)
    return render(
        request,
        "commercial/event_calendar.html",
        {
            "first": first,
            "weeks": reads.month_calendar(first),
            "previous": add_months(first, -1),
            "next": add_months(first, 1),
            "today": today,
        },
    )


def _event_form(request, client, event):
    today = timezone.localdate()
    pooling = services.pooling_of(client)
    form = EventForm(request.POST or None, instance=event, client=client, pooling=pooling, today=today)

    def save():
        services.event_save(
            event=form.save(commit=False),
            by=request.user,
            today=today,
            contacts=form.cleaned_data["contacts_invited"],
            staff=form.cleaned_data["staff_attending"],
            version=form.cleaned_data.get("version"),
        )
        messages.success(request, "Event saved.")
        return reverse("clients:detail", args=[client.pk]) + "#entertainment"

    title = f"{'Edit' if event.pk else 'Plan'} an event: {client.name}"
    return form_page(
        request, form, save, "commercial/form_page.html", {"client": client, "event": event, "title": title}
    )


@login_required
def event_create(request, pk):
    client = perms.get_client_for(request.user, pk, TEAM_WRITE)
    return _event_form(request, client, EntertainmentEvent(client=client))


@login_required
def event_edit(request, event_pk):
    event = get_object_or_404(EntertainmentEvent.objects.select_related("client__exec_sponsor"), pk=event_pk)
    perms.get_client_for(request.user, event.client_id, TEAM_WRITE)
    return _event_form(request, event.client, event)


@login_required
def event_detail(request, event_pk):
    """An event: the CS team reads every one; an exec sponsor the events of the clients they sponsor."""
    event = get_object_or_404(
        EntertainmentEvent.objects.select_related("client__exec_sponsor", "created_by"), pk=event_pk
    )
    perms.get_client_for(request.user, event.client_id)
    return render(
        request,
        "commercial/event_detail.html",
        {
            "event": event,
            "contacts": list(event.contacts_invited.all()),
            "staff": list(event.staff_attending.all()),
            "can_write": perms.may(request.user, TEAM_WRITE, event.client),
        },
    )


@login_required
@require_POST
def pot_pooling(request, pk):
    client = perms.get_client_for(request.user, pk, TEAM_WRITE)
    form = PoolingForm(request.POST)
    if form.is_valid():
        pot = services.pot_pooling_set(client=client, pooling=form.cleaned_data["pooling"], by=request.user)
        messages.success(request, f"Entertainment budget pooled {pot.get_pooling_display().lower()}.")
    else:
        messages.error(request, "Choose monthly, quarterly or half-yearly.")
    return redirect(reverse("clients:detail", args=[client.pk]) + "#entertainment")


# --- surprise and delight ---------------------------------------------------------------------------


def _pick_choices(round_) -> list[dict]:
    """The tied clients; if nobody voted, any current client."""
    return delight_services.tied_clients(round_) or [
        {"client_id": pk, "client__name": name}
        for pk, name in Client.objects.current().values_list("pk", "name")
    ]


def _delight_context(request, today, **forms):
    data = reads.delight_page(today, request.user)
    round_ = data["round"]
    context = {**data, "today": today, "is_head": roles.is_head_of_cs(request.user)}
    if round_ and round_.status == DelightRound.Status.OPEN and not data["mine"]:
        context["vote_form"] = forms.get("vote_form") or VoteForm()
    if round_ and round_.status == DelightRound.Status.TIED and context["is_head"]:
        tied = _pick_choices(round_)
        context["pick_form"] = forms.get("pick_form") or PickForm(tied=tied)
    if round_ and round_.status == DelightRound.Status.DECIDED:
        context["can_gift"] = perms.may(request.user, TEAM_WRITE, round_.winner)
    return context


@login_required
def delight(request):
    _require_cs(request.user, "Surprise and delight")
    today = timezone.localdate()
    return render(request, "commercial/delight.html", _delight_context(request, today))


@login_required
@require_POST
def delight_vote(request):
    _require_cs(request.user, "The vote")
    today = timezone.localdate()
    round_ = get_object_or_404(DelightRound, month=month_start(today))
    form = VoteForm(request.POST)
    if form.is_valid():

        def cast():
            delight_services.delight_vote_cast(
                round_=round_,
                voter=request.user,
                client=form.cleaned_data["client"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"Your vote for {form.cleaned_data['client'].name} is in.")
            return reverse("commercial:delight")

        try:
            url, _ = submit_once(request, form, cast)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(url)
    context = _delight_context(request, today, vote_form=form)
    context["vote_form"] = form
    return render(request, "commercial/delight.html", context, status=400)


@login_required
@require_POST
def delight_pick(request):
    if not roles.is_head_of_cs(request.user):
        raise PermissionDenied("The head of CS breaks a tie.")
    today = timezone.localdate()
    round_ = get_object_or_404(DelightRound, month=month_start(today))
    tied = _pick_choices(round_)
    form = PickForm(request.POST, tied=tied)
    if form.is_valid():
        try:
            delight_services.delight_winner_pick(
                round_=round_, client_id=form.cleaned_data["client"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Winner chosen.")
            return redirect("commercial:delight")
    return render(
        request, "commercial/delight.html", _delight_context(request, today, pick_form=form), status=400
    )


@login_required
def delight_gift(request, round_pk):
    round_ = get_object_or_404(
        DelightRound.objects.select_related("winner"), pk=round_pk, status=DelightRound.Status.DECIDED
    )
    client = perms.get_client_for(request.user, round_.winner_id, TEAM_WRITE)
    gift = DelightGift.objects.filter(round=round_).first() or DelightGift(round=round_, cost=round_.budget)
    form = GiftForm(request.POST or None, instance=gift, client=client)

    def save():
        delight_services.delight_gift_save(
            gift=form.save(commit=False), by=request.user, version=form.cleaned_data.get("version")
        )
        messages.success(request, "Gift recorded.")
        return reverse("commercial:delight")

    context = {
        "client": client,
        "round": round_,
        "title": f"The gift for {client.name}, {round_.month:%B %Y}",
    }
    return form_page(request, form, save, "commercial/form_page.html", context)
