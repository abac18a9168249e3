from django.contrib.auth.decorators import login_required

from csops.screens import matrix_screen
from people import roles

from ..forms.pricing import CsPriceFormSet
from ..models import CsPrice


@login_required
def pricing_matrix(request):
    """The CS pricing matrix (seed 000, "CS pricing"): industry × client size × service → monthly CS fee."""
    return matrix_screen(
        request,
        what="CS pricing matrix",
        may_view=roles.can_view_matrices,
        may_edit=roles.can_edit_matrices,
        build=lambda data: CsPriceFormSet(
            data, queryset=CsPrice.objects.select_related("industry", "spend_band")
        ),
        save=lambda formset: formset.save(),
        template="onboarding/pricing_matrix.html",
        redirect_to="onboarding:pricing_matrix",
        saved="CS pricing matrix saved.",
        context={
            "headers": ["Industry", "Spend", "Client size", "Service", "Monthly CS fee (£)"],
            "submit": "Save the matrix",
        },
    )
