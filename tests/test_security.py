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


def test_a_page_kept_by_the_per_person_cache_is_private_too(world, login, settings):
    settings.CSOPS_PAGE_CACHE_SECONDS = 60
    c = login(world.team_am)
    c.cookies["csrftoken"] = "a" * 32
    c.get("/my-week/")
    assert "private" in c.get("/my-week/")["Cache-Control"]


def test_a_logged_in_download_is_private(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import ContractFactory

    contract = ContractFactory(client=world.client)
    contract.document.save("signed.pdf", SimpleUploadedFile("signed.pdf", b"%PDF-1.4"))
    response = login(world.team_am).get(reverse("commercial:contract_document", args=[contract.pk]))
    assert "private" in response["Cache-Control"]
