"""Managing the team without the Django admin: invite, edit, deactivate, tiers, role definitions."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from clients.models import Tier
from csops.forms import integrity_error_on_form
from csops.versioning import StaleEdit
from people import roles

from ..forms.team import DeactivateForm, InviteForm, PersonForm, RoleDefinitionForm, TierForm
from ..invitations import invitation_tokens
from ..models import Role, StaffProfile
from ..selectors import handover_of, successors_for
from ..services.team import (
    LastHeadOfCs,
    invitation_accept,
    invitation_send,
    person_deactivate,
    person_invite,
    person_update,
    role_definition_save,
    tier_save,
)
from ..submissions import submit_once, submitted_before


def _manager(request):
    if not roles.can_manage_people(request.user):
        raise PermissionDenied("Only the head of CS and admins manage the team.")


def _profile(pk) -> StaffProfile:
    return get_object_or_404(StaffProfile.objects.select_related("user", "line_manager"), user_id=pk)


@login_required
def person_invite_view(request):
    _manager(request)
    if landed := submitted_before(request):
        return redirect(landed)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create():
            user = person_invite(
                by=request.user,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                profile_fields=form.profile_fields(),
                roles=form.cleaned_data["roles"],
            )
            messages.success(request, f"Invitation emailed to {user.email}: the link works for 3 days.")
            return reverse("people:person_edit", args=[user.pk])

        try:
            url, _ = submit_once(request, form, create)
        except IntegrityError:  # the same address, invited by someone else at the same moment
            integrity_error_on_form(form)
        else:
            return redirect(url or "people:staff_list")
    return render(request, "people/team_form.html", {"form": form, "title": "Invite someone to the team"})


@login_required
def person_edit(request, pk):
    _manager(request)
    profile = _profile(pk)
    form = PersonForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            person_update(form=form, by=request.user)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        else:
            messages.success(request, f"{profile} saved.")
            return redirect("people:staff_list")
    pending = profile.user.invitations.filter(accepted_at__isnull=True).first()
    return render(
        request,
        "people/team_form.html",
        {"form": form, "title": f"Edit {profile}", "person": profile.user, "pending": pending},
    )


@login_required
def person_reinvite(request, pk):
    _manager(request)
    profile = _profile(pk)
    if request.method != "POST":
        return redirect("people:person_edit", pk=pk)
    if profile.user.has_usable_password() or not profile.user.is_active:
        messages.info(request, f"{profile} has already set a password.")
    else:
        invitation_send(user=profile.user, by=request.user)
        messages.success(request, f"A new invitation is on its way to {profile.user.email}.")
    return redirect("people:person_edit", pk=pk)


@login_required
def person_deactivate_view(request, pk):
    _manager(request)
    profile = _profile(pk)
    person = profile.user
    if not person.is_active:
        raise Http404("This person is already deactivated.")
    actions, leads = handover_of(person)
    form = DeactivateForm(
        request.POST or None, person=person, actions=actions, leads=leads, successors=successors_for(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_deactivate(
                user=person,
                by=request.user,
                action_owners=form.action_owners(),
                lead_successors=form.lead_successors(),
            )
        except LastHeadOfCs as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{profile} is deactivated; their actions and leads are handed on.")
            return redirect("people:staff_list")
    return render(
        request,
        "people/deactivate.html",
        {"form": form, "person": person, "actions": actions, "leads": leads},
    )


def invitation_accept_view(request, uidb64, token):
    """Public: the signed link is the credential. Sets the password, then logs the person in."""
    try:
        user = get_user_model().objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        user = None
    valid = user is not None and user.is_active and invitation_tokens.check_token(user, token)
    form = SetPasswordForm(user, request.POST or None) if valid else None
    if valid and request.method == "POST" and form.is_valid():
        user = invitation_accept(form=form)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Password set: welcome to CS Ops.")
        return redirect("home")
    return render(request, "people/invitation_accept.html", {"form": form, "valid": valid, "user": user})


# --- tiers and role definitions -------------------------------------------------------------------------


@login_required
def tier_list(request):
    _manager(request)
    tiers = Tier.objects.select_related("lead_min_role").order_by("rank")
    history = Tier.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "people/tier_list.html", {"tiers": tiers, "history": history})


@login_required
def tier_edit(request, pk=None):
    _manager(request)
    tier = get_object_or_404(Tier, pk=pk) if pk else None
    if tier is None and (landed := submitted_before(request)):
        return redirect(landed)
    form = TierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        try:
            if tier is None:
                submit_once(request, form, lambda: (tier_save(form=form, by=request.user), "")[1])
            else:
                tier_save(form=form, by=request.user)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            messages.success(request, "Tier saved.")
            return redirect("people:tier_list")
    title = f"Edit {tier}" if tier else "New tier"
    return render(request, "people/team_form.html", {"form": form, "title": title})


@login_required
def role_edit(request, pk):
    _manager(request)
    role = get_object_or_404(Role, pk=pk)
    form = RoleDefinitionForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        role_definition_save(form=form, by=request.user)
        messages.success(request, f"{role} saved.")
        return redirect("people:org")
    return render(request, "people/team_form.html", {"form": form, "title": f"Define the role: {role}"})
