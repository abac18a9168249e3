"""Exports (issue 19, item 2): every list as CSV and Excel, in the person's scope, with the list's filters."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from csops.export_urls import EXPORTS
from csops.exports import escape_cell

from .commercial.factories_growth import EntertainmentEventFactory, OpportunityFactory
from .factories import (
    ActionFactory,
    CallFactory,
    ClientFactory,
    ContactFactory,
    ContractFactory,
    FlagFactory,
    JobFactory,
    MembershipFactory,
    NpsCheckInFactory,
    PitchFactory,
    SupportArrangementFactory,
    SupportRequestFactory,
    SurveyInviteFactory,
    SurveyResponseFactory,
    TimeEntryFactory,
    TimesheetFactory,
)

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    assert response.streaming, "CSV exports stream"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the BOM as "this is UTF-8"
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def xlsx_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def export(login, user, slug, fmt="csv", **params):
    return login(user).get(reverse(f"exports:{slug}", kwargs={"fmt": fmt}), params)


def column(rows, header):
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


def test_calls_export_holds_only_what_each_person_may_see(world, login):
    mine = CallFactory(client=world.client, author=world.team_am, delivery="northwind notes")
    theirs = CallFactory(client=world.other_client, author=world.other_am, delivery="harbour notes")
    # the CS team reads every client (PRODUCT.md §1): an AM's export is the whole book, no more
    am_rows = csv_rows(export(login, world.team_am, "calls"))
    assert sorted(column(am_rows, "ID")) == sorted([str(mine.pk), str(theirs.pk)])
    login(world.team_am).logout()
    sponsor_rows = csv_rows(export(login, world.sponsor, "calls"))
    assert column(sponsor_rows, "ID") == [str(mine.pk)]
    assert "harbour notes" not in str(sponsor_rows)
    login(world.sponsor).logout()
    assert export(login, world.norole, "calls").status_code == 403


def test_the_lists_filters_are_honoured(world, login):
    CallFactory(client=world.client, author=world.team_am)
    theirs = CallFactory(client=world.other_client, author=world.other_am)
    rows = csv_rows(export(login, world.head, "calls", client=world.other_client.pk))
    assert column(rows, "ID") == [str(theirs.pk)]
    lost = ClientFactory(name="Gone Ltd", status="lost", lost_date="2026-01-31")
    rows = csv_rows(export(login, world.head, "clients", status="lost"))
    assert column(rows, "Name") == [lost.name]
    lost.archived_at = lost.created_at
    lost.save()
    assert column(csv_rows(export(login, world.head, "clients")), "Name") == [
        "Harbour Bank",
        "Northwind Outdoor",
    ]
    assert column(csv_rows(export(login, world.head, "clients", archived="only")), "Name") == ["Gone Ltd"]


def test_an_invalid_filter_is_a_400_saying_which(world, login):
    response = export(login, world.head, "calls", held_after="last tuesday")
    assert response.status_code == 400 and "held_after" in response.content.decode()
    assert login(world.head).get("/exports/calls.pdf").status_code == 404


def test_formula_injection_is_escaped_in_both_formats(world, login):
    ContactFactory(
        client=world.client, name='=HYPERLINK("http://evil.example","click")', title="+cmd", phone="@SUM(1)"
    )
    rows = csv_rows(export(login, world.head, "contacts"))
    assert column(rows, "Name") == ['\'=HYPERLINK("http://evil.example","click")']
    assert column(rows, "Job title") == ["'+cmd"] and column(rows, "Phone") == ["'@SUM(1)"]
    sheet = xlsx_rows(export(login, world.head, "contacts", fmt="xlsx"))
    assert column(sheet, "Name")[0].startswith("'=") and column(sheet, "Job title") == ["'+cmd"]
    assert escape_cell("-1") == "'-1" and escape_cell(-1) == -1 and escape_cell("a=b") == "a=b"


def test_excel_holds_typed_cells(world, login):
    MembershipFactory(
        client=ClientFactory(name="Acme", monthly_spend=1234.5), user=world.other_am, is_lead=True
    )
    sheet = xlsx_rows(export(login, world.head, "clients", fmt="xlsx", q="Acme"))
    assert sheet[0][0] == "Name" and sheet[1][0] == "Acme"
    assert column(sheet, "Monthly spend") == [1234.5]
    assert column(sheet, "Lead AM email") == [world.other_am.email]


@pytest.mark.parametrize("export_", EXPORTS, ids=lambda e: e.slug)
def test_every_export_streams_in_constant_queries(export_, world, login, django_assert_max_num_queries):
    page = login(world.head)
    url = reverse(f"exports:{export_.slug}", kwargs={"fmt": "csv"})

    def add(n):
        for _ in range(n):
            c = ClientFactory()
            MembershipFactory(client=c, user=world.team_am, is_lead=True)
            contact = ContactFactory(client=c)
            SurveyResponseFactory(invite=SurveyInviteFactory(contact=contact, created_by=world.team_am))
            CallFactory(client=c, author=world.team_am)
            FlagFactory(client=c, owner=world.team_am)
            ActionFactory(client=c, owner=world.team_am)
            NpsCheckInFactory(client=c, sponsor=world.sponsor)
            ContractFactory(client=c)
            OpportunityFactory(client=c, owner=world.team_am)
            PitchFactory()
            TimeEntryFactory(timesheet=TimesheetFactory(user=world.team_am), client=c)
            SupportRequestFactory(arrangement=SupportArrangementFactory(client=c))
            EntertainmentEventFactory(client=c)
            JobFactory(client=c)

    add(2)
    with CaptureQueriesContext(connection) as small:
        rows_small = csv_rows(page.get(url))
    add(6)
    # session, user, roles, the filter's choices (client list), and the rows in one query
    with django_assert_max_num_queries(len(small)):
        rows_large = csv_rows(page.get(url))
    assert len(small) <= 8
    assert len(rows_large) > len(rows_small)


def test_the_client_list_links_its_filtered_export(world, login):
    page = login(world.head).get(reverse("clients:list"), {"status": "active"}).content.decode()
    assert reverse("exports:clients", kwargs={"fmt": "csv"}) + "?status=active" in page
    index = login(world.head).get(reverse("exports:index")).content.decode()
    assert all(reverse(f"exports:{e.slug}", kwargs={"fmt": "xlsx"}) in index for e in EXPORTS)
