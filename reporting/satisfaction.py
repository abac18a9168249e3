"""The monthly client satisfaction report (seed 001: "ratings and trends across all accounts").

Reading of the seed: the agency's aggregate satisfaction score is the average of each active account's
latest 0–10 rating (sponsor check-in or client survey), given in the six months to the month's end,
times ten — so every account counts once, and the target "80+" means an average rating of 8 or more.
One query reads the ratings for the whole window; the twelve months are worked out in Python.
"""

import datetime
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clients.models import AccountTeamMembership, Client
from csops.dates import add_months, month_end, month_start
from csops.rows import RunReport
from csops.text import counted
from people.selectors import heads_of_cs
from people.services import Notice, not_yet_notified, notify_each

from .models import NpsCheckIn, SurveyResponse

FRESH_MONTHS = 6  # a rating older than two quarters no longer speaks for the account
TREND_MONTHS = 12


@dataclass(frozen=True)
class Rating:
    client_id: int
    day: datetime.date
    score: int
    source: str


def ratings_between(first: datetime.date, last: datetime.date) -> list[Rating]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    checkins = NpsCheckIn.objects.filter(
        status=NpsCheckIn.Status.DONE, completed_at__gte=start, completed_at__lt=end
    ).values_list("client_id", "completed_at", "score")
    surveys = SurveyResponse.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "client_id", "created_at", "score"
    )
    rows = [Rating(c, at.astimezone(tz).date(), s, "Exec sponsor") for c, at, s in checkins]
    rows += [Rating(c, at.astimezone(tz).date(), s, "Client survey") for c, at, s in surveys]
    return sorted(rows, key=lambda r: r.day)


def _between(ratings, days, first: datetime.date, last: datetime.date):
    """The ratings (sorted by day; `days` their days) given from `first` to `last`, by bisection."""
    return ratings[bisect_left(days, first) : bisect_right(days, last)]


def latest_by_client(ratings, until: datetime.date, client_ids, days=None) -> dict[int, list[Rating]]:
    """Each account's ratings in the fresh window ending `until`, newest first (`ratings` by day)."""
    since = add_months(month_start(until), -FRESH_MONTHS + 1)
    days = days if days is not None else [r.day for r in ratings]
    out = defaultdict(list)
    for r in _between(ratings, days, since, until):
        if r.client_id in client_ids:
            out[r.client_id].append(r)
    return {k: v[::-1] for k, v in out.items()}


def score_of(per_client) -> int | None:
    latest = [v[0].score for v in per_client.values()]
    return round(10 * sum(latest) / len(latest)) if latest else None


def report(month: datetime.date) -> dict:
    """The report for the month starting `month`: the aggregate, its trend, and every rated account."""
    target = settings.CSOPS_SATISFACTION_TARGET
    last_month = month_start(month)
    first_month = add_months(last_month, -TREND_MONTHS + 1)
    window_start = add_months(first_month, -FRESH_MONTHS + 1)
    ratings = ratings_between(window_start, month_end(last_month))
    days = [r.day for r in ratings]
    # display rows, not models: the whole book is read (10,000 accounts at the largest agency)
    clients = {
        row["pk"]: {"pk": row["pk"], "name": row["name"], "tier": row["tier__name"]}
        for row in Client.objects.current().values("pk", "name", "tier__name")
    }
    trend = []
    for i in range(TREND_MONTHS):
        start = add_months(first_month, i)
        end = month_end(start)  # once per month, not once per rating
        per_client = latest_by_client(ratings, end, clients, days)
        trend.append(
            {
                "month": start,
                "score": score_of(per_client),
                "rated": len(per_client),
                "given": len(_between(ratings, days, start, end)),
            }
        )
    current = latest_by_client(ratings, month_end(last_month), clients, days)
    # the current book's leads, joined in SQL (an IN list of every rated account's id costs more)
    leads = {
        client_id: f"{first} {last}".strip()
        for client_id, first, last in AccountTeamMembership.objects.filter(
            is_lead=True, client__in=Client.objects.current()
        ).values_list("client_id", "user__first_name", "user__last_name")
        if client_id in current
    }
    # the previous rating may be older than the fresh window: it is only there to show the trend
    history = defaultdict(list)
    for r in _between(ratings, days, window_start, month_end(last_month)):
        history[r.client_id].append(r)
    accounts = []
    for client_id, rs in current.items():
        earlier = history[client_id][::-1]
        previous = earlier[1].score if len(earlier) > 1 else None
        accounts.append(
            {
                "client": clients[client_id],
                "lead": leads.get(client_id, ""),
                "score": rs[0].score,
                "on": rs[0].day,
                "source": rs[0].source,
                "previous": previous,
                "change": rs[0].score - previous if previous is not None else None,
            }
        )
    accounts.sort(key=lambda a: (a["score"], a["client"]["name"]))
    score = trend[-1]["score"]
    before = trend[-2]["score"] if len(trend) > 1 else None
    return {
        "month": last_month,
        "target": target,
        "score": score,
        "change": score - before if score is not None and before is not None else None,
        "meets_target": score is not None and score >= target,
        "rated": len(current),
        "active": len(clients),
        "unrated": len(clients) - len(current),
        # the accounts to chase for a rating, by name
        "unrated_accounts": sorted(
            (c for pk, c in clients.items() if pk not in current), key=lambda c: c["name"]
        ),
        "below_target": sum(1 for a in accounts if a["score"] * 10 < target),
        "trend": trend,
        "accounts": accounts,
        "chart": chart(trend, target),
    }


def chart(trend, target, width=640, height=180, pad=28) -> dict:
    """Coordinates for a server-rendered bar chart of the monthly score (0–100) with the target line."""
    n = len(trend)
    slot = (width - 2 * pad) / max(n, 1)

    def y(v):
        return pad + (100 - v) * (height - 2 * pad) / 100

    bars = [
        {
            "x": round(pad + i * slot + slot * 0.15, 1),
            "y": round(y(m["score"]), 1) if m["score"] is not None else None,
            "h": round(y(0) - y(m["score"]), 1) if m["score"] is not None else 0,
            "w": round(slot * 0.7, 1),
            "label": m["month"].strftime("%b"),
            "score": m["score"],
            "good": m["score"] is not None and m["score"] >= target,
            "cx": round(pad + i * slot + slot / 2, 1),
        }
        for i, m in enumerate(trend)
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "target_y": round(y(target), 1),
        "base_y": round(y(0), 1),
        "pad": pad,
    }


def satisfaction_report_notify(*, today) -> RunReport:
    """The 1st of the month: last month's client satisfaction report, to the head of CS (seed 001)."""
    month = add_months(month_start(today), -1)
    key = f"satisfaction-{month:%Y-%m}"
    heads = not_yet_notified(heads_of_cs(), key)
    if not heads:  # told already this month: a rerun costs this one query
        return notify_each((), task="satisfaction report notices")
    data = report(month)
    counts = (
        f"{data['rated']} of {counted(data['active'], 'account')} rated; {data['below_target']} below target."
    )
    verdict = (
        "no ratings yet"
        if data["score"] is None
        else f"{data['score']} against the {settings.CSOPS_SATISFACTION_TARGET}+ target"
    )
    return notify_each(
        (
            Notice(
                user=head,
                key=key,
                url=reverse("reporting:satisfaction") + f"?month={month:%Y-%m}",
                subject=f"Client satisfaction, {month:%B %Y}: {verdict}",
                body=counts,
            )
            for head in heads
        ),
        task="satisfaction report notices",
    )
