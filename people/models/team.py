"""Managing the team in the app: invitations (issue 18, item 1)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Invitation(models.Model):
    """A person invited by the head of CS or an admin: their account exists, inactive until they set a
    password through the emailed link (people.invitations: Django's token machinery, valid 3 days)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"Invitation of {self.user} on {self.sent_at:%d %b %Y}"
