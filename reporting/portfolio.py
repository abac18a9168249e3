"""The head of CS's portfolio view (PRODUCT.md §2 dashboards): one read of the whole book.

Every panel is an aggregate in SQL (the spend band is a CASE built from the reporting matrix), so
the page costs a fixed dozen short queries whether the agency has 30 clients or 2,000, and no
client row is loaded into Python except the few named as exceptions.
"""

import datetime
from collections import defaultdict

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When, Window

from clients.models import AccountTeamMembership, Client, Flag, Tier
from commercial.selectors import renewals
from csops.dates import quarter_label, quarter_start
from people.models import StaffProfile

from . import meet, nps, nps_figures
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


def _first_named(queryset, *fields):
    """(how many, the first few) of a client queryset, in one query that reads only the first few
    rows: the count is a window over the whole match (the list stays short as the book grows)."""
    rows = list(
        queryset.annotate(total=Window(Count("pk")))
        .order_by("name", "pk")
        .values("pk", "name", *fields, "total")[:EXCEPTION_LIMIT]
    )
    return (rows[0]["total"] if rows else 0), rows


def _named(queryset):
    return _first_named(queryset)


def _no_rate():
    """Clients in a currency with no exchange rate: they cannot be banded (the bands are in pounds)."""
    return _first_named(
        in_play()
        .exclude(currency=AGENCY_CURRENCY)
        .exclude(currency__in=ExchangeRate.objects.values("currency")),
        "currency",
    )


def lead_misfits(tiers):  # tiers with their lead_min_role
    """Clients whose lead's most senior role ranks below what the tier asks (seed 000, tiering).

    One query names the lead memberships, per tier that asks for a role, whose person is not among
    those holding a role that senior (a subquery per tier, hashed once): it no longer joins every
    lead to every role they hold and groups them.
    """
    asks = [t for t in tiers if t.lead_min_role_id]
    if not asks:
        return 0, []
    misfit = Q()
    for tier in asks:
        rank = tier.lead_min_role.rank
        senior_enough = StaffProfile.objects.filter(roles__rank__gte=rank).values("user_id")
        misfit |= Q(client__tier_id=tier.pk) & ~Q(user_id__in=senior_enough)
    rows = list(
        AccountTeamMembership.objects.filter(misfit, is_lead=True, client__in=in_play())
        .values(
            "client_id",
            "client__name",
            "client__tier__name",
            "client__tier__lead_min_role__name",
            "user__first_name",
            "user__last_name",
        )
        .annotate(total=Window(Count("pk")))
        .order_by("client__name", "client_id")[:EXCEPTION_LIMIT]
    )
    return (rows[0]["total"] if rows else 0), [
        {
            "pk": r["client_id"],
            "name": r["client__name"],
            "tier": r["client__tier__name"],
            "lead": f"{r['user__first_name']} {r['user__last_name']}".strip(),
            "needs": r["client__tier__lead_min_role__name"],
        }
        for r in rows
    ]


def portfolio(today: datetime.date) -> dict:
    tiers = list(Tier.objects.select_related("lead_min_role").order_by("rank"))
    grid = tier_band_grid(tiers, BandTable.load())
    this_q = quarter_start(today)
    last_q = nps.quarters_back(today, 2)[0]
    tallies, rates = nps_figures.trend([last_q, this_q])
    done, due = rates[this_q]
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
            "misfit": lead_misfits(tiers),
            "no_rate": _no_rate(),
        },
    }
