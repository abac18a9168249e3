"""Pitches: the pipeline, a pitch with its price, fit and history, and its outcome (won → client)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from clients import permissions as perms
from csops.forms import integrity_error_on_form
from csops.versioning import StaleEdit
from people import roles
from people.submissions import submit_once

from ..forms.pitches import PitchCloseForm, PitchForm, PitchWonForm
from ..models import Pitch
from ..selectors import pipeline as pipeline_rows
from ..selectors import pitch_pricing
from ..services import pitches as services

HISTORY_ROWS = 30


def _may(request):
    if not roles.can_run_pitches(request.user):
        raise PermissionDenied("Pitches are run by new business and the head of CS.")


def _pitch(pk):
    return get_object_or_404(
        Pitch.objects.select_related("industry", "new_business_owner", "proposed_cs", "client", "created_by"),
        pk=pk,
    )


@login_required
def pipeline(request):
    _may(request)
    data = pipeline_rows(stage=request.GET.get("stage"), page=request.GET.get("page"))
    return render(request, "onboarding/pipeline.html", data)


@login_required
def pitch_create(request):
    _may(request)
    form = PitchForm(request.POST or None, initial={"new_business_owner": request.user.pk})
    if request.method == "POST" and form.is_valid():

        def create():
            pitch = services.pitch_create(by=request.user, form=form)
            messages.success(request, f"Pitch for {pitch.prospect_name} added.")
            return reverse("onboarding:pitch_detail", args=[pitch.pk])

        try:
            url, _ = submit_once(request, form, create)
        except (IntegrityError, ValidationError):
            integrity_error_on_form(form)
        else:
            return redirect(url or "onboarding:pipeline")
    return render(request, "onboarding/pitch_form.html", {"form": form, "title": "New pitch"})


@login_required
def pitch_edit(request, pk):
    _may(request)
    pitch = _pitch(pk)
    if pitch.outcome != Pitch.Outcome.OPEN:
        messages.info(request, "This pitch is decided; its record stays as it was.")
        return redirect("onboarding:pitch_detail", pk=pitch.pk)
    form = PitchForm(request.POST or None, instance=pitch)
    if request.method == "POST" and form.is_valid():
        try:
            services.pitch_update(pitch=pitch, by=request.user, form=form)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except (IntegrityError, ValidationError):
            integrity_error_on_form(form)
        else:
            messages.success(request, "Pitch saved.")
            return redirect("onboarding:pitch_detail", pk=pitch.pk)
    return render(
        request, "onboarding/pitch_form.html", {"form": form, "title": f"Edit {pitch}", "pitch": pitch}
    )


@login_required
def pitch_detail(request, pk):
    _may(request)
    pitch = _pitch(pk)
    history = list(pitch.history.select_related("history_user").order_by("-history_date")[:HISTORY_ROWS])
    changes = []
    for record in history:
        previous = record.prev_record
        fields = []
        if previous is not None:
            fields = [
                (Pitch._meta.get_field(c.field).verbose_name, c.old, c.new)
                for c in record.diff_against(previous).changes
            ]
        changes.append({"record": record, "fields": fields, "created": previous is None})
    today = timezone.localdate()
    return render(
        request,
        "onboarding/pitch_detail.html",
        {
            "pitch": pitch,
            "pricing": pitch_pricing(pitch),
            "changes": changes,
            "won_form": PitchWonForm(pitch=pitch, initial={"won_on": today}),
            "close_form": PitchCloseForm(initial={"on": today}),
            "may_open_client": pitch.client is not None and perms.may(request.user, perms.VIEW, pitch.client),
        },
    )


@login_required
def pitch_won(request, pk):
    _may(request)
    pitch = _pitch(pk)
    if pitch.outcome != Pitch.Outcome.OPEN:
        messages.info(request, f"This pitch is already {pitch.get_outcome_display().lower()}.")
        return redirect("onboarding:pitch_detail", pk=pitch.pk)
    form = PitchWonForm(request.POST or None, pitch=pitch, initial={"won_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client = services.pitch_win(
                pitch=pitch,
                by=request.user,
                won_on=data["won_on"],
                start_date=data.get("start_date"),
                link_to=form.existing if data.get("link_existing") else None,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except IntegrityError:
            form.add_error(
                None, "Another client was saved with this domain meanwhile: reload and link to it."
            )
        else:
            messages.success(request, f"Won! {client.name} is in onboarding.")
            if perms.may(request.user, perms.VIEW, client):
                return redirect(reverse("clients:detail", args=[client.pk]) + "#onboarding")
            return redirect("onboarding:pitch_detail", pk=pitch.pk)  # new business: not a CS reader
    return render(
        request,
        "onboarding/pitch_won.html",
        {"pitch": pitch, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def pitch_close(request, pk):
    _may(request)
    pitch = _pitch(pk)
    form = PitchCloseForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.pitch_close(
                pitch=pitch,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Pitch closed.")
            return redirect("onboarding:pitch_detail", pk=pitch.pk)
    return render(
        request,
        "onboarding/pitch_close.html",
        {"pitch": pitch, "form": form},
        status=400 if request.method == "POST" else 200,
    )
