from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import Client
from people.models import Role
from reporting.models import ReportingBand

from ..factories import (
    ClientFactory,
    ContactFactory,
    MembershipFactory,
    ProjectClientFactory,
    TierFactory,
    staff,
)
from ..helpers import count_queries

pytestmark = pytest.mark.django_db


def names(response):
    return [c.name for c in response.context["page"].object_list]


def test_the_list_shows_each_clients_band_lead_and_sponsor(world, login):
    response = login(world.team_am).get(reverse("clients:list"))
    html = response.content.decode()
    assert names(response) == ["Harbour Bank", "Northwind Outdoor"]
    assert "£1,501–3,000 / month" in html  # £2,000 a month, from the default reporting matrix
    assert "Amy Mills" in html and "Keith Richards" in html


def test_an_exec_sponsor_sees_only_the_clients_they_sponsor(world, login):
    response = login(world.sponsor).get(reverse("clients:list"))
    assert names(response) == ["Northwind Outdoor"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=harb", ["Harbour Bank"]),
        ("q=northwind.example", ["Northwind Outdoor"]),
        ("status=paused", ["Paused Co"]),
        ("engagement_type=project", ["Project Co"]),
        ("tier={tier1}", ["Big Spender"]),
        ("lead={team_am}", ["Northwind Outdoor"]),
        ("band={band_6001}", ["Big Spender"]),
        ("band={band_project_5001}", ["Project Co"]),
        ("ordering=-spend", ["Big Spender", "Project Co", "Harbour Bank", "Northwind Outdoor", "Paused Co"]),
        ("archived=only", ["Gone Ltd"]),
        (
            "archived=all&status=active",
            ["Big Spender", "Gone Ltd", "Harbour Bank", "Northwind Outdoor", "Project Co"],
        ),
    ],
)
def test_the_list_filters_and_sorts(world, login, query, expected):
    ClientFactory(name="Paused Co", status=Client.Status.PAUSED, monthly_spend=Decimal("500"))
    ProjectClientFactory(name="Project Co", project_value=Decimal("7500"))
    ClientFactory(name="Big Spender", monthly_spend=Decimal("9000"), tier=TierFactory(rank=1))
    ClientFactory(name="Gone Ltd", archived_at="2026-01-01T00:00:00Z")
    ids = {
        "tier1": TierFactory(rank=1).pk,
        "team_am": world.team_am.pk,
        "band_6001": ReportingBand.objects.get(engagement_type="retained", min_amount=6001).pk,
        "band_project_5001": ReportingBand.objects.get(engagement_type="project", min_amount=5001).pk,
    }
    response = login(world.head).get(reverse("clients:list") + "?" + query.format(**ids))
    assert response.status_code == 200
    assert names(response) == expected


def test_the_list_ignores_a_bad_filter_value_without_failing(world, login):
    response = login(world.head).get(reverse("clients:list") + "?tier=nope&band=0&ordering=hack")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_list_paginates(world, login):
    ClientFactory.create_batch(30)
    c = login(world.head)
    first = c.get(reverse("clients:list"))
    assert len(first.context["page"].object_list) == 25
    second = c.get(reverse("clients:list") + "?page=2")
    assert len(second.context["page"].object_list) == 7
    assert c.get(reverse("clients:list") + "?page=99").status_code == 200  # last page, not a 404


def changes(response):
    return [e.obj for e in response.context["timeline"].entries if e.kind == "change"]


def populate(n):
    am = staff(Role.ACCOUNT_MANAGER)
    sponsor = staff(Role.EXEC_SPONSOR)
    for _ in range(n):
        client = ClientFactory(exec_sponsor=sponsor)
        MembershipFactory(client=client, user=am, is_lead=True)
        MembershipFactory(client=client)
        ContactFactory(client=client)


def test_the_list_query_count_does_not_grow_with_clients(world, login, django_assert_max_num_queries):
    # One query per list component (count, page, leads, bands...), never one per client row.
    c = login(world.head)
    url = reverse("clients:list")
    populate(3)  # 5 clients with the world's two
    small = count_queries(c, url)
    populate(45)  # 50 clients
    large = count_queries(c, url)
    assert small == large
    filtered = url + "?q=client&ordering=-spend&status=active"
    with django_assert_max_num_queries(small + 2):
        c.get(filtered)


