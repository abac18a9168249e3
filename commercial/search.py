"""The navigation bar's search, composed (issue 19, item 5): clients, contacts, calls and flags from
clients/search.py, and the opportunities the person may see — here, because commercial imports
clients (STYLE.md "Which way imports run": a read spanning apps lives in the highest app it touches).

Opportunities are matched on what they are (title), their next step and why they were lost — the
same full-text prefix match as the other kinds on PostgreSQL, over the SearchVector the GIN index of
migration commercial 0008 is built on; icontains on SQLite. Scoped by `opportunities_for`, the rule
the opportunity page applies. Few rows per client, so they are ordered open first, newest first.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVector
from django.db.models import Case, IntegerField, Value, When

from clients import search as client_search
from clients.search import PER_KIND, terms_of

from .models import Opportunity
from .selectors_growth import opportunities_for

OPPORTUNITY_FIELDS = ("title", "next_step", "lost_reason")
OPPORTUNITY_ROW = ("pk", "title", "stage", "kind", "client_id", "client__name", "next_step")


def opportunity_vector():
    """The indexed expression (migration commercial 0008 builds its GIN index from this very one)."""
    return SearchVector(*OPPORTUNITY_FIELDS, config="simple")


@dataclass
class Results(client_search.Results):
    opportunities: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return super().total + len(self.opportunities)


def matching_opportunities(user, terms: list[str]):
    return client_search._matching(
        opportunities_for(user),
        "opportunity",
        terms,
        vector=opportunity_vector(),
        fields=OPPORTUNITY_FIELDS,
    )


def search_for(user, query: str) -> Results:
    found = client_search.search_for(user, query)
    terms = terms_of(query)
    if not terms:
        return Results(**vars(found))
    is_open = Case(
        When(stage__in=Opportunity.OPEN_STAGES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = list(
        matching_opportunities(user, terms)
        .order_by(is_open, "-created_at", "-pk")
        .values(*OPPORTUNITY_ROW)[:PER_KIND]
    )
    for row in rows:
        row["stage_label"] = Opportunity.Stage(row["stage"]).label
    return Results(**vars(found), opportunities=rows)
