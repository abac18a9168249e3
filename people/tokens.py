"""Personal API tokens: make, revoke, and find the person a key belongs to (people/models/tokens.py)."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

KEY_PREFIX = "csops_"
MAX_ACTIVE = 10  # a person needing more tokens than this is sharing one account between systems
TOUCH_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` and its key: the key is returned here once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name: what will use it?"})
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if len(active) >= MAX_ACTIVE:
        raise ValidationError(f"You have {MAX_ACTIVE} tokens: revoke one you no longer use first.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[: len(KEY_PREFIX) + 4], key_hash=_hash(key))
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Stop the token working at once; the row stays (when it was made, last used, revoked)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=token.revoked_at)
    return token


def api_token_user(key: str):
    """The active user a key belongs to, or None; notes when the token was last used."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
