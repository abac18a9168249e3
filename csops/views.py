"""Project-wide views that belong to no app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def bench_bare(request):
    """The benchmark's yardstick: a short text through the same middleware and login as every page."""
    return HttpResponse("ok", content_type="text/plain")
