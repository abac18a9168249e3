"""Import clients, contacts and account teams from a spreadsheet: template, upload, preview, confirm.

For admins and the head of CS (people.roles.can_create_client). The uploaded file waits under
MEDIA_ROOT/imports/ (no URL serves MEDIA_ROOT) between the preview and the confirm, which reads it
again and plans again — so what is written is what the database holds at the moment of confirming —
then applies it all in one transaction or not at all.
"""

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csops.exports import csv_response, xlsx_response
from csops.spreadsheets import SpreadsheetError, read_table
from people import roles

from ..imports import KINDS, TITLES, plan_import, template_rows
from ..services.imports import ImportFailed, import_apply

SESSION_KEY = "csops_import"
PREVIEW_ROWS = 500  # rows listed on the preview page; the counts cover all of them


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds", choices=list(TITLES.items()), widget=forms.RadioSelect
    )
    file = forms.FileField(
        label="CSV or Excel file", help_text="The first row names the columns, as in the template."
    )


def _may_import(user):
    if not roles.can_create_client(user):
        raise PermissionDenied("Only admins and the head of CS import clients.")


def _limits():
    return {"max_bytes": settings.CSOPS_IMPORT_MAX_MB * 1_000_000, "max_rows": settings.CSOPS_IMPORT_MAX_ROWS}


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _render(request, form, plan=None, token="", error="", status=200):
    shown = None
    if plan is not None:
        # errors first, so a person fixing the file sees what to fix without scrolling past 10,000 rows
        ordered = sorted(plan.rows, key=lambda r: (r.action != "error", r.line))
        shown = ordered[:PREVIEW_ROWS]
    return render(
        request,
        "clients/import.html",
        {"form": form, "plan": plan, "shown": shown, "token": token, "error": error, "kinds": TITLES},
        status=status,
    )


@login_required
def import_upload(request):
    _may_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _render(request, form)
    if not form.is_valid():
        return _render(request, form, status=400)
    upload = form.cleaned_data["file"]
    limit = _limits()["max_bytes"]
    if upload.size > limit:  # said before reading a byte of it
        form.add_error(
            "file",
            f"The file is {upload.size / 1e6:.1f} MB; the most an import takes is {limit / 1e6:.1f} MB.",
        )
        return _render(request, form, status=400)
    data = upload.read()
    try:
        table = read_table(upload.name, data, **_limits())
    except SpreadsheetError as exc:
        form.add_error("file", str(exc))
        return _render(request, form, status=400)
    kind = form.cleaned_data["kind"]
    plan = plan_import(kind, table)
    token = secrets.token_urlsafe(16)
    (_folder() / token).write_bytes(data)
    previous = request.session.get(SESSION_KEY)
    if previous:
        (_folder() / previous["token"]).unlink(missing_ok=True)
    request.session[SESSION_KEY] = {"token": token, "kind": kind, "name": upload.name}
    return _render(request, form, plan, token=token if plan.ok else "", status=200 if plan.ok else 400)


@login_required
@require_POST
def import_confirm(request):
    _may_import(request.user)
    pending = request.session.get(SESSION_KEY)
    if not pending or request.POST.get("token") != pending["token"]:
        messages.error(request, "That preview has expired: upload the file again.")
        return redirect("clients:import")
    path = _folder() / pending["token"]
    form = ImportForm(initial={"kind": pending["kind"]})
    try:
        plan = plan_import(pending["kind"], read_table(pending["name"], path.read_bytes(), **_limits()))
    except (OSError, SpreadsheetError):
        messages.error(request, "That preview has expired: upload the file again.")
        return redirect("clients:import")
    if not plan.ok:
        return _render(
            request,
            form,
            plan,
            error="Something changed since the preview: nothing was imported.",
            status=400,
        )
    try:
        counts = import_apply(plan=plan, by=request.user)
    except ImportFailed as exc:
        return _render(request, form, plan, error=f"Nothing was imported. {exc}", status=400)
    path.unlink(missing_ok=True)
    del request.session[SESSION_KEY]
    unchanged = plan.count("unchanged")
    messages.success(
        request,
        f"{TITLES[plan.kind]} imported: {counts['created']} created, {counts['updated']} updated, "
        f"{unchanged} unchanged.",
    )
    return redirect("clients:list" if plan.kind == "clients" else "clients:import")


@login_required
def import_template(request, kind, fmt):
    _may_import(request.user)
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        raise Http404("No such template.")
    headers, example = template_rows(kind)
    name = f"csops-import-{kind}-template"
    if fmt == "csv":
        return csv_response(name, headers, [example])
    return xlsx_response(name, TITLES[kind], headers, [example])
