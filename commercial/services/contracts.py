from django.db import transaction
from django.urls import reverse

from clients.models import leads_prefetch
from commercial.models import Contract
from csops.rows import BATCH_SIZE, RunReport
from csops.versioning import version_claim
from people.selectors import heads_of_cs
from people.services import Notice, notify_each

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


def contract_renewal_reminders(*, today) -> RunReport:
    """Lead AM and heads of CS hear 90, 60 and 30 days before a live contract ends."""
    contracts = (
        Contract.objects.ending(today, max(RENEWAL_STAGES))
        .select_related("client")
        .prefetch_related(leads_prefetch("client__"))
    )
    heads = list(heads_of_cs())
    return notify_each(
        (
            notice
            for contract in contracts.iterator(chunk_size=BATCH_SIZE)
            for notice in _renewal_notices(contract, today, heads)
        ),
        task="contract renewal reminders",
    )


def _renewal_notices(contract, today, heads) -> list[Notice]:
    days_left = (contract.end_date - today).days
    stage = renewal_stage(days_left)
    return [
        Notice(
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
        for user in {*(m.user for m in contract.client.leads), *heads}
    ]
