import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from csops.forms import integrity_error_on_form, submitted
from csops.versioning import StaleEdit
from people import roles
from reporting import calendar as cal
from reporting.pdf import pdf_response
from reporting.team_objectives import followed_progress

from ..forms.auth import QueuedPasswordResetForm
from ..forms.pdp import PdpForm, PdpReviewForm, PdpTargetForm, staff_users
from ..lockout import client_address
from ..models import CalendarFeed, Notification, Pdp, StaffProfile
from ..services import notifications_mark_read, pdp_review_record, pdp_update
from ..submissions import submit_once, submitted_before
from ..throttle import password_reset_allowed

log = logging.getLogger(__name__)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with at most CSOPS_PASSWORD_RESETS_PER_EMAIL emails an hour to one address
    and CSOPS_PASSWORD_RESETS_PER_ADDRESS requests an hour from one client. Over the limit nothing is
    sent and the answer is the same "check your email" page, so the limit discloses nothing."""

    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        address = client_address(self.request)
        if password_reset_allowed(email=form.cleaned_data["email"], address=address):
            return super().form_valid(form)
        log.warning("password reset request from %s over the hourly limit: no email sent", address)
        return HttpResponseRedirect(self.get_success_url())


@login_required
def home(request):
    """Each role lands where its work is: the head of CS on the portfolio, the team on their week,
    sponsors on their check-ins, admins on the clients."""
    if roles.is_head_of_cs(request.user):
        return redirect("reporting:portfolio")
    if roles.is_cs_team(request.user):
        return redirect("my_week")
    if roles.is_exec_sponsor(request.user):
        return redirect("reporting:sponsor_home")
    if roles.sees_every_client(request.user):
        return redirect("clients:list")
    return render(request, "people/no_role.html", status=200)


@login_required
def staff_list(request):
    if not (roles.sees_every_client(request.user) or roles.is_exec_sponsor(request.user)):
        raise PermissionDenied("Your role does not include the staff directory.")
    profiles = (
        StaffProfile.objects.filter(user__is_active=True)
        .select_related("user", "line_manager")
        .prefetch_related("roles")
    )
    return render(
        request,
        "people/staff_list.html",
        {
            "profiles": profiles,
            "can_manage": roles.can_manage_people(request.user),
            "can_view_utilisation": roles.can_view_utilisation(request.user),
        },
    )


@login_required
def notification_list(request):
    notes = Notification.objects.filter(user=request.user)
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "people/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk=None):
    """Mark one (and follow its link) or all as read."""
    if pk is None:
        notifications_mark_read(user=request.user)
        return redirect("people:notifications")
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_mark_read(user=request.user, pk=pk)
    return redirect(note.url or "people:notifications")


@login_required
def calendar_settings(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        had_one = feed is not None
        feed = cal.feed_for(request.user, rotate=True)
        if had_one:
            messages.success(request, "New calendar address made: the old one no longer works.")
        else:
            messages.success(request, "Calendar address made: add it to your calendar app.")
        return redirect("people:calendar")
    url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])) if feed else None
    return render(request, "people/calendar.html", {"feed_url": url})


def calendar_feed(request, token):
    """Public by design: the secret token is the credential (calendar apps cannot log in)."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    response = HttpResponse(cal.build_calendar(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="csops.ics"'
    return response


# --- PDPs ----------------------------------------------------------------------------------------------


# A PDP (salary outcome included) is for the person, their line manager and the head of CS. Admins
# configure the system and see none unless they also hold one of those roles.


def _pdps_visible_to(user):
    """Your own PDP; those of the people you line-manage; all of them for the head of CS."""
    qs = Pdp.objects.select_related("staff", "staff__profile__line_manager")
    if roles.is_head_of_cs(user):
        return qs
    return qs.filter(Q(staff=user) | Q(staff__profile__line_manager=user))


def _pdp_for(user, pk, manage=False):
    pdp = _pdps_visible_to(user).filter(pk=pk).first()
    if pdp is None:
        raise Http404("No such PDP.")
    if manage and not _may_manage_pdp(user, pdp):
        raise PermissionDenied("Only their line manager or the head of CS manages a PDP.")
    return pdp


def _may_manage_pdp(user, pdp):
    manager = getattr(getattr(pdp.staff, "profile", None), "line_manager_id", None)
    return roles.is_head_of_cs(user) or manager == user.id


