"""Personal API tokens (issue 19, REST API): made and revoked by the person, shown once.

Only a SHA-256 of the key is kept: the key is 32 random bytes, so a fast hash is enough (no salt
or slow hash needed against guessing), and a leaked database gives no working key. `prefix` (the
key's first characters) lets the person tell their tokens apart on the settings page.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “BI export” or “Zapier”.")
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # touched at most once a minute per token (people/tokens.py), not on every request
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # the settings page lists tokens by name: a blank one could not be told apart
            models.CheckConstraint(
                condition=~Q(name=""),
                name="apitoken_name_not_empty",
                violation_error_message="Give the token a name: what will use it?",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_revoked")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
