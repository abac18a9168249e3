"""What the README promises about security, enforced (issue 10 item 9)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from clients.models import Contact

from .factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"clients", "people", "reporting", "commercial", "onboarding"}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def our_model_admins():
    User = get_user_model()
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS or model is User
    ]


def test_no_record_of_ours_can_be_deleted_in_the_admin_even_by_a_superuser(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    admins = our_model_admins()
    assert len(admins) >= 8
    for model_admin in admins:
        assert model_admin.has_delete_permission(request) is False, model_admin
        assert "delete_selected" not in model_admin.get_actions(request), model_admin
        for inline in model_admin.get_inline_instances(request):
            assert inline.has_delete_permission(request) is False, inline


def test_a_contact_cannot_be_hard_deleted_through_the_admin(client, superuser):
    contact = ContactFactory()
    client.force_login(superuser)
    url = reverse("admin:clients_contact_delete", args=[contact.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:clients_contact_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [contact.pk], "post": "yes"})
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_client_page_in_the_admin_cannot_delete_its_contacts_inline(client, superuser):
    contact = ContactFactory()
    client.force_login(superuser)
    page = client.get(reverse("admin:clients_client_change", args=[contact.client.pk])).content.decode()
    assert "contacts-0-DELETE" not in page


# --- Cache-Control ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["/my-week/", "/clients/", "/reporting/portfolio/", "/people/pdps/"],
)
def test_logged_in_pages_are_private_to_the_browser(world, login, url):
    response = login(world.head).get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_logged_in_download_is_private(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import ContractFactory

    contract = ContractFactory(client=world.client)
    contract.document.save("signed.pdf", SimpleUploadedFile("signed.pdf", b"%PDF-1.4"))
    response = login(world.team_am).get(reverse("commercial:contract_document", args=[contract.pk]))
    assert "private" in response["Cache-Control"]


# --- Content-Security-Policy --------------------------------------------------------------------
def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/my-week/", "/clients/", "/reporting/portfolio/", "/reporting/nps/"])
def test_pages_send_a_content_security_policy(world, login, url):
    policy = directives(login(world.head).get(url))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval
    assert policy["style-src"] == ["'self'"]  # no inline style either
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_the_login_page_sends_it_too(client):
    assert directives(client.get(reverse("login")))["script-src"] == ["'self'"]


def served_templates():
    """Every HTML template a browser gets (PDF and email templates are never served as HTML)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    paths = [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
    return sorted(str(p.relative_to(root)) for p in paths if not {"pdf", "email", ".venv"} & set(p.parts))


@pytest.mark.parametrize("template", served_templates())
def test_no_template_has_inline_script_or_style(template):
    import re
    from pathlib import Path

    source = (Path(__file__).resolve().parent.parent / template).read_text()
    assert not re.search(r"\son[a-z]+=", source), "inline event handler"
    assert " style=" not in source and "<style" not in source, "inline style"
    assert not re.search(r"<script(?![^>]*\ssrc=)", source), "inline <script>"