def _managed_staff(user):
    if roles.is_head_of_cs(user):
        return staff_users()
    return staff_users().filter(profile__line_manager=user)


@login_required
def pdp_list(request):
    return render(
        request,
        "people/pdp_list.html",
        {
            "pdps": _pdps_visible_to(request.user).prefetch_related("targets"),
            "can_create": _managed_staff(request.user).exists(),
        },
    )


@login_required
def pdp_create(request):
    staff = _managed_staff(request.user)
    if not staff.exists():
        raise PermissionDenied("PDPs are set up by a line manager or the head of CS.")
    if landed := submitted_before(request):
        return redirect(landed)
    form = PdpForm(request.POST or None, staff_choices=staff)
    if request.method == "POST" and form.is_valid():

        def create():
            pdp = form.save()
            messages.success(request, "PDP created: now add its measurable targets.")
            return reverse("people:pdp_detail", args=[pdp.pk])

        try:
            url, _ = submit_once(request, form, create)
        except IntegrityError:  # the same person and year, created by someone else at the same moment
            integrity_error_on_form(form)
        else:
            return redirect(url or "people:pdp_list")
    return render(request, "people/pdp_form.html", {"form": form, "title": "New PDP"})


@login_required
def pdp_edit(request, pk):
    pdp = _pdp_for(request.user, pk, manage=True)
    form = PdpForm(request.POST or None, instance=pdp, staff_choices=staff_users())
    if request.method == "POST" and form.is_valid():
        try:
            pdp_update(form=form, by=request.user)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        else:
            messages.success(request, "PDP saved.")
            return redirect("people:pdp_detail", pk=pdp.pk)
    return render(request, "people/pdp_form.html", {"form": form, "title": f"Edit {pdp}", "pdp": pdp})


def _pdp_context(request, pdp) -> dict:
    targets = list(
        pdp.targets.select_related("follows__objective__team_year", "follows_objective__plan__client")
    )
    followed = followed_progress(targets, timezone.localdate())
    for target in targets:
        if target.pk in followed:  # follows a team measure: its progress is the measure's, today
            target.progress = followed[target.pk] or 0
    return {
        "pdp": pdp,
        "targets": targets,
        "reviews": list(pdp.reviews.select_related("reviewer")),
        "can_manage": _may_manage_pdp(request.user, pdp),
    }


@login_required
def pdp_detail(request, pk):
    pdp = _pdp_for(request.user, pk)
    return render(request, "people/pdp_detail.html", _pdp_context(request, pdp))


@login_required
def pdp_pdf(request, pk):
    """The PDP for the review meeting: targets, progress, reviews and a space for this one's notes."""
    pdp = _pdp_for(request.user, pk)
    context = _pdp_context(request, pdp) | {"generated_at": timezone.now()}
    return pdf_response("people/pdf/pdp.html", context, f"pdp-{pdp.year}-{pdp.staff.username}")


@login_required
def pdp_target_add(request, pk):
    pdp = _pdp_for(request.user, pk, manage=True)
    form = PdpTargetForm(request.POST or None, year=pdp.year, staff_of=pdp.staff)
    if request.method == "POST" and form.is_valid():

        def create():
            target = form.save(commit=False)
            target.pdp = pdp
            target.save()
            messages.success(request, "Target added.")
            return reverse("people:pdp_detail", args=[pdp.pk])

        url, _ = submit_once(request, form, create)
        return redirect(url or reverse("people:pdp_detail", args=[pdp.pk]))
    return render(
        request, "people/pdp_form.html", {"form": form, "title": f"New target for {pdp}", "pdp": pdp}
    )


@login_required
def pdp_review_add(request, pk):
    pdp = _pdp_for(request.user, pk, manage=True)
    form = PdpReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create():
            pdp_review_record(pdp=pdp, by=request.user, **submitted(form))
            messages.success(request, f"Review recorded. Next review: {pdp.next_review_date:%d %B %Y}.")
            return reverse("people:pdp_detail", args=[pdp.pk])

        url, _ = submit_once(request, form, create)
        return redirect(url or reverse("people:pdp_detail", args=[pdp.pk]))
    return render(
        request, "people/pdp_form.html", {"form": form, "title": f"Record a review of {pdp}", "pdp": pdp}
    )
