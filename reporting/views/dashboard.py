"""The head of CS's portfolio view (PRODUCT.md §2 dashboards)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from csops import permissions as perms

from ..portfolio import portfolio as portfolio_data


@login_required
def portfolio(request):
    if not perms.can_view_portfolio(request.user):
        raise PermissionDenied("The portfolio view is for the head of CS.")
    today = timezone.localdate()
    return render(request, "reporting/portfolio.html", {"p": portfolio_data(today), "today": today})
