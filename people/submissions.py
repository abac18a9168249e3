"""Create forms create once per submission (issue 10, item 6).

Each create form carries a one-time token (csops.forms.SubmitOnceMixin). submit_once() records the
submission in the same transaction as what the form creates, under a unique key: the database, not
a check-then-write, decides which of two identical POSTs creates. The second — a double click, a
retry after a timeout, the back button, a second tab — waits for the first to commit, fails the
unique index, writes nothing and lands where the first one did.
"""

import hashlib
from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction

from .models import FormSubmission


def submission_key(request, token: str) -> str:
    """The token with the person, the address and everything sent (bar the CSRF token).

    What was sent is part of the key because a page shown again (a duplicated tab, the back button)
    carries the same token: two different actions typed into two such tabs are two submissions; the
    same one sent twice is one.
    """
    digest = hashlib.sha256()
    parts = [str(request.user.pk), request.path, token]
    parts += [
        f"{name}={value}"
        for name in sorted(request.POST)
        if name != "csrfmiddlewaretoken"
        for value in request.POST.getlist(name)
    ]
    parts += [
        f"{name}:{f.name}:{f.size}" for name in sorted(request.FILES) for f in request.FILES.getlist(name)
    ]
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def submit_once(request, form, create: Callable[[], str]) -> tuple[str, bool]:
    """Run `create` (it writes, and returns the URL to land on) once per submission of `form`.

    Returns (url, created). A form sent without a token (a page from before tokens) creates as before.
    Errors from `create` roll the submission back with it, so the same form can be corrected and sent.
    """
    token = form.cleaned_data.get("form_token")
    if not token:
        return create(), True
    key = submission_key(request, token)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = FormSubmission.objects.create(key=key, user=request.user)
        except IntegrityError:
            # The same submission, already made (if at the same moment, we waited for it to commit).
            first = FormSubmission.objects.filter(key=key).values_list("landed_at", flat=True).first()
            messages.info(request, "That form was sent twice: it was saved once.")
            return first or "", False
        url = create()
        row.landed_at = url[:500]
        row.save(update_fields=["landed_at"])
    return url, True


def submitted_before(request) -> str | None:
    """Where this submission landed when it was made before, else None.

    For forms whose own checks would refuse a repeat ("… already has the domain …"): asked before
    validating, so the repeat lands where the first one did instead of on an error about itself.
    """
    token = request.POST.get("form_token")
    if request.method != "POST" or not token:
        return None
    first = (
        FormSubmission.objects.filter(key=submission_key(request, token))
        .values_list("landed_at", flat=True)
        .first()
    )
    if first:
        messages.info(request, "That form was sent twice: it was saved once.")
    return first or None
