"""Every export's URL (issue 19): /exports/<slug>.csv or .xlsx, and the page listing them.

A new list's export is an `Export` in its app's exports.py and its name in EXPORTS here.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path

from clients import exports as client_exports
from commercial import exports as commercial_exports
from onboarding import exports as onboarding_exports
from people import exports as people_exports
from reporting import exports as reporting_exports

from .exports import export_view

app_name = "exports"

EXPORTS = (
    *client_exports.EXPORTS,
    *reporting_exports.EXPORTS,
    *commercial_exports.EXPORTS,
    *onboarding_exports.EXPORTS,
    *people_exports.EXPORTS,
)


@login_required
def index(request):
    """Settings → Exports: each list the person may export, as CSV or Excel."""
    exports = [e for e in EXPORTS if e.allowed(request.user)]
    if not exports:  # new business exports the pitch pipeline without reading clients
        raise PermissionDenied("Your role exports no lists.")
    return render(request, "csops/exports.html", {"exports": exports})


urlpatterns = [
    path("", index, name="index"),
    *(path(f"{e.slug}.<str:fmt>", export_view, {"export": e}, name=e.slug) for e in EXPORTS),
]
