"""Bad input on the client forms: a field error on the page and nothing written."""

import pytest
from django.urls import reverse

from clients.models import AccountTeamMembership, Client, Tier

from ..factories import ClientFactory

pytestmark = pytest.mark.django_db


def valid_post(**overrides):
    data = {
        "name": "Kestrel Cycles",
        "domain": "kestrel.example",
        "status": "active",
        "engagement_type": "retained",
        "monthly_spend": "2500",
        "project_value": "",
        "currency": "GBP",
        "tier": str(Tier.objects.get(rank=3).pk),
        "propensity": "medium",
        "start_date": "2026-01-05",
    }
    data.update(overrides)
    return data


def post_create(world, login, **overrides):
    return login(world.head).post(reverse("clients:create"), valid_post(**overrides))


def test_it_creates_a_client_with_its_lead(world, login):
    response = post_create(world, login, lead=str(world.team_am.pk))
    client = Client.objects.get(name="Kestrel Cycles")
    assert response.status_code == 302 and response["Location"] == reverse("clients:detail", args=[client.pk])
    assert client.memberships.get(is_lead=True).user == world.team_am


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": "  "}, "name", "This field is required"),
        ({"monthly_spend": "-100"}, "monthly_spend", "greater than or equal to 0"),
        (
            {"engagement_type": "project", "project_value": "5000"},
            "monthly_spend",
            "A project client has a project value, not a monthly spend.",
        ),
        ({"monthly_spend": ""}, "monthly_spend", "Enter the monthly spend of a retained client."),
        (
            {"project_value": "100"},
            "project_value",
            "A retained client has a monthly spend, not a project value.",
        ),
        ({"tier": "999999"}, "tier", "Select a valid choice"),
        ({"domain": "not a domain"}, "domain", "Enter a web domain such as example.com."),
        ({"status": "lost"}, "lost_date", "Enter the date the client was lost."),
        ({"lost_date": "2025-01-01"}, "lost_date", "The lost date cannot be before the start date."),
        ({"monthly_spend": "lots"}, "monthly_spend", "Enter a number"),
    ],
)
def test_bad_input_shows_a_field_error_and_writes_nothing(world, login, overrides, field, message):
    before = (Client.objects.count(), AccountTeamMembership.objects.count())
    response = post_create(world, login, lead=str(world.team_am.pk), **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert message in response.content.decode()
    assert (Client.objects.count(), AccountTeamMembership.objects.count()) == before


@pytest.mark.parametrize("spelling", ["acme.example", "ACME.example", "https://www.acme.example/about"])
def test_a_duplicate_domain_names_the_client_that_has_it(world, login, spelling):
    ClientFactory(name="Acme Ltd", domain="acme.example")
    response = post_create(world, login, domain=spelling)
    assert response.status_code == 200
    assert "Acme Ltd already has the domain acme.example." in response.context["form"].errors["domain"]
    assert Client.objects.filter(name="Kestrel Cycles").count() == 0


def test_it_stores_the_domain_in_one_spelling(world, login):
    post_create(world, login, domain="HTTPS://WWW.Kestrel.example/shop")
    assert Client.objects.get(name="Kestrel Cycles").domain == "kestrel.example"


def test_editing_keeps_its_own_domain_and_rejects_a_project_spend(world, login):
    c = login(world.team_am)
    url = reverse("clients:edit", args=[world.client.pk])
    ok = c.post(
        url,
        valid_post(
            name="Northwind Outdoor Ltd",
            domain="northwind.example",
            tier=str(world.client.tier_id),
            version=str(world.client.version),
        ),
    )
    assert ok.status_code == 302
    world.client.refresh_from_db()
    assert world.client.name == "Northwind Outdoor Ltd"
    bad = c.post(
        url,
        valid_post(
            engagement_type="project",
            project_value="9000",
            domain="northwind.example",
            version=str(world.client.version),
        ),
    )
    assert bad.status_code == 200 and "monthly_spend" in bad.context["form"].errors
    world.client.refresh_from_db()
    assert world.client.engagement_type == "retained"


def test_only_the_head_of_cs_changes_the_exec_sponsor(world, login):
    url = reverse("clients:edit", args=[world.client.pk])
    data = valid_post(
        domain="northwind.example",
        exec_sponsor=str(world.other_sponsor.pk),
        version=str(world.client.version),
    )
    login(world.team_am).post(url, data)
    world.client.refresh_from_db()
    assert world.client.exec_sponsor == world.sponsor  # the field is disabled for the AM
    login(world.head).post(url, {**data, "version": str(world.client.version)})
    world.client.refresh_from_db()
    assert world.client.exec_sponsor == world.other_sponsor


def test_an_outsider_posting_to_a_client_writes_nothing(world, login):
    url = reverse("clients:edit", args=[world.client.pk])
    response = login(world.other_am).post(url, valid_post(name="Hijacked", domain="northwind.example"))
    assert response.status_code == 403
    world.client.refresh_from_db()
    assert world.client.name == "Northwind Outdoor"


def test_the_contact_form_rejects_a_duplicate_email_and_an_empty_name(world, login):
    c = login(world.team_am)
    url = reverse("clients:contact_create", args=[world.client.pk])
    assert (
        c.post(
            url,
            {
                "name": "Karen Wright",
                "email": "karen@northwind.example",
                "seniority": "director",
                "stance": "ally",
                "rag": "green",
            },
        ).status_code
        == 302
    )
    again = c.post(
        url,
        {"name": "K. Wright", "email": "KAREN@northwind.example", "seniority": "director", "stance": "ally"},
    )
    assert "Another contact at this client has this email address." in again.context["form"].errors["email"]
    empty = c.post(url, {"name": " ", "seniority": "director", "stance": "ally"})
    assert "name" in empty.context["form"].errors
    assert world.client.contacts.count() == 1


def test_making_someone_lead_moves_the_lead(world, login):
    url = reverse("clients:team_add", args=[world.client.pk])
    response = login(world.head).post(
        url, {"user": world.other_am.pk, "responsibility": "Lead from now on", "is_lead": "on"}
    )
    assert response.status_code == 302
    leads = list(world.client.memberships.filter(is_lead=True).values_list("user__username", flat=True))
    assert leads == ["other_am"]
    assert world.client.memberships.count() == 2


def test_adding_someone_twice_is_refused(world, login):
    url = reverse("clients:team_add", args=[world.client.pk])
    response = login(world.head).post(url, {"user": world.team_am.pk, "responsibility": "Again"})
    assert response.status_code == 200 and "already on the account team" in response.content.decode()
    assert world.client.memberships.count() == 1
