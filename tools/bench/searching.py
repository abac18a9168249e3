"""The `search` pass of `make bench` (issue 19 item 5): the navigation search under 100 ms p95.

Representative queries — a client's name, a contact's surname, a word from call notes, an
opportunity's name, a fragment of a name — each asked by the head of CS (who sees every client) and
by the busiest account manager, through the search page as a browser asks for it (middleware,
permissions, the results page rendered), uncached, one request at a time: the p95 over --search-
requests requests each, after one warm-up request. In-process rather than under wrk's 16
connections: a search is one person's request, and the pass needs no server beside the others.
The scale data holds no opportunities: when there are none, the pass adds OPPORTUNITIES of them
(one per client, from a few titles) inside a transaction it rolls back at the end.

Imports the app: import this only after django.setup() (tools/bench/__main__.py does).
"""

import re
import statistics
import time
import urllib.parse

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client as HttpClient

from clients.models import Call, Client, Contact
from commercial.models import Channel, Opportunity
from people.models import Role

from .inprocess import SEARCH_P95_MS, Counter

REQUESTS = 40
OPPORTUNITIES = 600
TITLES = ("Paid social retainer", "CRM programme", "SEO audit", "Marketplace launch", "Analytics rebuild")


def add_opportunities(tag: str) -> int:
    """Opportunities for the first clients, when the data set has none (rolled back by the caller)."""
    if Opportunity.objects.exists():
        return 0
    service = Channel.objects.order_by("pk").first()
    owner = get_user_model().objects.get(username=f"{tag}-head")
    clients = Client.objects.filter(domain__endswith=f".{tag}.example").order_by("pk")[:OPPORTUNITIES]
    stages = [*Opportunity.OPEN_STAGES, "won", "lost"]
    made = Opportunity.objects.bulk_create(
        Opportunity(
            client=client,
            service=service,
            owner=owner,
            created_by=owner,
            title=f"{TITLES[i % len(TITLES)]} {client.name}",
            next_step="Send the proposal" if i % 3 else "",
            stage=stages[i % len(stages)],
            value=1000 if stages[i % len(stages)] == "won" else None,
            lost_reason="Budget moved to TV" if stages[i % len(stages)] == "lost" else "",
        )
        for i, client in enumerate(clients)
    )
    return len(made)


def queries_of(tag: str) -> list[tuple[str, str]]:
    """(what it stands for, the query) from the scale data itself."""
    client = Client.objects.filter(domain__endswith=f".{tag}.example").order_by("pk").first()
    contact = Contact.objects.filter(client=client).order_by("pk").first()
    call = Call.objects.filter(client=client).exclude(delivery="").order_by("pk").first()
    opportunity = Opportunity.objects.order_by("pk").values_list("title", flat=True).first()
    word = max((call.delivery if call else "campaign").split(), key=len).strip(".,;:")
    return [
        ("a client's name", client.name.split()[0]),
        ("a contact's surname", contact.name.split()[-1] if contact else "Smith"),
        ("a word from call notes", word),
        ("an opportunity's name", opportunity or "Paid social retainer"),
        ("a fragment of a name", client.name.split()[0][:3].lower()),
    ]


def people_of(tag: str):
    User = get_user_model()
    head = User.objects.get(username=f"{tag}-head")
    am = (
        User.objects.filter(profile__roles__code=Role.ACCOUNT_MANAGER, username__startswith=f"{tag}-")
        .annotate(n=Count("memberships", filter=Q(memberships__client__archived_at__isnull=True)))
        .order_by("-n", "pk")
        .first()
    )
    return [("head of CS", head), ("an AM", am)]


def search_pass(tag: str = "scale", requests: int = REQUESTS) -> list[dict]:
    with transaction.atomic():
        added = add_opportunities(tag)
        if added:
            print(f"  (added {added} opportunities for the pass, rolled back after it)", flush=True)
        rows = _search_pass(tag, requests)
        transaction.set_rollback(True)
    return rows


def _search_pass(tag: str, requests: int) -> list[dict]:
    rows = []
    for who, user in people_of(tag):
        browser = HttpClient()
        browser.force_login(user)
        for what, query in queries_of(tag):
            path = "/search/?" + urllib.parse.urlencode({"q": query})
            captured = Counter()
            with connection.execute_wrapper(captured):
                first = browser.get(path, secure=True)  # warm: templates and the person's roles
            if first.status_code != 200:
                raise SystemExit(f"{path} answered {first.status_code} to {user.username}")
            times, cpu = [], []  # wall ms; this process's CPU ms (the app's share, not the database's)
            for _ in range(requests):
                started, used = time.perf_counter(), time.process_time()
                browser.get(path, secure=True)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            rows.append(
                {
                    "page": f"search “{query}” ({what}) by {who}",
                    "path": path,
                    "ratio_to_bare": None,
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(p95, 1),
                    "cpu_ms_p50": round(statistics.median(cpu), 1),
                    "queries": captured.n,
                    "seconds": round(sum(times) / 1000, 2),
                    "rows": len(re.findall(r'<li class="list-group-item', first.text)),
                    "meets_targets": p95 < SEARCH_P95_MS,
                }
            )
            print(f"  {rows[-1]['page']}: p95 {p95:.1f} ms", flush=True)
    return rows
