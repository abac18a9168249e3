"""The set-based import (issue 19 item 1, 10,000 rows in under a minute): a fixed number of queries
whatever the file's length, and each row with exactly the effects of the services it replaces."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.imports import plan_import
from clients.models import AccountTeamMembership, Client, Contact
from clients.services.accounts import client_create, team_member_set
from clients.services.imports import ImportFailed, import_apply
from commercial.models import PlanReview
from csops.spreadsheets import read_table
from reporting.models import CacheVersion, CommsPlan, Occurrence
from reporting.services.plans import comms_plan_refresh

from .factories import AccountPlanFactory, ClientFactory, ReportingBandFactory, TierFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 5, 12, 9, 0, tzinfo=datetime.UTC)
HEADER = "Name,Domain,Status,Engagement,Tier,Monthly spend,Lead AM email\n"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def head(world, login):
    TierFactory(rank=1)
    ReportingBandFactory(min_amount=Decimal("0"), max_amount=Decimal("5000"), call_cadence="weekly")
    ReportingBandFactory(
        min_amount=Decimal("5000"), max_amount=None, call_cadence="fortnightly", report_cadence="weekly"
    )
    return login(world.head)


def clients_csv(n, spend=1200, prefix="c"):
    return HEADER + "".join(
        f"Client {i},{prefix}{i}.example,Active,Retained,Tier 1,{spend},team_am@agency.example\n"
        for i in range(n)
    )


def counted(page, url, data):
    with CaptureQueriesContext(connection) as queries:
        response = page.post(url, data)
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    return response, len(queries)


def import_counts(page, content, kind="clients"):
    """(queries of the preview, queries of the confirm) of importing `content` through the pages."""
    upload = {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", content.encode())}
    preview, planned = counted(page, reverse("clients:import"), upload)
    assert preview.context["plan"].ok, [r.errors for r in preview.context["plan"].rows if r.errors]
    _, confirmed = counted(page, reverse("clients:import_confirm"), {"token": preview.context["token"]})
    return planned, confirmed


@pytest.fixture
def batches_as_on_postgresql(monkeypatch):
    """Django splits a bulk insert on SQLite into batches of 999 parameters (SQLite 3.32 and later
    take 32,766): the 40 rows' occurrences would be three INSERTs there and one on PostgreSQL. That is
    the backend's batching, not a query per row, so SQLite is given the limit it really has."""
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "max_query_params", 32766)


@pytest.mark.usefixtures("batches_as_on_postgresql")
def test_preview_and_confirm_cost_the_same_queries_for_3_rows_as_for_40(world, head):
    # the new clients, each with a lead AM and a comms plan: a fixed number of queries, not one a row
    assert import_counts(head, clients_csv(3, prefix="a")) == import_counts(head, clients_csv(40, prefix="b"))
    # updates too: a new spend re-derives every plan (its occurrences synced) and a new lead AM
    for prefix in ("a", "b"):
        Occurrence.objects.bulk_create(  # due occurrences the plans' new cadence moves
            Occurrence(client=c, kind="call", due_date=datetime.date(2026, 5, 14), due_time=datetime.time(9))
            for c in Client.objects.filter(domain__startswith=prefix)
        )
    small = import_counts(head, clients_csv(3, spend=9000, prefix="a").replace("team_am", "other_am"))
    large = import_counts(head, clients_csv(40, spend=9000, prefix="b").replace("team_am", "other_am"))
    assert small == large
    assert Client.objects.get(domain="b7.example").comms_plan.call_cadence == "fortnightly"


def test_contacts_and_teams_cost_the_same_queries_whatever_the_files_length(world, head):
    head_csv = "Client domain,Name,Email,Decision maker\n"
    teams = "Client domain,Email,Responsibility,Lead AM\n"
    counts = []
    for prefix, n in (("a", 3), ("b", 30)):
        import_counts(head, clients_csv(n, prefix=prefix))
        contacts = "".join(f"{prefix}{i}.example,Jo {i},jo{i}@x.example,yes\n" for i in range(n))
        members = "".join(f"{prefix}{i}.example,other_am@agency.example,Paid search,yes\n" for i in range(n))
        counts.append(
            (
                import_counts(head, head_csv + contacts, kind="contacts"),
                import_counts(head, head_csv + contacts.replace(",yes", ",no"), kind="contacts"),
                import_counts(head, teams + members, kind="account-teams"),
            )
        )
    assert counts[0] == counts[1]
    assert Contact.objects.get(email="jo29@x.example").decision_maker is False
    assert AccountTeamMembership.objects.get(client__domain="b4.example", is_lead=True).user == world.other_am


def _snapshot(client):
    """Everything a new client comes with, as comparable values (its own ids and names left out)."""
    plan = CommsPlan.objects.get(client=client)
    skip = {"id", "client", "name", "domain", "created_at", "updated_at"}
    return {
        "client": {f.attname: getattr(client, f.attname) for f in Client._meta.fields if f.name not in skip},
        "plan": {f.attname: getattr(plan, f.attname) for f in CommsPlan._meta.fields if f.name not in skip},
        "team": list(client.memberships.values_list("user_id", "responsibility", "is_lead")),
        "occurrences": list(
            client.occurrences.order_by("due_date", "kind").values_list(
                "kind", "due_date", "due_time", "assignee_id"
            )
        ),
        "history": [
            list(model.history.filter(**{key: value}).values_list("history_type", flat=True))
            for model, key, value in (
                (Client, "id", client.pk),
                (CommsPlan, "client_id", client.pk),
                (AccountTeamMembership, "client_id", client.pk),
            )
        ],
    }


def _scopes_moved(write):
    before = dict(CacheVersion.objects.values_list("scope", "n"))
    write()
    return {s for s, n in CacheVersion.objects.values_list("scope", "n") if before.get(s) != n}


