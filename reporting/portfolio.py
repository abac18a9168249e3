"""The head of CS's portfolio view (PRODUCT.md §2 dashboards): one read of the whole book.

Every panel is an aggregate in SQL (the spend band is a CASE built from the reporting matrix), so
the page costs a fixed dozen short queries whether the agency has 30 clients or 2,000, and no
client row is loaded into Python except the few named as exceptions.
"""

import datetime
from collections import defaultdict

from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Sum, Value, When
from django.db.models.functions import Coalesce

from clients.models import AccountTeamMembership, Client, Flag, Tier
from commercial.selectors import renewals
from csops.dates import quarter_label, quarter_start

from . import meet, nps
from .models import AGENCY_CURRENCY, BandTable, ExchangeRate
from .services.occurrences import adherence_by_am, percent

EXCEPTION_LIMIT = 25
RENEWAL_LIMIT = 15


def in_play():
    return Client.objects.current()


def band_of(bands: BandTable):
    """The client's spend band id as a SQL expression (NULL when no band holds its spend)."""
    none = Value(None, output_field=IntegerField())
    whens = [When(band.amount_q(), then=Value(band.pk)) for band in bands.bands]
    return Case(*whens, default=none, output_field=IntegerField()) if whens else none


def tier_band_grid(tiers, bands: BandTable):
    """Counts of clients per tier (rows) and spend band (columns, in the matrix's order)."""
    counts = {
        (r["tier_id"], r["band"]): r["n"]
        for r in bands.with_pounds(in_play())
        .annotate(band=band_of(bands))
        .values("tier_id", "band")
        .annotate(n=Count("pk"))
        .order_by()
    }
    columns = list(bands.bands)
    if any(band is None for _, band in counts):
        columns.append(None)
    keys = [b.pk if b else None for b in columns]
    rows = [{"tier": t, "cells": [counts.get((t.pk, k), 0) for k in keys]} for t in tiers]
    for row in rows:
        row["total"] = sum(row["cells"])
    totals = [sum(row["cells"][i] for row in rows) for i in range(len(keys))]
    return {"columns": columns, "rows": rows, "totals": totals, "clients": sum(counts.values())}


def spend_totals():
    """Monthly retainer spend and live project value, per currency (one grouped sum)."""
    monthly, projects = {}, {}
    rows = in_play().values("currency").annotate(monthly=Sum("monthly_spend"), projects=Sum("project_value"))
    for r in rows.order_by("currency"):
        if r["monthly"]:
            monthly[r["currency"]] = r["monthly"]
        if r["projects"]:
            projects[r["currency"]] = r["projects"]
    return {"monthly": monthly, "projects": projects}


def _named(queryset):
    """(how many, the first few) of a client queryset, in one query of two narrow columns."""
    rows = list(queryset.order_by("name").values("pk", "name"))
    return len(rows), rows[:EXCEPTION_LIMIT]


def _no_rate():
    """Clients in a currency with no exchange rate: they cannot be banded (the bands are in pounds)."""
    rows = list(
        in_play()
        .exclude(currency=AGENCY_CURRENCY)
        .exclude(currency__in=ExchangeRate.objects.values("currency"))
        .order_by("name")
        .values("pk", "name", "currency")
    )
    return len(rows), rows[:EXCEPTION_LIMIT]


def lead_misfits():
    """Clients whose lead's most senior role ranks below what the tier asks (seed 000, tiering).

    One grouped query over the lead memberships: each lead's best role rank against the tier's.
    """
    rows = list(
        AccountTeamMembership.objects.filter(
            is_lead=True, client__in=in_play(), client__tier__lead_min_role__isnull=False
        )
        .values(
            "client_id",
            "client__name",
            "client__tier__name",
            "client__tier__lead_min_role__name",
            "client__tier__lead_min_role__rank",
            "user__first_name",
            "user__last_name",
        )
        .annotate(best=Coalesce(Max("user__profile__roles__rank"), 0))
        .filter(best__lt=F("client__tier__lead_min_role__rank"))
        .order_by("client__name", "client_id")
    )
    return len(rows), [
        {
            "pk": r["client_id"],
            "name": r["client__name"],
            "tier": r["client__tier__name"],
            "lead": f"{r['user__first_name']} {r['user__last_name']}".strip(),
            "needs": r["client__tier__lead_min_role__name"],
        }
        for r in rows[:EXCEPTION_LIMIT]
    ]


def portfolio(today: datetime.date) -> dict:
    tiers = list(Tier.objects.order_by("rank"))
    grid = tier_band_grid(tiers, BandTable.load())
    this_q = quarter_start(today)
    last_q = nps.quarters_back(today, 2)[0]
    tallies = nps.by_quarter([last_q, this_q])
    done, due = nps.response_rates(this_q).get(None, (0, 0))
    flags = defaultdict(int)
    for severity, n in (
        Flag.objects.filter(status__in=Flag.OPEN_STATUSES)
        .values_list("severity")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        flags[severity] = n
    adherence = adherence_by_am(today=today)
    renewal_total, renewal_list = renewals(today, limit=RENEWAL_LIMIT)
    leads = AccountTeamMembership.objects.filter(client=OuterRef("pk"), is_lead=True)
    return {
        "client_count": grid["clients"],
        "grid": grid,
        "spend": spend_totals(),
        "nps": {
            "this": tallies[this_q],
            "last": tallies[last_q],
            "this_label": quarter_label(this_q),
            "last_label": quarter_label(last_q),
            "done": done,
            "due": due,
            "rate": percent((done, due)),
        },
        "flags": [
            {"severity": value, "label": label, "count": flags[value]}
            for value, label in Flag.Severity.choices[::-1]
        ],
        "open_flags": sum(flags.values()),
        "adherence": {
            "held": adherence["total"][0],
            "due": adherence["total"][1],
            "percent": percent(adherence["total"]),
        },
        "am_adherence": meet.am_adherence(today, adherence["ams"]),
        "renewals_total": renewal_total,
        "renewals": renewal_list,
        "exceptions": {
            "no_sponsor": _named(in_play().filter(exec_sponsor__isnull=True)),
            "no_plan": _named(in_play().filter(comms_plan__isnull=True)),
            "no_lead": _named(in_play().exclude(Exists(leads))),
            "misfit": lead_misfits(),
            "no_rate": _no_rate(),
        },
    }
