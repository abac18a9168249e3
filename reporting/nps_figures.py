"""The NPS figures agency-wide pages read: per quarter, materialised (reporting.NpsQuarterFigures).

The NPS page and the portfolio show, for each of the last eight quarters, the agency's tally and
check-in response rate, and for one quarter the breakdowns per tier, sponsor and lead AM. Computed
per request these read every check-in and survey answer of those quarters: the work grows with the
book (5× the clients, 3× the SQL). Instead each quarter's figures are computed once, stored, and
read back in one query; they are recomputed when a write has moved what they read.

What they read is stamped like a cached fragment's key (reporting/cache.py): the counters of
`kind:nps` (check-ins, survey answers), `kind:clients` (a client's tier and sponsor), `kind:team`
(who leads a client), `kind:matrices` (the tiers) and `everything` (the loading commands). Every
write path already moves those counters in its own transaction (reporting/versions.py), so stored
figures are never served after a write that changed them: the stamp differs and the reader
recomputes. The stamp is read before the figures are computed, so a write that lands meanwhile
leaves them stale, never wrong under a fresh stamp. This holds with caching off: the counters are
rows of the database, not cache entries.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import Q

from clients.models import Tier

from .cache import digest, scopes_of, versions
from .models import NpsCheckIn, NpsQuarterFigures, SurveyResponse
from .nps import ANSWER_COUNTS, CHECKIN_COUNTS, Row, Tally

log = logging.getLogger(__name__)

# moves every stored quarter's stamp when what is stored changes shape or meaning
FORMAT = 1
READS = scopes_of(kinds=["nps", "clients", "team", "matrices"])

# dimension → (the check-ins' grouping field, the survey answers', a filter on both)
_LEAD = Q(client__memberships__is_lead=True)
DIMENSIONS = {
    "all": (None, None, None),
    "tier": ("client__tier", "client__tier", None),
    # a survey answer counts for the client's sponsor; a check-in for whoever sponsored it then
    "sponsor": ("sponsor", "client__exec_sponsor", None),
    "am": ("client__memberships__user", "client__memberships__user", _LEAD),
}


def _stamp() -> str:
    return digest({"format": FORMAT, **versions(None, READS)})


def _compute(quarters) -> dict:
    """{quarter: figures} of these quarters, from the check-ins and survey answers: two grouped
    queries per dimension, whatever the number of quarters or clients.

    figures: {dimension: [[key, promoters, passives, detractors, done, due], …]} (JSON: a key may
    be None, "No tier" or "No sponsor"); "all" has the one row with key None.
    """
    out = {q: {dimension: {} for dimension in DIMENSIONS} for q in quarters}
    checkins = NpsCheckIn.objects.filter(quarter__in=quarters)
    answers = SurveyResponse.objects.filter(quarter__in=quarters)
    for dimension, (checkin_key, answer_key, where) in DIMENSIONS.items():
        for queryset, key, counts, answered_only in (
            (checkins, checkin_key, CHECKIN_COUNTS, False),
            (answers, answer_key, ANSWER_COUNTS, True),
        ):
            fields = ["quarter", key] if key else ["quarter"]
            grouped = queryset.filter(where) if where is not None else queryset
            for r in grouped.values(*fields).annotate(**counts).order_by():
                row = out[r["quarter"]][dimension].setdefault(r[key] if key else None, [0, 0, 0, 0, 0])
                row[0] += r["promoters"]
                row[1] += r["passives"]
                row[2] += r["detractors"]
                if not answered_only:
                    row[3] += r["done"]
                    row[4] += r["due"]
    return {
        q: {dimension: [[k, *v] for k, v in rows.items()] for dimension, rows in by_dimension.items()}
        for q, by_dimension in out.items()
    }


def quarter_figures(quarters) -> dict:
    """{quarter: figures} (see _compute) for these quarters: one query for the stamp, one for the
    stored figures; a quarter missing or stale is computed and stored (all such quarters at once)."""
    quarters = list(quarters)
    stamp = _stamp()
    stored = dict(
        NpsQuarterFigures.objects.filter(quarter__in=quarters, stamp=stamp).values_list("quarter", "figures")
    )
    missing = [q for q in quarters if q not in stored]
    if missing:
        computed = _compute(missing)
        _store(computed, stamp)
        stored.update(computed)
    return {q: stored[q] for q in quarters}


def _store(computed: dict, stamp: str) -> None:
    """Upsert computed figures; two readers storing the same quarter at once both succeed. Storing
    is an optimisation: a database that refuses it (a read-only replica) costs a recompute, no error."""
    rows = [NpsQuarterFigures(quarter=q, stamp=stamp, figures=f) for q, f in computed.items()]
    try:
        with transaction.atomic():
            NpsQuarterFigures.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["quarter"],
                update_fields=["stamp", "figures", "computed_at"],
            )
    except DatabaseError:
        log.exception("could not store the NPS figures of %s", ", ".join(map(str, computed)))


def trend(quarters, figures: dict | None = None) -> tuple[dict, dict]:
    """({quarter: Tally}, {quarter: (check-ins done, due)}) agency-wide, from the stored figures."""
    figures = figures if figures is not None else quarter_figures(quarters)
    tallies, rates = {}, {}
    for q in quarters:
        rows = figures[q]["all"]
        _key, promoters, passives, detractors, done, due = rows[0] if rows else (None, 0, 0, 0, 0, 0)
        tallies[q] = Tally(promoters, passives, detractors)
        rates[q] = (done, due)
    return tallies, rates


def breakdowns(quarter, figures: dict | None = None) -> dict:
    """Per tier, per sponsor and per lead AM for one quarter, each a list of Rows sorted by label."""
    figures = figures if figures is not None else quarter_figures([quarter])
    quarter_rows = figures[quarter]
    tiers = dict(Tier.objects.values_list("pk", "name"))
    people_ids = {r[0] for dimension in ("sponsor", "am") for r in quarter_rows[dimension] if r[0]}
    names = {
        u["pk"]: f"{u['first_name']} {u['last_name']}".strip() or u["username"]
        for u in get_user_model()
        .objects.filter(pk__in=people_ids)
        .values("pk", "first_name", "last_name", "username")
    }

    def rows(dimension, labels, none_label):
        out = [
            Row(labels.get(k, none_label) if k else none_label, Tally(p, pa, d), done, due)
            for k, p, pa, d, done, due in quarter_rows[dimension]
        ]
        return sorted(out, key=lambda r: r.label)

    return {
        "tiers": rows("tier", tiers, "No tier"),
        "sponsors": rows("sponsor", names, "No sponsor"),
        "ams": rows("am", names, "No lead AM"),
    }
