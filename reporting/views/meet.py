"""The weekly CS meet and the other team meetings (PRODUCT.md §4): run from one page, kept as a record."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from clients.models import Flag
from csops.dates import week_start
from csops.params import int_param
from csops.statements import Compiled
from people import roles
from people.submissions import submit_once

from .. import meet, packs
from ..cache import cached_many, meet_version, scopes_of
from ..forms import MeetingActionForm, MeetingForm, MeetingOpenForm
from ..models import Meeting
from ..services import meetings as meeting_services

# the attendees' names, shown on every view of a meeting: their SQL compiled once per process
_ATTENDEES = Compiled(
    lambda meeting_id: (
        get_user_model()
        .objects.filter(meetings__id=meeting_id)
        .order_by("first_name", "last_name")
        .values_list("first_name", "last_name")
    )
)


def _require_view(user):
    if not roles.can_view_meetings(user):
        raise PermissionDenied("Team meetings are for the CS team.")


def _require_run(user):
    if not roles.can_run_meetings(user):
        raise PermissionDenied("The head of CS runs the meeting and records its actions.")


def _meeting(user, pk):
    _require_view(user)
    # the snapshots are read only where shown: the pack's never here, the page's once closed
    return get_object_or_404(
        Meeting.objects.select_related("chair", "closed_by").defer("agenda_snapshot", "pack_snapshot"), pk=pk
    )


@login_required
def meeting_list(request):
    _require_view(request.user)
    today = timezone.localdate()
    monday = week_start(today)
    this_week = Meeting.objects.filter(
        kind=Meeting.Kind.WEEKLY_MEET, held_on__range=(monday, monday + datetime.timedelta(days=6))
    ).first()
    meetings = (
        Meeting.objects.select_related("chair")
        .defer("agenda_snapshot", "pack_snapshot")
        .order_by("-held_on", "kind")
    )
    kind = request.GET.get("kind")
    if kind in Meeting.Kind.values:
        meetings = meetings.filter(kind=kind)
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/meeting_list.html",
        {
            "page": page,
            "this_week": this_week,
            "kind": kind,
            "kinds": Meeting.Kind.choices,
            "open_form": MeetingOpenForm(initial={"held_on": today}),
            "can_run": roles.can_run_meetings(request.user),
        },
    )


@login_required
@require_POST
def meeting_open(request):
    _require_run(request.user)
    form = MeetingOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("reporting:meetings")
    meeting = meeting_services.meeting_open(
        kind=form.cleaned_data["kind"], held_on=form.cleaned_data["held_on"], by=request.user
    )
    return redirect("reporting:meeting_detail", pk=meeting.pk)


# What each section of the live agenda reads (docs/caching.md): each is cached on its own, so ticking
# an action recomputes items 1 and 2 and the actions agreed, and leaves the renewals, items 4 and 5
# and the adherence table in place; a contract's change recomputes item 3 alone.
SECTION_READS = {
    "washup": scopes_of(kinds=["clients", "flags", "people", "matrices"]),
    "item1": scopes_of(kinds=["actions", "meetings", "clients", "flags", "people"]),
    "item2": scopes_of(kinds=["flags", "actions", "clients", "people"]),
    "item3": scopes_of(kinds=["contracts", "clients", "team", "people"]),
    "item4": scopes_of(kinds=["growth", "clients", "team", "people", "matrices"]),
    "item5": scopes_of(kinds=["growth", "calls", "clients", "team", "people", "matrices"]),
    "agreed": scopes_of(kinds=["actions", "meetings", "clients", "flags", "people"]),
    "adherence": scopes_of(kinds=["occurrences", "calls", "team", "people", "matrices"]),
}


def _shown_in_full(request) -> str | None:
    """The section whose lists are asked for in full (?all=item1; ?renewals=all is item 3's old name)."""
    if request.GET.get("renewals") == "all":
        return "item3"
    return request.GET.get("all")


def _section(request, meeting, name, *, today, can_run, previous, owner_id, show_all) -> tuple:
    """One section of the live agenda as a fragment for cached_many(): (name, parts, compute, scopes)."""

    def render_section():
        data = meet.section(name, meeting, today, previous=previous, owner_id=owner_id, show_all=show_all)
        context = {"meeting": meeting, "agenda": data, "today": today, "can_run": can_run}
        return render_to_string(f"reporting/partials/meet_{name}.html", context)

    parts = (meeting.pk, can_run, show_all, owner_id if name == "item2" else None)
    return (f"meet-{name}", parts, render_section, SECTION_READS[name])


def _meeting_context(request, meeting, form=None):
    """The page: the live agenda's sections, each cached (reporting/cache.py), around the record."""
    today = timezone.localdate()
    can_run = roles.can_run_meetings(request.user)
    owner_id = int_param(request.GET.get("am"))
    in_full = _shown_in_full(request)
    previous = meet.previous_meeting(meeting)
    frozen = meeting.closed_at is not None
    if frozen:
        # a closed meeting shows its agenda as it stood at the meeting (reporting/packs.py)
        fragments = {"agenda": mark_safe(meeting.agenda_snapshot), "adherence": ""}  # noqa: S308 - rendered by us
    else:
        names = (*meet.sections_of(meeting), "adherence")
        html = cached_many(
            request,
            [
                _section(
                    request,
                    meeting,
                    name,
                    today=today,
                    can_run=can_run,
                    previous=previous,
                    owner_id=owner_id,
                    show_all=in_full == name,
                )
                for name in names
            ],
        )
        # str.join drops SafeString: every piece is our own rendered template
        fragments = {"agenda": mark_safe("\n".join(html[:-1])), "adherence": mark_safe(html[-1])}  # noqa: S308
    editing = can_run and (form is not None or request.GET.get("edit") == "1")
    return {
        "meeting": meeting,
        "previous": previous,
        "frozen": frozen,
        "fragments": fragments,
        "attendees": ", ".join(f"{first} {last}".strip() for first, last in _ATTENDEES.rows(meeting.pk)),
        "today": today,
        "is_current": meeting.held_on >= today - datetime.timedelta(days=6),
        "can_run": can_run,
        "editing": editing,
        "form": (form or MeetingForm(instance=meeting)) if editing else None,
    }


def _one_section(request, meeting):
    """An htmx request for one section of an open meeting (a "show all", one AM's flags): its HTML."""
    name = _shown_in_full(request) or request.GET.get("part")
    if not request.htmx or meeting.closed_at is not None or name not in meet.sections_of(meeting):
        return None
    (html,) = cached_many(
        request,
        [
            _section(
                request,
                meeting,
                name,
                today=timezone.localdate(),
                can_run=roles.can_run_meetings(request.user),
                previous=meet.previous_meeting(meeting) if name == "item1" else None,
                owner_id=int_param(request.GET.get("am")),
                show_all=_shown_in_full(request) == name,
            )
        ],
    )
    return HttpResponse(html)


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request.user, pk)
    response = _one_section(request, meeting) or render(
        request, "reporting/meeting_detail.html", _meeting_context(request, meeting)
    )
    patch_vary_headers(response, ["HX-Request"])  # one URL, a section or the page
    return response


