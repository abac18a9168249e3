"""The one save loop every commercial form uses: bad input, a stale edit, a clash or a rule broken
in the service comes back as a form error (400) with nothing written."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render

from clients import permissions as perms
from csops.forms import integrity_error_on_form
from csops.versioning import StaleEdit
from people.submissions import submit_once

# PRODUCT.md §1: the account team writes its clients' channel maps, opportunities, audits and events,
# as it writes their calls and actions; the head of CS everything (clients/permissions.py decides).
TEAM_WRITE = perms.LOG_CALL


def form_page(request, form, save, template, context, *, status_ok=200):
    """Validate `form` on POST and call `save()` (it writes and returns the URL to land on)."""
    if request.method == "POST" and form.is_valid():
        try:
            url, _ = submit_once(request, form, save) if "form_token" in form.fields else (save(), True)
        except StaleEdit as exc:
            form.refuse_stale(exc)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        except IntegrityError:
            integrity_error_on_form(form)
        else:
            return redirect(url)
    status = 400 if request.method == "POST" else status_ok
    return render(request, template, {**context, "form": form}, status=status)
