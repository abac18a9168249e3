"""The navigation bar's search: what the person may see, grouped by kind (commercial/search.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from commercial.search import PER_KIND, search_for
from people import roles


@login_required
def search(request):
    if not roles.reads_clients(request.user):
        raise PermissionDenied("Your role reads no clients.")
    query = request.GET.get("q", "").strip()[:200]
    results = search_for(request.user, query)
    return render(
        request, "commercial/search.html", {"results": results, "query": query, "per_kind": PER_KIND}
    )