@login_required
@require_POST
def meeting_edit(request, pk):
    meeting = _meeting(request.user, pk)
    _require_run(request.user)
    form = MeetingForm(request.POST, instance=meeting)
    if form.is_valid():
        meeting_services.meeting_update(
            meeting=meeting,
            by=request.user,
            attendees=form.cleaned_data["attendees"],
            notes=form.cleaned_data["notes"],
            significant_issues=form.cleaned_data.get("significant_issues", ""),
            lessons=form.cleaned_data.get("lessons", ""),
        )
        messages.success(request, "Meeting record saved.")
        return redirect("reporting:meeting_detail", pk=meeting.pk)
    meeting.refresh_from_db()
    return render(
        request, "reporting/meeting_detail.html", _meeting_context(request, meeting, form), status=400
    )


@login_required
@require_POST
def meeting_close(request, pk):
    """Close the meeting: from now on its page and pack show the agenda as it stands at this moment."""
    meeting = _meeting(request.user, pk)
    _require_run(request.user)
    if packs.meeting_close(meeting=meeting, by=request.user):
        messages.success(request, "Meeting closed: its agenda is kept as it stood now.")
    else:
        messages.info(request, "This meeting was closed already.")
    return redirect("reporting:meeting_detail", pk=meeting.pk)


