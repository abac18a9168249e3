"""Utilisation and cost to serve (issue 18, item 3; seed 000: "capacity, utilisation and progress to
inform hiring and freelance resourcing"; seed 003: "hours vs retainer").

Utilisation = hours logged ÷ capacity, per person and week (and month). Cost to serve = a client's hours
in a month × the hourly cost (CSOPS_CS_HOURLY_COST) against what it pays for CS: its agreed fee, or the
CS pricing matrix's fee for its size and services. Every figure is one grouped query, whatever the size
of the team or the book.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from clients.models import Client
from csops.dates import add_months, month_start, week_start
from onboarding.models import CsPrice
from people.models import ClientCsFee, Role, StaffProfile, TimeEntry

WEEKS = 12
# the pricing matrix's sizes and services, for the CS fee form
SIZES, SERVICES = CsPrice.Size.choices, CsPrice.Service.choices


def weeks_back(today: datetime.date, n: int = WEEKS) -> list[datetime.date]:
    """The Mondays of the `n` weeks up to and including `today`'s, oldest first."""
    last = week_start(today)
    return [last - datetime.timedelta(weeks=i) for i in range(n - 1, -1, -1)]


def _percent(hours, capacity) -> int | None:
    return round(Decimal(hours) * 100 / Decimal(capacity)) if capacity else None


def _team():
    """Active CS team with capacity, and each person's most senior CS role: two queries."""
    people = list(
        StaffProfile.objects.filter(user__is_active=True, roles__code__in=Role.CS_TEAM)
        .distinct()
        .order_by("user__first_name", "user__last_name")
        .values("user_id", "user__first_name", "user__last_name", "user__username", "capacity_hours")
    )
    best = {}
    for user_id, name, rank in (
        StaffProfile.roles.through.objects.filter(
            role__code__in=Role.CS_TEAM, staffprofile__user__is_active=True
        )
        .values_list("staffprofile__user_id", "role__name", "role__rank")
        .order_by("role__rank")
    ):
        best[user_id] = (rank, name)
    for p in people:
        p["name"] = f"{p['user__first_name']} {p['user__last_name']}".strip() or p["user__username"]
        p["role"] = best.get(p["user_id"], (0, "—"))[1]
        p["rank"] = best.get(p["user_id"], (0, ""))[0]
    return people


def utilisation(today: datetime.date, weeks: int = WEEKS) -> dict:
    """By person and by role, per week over `weeks` weeks, and per calendar month of those weeks."""
    mondays = weeks_back(today, weeks)
    hours = defaultdict(Decimal)
    for user_id, monday, total in (
        TimeEntry.objects.filter(timesheet__week__gte=mondays[0], timesheet__week__lte=mondays[-1])
        .values_list("timesheet__user_id", "timesheet__week")
        .annotate(total=Sum("hours"))
        .values_list("timesheet__user_id", "timesheet__week", "total")
    ):
        hours[user_id, monday] += total
    months = sorted({month_start(m) for m in mondays})
    people = _team()
    roles = {}
    for p in people:
        capacity = p["capacity_hours"]
        p["weeks"] = [
            {"week": m, "hours": hours[p["user_id"], m], "pct": _percent(hours[p["user_id"], m], capacity)}
            for m in mondays
        ]
        p["months"] = []
        for month in months:
            in_month = [m for m in mondays if month_start(m) == month]
            logged = sum((hours[p["user_id"], m] for m in in_month), Decimal(0))
            p["months"].append({"month": month, "pct": _percent(logged, capacity * len(in_month))})
        logged = sum((w["hours"] for w in p["weeks"]), Decimal(0))
        p["total_pct"] = _percent(logged, capacity * len(mondays))
        p["over"] = any((w["pct"] or 0) > 100 for w in p["weeks"])
        role = roles.setdefault(p["role"], {"role": p["role"], "rank": p["rank"], "people": 0, "weeks": []})
        role["people"] += 1
        role.setdefault("sums", [[Decimal(0), Decimal(0)] for _ in mondays])
        for i, w in enumerate(p["weeks"]):
            role["sums"][i][0] += w["hours"]
            role["sums"][i][1] += capacity
    by_role = sorted(roles.values(), key=lambda r: r["rank"])
    for role in by_role:
        role["weeks"] = [
            {"week": m, "pct": _percent(h, c)} for m, (h, c) in zip(mondays, role.pop("sums"), strict=True)
        ]
    return {"weeks": mondays, "months": months, "people": people, "roles": by_role}


# --- cost to serve ----------------------------------------------------------------------------------------


def _matrix_fees(fees: list[ClientCsFee], industries: dict) -> dict:
    """The pricing matrix's monthly fee for each fee row's size and services (one query for the matrix)."""
    cells = {
        (row["industry_id"], row["client_size"], row["service"]): row["monthly_fee"]
        for row in CsPrice.objects.values("industry_id", "client_size", "service", "monthly_fee")
    }
    out = {}
    for fee in fees:
        industry = industries.get(fee.client_id)
        total, found = Decimal(0), False
        for service in fee.services:
            price = cells.get(
                (industry, fee.client_size, service), cells.get((None, fee.client_size, service))
            )
            if price is not None:
                total, found = total + price, True
        out[fee.client_id] = total if found else None
    return out


def cost_to_serve(today: datetime.date, months: int = 3) -> dict:
    """Per current client, each of the last `months` months: hours logged, their cost, the CS fee."""
    first = add_months(month_start(today), -(months - 1))
    month_list = [add_months(first, i) for i in range(months)]
    rate = Decimal(settings.CSOPS_CS_HOURLY_COST)
    logged = defaultdict(Decimal)
    for client_id, monday, total in (
        TimeEntry.objects.filter(
            client__isnull=False, timesheet__week__gte=first - datetime.timedelta(days=6)
        )
        .values_list("client_id", "timesheet__week")
        .annotate(total=Sum("hours"))
        .values_list("client_id", "timesheet__week", "total")
    ):
        # a week counts for the month its Thursday falls in (ISO weeks' rule), so no week counts twice
        month = month_start(monday + datetime.timedelta(days=3))
        if month >= first:
            logged[client_id, month] += total
    client_ids = {c for c, _ in logged}
    clients = list(
        Client.objects.filter(pk__in=client_ids)
        .order_by("name")
        .values("pk", "name", "industry_id", "tier__name")
    )
    fees = list(ClientCsFee.objects.filter(client_id__in=client_ids))
    matrix = _matrix_fees(fees, {c["pk"]: c["industry_id"] for c in clients})
    fee_of = {
        f.client_id: (f.monthly_fee if f.monthly_fee is not None else matrix[f.client_id]) for f in fees
    }
    rows, over = [], []
    for c in clients:
        fee = fee_of.get(c["pk"])
        c["fee"] = fee
        c["months"] = []
        for month in month_list:
            hours = logged[c["pk"], month]
            cost = hours * rate
            c["months"].append(
                {"month": month, "hours": hours, "cost": cost, "over": fee is not None and cost > fee}
            )
        c["fee_hours"] = (fee / rate).quantize(Decimal("0.1")) if fee is not None else None
        c["over"] = any(m["over"] for m in c["months"])
        rows.append(c)
        if c["over"]:
            over.append(c)
    return {"months": month_list, "rows": rows, "over": over, "rate": rate}
