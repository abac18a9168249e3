import datetime

from celery import shared_task
from django.utils import timezone

from .services import contract_renewal_reminders as _contract_renewal_reminders


@shared_task
def contract_renewal_reminders(today: str | None = None) -> int:
    return _contract_renewal_reminders(
        today=datetime.date.fromisoformat(today) if today else timezone.localdate()
    )
