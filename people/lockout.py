"""Login lockout that cannot be turned against someone else (django-axes, configured in settings).

Behind the TLS proxy every request comes from the proxy's address, so axes' (username, REMOTE_ADDR)
lock let anyone lock anyone out. client_address reads the address the trusted proxy saw; the lock
is on username + that address; and AddressLimitHandler adds a higher limit per address across
usernames, so one address guessing many names is stopped too.
"""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the entry the
    outermost trusted proxy appended to X-Forwarded-For. Entries left of it are the client's own
    words and never trusted; a header too short or not an address means REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


class AddressLimitHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit: failures from one address, any username.

    Axes applies one AXES_FAILURE_LIMIT to every lockout parameter; an office behind one NAT address
    needs more room than one username does, hence AXES_ADDRESS_FAILURE_LIMIT.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return limit  # the address is over its own limit: locked whatever the username
        return failures

    @staticmethod
    def address_failures(request) -> int:
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
