from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clients import permissions as perms
from csops.params import safe_next
from csops.screens import matrix_screen
from csops.versioning import StaleEdit
from people import roles

from ..forms import BandFormSet, CommsPlanForm
from ..models import Cadence, CommsPlan, Occurrence, ReportingBand
from ..services.occurrences import occurrence_complete
from ..services.plans import (
    comms_plan_create,
    comms_plan_reset,
    comms_plan_update,
    comms_plans_refresh_later,
    matrix_values,
    plan_differences,
)


def _plan_for(user, pk):
    client = perms.get_client_for(user, pk, perms.LOG_CALL)
    plan = CommsPlan.objects.filter(client=client).select_related("client").first()
    return client, plan or comms_plan_create(client=client, by=user)


@login_required
def plan_edit(request, pk):
    client, plan = _plan_for(request.user, pk)
    form = CommsPlanForm(request.POST or None, instance=plan)
    matrix = matrix_values(client)
    if request.method == "POST" and form.is_valid():
        try:
            comms_plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        else:
            messages.success(request, "Comms plan saved.")
            return redirect(reverse("clients:detail", args=[client.pk]) + "#comms-plan")
    return render(
        request,
        "reporting/plan_form.html",
        {
            "client": client,
            "form": form,
            "plan": plan,
            "matrix": matrix,
            # "reports at the end, calls initial call only", not the stored codes
            "matrix_labels": {
                f: Cadence(matrix[f]).label for f in ("report_cadence", "call_cadence") if matrix[f]
            },
            "differences": plan_differences(plan),
        },
    )


@login_required
@require_POST
def plan_reset(request, pk):
    client, plan = _plan_for(request.user, pk)
    comms_plan_reset(plan=plan, by=request.user)
    messages.success(request, "Comms plan reset to the matrix.")
    return redirect(reverse("clients:detail", args=[client.pk]) + "#comms-plan")


@login_required
def matrix(request):
    def save(formset):
        formset.save()
        comms_plans_refresh_later()

    return matrix_screen(
        request,
        what="reporting matrix",
        may_view=roles.can_view_matrices,
        may_edit=roles.can_edit_matrices,
        build=lambda data: BandFormSet(data, queryset=ReportingBand.objects.all()),
        save=save,
        template="reporting/matrix.html",
        redirect_to="reporting:matrix",
        saved="Reporting matrix saved. Comms plans that follow it are being updated.",
        context={
            "headers": ["Engagement", "From £", "To £", "Report", "Call", "Live dashboard"],
            "submit": "Save the matrix",
        },
    )


@login_required
@require_POST
def occurrence_done(request, pk):
    """A report sent (or a call held elsewhere): ticks the occurrence off."""
    occurrence = get_object_or_404(Occurrence.objects.select_related("client"), pk=pk)
    perms.get_client_for(request.user, occurrence.client_id, perms.LOG_CALL)
    back = safe_next(request, reverse("my_week"))
    occurrence_complete(occurrence=occurrence, by=request.user)
    messages.success(request, f"{occurrence} marked done.")
    return redirect(back)
