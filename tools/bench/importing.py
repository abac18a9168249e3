"""The `import` pass of `make bench` (issue 19 item 1): 10,000 rows in under a minute.

Generates a 10,000-row client file (each with a lead AM of the scale data), then a contacts file and
an account-teams file of as many rows for those clients, and takes each through the import pages as
the head of CS does — the upload that plans and shows the preview, then the confirm that plans
again and writes — timing both and counting their queries; then the client file once more, which
changes nothing. All of it in one transaction rolled back at the end: the scale data stays as loaded.

Imports the app: import this only after django.setup() (tools/bench/__main__.py does).
"""

import re
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client as HttpClient

from clients.models import Tier
from people.models import Role

from .inprocess import IMPORT_SECONDS, Counter

ROWS = 10_000


def files(tag: str, rows: int) -> list[tuple[str, str]]:
    """(kind, CSV text) of the three files, in the order they import."""
    ams = list(
        get_user_model()
        .objects.filter(profile__roles__code=Role.ACCOUNT_MANAGER, username__startswith=f"{tag}-")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    tiers = list(Tier.objects.order_by("rank").values_list("name", flat=True))
    clients = ["Name,Domain,Status,Engagement,Tier,Monthly spend,Project value,Currency,Lead AM email"]
    contacts = ["Client domain,Name,Job title,Email,Seniority,Decision maker,Stance"]
    teams = ["Client domain,Email,Responsibility,Lead AM"]
    for i in range(rows):
        domain = f"import{i:05}.bench.example"
        retained = i % 4 != 3
        spend, value = (f"{1000 + (i * 37) % 20000}", "") if retained else ("", f"{5000 + (i * 91) % 90000}")
        clients.append(
            f"Imported Client {i:05},{domain},Active,{'Retained' if retained else 'Project'},"
            f"{tiers[i % len(tiers)]},{spend},{value},{'GBP' if i % 5 else 'EUR'},{ams[i % len(ams)]}"
        )
        contacts.append(
            f"{domain},Jo Importson{i:05},Marketing Director,jo@{domain},Director,{'yes' if i % 3 else 'no'},"
            "Neutral"
        )
        teams.append(f"{domain},{ams[(i + 1) % len(ams)]},Paid search delivery,no")
    return [
        ("clients", "\n".join(clients) + "\n"),
        ("contacts", "\n".join(contacts) + "\n"),
        ("account-teams", "\n".join(teams) + "\n"),
    ]


def timed(browser, path: str, data: dict, ok: tuple) -> tuple[object, float, int, float]:
    """The response, its wall seconds, its statements and this process's CPU seconds (the app's
    share: the database's work is in its own processes; on a shared machine wall time waits too)."""
    counter = Counter()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        response = browser.post(path, data, secure=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code not in ok:
        raise SystemExit(f"{path} answered {response.status_code}: {response.content[:2000]!r}")
    return response, seconds, counter.n, cpu


def import_file(browser, kind: str, content: str, label: str) -> list[dict]:
    """Preview and confirm one file: a row each, and their sum against the target."""
    upload = {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", content.encode())}
    preview, planned_s, planned_q, planned_cpu = timed(browser, "/clients/import/", upload, (200,))
    # what the preview page says (outside a test run, a response carries no template context)
    said = re.search(r'import-counts">(\d+) to create · (\d+) to update ·\s*(\d+) unchanged', preview.text)
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    if not (said and token):
        raise SystemExit(f"the {kind} preview shows no counts or no confirm button")
    _, confirmed_s, confirmed_q, confirmed_cpu = timed(
        browser, "/clients/import/confirm/", {"token": token[1]}, (302,)
    )
    counts = dict(zip(("create", "update", "unchanged"), map(int, said.groups()), strict=True))
    n = sum(counts.values())
    what = ", ".join(f"{v:,} {k}" for k, v in counts.items() if v)
    total = planned_s + confirmed_s

    def row(step, seconds, queries, cpu, meets=None):
        return {
            "page": f"import {label}: {step}",
            "ratio_to_bare": None,
            "p95_ms": None,
            "queries": queries,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "rows": n,
            "meets_targets": meets,
        }

    cpu = planned_cpu + confirmed_cpu
    print(f"  {label}: {n:,} rows ({what}) in {total:.1f} s ({cpu:.1f} s of this process's CPU)", flush=True)
    return [
        row("preview", planned_s, planned_q, planned_cpu),
        row("confirm", confirmed_s, confirmed_q, confirmed_cpu),
        row(f"preview + confirm ({what})", total, planned_q + confirmed_q, cpu, total < IMPORT_SECONDS),
    ]


def import_pass(tag: str = "scale", rows: int = ROWS) -> list[dict]:
    head = get_user_model().objects.get(username=f"{tag}-head")
    browser = HttpClient()
    out = []
    with transaction.atomic():
        browser.force_login(head)
        made = files(tag, rows)
        for kind, content in made:
            out += import_file(browser, kind, content, kind)
        out += import_file(browser, "clients", made[0][1], "clients again")  # idempotent: all unchanged
        transaction.set_rollback(True)  # the scale data stays as loaded
    return out
