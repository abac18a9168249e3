"""The documents of account management, as a page and as a PDF: the monthly client review document
(seed 000), the quarterly business review's progress report (seed 003) and the monthly client report
the comms plan makes due. Each context is built once, for the page and the PDF alike."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import permissions as perms
from clients.models import Action, Call, Contact, Flag
from clients.selectors import open_flags_of, stakeholder_grid
from commercial.forms.plans import ClientReviewMarkForm, QbrForm
from commercial.models import DISCIPLINES, AccountPlan, ClientReviewMonth, Opportunity, PlanSettings, Qbr
from commercial.selectors_growth import channel_map, client_opportunities
from commercial.selectors_plans import (
    contracts_in_year,
    day_start,
    metrics_table,
    monthly_income,
    quarter_bounds,
)
from commercial.services import plans as services
from csops.dates import add_months, month_start, quarter_label
from csops.versioning import StaleEdit
from people.models import TimeEntry
from reporting.models import Occurrence
from reporting.nps import by_quarter, client_scores, quarters_back
from reporting.pdf import pdf_response

from .plans import WRITE


def _channel_rows(client) -> list:
    """The client's channel map as the documents show it: the channels it has a row for."""
    return [line["row"] for line in channel_map(client) if line["row"] is not None]


def _opportunity_rows(client) -> list[dict]:
    """Open and won opportunities, open first (the lost ones belong to the wash-up, not the client)."""
    return [o for o in client_opportunities(client) if o["stage"] != Opportunity.Stage.LOST]


def _lead(client):
    membership = client.memberships.filter(is_lead=True).select_related("user").first()
    return membership.user if membership else None


def _nps_trend(client, today, n=4) -> list[dict]:
    quarters = quarters_back(today, n)
    tallies = by_quarter(quarters, client_ids=[client.pk])
    return [
        {"label": quarter_label(q), "nps": tallies[q].nps, "responses": tallies[q].responses}
        for q in quarters
    ]


def _flag_rows(client) -> list[dict]:
    return [
        {
            "title": f.title,
            "severity": f.get_severity_display(),
            "sev": f.severity,
            "status": f.get_status_display(),
            "raised_at": f.raised_at,
            "owner": f.owner.get_full_name() or f.owner.username,
            "pk": f.pk,
        }
        for f in open_flags_of(client)
    ]


# --- the client review document --------------------------------------------------------------


def client_review_context(client, today) -> dict:
    contacts = list(Contact.objects.filter(client=client, archived_at__isnull=True).order_by("name"))
    plan = AccountPlan.objects.filter(client=client, year=today.year).first()
    this_month, last_month = month_start(today), add_months(month_start(today), -1)
    marks = {
        m.month: m
        for m in ClientReviewMonth.objects.filter(
            client=client, month__in=[this_month, last_month]
        ).select_related("reviewed_by")
    }
    return {
        "client": client,
        "lead": _lead(client),
        "today": today,
        "stakeholders": stakeholder_grid(contacts),
        "decision_makers": [c for c in contacts if c.decision_maker],
        "plan": plan,
        "table": metrics_table(plan, today) if plan else [],
        "nps_trend": _nps_trend(client, today),
        "flags": _flag_rows(client),
        "channel_rows": _channel_rows(client),
        "opportunities": _opportunity_rows(client),
        "this_month": this_month,
        "this_mark": marks.get(this_month),
        "last_mark": marks.get(last_month),
        "last_month": last_month,
        "generated_at": timezone.localtime(),
    }


@login_required
def client_review(request, pk):
    client = perms.get_client_for(request.user, pk)
    context = client_review_context(client, timezone.localdate())
    context.update(can_write=perms.may(request.user, WRITE, client), mark_form=ClientReviewMarkForm())
    return render(request, "commercial/client_review.html", context)


@login_required
def client_review_pdf(request, pk):
    client = perms.get_client_for(request.user, pk)
    today = timezone.localdate()
    return pdf_response(
        "commercial/pdf/client_review.html",
        client_review_context(client, today),
        f"{client.name} client review {today:%Y-%m}",
    )