def test_an_imported_client_is_the_client_client_create_makes(world, head):
    fields = {
        "status": "active",
        "engagement_type": "retained",
        "monthly_spend": Decimal("1200.00"),
        "tier": TierFactory(rank=1),
        "currency": "GBP",
    }
    made = {}
    by_service = _scopes_moved(
        lambda: made.setdefault(
            "service",
            client_create(by=world.head, lead=world.team_am, name="Twin", domain="twin.example", **fields),
        )
    )
    by_import = _scopes_moved(lambda: import_counts(head, clients_csv(1, prefix="twin-import")))
    imported = Client.objects.get(domain="twin-import0.example")
    assert _snapshot(imported) == _snapshot(made["service"])
    assert _snapshot(imported)["history"] == [["+"], ["+"], ["+"]]
    # the same caches outdated: the client's own, its lead's, and the kinds a new client changes
    same = {s.replace(f"client:{imported.pk}", "client:new") for s in by_import}
    assert same == {s.replace(f"client:{made['service'].pk}", "client:new") for s in by_service}
    assert {"client:new", f"user:{world.team_am.pk}", "kind:clients", "kind:team"} <= same
    # and in the history, the person who imported it (the web's middleware names the requester too)
    assert {h.history_user for h in imported.history.all()} == {world.head}


def test_a_spend_change_re_derives_the_plan_as_comms_plan_refresh_does(world, head):
    import_counts(head, clients_csv(2, prefix="twin"))
    by_service, by_import = (
        Client.objects.get(domain="twin0.example"),
        Client.objects.get(domain="twin1.example"),
    )
    for client in (by_service, by_import):  # one the new cadence drops, one it keeps at the plan's time
        Occurrence.objects.create(client=client, kind="call", due_date=datetime.date(2026, 5, 14))
        Occurrence.objects.create(
            client=client, kind="call", due_date=datetime.date(2026, 5, 26), due_time=datetime.time(9)
        )
    by_service.monthly_spend = Decimal("9000")
    by_service.save()
    comms_plan_refresh(client=by_service, by=world.head, reason="Imported from a spreadsheet")
    import_counts(head, HEADER + "Client 1,twin1.example,Active,Retained,Tier 1,9000,\n")
    by_service.refresh_from_db()
    by_import.refresh_from_db()
    service, imported = _snapshot(by_service), _snapshot(by_import)
    assert imported == service
    assert imported["plan"]["call_cadence"] == "fortnightly"
    assert imported["history"][1] == ["~", "+"]  # the plan's: newest first
    assert "Imported from a spreadsheet: reports monthly → weekly" in by_import.comms_plan.last_change_note
    assert datetime.time(10) in {o[2] for o in imported["occurrences"]}


def test_a_new_lead_demotes_the_old_and_reviews_the_account_plan_as_team_member_set_does(world, head):
    AccountPlanFactory(client=world.client)
    AccountPlanFactory(client=world.other_client)
    team_member_set(
        client=world.other_client, user=world.team_am, responsibility="x", is_lead=True, by=world.head
    )
    teams = "Client domain,Email,Responsibility,Lead AM\nnorthwind.example,other_am@agency.example,Lead,yes\n"
    import_counts(head, teams, kind="account-teams")
    for client, new in ((world.client, world.other_am), (world.other_client, world.team_am)):
        assert client.memberships.get(is_lead=True).user == new
    reviews = PlanReview.objects.order_by("plan__client__name")
    assert [(r.plan.client, r.what_happened) for r in reviews] == [
        (world.other_client, "The lead AM changed: Tom Baker → Amy Mills."),
        (world.client, "The lead AM changed: Amy Mills → Tom Baker."),
    ]
    demoted = AccountTeamMembership.history.filter(client_id=world.client.pk, user=world.team_am)
    assert demoted.order_by("-history_id").first().is_lead is False


def test_importing_the_same_files_twice_writes_nothing_the_second_time(world, head):
    contacts = "Client domain,Name,Email\nc0.example,Jo,jo@x.example\nc1.example,Sam,\n"
    teams = "Client domain,Email,Responsibility\nc0.example,other_am@agency.example,Paid search\n"
    files = ((clients_csv(2), "clients"), (contacts, "contacts"), (teams, "account-teams"))
    for content, kind in files:
        import_counts(head, content, kind=kind)
    history = [m.history.count() for m in (Client, Contact, AccountTeamMembership, CommsPlan)]
    versions = dict(CacheVersion.objects.values_list("scope", "n"))
    for content, kind in files:
        preview = head.post(
            reverse("clients:import"), {"kind": kind, "file": SimpleUploadedFile("f.csv", content.encode())}
        )
        assert {r.action for r in preview.context["plan"].rows} == {"unchanged"}
        head.post(reverse("clients:import_confirm"), {"token": preview.context["token"]})
    assert [m.history.count() for m in (Client, Contact, AccountTeamMembership, CommsPlan)] == history
    assert dict(CacheVersion.objects.values_list("scope", "n")) == versions


def test_a_rival_saving_a_domain_after_the_plan_rolls_everything_back_naming_the_line(world, head):
    plan = plan_import("clients", read_table("c.csv", clients_csv(3).encode(), max_bytes=10**6, max_rows=100))
    ClientFactory(domain="c2.example")  # saved by someone else between the plan and the writes
    before = [m.objects.count() for m in (Client, CommsPlan, AccountTeamMembership)]
    with pytest.raises(ImportFailed, match="Line 4: Another client already has this web domain."):
        import_apply(plan=plan, by=world.head)
    assert [m.objects.count() for m in (Client, CommsPlan, AccountTeamMembership)] == before
    assert not Client.objects.filter(domain="c0.example").exists()
