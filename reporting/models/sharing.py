"""The client's live activity dashboard: who may have one, the links that share it, every view.

Seed 000, "Activity Reporting": a real-time view of what has been completed of the monthly plan,
beside the performance dashboard, to keep comms open and reduce questions on calls. The reporting
matrix decides who gets one (the comms plan carries it); the head of CS can grant it as bespoke.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class ClientDashboard(models.Model):
    """A client's dashboard settings: the AM's short commentary and any bespoke grant."""

    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="dashboard")
    commentary = models.TextField(
        "commentary for the client",
        blank=True,
        max_length=1500,
        help_text="A few lines the client reads at the top of their dashboard. Nothing internal.",
    )
    commentary_updated_at = models.DateTimeField(null=True, blank=True)
    commentary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # the head of CS's bespoke grant, for a client whose band does not include a dashboard
    bespoke_granted_at = models.DateTimeField(null=True, blank=True)
    bespoke_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(bespoke_granted_at__isnull=True) | Q(bespoke_granted_by__isnull=False),
                name="dashboard_grant_has_who",
                violation_error_message="A bespoke dashboard grant records who granted it.",
            ),
        ]

    def __str__(self):
        return f"Dashboard of {self.client}"


class DashboardLink(models.Model):
    """A signed share link to the client's dashboard: expiring, revocable, with its last opening."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="dashboard_links")
    label = models.CharField(
        "who it is for", max_length=120, blank=True, help_text="e.g. the marketing team; for your own list."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_opened_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["last_opened_at", "views"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="dashboardlink_expires_after_creation",
                violation_error_message="A link expires after it is made.",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="dashboardlink_revoked_by_someone",
                violation_error_message="A revoked link records who revoked it.",
            ),
        ]

    def __str__(self):
        return f"Dashboard link for {self.client} ({self.created_at:%d %b %Y})"


class DashboardView(models.Model):
    """One opening of a shared dashboard: every view is logged (issue 17)."""

    link = models.ForeignKey(DashboardLink, on_delete=models.CASCADE, related_name="view_log")
    viewed_at = models.DateTimeField(auto_now_add=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.link} viewed {self.viewed_at:%d %b %Y %H:%M}"