@login_required
def meeting_action_create(request, pk):
    """Record an action agreed in the meeting; from a flag's row it comes pre-filled with that flag."""
    meeting = _meeting(request.user, pk)
    _require_run(request.user)
    if meeting.closed_at:
        messages.error(request, "This meeting is closed: record the action in this week's meet.")
        return redirect("reporting:meeting_detail", pk=meeting.pk)
    flag = None
    flag_id = int_param(request.GET.get("flag") or request.POST.get("flag"))
    if flag_id:
        flag = Flag.objects.select_related("client", "owner").filter(pk=flag_id).first()
    initial = {"due_date": timezone.localdate() + datetime.timedelta(days=7), "owner": request.user.pk}
    if flag:
        initial.update(flag=flag.pk, client=flag.client_id, owner=flag.owner_id)
    elif client_id := int_param(request.GET.get("client")):
        initial["client"] = client_id
    form = MeetingActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create():
            action = meeting_services.meeting_action_add(
                meeting=meeting,
                by=request.user,
                description=data["description"],
                owner=data["owner"],
                due_date=data["due_date"],
                client=data["client"],
                flag=data.get("flag"),
            )
            messages.success(
                request, f"Action recorded for {action.owner.get_full_name()}: {action.description}"
            )
            anchor = f"#flag-{action.flag_id}" if action.flag_id else "#agreed"
            return reverse("reporting:meeting_detail", args=[meeting.pk]) + anchor

        try:
            url, _ = submit_once(request, form, create)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(url or reverse("reporting:meeting_detail", args=[meeting.pk]))
    template = (
        "reporting/partials/meeting_action_form.html" if request.htmx else "reporting/meeting_action.html"
    )
    return render(
        request,
        template,
        {"meeting": meeting, "form": form, "flag": flag},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def meeting_pdf(request, pk):
    """The PDF pack as the data stands now: served when a worker has rendered it, else "preparing"."""
    meeting = _meeting(request.user, pk)
    pack = packs.meeting_pack_request(meeting=meeting, version=meet_version())
    pack.refresh_from_db()  # where tasks run in place (tests, a worker-less shell) it is ready already
    if pack.rendered_at and not request.htmx:
        try:
            return FileResponse(
                pack.file.open("rb"), content_type="application/pdf", filename=packs.pack_filename(meeting)
            )
        except FileNotFoundError:
            raise Http404("That PDF is no longer on the server: ask for it again.") from None
    context = {"meeting": meeting, "pack": pack, "latest": packs.meeting_pack_latest_ready(meeting)}
    if request.htmx:
        return render(request, "reporting/partials/meeting_pack_status.html", context)
    return render(request, "reporting/meeting_pack.html", context)


@login_required
def meeting_pack_file(request, pk, pack_pk):
    """A pack that was ready earlier, offered while the current one renders."""
    meeting = _meeting(request.user, pk)
    pack = get_object_or_404(meeting.packs.exclude(file=""), pk=pack_pk, rendered_at__isnull=False)
    try:
        return FileResponse(
            pack.file.open("rb"), content_type="application/pdf", filename=packs.pack_filename(meeting)
        )
    except FileNotFoundError:
        raise Http404("That PDF is no longer on the server.") from None
