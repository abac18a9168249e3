"""Reads of contracts that other apps' pages and notices share."""

from clients.models import leads_prefetch

from .models import Contract

RENEWAL_WINDOW_DAYS = 90  # the weekly meet's item 3 and the portfolio look this far ahead


def contracts_up_for_renewal(today, days=RENEWAL_WINDOW_DAYS):
    """Signed or sent contracts of current clients ending in the window, soonest first."""
    return (
        Contract.objects.ending(today, days)
        .filter(client__archived_at__isnull=True)
        .order_by("end_date", "pk")
    )


def renewals(today, days=RENEWAL_WINDOW_DAYS, limit=None):
    """Contracts up for renewal: (how many, the first `limit` with their client and its leads)."""
    contracts = contracts_up_for_renewal(today, days).select_related("client")
    total = contracts.count()
    shown = contracts[:limit] if limit else contracts
    return total, list(shown.prefetch_related(leads_prefetch("client__")))
