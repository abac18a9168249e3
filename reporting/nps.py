"""Net Promoter Score (PRODUCT.md §2 reporting/, seed 000 "Feedback, NPS and checking in").

NPS = % promoters (9–10) − % detractors (0–6), over the sponsors' check-ins and the clients' own
survey answers together. Every tally is one aggregate query per source, whatever the number of
clients; the two sources are added up in Python. The agency-wide figures the NPS page and the
portfolio show are materialised per quarter: reporting/nps_figures.py.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from csops.dates import quarter_label, quarter_start

from .models import NpsCheckIn, SurveyResponse
from .services.occurrences import percent

PROMOTER_MIN = 9
DETRACTOR_MAX = 6
# below this many answers a quarter's NPS swings 20+ points on one answer: the page says so
FEW_ANSWERS = 5


@dataclass(frozen=True)
class Tally:
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> int | None:
        return nps(self.promoters, self.passives, self.detractors)

    @property
    def too_few(self) -> bool:
        return 0 < self.responses < FEW_ANSWERS

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.promoters + other.promoters,
            self.passives + other.passives,
            self.detractors + other.detractors,
        )


def nps(promoters: int, passives: int, detractors: int) -> int | None:
    """Whole-number NPS, halves rounded away from zero; None when nobody answered (not 0)."""
    total = promoters + passives + detractors
    if not total:
        return None
    value = Decimal(100 * (promoters - detractors)) / Decimal(total)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tally_of(scores) -> Tally:
    scores = list(scores)
    return Tally(
        sum(s >= PROMOTER_MIN for s in scores),
        sum(DETRACTOR_MAX < s < PROMOTER_MIN for s in scores),
        sum(s <= DETRACTOR_MAX for s in scores),
    )


ANSWER_COUNTS = {
    "promoters": Count("pk", filter=Q(score__gte=PROMOTER_MIN)),
    "passives": Count("pk", filter=Q(score__gt=DETRACTOR_MAX, score__lt=PROMOTER_MIN)),
    "detractors": Count("pk", filter=Q(score__lte=DETRACTOR_MAX)),
}


def _grouped(queryset, key: str) -> dict:
    rows = queryset.values(key).annotate(**ANSWER_COUNTS).order_by()
    return {r[key]: Tally(r["promoters"], r["passives"], r["detractors"]) for r in rows}


def _answered_checkins():
    return NpsCheckIn.objects.filter(status=NpsCheckIn.Status.DONE, score__isnull=False)


def _merge(*maps) -> dict:
    merged = defaultdict(Tally)
    for m in maps:
        for k, t in m.items():
            merged[k] = merged[k] + t
    return dict(merged)


def quarters_back(today: datetime.date, n: int) -> list[datetime.date]:
    """The first days of the last `n` quarters, oldest first, ending with today's quarter."""
    out = [quarter_start(today)]
    for _ in range(n - 1):
        out.append(quarter_start(out[-1] - datetime.timedelta(days=1)))
    return out[::-1]


def by_quarter(quarters, client_ids=None) -> dict:
    """{quarter start: Tally} for the given quarters, agency-wide or for some clients."""
    return trend(quarters, client_ids)[0]


def trend(quarters, client_ids=None) -> tuple[dict, dict]:
    """({quarter: Tally}, {quarter: (check-ins done, due)}) for the given quarters: two queries, one
    per source, each reading only those quarters' rows (the quarter indexes)."""
    checkins = NpsCheckIn.objects.filter(quarter__in=quarters)
    surveys = SurveyResponse.objects.filter(quarter__in=quarters)
    if client_ids is not None:
        checkins, surveys = (
            checkins.filter(client_id__in=client_ids),
            surveys.filter(client_id__in=client_ids),
        )
    tallies, rates = _grouped_checkins(checkins, "quarter")
    merged = _merge(tallies, _grouped(surveys, "quarter"))
    return {q: merged.get(q, Tally()) for q in quarters}, {q: rates.get(q, (0, 0)) for q in quarters}


