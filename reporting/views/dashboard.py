"""The head of CS's portfolio view (PRODUCT.md §2 dashboards)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from people import roles

from ..cache import cached, scopes_of
from ..portfolio import portfolio as portfolio_data
from ..team_objectives import team_objectives

# what the portfolio's panels read: ticking an action or logging a call moves none of these
PORTFOLIO_READS = scopes_of(
    kinds=["clients", "team", "flags", "nps", "occurrences", "contracts", "matrices", "people"]
)


@login_required
def portfolio(request):
    if not roles.can_view_portfolio(request.user):
        raise PermissionDenied("The portfolio view is for the head of CS.")
    today = timezone.localdate()
    body = cached(
        request,
        "portfolio",
        (),
        lambda: render_to_string(
            "reporting/partials/portfolio_body.html", {"p": portfolio_data(today), "today": today}
        ),
        scopes=PORTFOLIO_READS,
    )
    return render(
        request,
        "reporting/portfolio.html",
        {"body": body, "team_objectives": team_objectives(today.year, today)},
    )
