"""Cross- and upsell writes: channel-map rows, opportunities (and what winning one does), audits."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clients.models import EngagementType
from clients.services.accounts import client_spend_change
from commercial.models import Audit, ChannelRow, Opportunity, Project
from csops.versioning import version_claim
from people.services import Notice, notify_many


@transaction.atomic
def channel_row_save(*, row: ChannelRow, by, version: int | None = None) -> ChannelRow:
    """Create or edit one channel of a client's map (history keeps every change and who made it)."""
    if row.pk is not None:
        version_claim(row, version)
    row._history_user = by
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def opportunity_save(*, opportunity: Opportunity, by, version: int | None = None) -> Opportunity:
    """Create or edit. Winning stamps the day; a won one-off records the project with its value."""
    if opportunity.pk is not None:
        version_claim(opportunity, version)
    else:
        opportunity.created_by = by
    if opportunity.stage == Opportunity.Stage.WON and opportunity.won_at is None:
        opportunity.won_at = timezone.now()
    elif opportunity.stage != Opportunity.Stage.WON:
        opportunity.won_at = None
    opportunity._history_user = by
    opportunity.full_clean()
    opportunity.save()
    if opportunity.stage == Opportunity.Stage.WON and opportunity.value_period == Opportunity.Period.ONE_OFF:
        Project.objects.update_or_create(
            opportunity=opportunity,
            defaults={
                "client_id": opportunity.client_id,
                "name": opportunity.title,
                "value": opportunity.value,
                "won_on": timezone.localdate(opportunity.won_at),
            },
        )
    return opportunity


def spend_offer(opportunity: Opportunity):
    """The client's monthly spend after this won upsell, if winning it should change the spend."""
    client = opportunity.client
    if (
        opportunity.stage == Opportunity.Stage.WON
        and opportunity.value_period == Opportunity.Period.MONTHLY
        and client.engagement_type == EngagementType.RETAINED
        and opportunity.spend_applied_at is None
        and opportunity.value
    ):
        return (client.monthly_spend or 0) + opportunity.value
    return None


@transaction.atomic
def opportunity_spend_apply(*, opportunity: Opportunity, by) -> str:
    """Add a won monthly upsell to the client's retainer, once: the comms plan follows (what changed)."""
    if spend_offer(opportunity) is None:
        return ""
    claimed = Opportunity.objects.filter(
        pk=opportunity.pk, stage=Opportunity.Stage.WON, spend_applied_at__isnull=True
    ).update(spend_applied_at=timezone.now())
    if not claimed:  # applied already (a second click, a second tab)
        return ""
    client = opportunity.client
    new_spend = (client.monthly_spend or 0) + opportunity.value
    _, note = client_spend_change(client=client, by=by, monthly_spend=new_spend)
    return note or "Monthly spend updated; the comms plan was already right."


@transaction.atomic
def audit_save(*, audit: Audit, by, version: int | None = None) -> Audit:
    """Create or edit an audit; the first time it is done, the AM hears it is ready to share."""
    became_done = False
    if audit.pk is not None:
        version_claim(audit, version)
        was = Audit.objects.filter(pk=audit.pk).values_list("status", flat=True).first()
        became_done = audit.status == Audit.Status.DONE and was != Audit.Status.DONE
    else:
        audit.requested_by = by
        became_done = audit.status == Audit.Status.DONE
    if audit.status == Audit.Status.DONE:
        audit.done_at = audit.done_at or timezone.now()
    else:
        audit.done_at = None
    audit._history_user = by
    audit.full_clean()
    audit.save()
    if became_done:
        opportunity = audit.opportunity
        notify_many(
            [
                Notice(
                    user=opportunity.owner,
                    key=f"audit-{audit.pk}-done",
                    url=reverse("commercial:opportunity_detail", args=[opportunity.pk]),
                    subject=f"Audit done: {opportunity.client.name}, {opportunity.title}"[:200],
                    body=(
                        f"{audit.get_kind_display()} for {audit.audience or 'the client'} is ready: "
                        "share it with the client."
                    ),
                )
            ]
        )
    return audit