@login_required
@require_POST
def client_review_mark(request, pk):
    client = perms.get_client_for(request.user, pk, WRITE)
    form = ClientReviewMarkForm(request.POST)
    if form.is_valid():
        services.client_review_mark(
            client=client, month=timezone.localdate(), by=request.user, note=form.cleaned_data["note"]
        )
        messages.success(request, "This month's client review is marked reviewed.")
    else:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect("commercial:client_review", client.pk)


# --- QBRs --------------------------------------------------------------------------------------


def _quarter_income(client_id, start) -> dict:
    year = start.year
    q = (start.month - 1) // 3 + 1
    income = monthly_income(client_id, datetime.date(year - 1, 1, 1), datetime.date(year, 12, 1))
    months = [add_months(start, i) for i in range(3)]
    ytd = [datetime.date(year, m, 1) for m in range(1, 3 * q + 1)]
    total = lambda days: sum((income.get(d, Decimal(0)) for d in days), Decimal(0))  # noqa: E731
    out = {
        "quarter": total(months),
        "quarter_last_year": total([m.replace(year=year - 1) for m in months]),
        "ytd": total(ytd),
        "ytd_last_year": total([m.replace(year=year - 1) for m in ytd]),
        "contracts": contracts_in_year(client_id, year),
        "contracts_last_year": contracts_in_year(client_id, year - 1),
    }
    for key in ("quarter", "ytd", "contracts"):
        out[f"{key}_change"] = out[key] - out[f"{key}_last_year"]
    return out


def qbr_context(qbr, today) -> dict:
    client = qbr.client
    start = qbr.quarter
    q = (start.month - 1) // 3 + 1
    first, last = quarter_bounds(start.year, q)
    calls = Call.objects.filter(
        client=client,
        held=True,
        held_at__gte=day_start(first),
        held_at__lt=day_start(last + datetime.timedelta(days=1)),
    )
    hours = calls.aggregate(minutes=Sum("duration_minutes"), n=Count("pk"))
    # hours against retainer (seed 003): the timesheets' hours on this client in the quarter's weeks;
    # where nobody logged any, the calls' durations, and the report says which
    logged = TimeEntry.objects.filter(
        client=client, timesheet__week__gte=first, timesheet__week__lte=last
    ).aggregate(hours=Sum("hours"))["hours"]
    plan = AccountPlan.objects.filter(client=client, year=start.year).first()
    retainer = (
        client.monthly_spend * 3 if client.engagement_type == "retained" and client.monthly_spend else None
    )
    raised = Flag.objects.filter(
        client=client,
        raised_at__gte=day_start(first),
        raised_at__lt=day_start(last + datetime.timedelta(days=1)),
    ).count()
    return {
        "qbr": qbr,
        "client": client,
        "lead": _lead(client),
        "label": quarter_label(start),
        "first": first,
        "last": last,
        "financial": _quarter_income(client.pk, start),
        "hours": {
            "hours": logged if logged is not None else Decimal(hours["minutes"] or 0) / 60,
            "calls": hours["n"],
            "source": "timesheets" if logged is not None else "call durations",
            "retainer": retainer,
        },
        "plan": plan,
        "table": metrics_table(plan, min(today, last)) if plan else [],
        "disciplines": [
            {
                "name": d.title(),
                "rating": getattr(qbr, f"{d}_rating"),
                "label": getattr(qbr, f"get_{d}_rating_display")(),
                "note": getattr(qbr, f"{d}_note"),
            }
            for d in DISCIPLINES
        ],
        "nps_trend": _nps_trend(client, min(today, last)),
        "flags": _flag_rows(client),
        "flags_raised": raised,
        "opportunities": _opportunity_rows(client),
        "generated_at": timezone.localtime(),
        "currency": client.currency,
    }


@login_required
def qbr_list(request, pk):
    client = perms.get_client_for(request.user, pk)
    threshold = PlanSettings.load().qbr_threshold
    return render(
        request,
        "commercial/qbr_list.html",
        {
            "client": client,
            "qbrs": [
                {**q, "label": quarter_label(q["quarter"])}
                for q in client.qbrs.values("pk", "quarter", "status", "meeting_date")
            ],
            "threshold": threshold,
            "eligible": services.qbr_clients(threshold).filter(pk=client.pk).exists(),
        },
    )


