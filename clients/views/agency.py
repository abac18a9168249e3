"""Agency-wide settings kept with the clients: the escalation rules every client starts from."""

from django.contrib.auth.decorators import login_required

from csops.screens import matrix_screen
from people import roles

from ..forms.escalation import AgencyEscalationFormSet
from ..models import EscalationRule
from ..services import accounts

HISTORY_ROWS = 10


@login_required
def agency_escalation(request):
    """Seed 004's escalation strategy, agency-wide: admins edit (like the matrices), the head of CS reads."""
    rules = EscalationRule.objects.filter(client__isnull=True).select_related("person", "role")
    history = (
        EscalationRule.history.filter(client__isnull=True)
        .select_related("history_user", "person", "role")
        .order_by("-history_date")[:HISTORY_ROWS]
    )
    return matrix_screen(
        request,
        what="agency's escalation rules",
        may_view=roles.can_view_matrices,
        may_edit=roles.can_edit_matrices,
        build=lambda data: AgencyEscalationFormSet(data, queryset=rules.order_by("matter", "pk")),
        save=lambda formset: accounts.agency_escalation_rules_save(formset=formset, by=request.user),
        template="clients/agency_escalation.html",
        redirect_to="clients:agency_escalation",
        saved="Escalation rules saved. Clients with a rule of their own keep it.",
        context={
            "history": history,
            "headers": ["Matter", "Person", "Role", "Up to £", "Notes"],
            "submit": "Save the rules",
        },
    )
