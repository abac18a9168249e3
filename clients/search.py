"""Search from the navigation bar (issue 19, item 5): clients, contacts, calls and flags the person
may see, grouped by kind, one query per kind.

PostgreSQL: full-text search (config "simple": names and client jargon are not English words to
stem), each term a prefix (`north` finds Northwind), over the same SearchVector expressions the GIN
indexes of migration clients 0013 are built on — so the 250,000 calls' notes are searched through an
index, not read. Client and contact names also match anywhere inside (icontains), since people type
fragments of names. SQLite: icontains on the same fields.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q

from .models import Call, Client, Contact, Flag

PER_KIND = 10
MAX_TERMS = 6

# The indexed expressions (migration 0013 builds its GIN indexes from these very objects).
VECTORS = {
    "client": lambda: SearchVector("name", "domain", config="simple"),
    "contact": lambda: SearchVector("name", "email", "title", config="simple"),
    "call": lambda: SearchVector("rapport", "delivery", "strategy", "commercial", config="simple"),
    "flag": lambda: SearchVector("title", "description", "resolution", config="simple"),
}
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


def _matching(queryset, kind: str, terms: list[str], anywhere_in=()):
    if _postgres():
        tsquery = SearchQuery(" & ".join(f"{t}:*" for t in terms), search_type="raw", config="simple")
        match = Q(search=tsquery)
        for name in anywhere_in:
            match |= Q(*[Q(**{f"{name}__icontains": t}) for t in terms], _connector=Q.AND)
        return queryset.annotate(search=VECTORS[kind]()).filter(match)
    match = Q()
    for term in terms:
        match &= Q(*[Q(**{f"{f}__icontains": term}) for f in FIELDS[kind]], _connector=Q.OR)
    return queryset.filter(match)


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
    calls = _matching(Call.objects.filter(client__in=seen_pks), "call", terms).order_by("-held_at")
    flags = _matching(Flag.objects.filter(client__in=seen_pks), "flag", terms).order_by("-raised_at")
    return Results(
        query,
        clients=list(clients.values("pk", "name", "domain", "status", "archived_at")[:PER_KIND]),
        contacts=list(
            contacts.values("pk", "name", "title", "email", "client_id", "client__name", "archived_at")[
                :PER_KIND
            ]
        ),
        calls=list(calls.values("pk", "held_at", "kind", "client_id", "client__name", "delivery")[:PER_KIND]),
        flags=list(flags.values("pk", "title", "severity", "status", "client_id", "client__name")[:PER_KIND]),
    )
