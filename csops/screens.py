"""The matrix screens' one view: admins edit a whole table at once, the head of CS reads it.

The reporting, entertainment and CS pricing matrices and the agency-wide escalation rules are the same
screen: a permission to read, a stricter one to change, a form (or formset) over the whole table that
is checked as a whole, one transaction to save it, then back to the screen with a message.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render


def matrix_screen(
    request,
    *,
    what: str,
    may_view: Callable,
    may_edit: Callable,
    build: Callable,
    save: Callable,
    template: str,
    redirect_to: str,
    saved: str,
    context: dict | None = None,
):
    """`build(data)` makes the form or formset (data is None on GET); `save(form)` writes a valid one."""
    if not may_view(request.user):
        raise PermissionDenied(f"The {what} is for admins and the head of CS.")
    editable = may_edit(request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied(f"Only admins change the {what}.")
    form = build(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            save(form)
        messages.success(request, saved)
        return redirect(redirect_to)
    return render(request, template, {"form": form, "formset": form, "editable": editable, **(context or {})})
