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
