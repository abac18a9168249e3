from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from csops import permissions as perms

from .forms import CsPriceFormSet
from .models import CsPrice


@login_required
def pricing_matrix(request):
    """The CS pricing matrix (seed 000, "CS pricing"): industry × client size × service → monthly CS fee."""
    if not perms.can_view_matrices(request.user):
        raise PermissionDenied("The matrices are for admins and the head of CS.")
    editable = perms.can_edit_matrices(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied("Only admins change the pricing matrix.")
    formset = CsPriceFormSet(request.POST or None, queryset=CsPrice.objects.select_related("industry"))
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, "CS pricing matrix saved.")
        return redirect("onboarding:pricing_matrix")
    return render(request, "onboarding/pricing_matrix.html", {"formset": formset, "editable": editable})