@login_required
def qbr_detail(request, pk, qbr_pk):
    client = perms.get_client_for(request.user, pk)
    qbr = get_object_or_404(Qbr, pk=qbr_pk, client=client)
    can_write = perms.may(request.user, WRITE, client)
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    form = QbrForm(request.POST or None, instance=qbr) if can_write else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.qbr_update(form=form, by=request.user)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        else:
            messages.success(request, "Progress report saved.")
            return redirect("commercial:qbr_detail", client.pk, qbr.pk)
    context = qbr_context(qbr, timezone.localdate())
    context.update(form=form, can_write=can_write)
    return render(request, "commercial/qbr_detail.html", context)


@login_required
def qbr_pdf(request, pk, qbr_pk):
    client = perms.get_client_for(request.user, pk)
    qbr = get_object_or_404(Qbr.objects.select_related("client"), pk=qbr_pk, client=client)
    context = qbr_context(qbr, timezone.localdate())
    return pdf_response(
        "commercial/pdf/qbr.html", context, f"{client.name} business review {context['label']}"
    )


# --- the monthly client report ---------------------------------------------------------------


def client_report_context(occurrence) -> dict:
    """What the report covers: from the previous report's due date (or a month back) to this one's."""
    client = occurrence.client
    until = occurrence.due_date
    previous = (
        Occurrence.objects.filter(client=client, kind=Occurrence.Kind.REPORT, due_date__lt=until)
        .order_by("-due_date")
        .values_list("due_date", flat=True)
        .first()
    )
    since = previous or add_months(until, -1)
    start, end = day_start(since), day_start(until + datetime.timedelta(days=1))
    calls = list(
        Call.objects.filter(client=client, held=True, held_at__gte=start, held_at__lt=end)
        .values("held_at", "kind", "duration_minutes", "delivery")
        .order_by("held_at")
    )
    kinds = dict(Call.Kind.choices)
    for call in calls:
        call["kind_label"] = kinds.get(call["kind"], call["kind"])
    done = list(
        Action.objects.filter(client=client, status=Action.Status.DONE, done_at__gte=start, done_at__lt=end)
        .values("description", "done_at", "owner__first_name", "owner__last_name")
        .order_by("done_at")
    )
    upcoming = list(
        Action.objects.filter(client=client, status=Action.Status.OPEN)
        .values("description", "due_date", "owner__first_name", "owner__last_name")
        .order_by("due_date", "pk")[:15]
    )
    next_calls = list(
        Occurrence.objects.filter(
            client=client, kind=Occurrence.Kind.CALL, status=Occurrence.Status.DUE, due_date__gt=until
        )
        .values_list("due_date", flat=True)
        .order_by("due_date")[:4]
    )
    return {
        "occurrence": occurrence,
        "client": client,
        "lead": _lead(client),
        "since": since,
        "until": until,
        "calls": calls,
        "done": done,
        "upcoming": upcoming,
        "next_calls": next_calls,
        "nps": client_scores(client, limit=4),
        "nps_trend": _nps_trend(client, until),
        "generated_at": timezone.localtime(),
    }


def _report_occurrence(request, pk, occurrence_pk, action=perms.VIEW):
    client = perms.get_client_for(request.user, pk, action)
    return get_object_or_404(
        Occurrence.objects.select_related("client"),
        pk=occurrence_pk,
        client=client,
        kind=Occurrence.Kind.REPORT,
    )


@login_required
def client_report(request, pk, occurrence_pk):
    occurrence = _report_occurrence(request, pk, occurrence_pk)
    context = client_report_context(occurrence)
    context["can_write"] = perms.may(request.user, WRITE, occurrence.client)
    return render(request, "commercial/client_report.html", context)


@login_required
def client_report_pdf(request, pk, occurrence_pk):
    occurrence = _report_occurrence(request, pk, occurrence_pk)
    return pdf_response(
        "commercial/pdf/client_report.html",
        client_report_context(occurrence),
        f"{occurrence.client.name} report {occurrence.due_date:%Y-%m-%d}",
    )


@login_required
@require_POST
def client_report_sent(request, pk, occurrence_pk):
    occurrence = _report_occurrence(request, pk, occurrence_pk, WRITE)
    services.client_report_sent(occurrence=occurrence, by=request.user)
    messages.success(request, f"Report for {occurrence.client.name} marked sent.")
    return redirect(reverse("commercial:client_report", args=[pk, occurrence_pk]))
