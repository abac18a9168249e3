"""Agency-wide settings kept with the clients: the escalation rules every client starts from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from people import roles

from ..forms.escalation import AgencyEscalationFormSet
from ..models import EscalationRule
from ..services import accounts

HISTORY_ROWS = 10


@login_required
def agency_escalation(request):
    """Seed 004's escalation strategy, agency-wide: admins edit (like the matrices), the head of CS reads."""
    if not roles.can_view_matrices(request.user):
        raise PermissionDenied("The agency's escalation rules are for admins and the head of CS.")
    editable = roles.can_edit_matrices(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied("Only admins change the agency's escalation rules.")
    rules = EscalationRule.objects.filter(client__isnull=True).select_related("person", "role")
    formset = AgencyEscalationFormSet(request.POST or None, queryset=rules.order_by("matter", "pk"))
    if request.method == "POST" and formset.is_valid():
        accounts.agency_escalation_rules_save(formset=formset, by=request.user)
        messages.success(request, "Escalation rules saved. Clients with a rule of their own keep it.")
        return redirect("clients:agency_escalation")
    history = (
        EscalationRule.history.filter(client__isnull=True)
        .select_related("history_user", "person", "role")
        .order_by("-history_date")[:HISTORY_ROWS]
    )
    return render(
        request,
        "clients/agency_escalation.html",
        {"formset": formset, "editable": editable, "history": history},
    )
