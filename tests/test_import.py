"""Spreadsheet import (issue 19, item 1): template, preview, confirm all or nothing, idempotent, bad files."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from clients.models import AccountTeamMembership, Client, Contact

from .factories import ClientFactory, ContactFactory, TierFactory

pytestmark = pytest.mark.django_db

CLIENTS_CSV = (
    "Name,Domain,Status,Engagement,Tier,Monthly spend,Project value,Lead AM email\n"
    'Acme Rockets,acme.example,Active,Retained,Tier 1,"£12,000",,team_am@agency.example\n'
    "Bolt Digital,https://www.bolt.example/,Onboarding,Project,Tier 3,,45000,\n"
)


def upload(page, content, kind="clients", name="clients.csv"):
    data = content.encode() if isinstance(content, str) else content
    return page.post(reverse("clients:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def confirm(page, response):
    return page.post(reverse("clients:import_confirm"), {"token": response.context["token"]})


def history_rows():
    return (
        Client.history.count(),
        Contact.history.count(),
        AccountTeamMembership.history.count(),
    )


@pytest.fixture
def head(world, login):
    TierFactory(rank=1)
    return login(world.head)


def test_preview_then_confirm_creates_the_clients_with_their_lead(world, head):
    preview = upload(head, CLIENTS_CSV)
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert [r.action for r in plan.rows] == ["create", "create"] and plan.ok
    assert Client.objects.count() == 2  # the preview wrote nothing
    done = confirm(head, preview)
    assert done.status_code == 302
    acme = Client.objects.get(domain="acme.example")
    assert (acme.name, acme.status, acme.monthly_spend, acme.tier.name) == (
        "Acme Rockets",
        "active",
        12000,
        "Tier 1",
    )
    assert acme.memberships.get(is_lead=True).user == world.team_am
    bolt = Client.objects.get(domain="bolt.example")
    assert (bolt.engagement_type, bolt.project_value, bolt.monthly_spend) == ("project", 45000, None)
    assert bolt.comms_plan is not None  # made through client_create, as the web makes a client


def test_importing_the_same_file_twice_changes_nothing(world, head):
    confirm(head, upload(head, CLIENTS_CSV))
    before = history_rows()
    again = upload(head, CLIENTS_CSV)
    assert [r.action for r in again.context["plan"].rows] == ["unchanged", "unchanged"]
    confirm(head, again)
    assert history_rows() == before


def test_a_changed_row_is_an_update_listing_its_changes(world, head):
    confirm(head, upload(head, CLIENTS_CSV))
    changed = CLIENTS_CSV.replace('"£12,000"', "15000")
    preview = upload(head, changed)
    row = preview.context["plan"].rows[0]
    assert row.action == "update" and row.changes == ["monthly spend: 12000.00 → 15000.00"]
    confirm(head, preview)
    assert Client.objects.get(domain="acme.example").monthly_spend == 15000


def test_every_row_error_is_shown_and_nothing_is_written(world, head):
    ClientFactory(domain="taken.example")
    bad = (
        "Name,Domain,Engagement,Tier,Monthly spend,Lead AM email\n"
        "A,a.example,Retained,Platinum,100,\n"
        "B,b.example,Retained,Tier 1,lots,\n"
        "C,c.example,Retained,Tier 1,100,nobody@agency.example\n"
        "D,d.example,Retained,Tier 1,100,\n"
        "D again,D.example,Retained,Tier 1,100,\n"
        "E,e.example,Retained,Tier 1,100,norole@agency.example\n"
        "F,f.example,Retained,Tier 1,100,\n"
    )
    before = Client.objects.count()
    preview = upload(head, bad)
    assert preview.status_code == 400
    rows = {r.line: r for r in preview.context["plan"].rows}
    assert "Unknown tier “Platinum”" in rows[2].errors[0]
    assert "Monthly spend “lots” is not an amount" in rows[3].errors[0]
    assert "Unknown AM email “nobody@agency.example”" in rows[4].errors[0]
    assert "Duplicate domain “d.example”: line 5" in rows[6].errors[0]
    assert "is on no team" in rows[7].errors[0]
    assert rows[8].action == "create"
    page = preview.content.decode()
    assert "Confirm" not in page and "Unknown tier" in page
    # no token is given for a plan with errors; a forged confirm writes nothing either
    assert head.post(reverse("clients:import_confirm"), {"token": "x"}).status_code == 302
    assert Client.objects.count() == before


def test_confirm_plans_again_against_what_the_database_holds_then(world, head):
    preview = upload(head, CLIENTS_CSV)
    ClientFactory(
        domain="bolt.example", engagement_type="retained", monthly_spend=1, name="Bolt (made meanwhile)"
    )
    # the confirm plans again: Bolt is an update now, and Acme still a create — then a rival row clashes
    response = confirm(head, preview)
    assert response.status_code == 302
    bolt = Client.objects.get(domain="bolt.example")
    assert bolt.engagement_type == "project" and bolt.monthly_spend is None


def test_a_failing_row_at_confirm_rolls_back_every_row(world, head, monkeypatch):
    from clients.services import imports as svc

    preview = upload(head, CLIENTS_CSV)
    real = svc._client_row

    def second_fails(row, by):
        if row.line == 3:
            raise svc.ValidationError("Another client already has this web domain.")
        return real(row, by)

    monkeypatch.setattr(svc, "_client_row", second_fails)
    response = confirm(head, preview)
    assert response.status_code == 400
    assert (
        "Nothing was imported. Line 3: Another client already has this web domain."
        in response.content.decode()
    )
    assert not Client.objects.filter(domain="acme.example").exists()


def test_contacts_match_on_email_and_teams_on_the_person(world, head):
    ContactFactory(client=world.client, email="jo@northwind.example", name="Jo", title="Old title")
    contacts = (
        "Client domain,Name,Job title,Email,Seniority,Decision maker,Stance\n"
        "northwind.example,Jo,Marketing Director,JO@northwind.example,Director,yes,Ally\n"
        "northwind.example,Sam,Buyer,,Manager,no,\n"
        "nowhere.example,Pat,,pat@x.example,,,\n"
    )
    preview = upload(head, contacts, kind="contacts")
    rows = preview.context["plan"].rows
    assert [r.action for r in rows] == ["update", "create", "error"]
    assert "import the clients first" in rows[2].errors[0]
    fixed = contacts.rsplit("nowhere", 1)[0]
    confirm(head, upload(head, fixed, kind="contacts"))
    jo = Contact.objects.get(email="jo@northwind.example")
    assert (jo.title, jo.seniority, jo.decision_maker, jo.stance) == (
        "Marketing Director",
        "director",
        True,
        "ally",
    )
    assert [r.action for r in upload(head, fixed, kind="contacts").context["plan"].rows] == ["unchanged"] * 2

    teams = (
        "Client domain,Email,Responsibility,Lead AM\n"
        "northwind.example,other_am@agency.example,Paid search lead,yes\n"
        "northwind.example,team_am@agency.example,Day-to-day comms and reporting,no\n"
    )
    preview = upload(head, teams, kind="account-teams")
    assert [r.action for r in preview.context["plan"].rows] == ["create", "update"]
    confirm(head, preview)
    assert world.client.memberships.get(is_lead=True).user == world.other_am
    assert [r.action for r in upload(head, teams, kind="account-teams").context["plan"].rows] == [
        "unchanged"
    ] * 2
    two_leads = teams.replace(",no\n", ",yes\n")
    rows = upload(head, two_leads, kind="account-teams").context["plan"].rows
    assert "already makes someone this client's lead AM" in rows[1].errors[0]


def test_excel_imports_as_csv_does(world, head):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name *", "Domain *", "Engagement *", "Tier *", "Monthly spend", "Start date"])
    excel_day = datetime.datetime(2026, 3, 1)  # noqa: DTZ001 - Excel cells have no zone
    sheet.append(["Xcel Ltd", "xcel.example", "Retained", "Tier 1", 2500.5, excel_day])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = upload(head, buffer.getvalue(), name="clients.xlsx")
    assert preview.context["plan"].ok, [r.errors for r in preview.context["plan"].rows]
    confirm(head, preview)
    xcel = Client.objects.get(domain="xcel.example")
    assert (str(xcel.monthly_spend), xcel.start_date) == ("2500.50", datetime.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("clients.pdf", b"%PDF-1.4 nope", "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
        ("clients.csv", b"", "The submitted file is empty."),
        ("clients.csv", b"   \n\n", "The file is empty."),
        ("clients.csv", b"Name,Domain\n", "a header row but no rows"),
        ("clients.csv", "Name,Domain\nCafé Ñ,cafe.example\n".encode("cp1252"), "not UTF-8"),
        ("clients.xlsx", b"PK\x03\x04 this is no workbook", "not a readable Excel workbook"),
        ("clients.xls", b"\xd0\xcf\x11\xe0old", "old Excel (.xls)"),
        ("clients.csv", b"Name,Status\nA,Active\n", "no “Domain” column"),
    ],
)
def test_bad_files_get_a_clear_message_and_write_nothing(name, content, message, world, head):
    before = Client.objects.count()
    response = upload(head, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Client.objects.count() == before


def test_a_50_mb_file_is_refused_before_it_is_read(world, head, settings):
    settings.CSOPS_IMPORT_MAX_MB = 1
    big = b"Name,Domain\n" + b"x" * 2_000_000
    response = upload(head, big)
    assert response.status_code == 400 and "the most an import takes is 1.0 MB" in response.content.decode()


def test_formula_cells_import_as_plain_text(world, head):
    content = (
        'Name,Domain,Engagement,Tier\n"=HYPERLINK(""http://evil.example"")",evil.example,Retained,Tier 1\n'
    )
    confirm(head, upload(head, content))
    assert Client.objects.get(domain="evil.example").name.startswith("=HYPERLINK")  # stored as typed;
    # the export escapes it (tests/test_exports.py)


def test_templates_download_with_the_columns(world, head):
    response = head.get(reverse("clients:import_template", args=["contacts", "csv"]))
    text = b"".join(response.streaming_content).decode()
    assert text.lstrip("\ufeff").startswith("Client domain *,Name *,Job title,Email")
    assert head.get(reverse("clients:import_template", args=["nonsense", "csv"])).status_code == 404
    xlsx = head.get(reverse("clients:import_template", args=["account-teams", "xlsx"]))
    assert xlsx.status_code == 200


def test_only_admins_and_the_head_of_cs_import(world, login):
    assert login(world.team_am).post(reverse("clients:import"), {"kind": "clients"}).status_code == 403
    assert (
        login(world.sponsor).get(reverse("clients:import_template", args=["clients", "csv"])).status_code
        == 403
    )