_DONE = Q(status=NpsCheckIn.Status.DONE)
# a check-in's answer and the response rate in one pass: answered ones are done with a score
CHECKIN_COUNTS = {
    "promoters": Count("pk", filter=_DONE & Q(score__gte=PROMOTER_MIN)),
    "passives": Count("pk", filter=_DONE & Q(score__gt=DETRACTOR_MAX, score__lt=PROMOTER_MIN)),
    "detractors": Count("pk", filter=_DONE & Q(score__lte=DETRACTOR_MAX)),
    "due": Count("pk"),
    "done": Count("pk", filter=_DONE),
}


def _grouped_checkins(queryset, key: str) -> tuple[dict, dict]:
    """({key: Tally of the answers}, {key: (done, due)}) of the check-ins, in one grouped query."""
    tallies, rates = {}, {}
    for r in queryset.values(key).annotate(**CHECKIN_COUNTS).order_by():
        if r["promoters"] or r["passives"] or r["detractors"]:
            tallies[r[key]] = Tally(r["promoters"], r["passives"], r["detractors"])
        rates[r[key]] = (r["done"], r["due"])
    return tallies, rates


@dataclass
class Row:
    label: str
    tally: Tally
    done: int = 0
    due: int = 0

    @property
    def response_rate(self) -> int | None:
        return percent((self.done, self.due))

    def as_dict(self) -> dict:
        """What the page's tables show, worked out once (a template reads a dict fastest)."""
        return {
            "label": self.label,
            "nps": self.tally.nps,
            "responses": self.tally.responses,
            "done": self.done,
            "due": self.due,
            "rate": self.response_rate,
        }


def client_scores(client, limit: int = 8) -> list[dict]:
    """The client's answers, newest first: sponsor check-ins and survey answers together."""
    checkins = (
        _answered_checkins().filter(client=client).select_related("sponsor").order_by("-quarter")[:limit]
    )
    surveys = SurveyResponse.objects.filter(client=client).select_related("invite__contact")[:limit]
    rows = [
        {
            "quarter": c.quarter,
            "label": quarter_label(c.quarter),
            "score": c.score,
            "source": "Exec sponsor",
            "who": c.sponsor.get_full_name() if c.sponsor else "",
            "comment": c.comment,
            "when": c.completed_at,
        }
        for c in checkins
    ] + [
        {
            "quarter": s.quarter,
            "label": quarter_label(s.quarter),
            "score": s.score,
            "source": "Client survey",
            "who": s.invite.contact.name,
            "comment": s.comment,
            "when": s.created_at,
        }
        for s in surveys
    ]
    rows.sort(key=lambda r: r["when"] or datetime.datetime.min.replace(tzinfo=datetime.UTC), reverse=True)
    return rows[:limit]


def trend_svg_points(values: list[int | None], labels: list[str], width=640, height=200, pad=34) -> dict:
    """Coordinates for a server-rendered line chart of NPS (−100…100) over quarters; gaps stay gaps.

    The value axis's labels sit right-aligned in a gutter of `pad` on the left; the first and last
    quarters are inset by half a label's width, so the centred quarter and value labels never run
    into the axis labels or off the edge. A value at the top of the chart is labelled below its dot.
    """
    n = len(values)
    inset = 30  # about half the width of "Q4 2026" or "-100" at the chart's 11 px
    left, right = pad + inset, width - inset
    step = (right - left) / max(n - 1, 1)

    def x(i):
        return round(left + i * step, 1)

    def y(v):
        return round(pad / 2 + (100 - v) * (height - 1.5 * pad) / 200, 1)

    points = [
        {"x": x(i), "y": y(v), "value": v, "label_y": y(v) - 8 if y(v) - 8 >= 12 else y(v) + 16}
        for i, v in enumerate(values)
        if v is not None
    ]
    return {
        "width": width,
        "height": height,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "ticks": [{"x": x(i), "label": label} for i, label in enumerate(labels)],
        "gridlines": [{"value": v, "y": y(v), "text_y": y(v) + 4} for v in (100, 50, 0, -50, -100)],
        "pad": pad,
        "label_x": pad - 6,  # the value axis's labels end here (text-anchor: end)
        "axis_y": height - 6,
    }
