import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commercial.models import Contract

from ..factories import ContractFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")  # a .doc is an OLE2 compound file


def zip_of(*names):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX = zip_of("[Content_Types].xml", "word/document.xml")


def contract_post(**overrides):
    data = {
        "title": "Retained services agreement",
        "status": "signed",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "notice_period_days": "30",
        "value": "30000",
        "currency": "GBP",
        "sla": "Reports by the 5th working day",
        "document": SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_the_lead_records_a_signed_contract_and_it_shows_on_the_page_and_timeline(world, login):
    c = login(world.team_am)
    response = c.post(reverse("commercial:contract_create", args=[world.client.pk]), contract_post())
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert contract.document.name.endswith(".pdf") and contract.notice_date == dt.date(2026, 12, 1)
    page = c.get(reverse("clients:detail", args=[world.client.pk]))
    html = page.content.decode()
    assert "Retained services agreement" in html and "notice by 1 Dec 2026" in html
    assert any(e.kind == "contract" for e in page.context["timeline"].entries)
    download = c.get(reverse("commercial:contract_document", args=[contract.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"document": SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")},
            "document",
            "PDF or Word document",
        ),
        (
            {"document": SimpleUploadedFile("fake.pdf", b"<html>", content_type="application/pdf")},
            "document",
            "not a PDF",
        ),
        (
            {
                "document": SimpleUploadedFile(
                    "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
                )
            },
            "document",
            "larger than 10 MB",
        ),
        (
            {"document": SimpleUploadedFile("fake.docx", b"<html>", content_type="application/msword")},
            "document",
            "not a Word document",
        ),
        (
            {"document": SimpleUploadedFile("sheet.docx", zip_of("xl/workbook.xml"))},
            "document",
            "not a Word document",
        ),
        (
            {"document": SimpleUploadedFile("fake.doc", b"MZ\x90\x00" * 4)},
            "document",
            "not a Word document",
        ),
        ({"document": ""}, "document", "Upload the signed document to mark the contract signed."),
        ({"end_date": "2025-12-31"}, "end_date", "must end after it starts"),
        ({"notice_period_days": "400"}, "notice_period_days", "longer than the contract"),
        ({"value": "-1"}, "value", "greater than or equal to 0"),
    ],
)
def test_bad_contracts_are_refused_with_the_reason(world, login, overrides, field, message):
    response = login(world.team_am).post(
        reverse("commercial:contract_create", args=[world.client.pk]), contract_post(**overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Contract.objects.count() == 0


def test_an_outsider_cannot_download_a_signed_contract(world, login):
    contract = ContractFactory(client=world.client)
    contract.document.save("signed.pdf", SimpleUploadedFile("signed.pdf", PDF))
    assert (
        login(world.other_sponsor)
        .get(reverse("commercial:contract_document", args=[contract.pk]))
        .status_code
        == 404
    )


def test_contract_changes_are_kept_in_history(world, login):
    contract = ContractFactory(client=world.client, status="sent")
    c = login(world.head)
    c.post(
        reverse("commercial:contract_edit", args=[world.client.pk, contract.pk]),
        contract_post(
            status="signed",
            start_date=str(contract.start_date),
            end_date=str(contract.end_date),
            version=str(contract.version),
        ),
    )
    statuses = list(contract.history.order_by("history_date").values_list("status", "history_user__username"))
    assert statuses == [("sent", None), ("signed", "head")]


@pytest.fixture
def debug_urls(settings):
    """The URLs as `make run` (DEBUG=1) builds them."""
    import importlib

    from django.urls import clear_url_caches

    import csops.urls

    settings.DEBUG = True
    importlib.reload(csops.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(csops.urls)
    clear_url_caches()


def test_media_is_never_served_unauthenticated_not_even_under_debug(world, client, debug_urls, settings):
    contract = ContractFactory(client=world.client)
    contract.document.save("signed.pdf", SimpleUploadedFile("signed.pdf", PDF))
    direct = f"/{settings.MEDIA_URL.strip('/')}/{contract.document.name}"
    assert client.get(direct).status_code == 404
    assert login_as(client, world.other_sponsor).get(direct).status_code == 404
    # the permission-checked view is the only way to the file
    download = reverse("commercial:contract_document", args=[contract.pk])
    assert login_as(client, world.team_am).get(download).status_code == 200


def login_as(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name, content", [("signed.docx", DOCX), ("signed.doc", OLE2 + b"\x00" * 504)])
def test_a_real_word_document_is_accepted(world, login, name, content):
    response = login(world.team_am).post(
        reverse("commercial:contract_create", args=[world.client.pk]),
        contract_post(document=SimpleUploadedFile(name, content, content_type="application/msword")),
    )
    assert response.status_code == 302
    assert Contract.objects.get().document.name.endswith(name)
