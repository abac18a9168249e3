"""NPS: the exec sponsor's quarterly check-ins, the client survey link, analytics and the
monthly satisfaction report (PRODUCT.md §2 reporting/, seed 000 "Feedback, NPS", seed 001)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import permissions as perms
from clients.models import Client, Contact, leads_prefetch
from commercial import panels as commercial_panels
from csops.dates import add_months, month_start, quarter_end, quarter_label, quarter_start
from people import roles

from .. import nps, nps_figures, satisfaction
from ..cache import cached, scopes_of
from ..forms import NpsCheckInForm, SurveyAnswerForm
from ..models import NpsCheckIn, SurveyInvite
from ..pdf import pdf_response
from ..services.feedback import (
    SurveyLinkError,
    nps_checkin_record,
    survey_expires_at,
    survey_invite_create,
    survey_invite_for_token,
    survey_response_record,
    survey_token,
)
from ..services.occurrences import percent

# --- the exec sponsor --------------------------------------------------------------------------------


def _sponsored(user):
    return (
        Client.objects.active()
        .filter(exec_sponsor=user)
        .select_related("tier")
        .prefetch_related(leads_prefetch())
    )


def _next_checkin(user, today):
    """The sponsor's next check-in to make: the oldest overdue first, then this quarter's."""
    return (
        NpsCheckIn.objects.filter(
            sponsor=user,
            status=NpsCheckIn.Status.DUE,
            quarter__lte=quarter_start(today),
            client__archived_at__isnull=True,
            client__exec_sponsor=user,
        )
        .order_by("quarter", "client__name")
        .first()
    )


@login_required
def sponsor_home(request):
    """An exec sponsor's page: their clients, this quarter's check-ins and any overdue."""
    if not roles.is_exec_sponsor(request.user):
        raise PermissionDenied("This page is for exec sponsors.")
    today = timezone.localdate()
    this_q = quarter_start(today)
    clients = list(_sponsored(request.user).order_by("tier__rank", "name"))
    checkins = list(
        NpsCheckIn.objects.filter(client__in=[c.pk for c in clients], quarter__lte=this_q)
        .select_related("client")
        .order_by("quarter", "client__name")
    )
    current = {c.client_id: c for c in checkins if c.quarter == this_q}
    latest = {}
    for c in checkins:
        if c.status == NpsCheckIn.Status.DONE:
            latest[c.client_id] = c  # ordered by quarter: the last one wins
    for client in clients:
        client.this_quarter = current.get(client.pk)
        client.latest = latest.get(client.pk)
    due = [c for c in checkins if c.quarter == this_q and c.status == NpsCheckIn.Status.DUE]
    overdue = [c for c in checkins if c.quarter < this_q and c.status == NpsCheckIn.Status.DUE]
    done = [c for c in checkins if c.quarter == this_q and c.status == NpsCheckIn.Status.DONE]
    return render(
        request,
        "reporting/sponsor_home.html",
        {
            "clients": clients,
            "due": due,
            "overdue": overdue,
            "done": done,
            "quarter": quarter_label(this_q),
            "quarter_ends": quarter_end(this_q),
            "tally": nps.tally_of(c.score for c in done),
            "sponsor_events": commercial_panels.sponsor_panel(request.user, today),
        },
    )


def _quarter_param(value, today):
    if not value:
        return quarter_start(today)
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404("No such quarter.") from None
    if day != quarter_start(day) or day > quarter_start(today) or day.year < today.year - 5:
        raise Http404("No such quarter.")
    return day


@login_required
def checkin(request, pk):
    """The quarterly check-in form: one per client and quarter; sending it again edits it."""
    client = perms.get_client_for(request.user, pk, perms.NPS_CHECKIN)
    today = timezone.localdate()
    quarter = _quarter_param(request.GET.get("quarter") or request.POST.get("quarter"), today)
    existing = NpsCheckIn.objects.filter(client=client, quarter=quarter).select_related("flag").first()
    initial = {}
    if existing and existing.status == NpsCheckIn.Status.DONE:
        initial = {"score": existing.score, "comment": existing.comment, "actions": existing.actions}
    form = NpsCheckInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = nps_checkin_record(
                client=client,
                quarter=quarter,
                by=request.user,
                score=data["score"],
                comment=data["comment"],
                actions=data["actions"],
                raise_flag=data["raise_flag"],
                flag_severity=data["flag_severity"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            note = " A flag was raised for the CS team." if data["raise_flag"] and saved.flag_id else ""
            messages.success(
                request, f"{client.name}: {quarter_label(quarter)} check-in saved ({saved.score}/10).{note}"
            )
            if roles.is_exec_sponsor(request.user) and client.exec_sponsor_id == request.user.pk:
                following = _next_checkin(request.user, today)
                if following:
                    return redirect(
                        reverse("reporting:checkin", args=[following.client_id])
                        + f"?quarter={following.quarter.isoformat()}"
                    )
                return redirect("reporting:sponsor_home")
            return redirect(reverse("clients:detail", args=[client.pk]) + "#nps")
    return render(
        request,
        "reporting/checkin_form.html",
        {
            "client": client,
            "form": form,
            "existing": existing,
            "quarter": quarter,
            "quarter_label": quarter_label(quarter),
            "scores": nps.client_scores(client, limit=4),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- analytics and the satisfaction report -----------------------------------------------------------


def _require_satisfaction(user):
    if not roles.can_view_satisfaction(user):
        raise PermissionDenied("NPS and satisfaction reports are for the CS team.")


@login_required
def nps_analytics(request):
    _require_satisfaction(request.user)
    today = timezone.localdate()
    quarters = nps.quarters_back(today, 8)
    quarter = request.GET.get("quarter")
    selected = quarters[-1]
    if quarter:
        try:
            candidate = datetime.date.fromisoformat(quarter)
        except ValueError:
            candidate = None
        if candidate in quarters:
            selected = candidate
        else:
            messages.warning(request, "Choose one of the last eight quarters; showing the current one.")
    body = cached(
        request,
        "nps",
        (selected,),
        lambda: render_to_string("reporting/partials/nps_body.html", _nps_context(quarters, selected)),
        scopes=scopes_of(kinds=["nps", "clients", "team", "matrices", "people"]),
    )
    return render(request, "reporting/nps.html", {"body": body})


def _nps_context(quarters, selected) -> dict:
    figures = nps_figures.quarter_figures(quarters)
    trend, rates = nps_figures.trend(quarters, figures)
    done, due = rates[selected]
    tally = trend[selected]
    tables = {
        name: [row.as_dict() for row in rows]
        for name, rows in nps_figures.breakdowns(selected, figures).items()
    }
    return {
        "quarters": [
            {"start": q, "label": quarter_label(q), "nps": trend[q].nps, "responses": trend[q].responses}
            for q in quarters
        ],
        "selected": selected,
        "selected_label": quarter_label(selected),
        "tally": tally,
        "done": done,
        "due": due,
        "rate": percent((done, due)),
        "chart": nps.trend_svg_points([trend[q].nps for q in quarters], [quarter_label(q) for q in quarters]),
        **tables,
    }


def _month_param(request, today):
    value = request.GET.get("month", "")
    try:
        month = datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        month = None
    latest = month_start(today)
    if month is None or month > latest or month.year < today.year - 5:
        if value:
            messages.warning(request, "Choose a month in the last five years; showing this month.")
        return latest
    return month


@login_required
def satisfaction_report(request):
    _require_satisfaction(request.user)
    today = timezone.localdate()
    month = _month_param(request, today)
    return render(
        request,
        "reporting/satisfaction.html",
        {
            "report": satisfaction.report(month),
            "months": [add_months(month_start(today), -i) for i in range(12)],
        },
    )


@login_required
def satisfaction_pdf(request):
    _require_satisfaction(request.user)
    today = timezone.localdate()
    month = _month_param(request, today)
    return pdf_response(
        "reporting/pdf/satisfaction.html",
        {"report": satisfaction.report(month), "generated_at": timezone.localtime()},
        f"client satisfaction {month:%Y-%m}",
    )


# --- the client survey link --------------------------------------------------------------------------


@login_required
@require_POST
def survey_create(request, pk, contact_pk):
    client = perms.get_client_for(request.user, pk, perms.LOG_CALL)
    contact = get_object_or_404(Contact, pk=contact_pk, client=client)
    try:
        invite, _ = survey_invite_create(contact=contact, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("clients:detail", pk=client.pk)
    return redirect("reporting:survey_invite", pk=invite.pk)


@login_required
def survey_invite(request, pk):
    invite = get_object_or_404(SurveyInvite.objects.select_related("contact__client", "created_by"), pk=pk)
    client = perms.get_client_for(request.user, invite.contact.client_id, perms.LOG_CALL)
    token = survey_token(invite)
    return render(
        request,
        "reporting/survey_invite.html",
        {
            "invite": invite,
            "client": client,
            "url": request.build_absolute_uri(reverse("survey", args=[token])),
            "expires_at": survey_expires_at(invite),
            "expired": timezone.now() >= survey_expires_at(invite),
        },
    )


def survey(request, token):
    """The client contact's page: no login; the signed token is the credential, good once."""
    try:
        invite = survey_invite_for_token(token)
    except SurveyLinkError as exc:
        status = 404 if exc.reason == "invalid" else 410
        return render(request, "reporting/survey_closed.html", {"reason": exc.reason}, status=status)
    form = SurveyAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_response_record(
                token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            )
        except SurveyLinkError as exc:
            return render(request, "reporting/survey_closed.html", {"reason": exc.reason}, status=410)
        return render(request, "reporting/survey_closed.html", {"reason": "thanks", "invite": invite})
    return render(
        request,
        "reporting/survey.html",
        {"invite": invite, "form": form},
        status=400 if request.method == "POST" else 200,
    )
