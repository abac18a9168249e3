import logging

from django.db import transaction
from django.urls import reverse

from clients.models import heads_of_cs
from csops.versioning import version_claim
from people.services import notify

from .models import Contract

log = logging.getLogger(__name__)

RENEWAL_STAGES = (90, 60, 30)


@transaction.atomic
def contract_save(*, contract, by, version: int | None = None) -> Contract:
    """Create or edit; editing with the form's `version` raises StaleEdit if the contract moved meanwhile."""
    if contract.pk is not None and version is not None:
        version_claim(contract, version)
    contract.full_clean()
    contract.save()
    return contract


def renewal_stage(days_left: int) -> int | None:
    """The reminder due with this many days left: 90, 60 or 30 (only the latest, if beat missed days)."""
    for stage in sorted(RENEWAL_STAGES):
        if days_left <= stage:
            return stage
    return None


def contract_renewal_reminders(*, today) -> int:
    """Lead AM and heads of CS hear 90, 60 and 30 days before a live contract ends."""
    contracts = (
        Contract.objects.ending(today, max(RENEWAL_STAGES))
        .select_related("client")
        .prefetch_related("client__memberships__user")
    )
    heads = list(heads_of_cs())
    sent = 0
    for contract in contracts:
        days_left = (contract.end_date - today).days
        stage = renewal_stage(days_left)
        leads = [m.user for m in contract.client.memberships.all() if m.is_lead]
        for user in {*leads, *heads}:
            sent += notify(
                user=user,
                key=f"contract-{contract.pk}-renewal-{stage}",
                url=reverse("clients:detail", args=[contract.client_id]),
                subject=f"Renewal in {stage} days: {contract.client.name} ends {contract.end_date:%d %b %Y}",
                body=(
                    f"{contract.title} ends on {contract.end_date:%A %d %B %Y} ({days_left} days). "
                    f"Notice date: {contract.notice_date:%d %B %Y}. "
                    "Agree the renewal actions in the weekly meet."
                ),
            )
    log.info("contracts: %d renewal reminders", sent)
    return sent
