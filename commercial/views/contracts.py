from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from clients import permissions as perms
from clients.models import Client
from commercial.forms.contracts import ContractForm, EntertainmentMatrixForm
from commercial.models import Contract, EntertainmentBudget
from commercial.services import contracts as services
from csops.forms import integrity_error_on_form
from csops.screens import matrix_screen
from csops.versioning import StaleEdit
from people import roles
from people.submissions import submit_once
from reporting.models import ReportingBand
from reporting.services.plans import comms_plans_refresh_later


@login_required
def contract_create(request, pk):
    return _contract_form(request, pk, None)


@login_required
def contract_edit(request, pk, contract_pk):
    return _contract_form(request, pk, contract_pk)


def _contract_form(request, pk, contract_pk):
    client = perms.get_client_for(request.user, pk, perms.EDIT)
    contract = (
        get_object_or_404(Contract, pk=contract_pk, client=client) if contract_pk else Contract(client=client)
    )
    form = ContractForm(request.POST or None, request.FILES or None, instance=contract)
    if request.method == "POST" and form.is_valid():

        def save():
            services.contract_save(
                contract=form.save(commit=False), by=request.user, version=form.cleaned_data.get("version")
            )
            messages.success(request, "Contract saved.")
            return reverse("clients:detail", args=[client.pk]) + "#contracts"

        try:
            url, _ = submit_once(request, form, save)  # a new contract has a token; an edit a version
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            return redirect(url or reverse("clients:detail", args=[client.pk]))
    return render(
        request,
        "commercial/contract_form.html",
        {
            "client": client,
            "form": form,
            "contract": contract if contract_pk else None,
            "title": f"{'Edit' if contract_pk else 'New'} contract: {client.name}",
        },
    )


@login_required
def contract_document(request, contract_pk):
    """Signed contracts are not public media: served only to those who may see the client."""
    contract = get_object_or_404(Contract.objects.select_related("client"), pk=contract_pk)
    perms.get_client_for(request.user, contract.client_id)
    if not contract.document:
        raise Http404("No document uploaded.")
    try:
        handle = contract.document.open("rb")
    except FileNotFoundError:
        # the row outlived its file (a restore without media, a volume lost): say so, not 500
        raise Http404("The document is missing from storage.") from None
    return FileResponse(handle, as_attachment=True, filename=contract.document.name.rsplit("/", 1)[-1])


@login_required
def entertainment_matrix(request):
    bands = list(ReportingBand.objects.all())
    budgets = {(b.band_id, b.propensity): b.monthly_budget for b in EntertainmentBudget.objects.all()}

    def save(form):
        for band_id, propensity, amount in form.cells():
            if budgets.get((band_id, propensity)) != amount:
                EntertainmentBudget.objects.update_or_create(
                    band_id=band_id, propensity=propensity, defaults={"monthly_budget": amount}
                )
        comms_plans_refresh_later()

    return matrix_screen(
        request,
        what="entertainment matrix",
        may_view=roles.can_view_matrices,
        may_edit=roles.can_edit_matrices,
        build=lambda data: EntertainmentMatrixForm(
            data, bands=bands, propensities=Client.Propensity.choices, budgets=budgets
        ),
        save=save,
        template="commercial/entertainment_matrix.html",
        redirect_to="commercial:entertainment_matrix",
        saved="Entertainment matrix saved.",
        context={"propensities": Client.Propensity.choices},
    )
