"""The head of CS's portfolio view (PRODUCT.md §2 dashboards): one read of the whole book.

Each panel is a single aggregate or a single scan of narrow rows, so the page's query count is fixed
whatever the number of clients.
"""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count

from clients.models import AccountTeamMembership, Client, EngagementType, Flag, Tier
from people.models import StaffProfile

from . import meet, nps, services
from .models import BandTable, quarter_label, quarter_start

EXCEPTION_LIMIT = 25


def _in_play():
    return Client.objects.active().filter(status__in=[Client.Status.ACTIVE, Client.Status.ONBOARDING])


def tier_band_grid(clients, bands: BandTable, tiers):
    """Counts of clients per tier (rows) and spend band (columns, retainer then project)."""
    counts = Counter()
    for c in clients:
        band = bands.for_client(c)
        counts[(c.tier_id, band.pk if band else None)] += 1
    columns = list(bands.bands)
    if any(key[1] is None for key in counts):
        columns.append(None)
    rows = [
        {
            "tier": t,
            "cells": [counts[(t.pk, b.pk if b else None)] for b in columns],
            "total": sum(counts[(t.pk, b.pk if b else None)] for b in columns),
        }
        for t in tiers
    ]
    totals = [sum(counts[(t.pk, b.pk if b else None)] for t in tiers) for b in columns]
    return {"columns": columns, "rows": rows, "totals": totals}


def spend_totals(clients):
    """Monthly retainer spend and live project value, per currency."""
    monthly, projects = defaultdict(Decimal), defaultdict(Decimal)
    for c in clients:
        if c.engagement_type == EngagementType.RETAINED and c.monthly_spend:
            monthly[c.currency] += c.monthly_spend
        elif c.project_value:
            projects[c.currency] += c.project_value
    return {"monthly": dict(sorted(monthly.items())), "projects": dict(sorted(projects.items()))}


def lead_misfits(clients, tiers):
    """Clients with no lead AM, or whose lead's most senior role ranks below what the tier asks."""
    leads = dict(
        AccountTeamMembership.objects.filter(is_lead=True, client__in=[c.pk for c in clients]).values_list(
            "client_id", "user_id"
        )
    )
    best_rank, names = defaultdict(int), {}
    for user_id, rank, first, last, username in StaffProfile.objects.filter(
        user_id__in=set(leads.values())
    ).values_list("user_id", "roles__rank", "user__first_name", "user__last_name", "user__username"):
        best_rank[user_id] = max(best_rank[user_id], rank or 0)
        names[user_id] = f"{first} {last}".strip() or username
    need = {t.pk: t.lead_min_role for t in tiers}
    no_lead, misfit = [], []
    for c in clients:
        lead = leads.get(c.pk)
        if lead is None:
            no_lead.append(c)
            continue
        role = need.get(c.tier_id)
        if role is not None and best_rank[lead] < role.rank:
            misfit.append({"client": c, "lead": names.get(lead, ""), "needs": role.name})
    return no_lead, misfit


def portfolio(today: datetime.date) -> dict:
    tiers = list(Tier.objects.select_related("lead_min_role").order_by("rank"))
    tier_names = {t.pk: t for t in tiers}
    bands = BandTable.load()
    clients = list(
        _in_play()
        .only(
            "pk",
            "name",
            "tier_id",
            "engagement_type",
            "monthly_spend",
            "project_value",
            "currency",
            "exec_sponsor_id",
            "status",
        )
        .annotate(plans=Count("comms_plan"))
        .order_by("name")
    )
    for c in clients:
        c.tier_obj = tier_names.get(c.tier_id)
    no_lead, misfits = lead_misfits(clients, tiers)
    this_q = quarter_start(today)
    last_q = nps.quarters_back(today, 2)[0]
    tallies = nps.by_quarter([last_q, this_q])
    done, due = nps.response_rates(this_q).get(None, (0, 0))
    flags = dict(
        Flag.objects.exclude(status=Flag.Status.RESOLVED)
        .values_list("severity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    adherence = services.adherence(today=today)
    renewals = meet.renewals(today)
    no_sponsor = [c for c in clients if not c.exec_sponsor_id]
    no_plan = [c for c in clients if not c.plans]
    return {
        "client_count": len(clients),
        "grid": tier_band_grid(clients, bands, tiers),
        "spend": spend_totals(clients),
        "nps": {
            "this": tallies[this_q],
            "last": tallies[last_q],
            "this_label": quarter_label(this_q),
            "last_label": quarter_label(last_q),
            "done": done,
            "due": due,
            "rate": round(100 * done / due) if due else None,
        },
        "flags": [
            {"severity": value, "label": label, "count": flags.get(value, 0)}
            for value, label in Flag.Severity.choices[::-1]
        ],
        "open_flags": sum(flags.values()),
        "adherence": {
            "held": adherence["total"][0],
            "due": adherence["total"][1],
            "percent": services.percent(adherence["total"]),
        },
        "am_adherence": meet.am_adherence(today),
        "renewals": renewals,
        "exceptions": {
            "no_sponsor": (len(no_sponsor), no_sponsor[:EXCEPTION_LIMIT]),
            "no_plan": (len(no_plan), no_plan[:EXCEPTION_LIMIT]),
            "no_lead": (len(no_lead), no_lead[:EXCEPTION_LIMIT]),
            "misfit": (len(misfits), misfits[:EXCEPTION_LIMIT]),
        },
    }
