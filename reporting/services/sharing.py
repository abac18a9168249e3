"""Sharing the live activity dashboard with the client through signed, expiring, revocable links.

The token is the link's id signed with a salt of its own (a survey token is no dashboard token and
the other way round). Expiry and revocation live on the row, so a link can be stopped at once; a
client whose entitlement is withdrawn has every link stop with it. Each opening is logged.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ..models import ClientDashboard, CommsPlan, DashboardLink, DashboardView

DASHBOARD_SALT = "csops.reporting.dashboard"
LINK_DAYS_CHOICES = (7, 30, 90)


def dashboard_entitlement(client) -> str:
    """'plan' when the comms plan grants a live dashboard, 'bespoke' when the head of CS did, else ''."""
    if CommsPlan.objects.filter(client=client, live_dashboard=True).exists():
        return "plan"
    if ClientDashboard.objects.filter(client=client, bespoke_granted_at__isnull=False).exists():
        return "bespoke"
    return ""


def _dashboard_row(client) -> ClientDashboard:
    ClientDashboard.objects.get_or_create(client=client)
    return ClientDashboard.objects.select_for_update().get(client=client)


@transaction.atomic
def dashboard_bespoke_grant(*, client, by, granted: bool) -> ClientDashboard:
    """The head of CS grants (or withdraws) a live dashboard the client's band does not include."""
    row = _dashboard_row(client)
    if granted and row.bespoke_granted_at is None:
        row.bespoke_granted_at, row.bespoke_granted_by = timezone.now(), by
    elif not granted:
        row.bespoke_granted_at = row.bespoke_granted_by = None
    row.save()
    return row


@transaction.atomic
def dashboard_commentary_save(*, client, by, commentary: str) -> ClientDashboard:
    row = _dashboard_row(client)
    row.commentary = commentary.strip()
    row.commentary_by, row.commentary_updated_at = by, timezone.now()
    row.full_clean()
    row.save()
    return row


def dashboard_token(link: DashboardLink) -> str:
    return dashboard_token_for(link.pk)


def dashboard_token_for(link_id: int) -> str:
    """The link's id signed with the dashboard's own salt: changing a character breaks the signature."""
    return signing.Signer(salt=DASHBOARD_SALT).sign_object({"link": link_id}, compress=True)


def dashboard_path_for(link_id: int) -> str:
    return reverse("dashboard_shared", args=[dashboard_token_for(link_id)])


def dashboard_path(link: DashboardLink) -> str:
    return dashboard_path_for(link.pk)


def dashboard_url(link: DashboardLink) -> str:
    return settings.SITE_URL.rstrip("/") + dashboard_path(link)


@transaction.atomic
def dashboard_link_create(*, client, by, days: int, label: str = "") -> DashboardLink:
    """A new share link; refused (a field error) for a client without the entitlement."""
    if client.archived_at:
        raise ValidationError("This client is archived: nothing to share.")
    if not dashboard_entitlement(client):
        raise ValidationError(
            "This client's comms plan has no live dashboard; the head of CS can grant one as bespoke."
        )
    if days not in LINK_DAYS_CHOICES:
        raise ValidationError({"days": "Choose how long the link works: 7, 30 or 90 days."})
    now = timezone.now()
    link = DashboardLink(
        client=client, created_by=by, label=label.strip(), expires_at=now + datetime.timedelta(days=days)
    )
    link.created_at = now
    link.full_clean(exclude=["created_at"])
    link.save()
    return link


@transaction.atomic
def dashboard_link_revoke(*, link: DashboardLink, by) -> bool:
    """Stop the link now; True if this call revoked it (a second click changes nothing)."""
    return bool(
        DashboardLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
    )


class DashboardLinkError(Exception):
    """A link that cannot be opened: `reason` is 'invalid', 'expired' or 'revoked'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def dashboard_link_for_token(token: str) -> DashboardLink:
    """The link a token stands for, or DashboardLinkError saying why it cannot be opened."""
    try:
        link_id = int(signing.Signer(salt=DASHBOARD_SALT).unsign_object(token)["link"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DashboardLinkError("invalid") from None
    link = DashboardLink.objects.select_related("client").filter(pk=link_id).first()
    if link is None or link.client.archived_at:
        raise DashboardLinkError("invalid")
    if link.revoked_at or not dashboard_entitlement(link.client):
        raise DashboardLinkError("revoked")
    if timezone.now() >= link.expires_at:
        raise DashboardLinkError("expired")
    return link


def dashboard_view_record(*, link: DashboardLink, user_agent: str = "") -> None:
    """Log one opening and move the link's "last opened" (one insert, one conditional update)."""
    now = timezone.now()
    with transaction.atomic():
        DashboardView.objects.create(link=link, user_agent=user_agent[:200])
        DashboardLink.objects.filter(pk=link.pk).update(last_opened_at=now, views=F("views") + 1)
