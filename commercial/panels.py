"""The sections commercial adds to other apps' pages, each one context function (PRODUCT.md §2):
the client page's growth and entertainment section, my week's opportunities, the sponsor's events."""

import datetime

from django.utils import timezone

from clients import permissions as perms

from . import selectors_entertainment as entertainment
from . import selectors_growth as growth
from .models import Pooling


def client_panel(user, client, today=None) -> dict:
    today = today or timezone.localdate()
    ledger = entertainment.ledger_rows(entertainment.ledger_clients(today).filter(pk=client.pk))
    pooling = ledger[0]["pooling"] if ledger else "monthly"
    return {
        "can_write": perms.may(user, perms.LOG_CALL, client),
        "channels": growth.channel_map(client),
        "opportunities": growth.client_opportunities(client),
        "ledger": ledger[0] if ledger else None,
        "pooling": pooling,
        "poolings": Pooling.choices,
        "events": list(
            entertainment.events_between(
                today - datetime.timedelta(days=90), today + datetime.timedelta(days=365)
            )
            .filter(client=client)
            .values(*entertainment.EVENT_ROW)[:12]
        ),
    }


def my_week_panel(user) -> dict:
    return growth.my_opportunities(user)


def sponsor_panel(user, today=None) -> list[dict]:
    return entertainment.sponsor_events(user, today or timezone.localdate())