def test_the_detail_query_count_does_not_grow_with_contacts_team_or_history(world, login):
    c = login(world.head)
    url = reverse("clients:detail", args=[world.client.pk])
    ContactFactory(client=world.client)
    small = count_queries(c, url)
    for i in range(20):
        contact = ContactFactory(client=world.client)
        contact.stance = "ally"
        contact.save()
        MembershipFactory(client=world.client)
        world.client.monthly_spend = Decimal(1000 + i)
        world.client.save()
    assert count_queries(c, url) == small


def test_the_detail_page_shows_the_escalation_path_with_names(world, login):
    response = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk]))
    html = response.content.decode()
    path = html[html.index('data-testid="escalation-path"') :]
    path = path[: path.index("</p>")]
    assert path.index("Amy Mills") < path.index("Hannah Hughes") < path.index("Keith Richards")


def test_every_change_is_in_the_history_with_who_made_it(world, login):
    c = login(world.head)
    c.post(
        reverse("clients:edit", args=[world.client.pk]),
        {
            "name": "Northwind Outdoor",
            "domain": "northwind.example",
            "status": "active",
            "engagement_type": "retained",
            "monthly_spend": "4500",
            "currency": "GBP",
            "tier": str(world.client.tier_id),
            "propensity": "high",
            "version": str(world.client.version),
        },
    )
    c.post(
        reverse("clients:contact_create", args=[world.client.pk]),
        {"name": "Karen Wright", "seniority": "director", "stance": "neutral", "rag": "red"},
    )
    contact = world.client.contacts.get()
    c.post(
        reverse("clients:contact_edit", args=[world.client.pk, contact.pk]),
        {
            "name": "Karen Wright",
            "seniority": "director",
            "stance": "ally",
            "rag": "orange",
            "version": str(contact.version),
        },
    )
    c.post(
        reverse("clients:team_add", args=[world.client.pk]),
        {"user": world.other_am.pk, "responsibility": "Paid search lead"},
    )
    history = changes(c.get(reverse("clients:detail", args=[world.client.pk])))
    described = [(h.subject, h.kind, h.who, h.fields) for h in history]
    assert (
        "Contact: Karen Wright",
        "changed",
        "Hannah Hughes",
        [("Stance", "Neutral", "Ally"), ("Senior-contact rag", "Red", "Orange")],
    ) in described
    assert ("Team: Tom Baker", "created", "Hannah Hughes", []) in described
    client_change = next(h for h in history if h.subject == "Client" and h.kind == "changed")
    assert ("Monthly spend", "2000.00", "4500.00") in client_change.fields
    assert ("Propensity to spend", "Medium", "High") in client_change.fields
    assert client_change.who == "Hannah Hughes"


def test_removing_a_team_member_is_kept_in_history(world, login):
    c = login(world.head)
    membership = world.client.memberships.get(user=world.team_am)
    response = c.post(reverse("clients:team_remove", args=[world.client.pk, membership.pk]))
    assert response.status_code == 302
    assert not world.client.memberships.exists()
    history = changes(c.get(reverse("clients:detail", args=[world.client.pk])))
    assert any(h.subject == "Team: Amy Mills" and h.kind == "removed" for h in history)


def test_archiving_hides_a_client_from_the_list_but_keeps_it(world, login):
    c = login(world.head)
    assert c.post(reverse("clients:archive", args=[world.client.pk])).status_code == 302
    assert "Northwind Outdoor" not in names(c.get(reverse("clients:list")))
    assert "Northwind Outdoor" in names(c.get(reverse("clients:list") + "?archived=only"))
    page = c.get(reverse("clients:detail", args=[world.client.pk]))
    assert page.status_code == 200 and "Archived on" in page.content.decode()
    c.post(reverse("clients:unarchive", args=[world.client.pk]))
    assert "Northwind Outdoor" in names(c.get(reverse("clients:list")))


def test_archive_is_post_only(world, login):
    assert login(world.head).get(reverse("clients:archive", args=[world.client.pk])).status_code == 405
    world.client.refresh_from_db()
    assert world.client.archived_at is None


def test_the_admin_cannot_delete_a_client(world, login):
    response = login(world.admin).get(reverse("admin:clients_client_delete", args=[world.client.pk]))
    assert response.status_code == 403
    assert Client.objects.filter(pk=world.client.pk).exists()


def test_a_contact_is_archived_not_deleted(world, login):
    contact = ContactFactory(client=world.client, name="Leaving Person")
    c = login(world.team_am)
    c.post(reverse("clients:contact_archive", args=[world.client.pk, contact.pk]))
    contact.refresh_from_db()
    assert contact.archived_at is not None
    assert "Leaving Person" not in [
        x.name for x in c.get(reverse("clients:detail", args=[world.client.pk])).context["contacts"]
    ]
