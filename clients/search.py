"""Search from the navigation bar (issue 19, item 5): clients, contacts, calls and flags the person
may see, grouped by kind, one query per kind. Opportunities are added above, in commercial/search.py
(commercial imports clients, so the whole search is composed there).

PostgreSQL: full-text search (config "simple": names and client jargon are not English words to
stem), each term a prefix (`north` finds Northwind), over a stored generated vector per kind with
its GIN index (migrations clients 0016 and 0017: SearchVector's expression over FIELDS, computed
when the row is written) — so the 250,000 calls' notes are searched through an index, not read, and
the rows searched cost no vector each.
Client and contact names also match anywhere inside (icontains), since people type
fragments of names (through the trigram indexes of migration clients 0015). SQLite: icontains on
the same fields.

Calls and flags are listed newest first, and PostgreSQL cannot guess how many rows a prefix query
matches (it assumes 2%): for a rare word it walked the calls newest first, computing each one's
vector, 250,000 of them — 10 to 30 seconds. So the newest are searched first: the latest WINDOW
rows (a word in 2% of the calls fills the page from them, in milliseconds), and only when they hold
fewer than a page's worth, the whole table through the GIN index, sorted on an expression no
btree index serves, so the index is used (a word that rare matches at most a few thousand rows).
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, Subquery, Value
from django.db.models.expressions import RawSQL

from .models import Call, Client, Contact, Flag

PER_KIND = 10
MAX_TERMS = 6
WINDOW = 500  # the newest calls (flags) searched before the whole table

# Every kind has a stored generated vector on PostgreSQL (migrations 0016 and 0017: the same
# expression, computed once when the row is written, not for each row at every search): read it.
STORED = {"client": Client, "contact": Contact, "call": Call, "flag": Flag}


def stored_vector(model):
    column = f"{connection.ops.quote_name(model._meta.db_table)}.search_vector"
    return RawSQL(column, [], output_field=SearchVectorField())


FIELDS = {
    "client": ("name", "domain"),
    "contact": ("name", "email", "title"),
    "call": ("rapport", "delivery", "strategy", "commercial"),
    "flag": ("title", "description", "resolution"),
}


@dataclass
class Results:
    query: str
    clients: list
    contacts: list
    calls: list
    flags: list

    @property
    def total(self) -> int:
        return len(self.clients) + len(self.contacts) + len(self.calls) + len(self.flags)


def terms_of(query: str) -> list[str]:
    """The words searched for: letters and digits only (no tsquery syntax gets through), at most six."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _matching(queryset, kind: str, terms: list[str], anywhere_in=(), vector=None, fields=None):
    """`queryset` narrowed to the rows holding every term. `vector` (the indexed SearchVector) and
    `fields` (the fallback's) default to this module's for `kind`; an app above passes its own."""
    if _postgres():
        tsquery = SearchQuery(" & ".join(f"{t}:*" for t in terms), search_type="raw", config="simple")
        match = Q(search=tsquery)
        for name in anywhere_in:
            match |= Q(*[Q(**{f"{name}__icontains": t}) for t in terms], _connector=Q.AND)
        if vector is None:
            vector = stored_vector(STORED[kind])
        return queryset.annotate(search=vector).filter(match)
    match = Q()
    for term in terms:
        match &= Q(*[Q(**{f"{f}__icontains": term}) for f in fields or FIELDS[kind]], _connector=Q.OR)
    return queryset.filter(match)


def _newest(queryset, kind: str, terms: list[str], when: str, fields: tuple) -> list[dict]:
    """The newest PER_KIND rows matching, by `when` (see the module's docstring for the two steps)."""
    matching = _matching(queryset, kind, terms)
    if not _postgres():
        return list(matching.order_by(f"-{when}").values(*fields)[:PER_KIND])
    # the newest WINDOW rows, as those at or after the WINDOW-th newest's time: one backward scan of
    # the time index checking each row's stored vector (a `pk IN (newest)` probed each row twice)
    cutoff = queryset.order_by(f"-{when}").values(when)[WINDOW - 1 : WINDOW]
    newest = matching.filter(**{f"{when}__gte": Subquery(cutoff)})
    found = list(newest.order_by(f"-{when}").values(*fields)[:PER_KIND])
    if len(found) == PER_KIND:
        return found
    unindexed = ExpressionWrapper(F(when) + Value(datetime.timedelta(0)), output_field=DateTimeField())
    return list(matching.order_by(unindexed.desc()).values(*fields)[:PER_KIND])


def search_for(user, query: str) -> Results:
    terms = terms_of(query)
    if not terms:
        return Results(query, [], [], [], [])
    seen = Client.objects.for_user(user)
    seen_pks = seen.values("pk")
    clients = _matching(seen, "client", terms, anywhere_in=("name",)).order_by("archived_at", "name")
    contacts = _matching(
        Contact.objects.filter(client__in=seen_pks), "contact", terms, anywhere_in=("name",)
    ).order_by("archived_at", "name")
    return Results(
        query,
        clients=list(clients.values("pk", "name", "domain", "status", "archived_at")[:PER_KIND]),
        contacts=list(
            contacts.values("pk", "name", "title", "email", "client_id", "client__name", "archived_at")[
                :PER_KIND
            ]
        ),
        calls=_newest(
            Call.objects.filter(client__in=seen_pks),
            "call",
            terms,
            "held_at",
            ("pk", "held_at", "kind", "client_id", "client__name", "delivery"),
        ),
        flags=_newest(
            Flag.objects.filter(client__in=seen_pks),
            "flag",
            terms,
            "raised_at",
            ("pk", "title", "severity", "status", "client_id", "client__name"),
        ),
    )
