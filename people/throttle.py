"""Counting requests per fixed window in the database: what limits password-reset emails.

In the database, not the cache, so every web process counts together and a cache outage does not
lift the limit. A database error fails open (the request proceeds), logged: the reset page must
work, and the database being down stops the reset anyway.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Throttle

log = logging.getLogger(__name__)

HOUR = datetime.timedelta(hours=1)


def throttle_claim(*, key: str, limit: int, window: datetime.timedelta = HOUR) -> bool:
    """Take one of `limit` slots for `key` in the current window; False when none is left."""
    now = timezone.now()
    seconds = int(window.total_seconds())
    start = datetime.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=datetime.UTC)
    try:
        with transaction.atomic():
            Throttle.objects.get_or_create(
                key=key, window_start=start, defaults={"expires_at": start + window}
            )
            taken = Throttle.objects.filter(key=key, window_start=start, count__lt=limit).update(
                count=F("count") + 1
            )
    except DatabaseError:
        log.exception("throttle %s could not be counted; letting the request through", key)
        return True
    return taken == 1


def password_reset_allowed(*, email: str, address: str | None) -> bool:
    """Whether a reset email may go to `email` for a request from `address` (both are counted).

    The address is claimed first: a flood from one address across many emails stops at its own
    limit without using up anyone's per-email slots.
    """
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return throttle_claim(
        key=f"reset-address:{address or 'unknown'}", limit=settings.CSOPS_PASSWORD_RESETS_PER_ADDRESS
    ) and throttle_claim(key=f"reset-email:{digest}", limit=settings.CSOPS_PASSWORD_RESETS_PER_EMAIL)
