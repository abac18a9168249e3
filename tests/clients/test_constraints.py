"""The database refuses what the forms refuse, so no code path can write a bad client."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from clients.models import Client, EngagementType
from tests.factories import ClientFactory, ContactFactory, MembershipFactory, ProjectClientFactory

pytestmark = pytest.mark.django_db


def refuses(factory, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


def test_it_refuses_a_project_client_with_a_monthly_spend():
    refuses(ProjectClientFactory, monthly_spend=Decimal("1000"))


def test_it_refuses_a_retained_client_with_a_project_value():
    refuses(ClientFactory, project_value=Decimal("1000"))


def test_it_refuses_negative_amounts():
    refuses(ClientFactory, monthly_spend=Decimal("-1"))
    refuses(ProjectClientFactory, project_value=Decimal("-5"))


def test_it_refuses_an_empty_name():
    refuses(ClientFactory, name="")


def test_it_refuses_a_lost_client_without_a_lost_date():
    refuses(ClientFactory, status=Client.Status.LOST, lost_date=None)


def test_it_refuses_the_same_domain_in_another_case():
    ClientFactory(domain="acme.example")
    refuses(ClientFactory, domain="ACME.example")


def test_many_clients_may_have_no_domain():
    ClientFactory(domain="")
    ClientFactory(domain="")
    assert Client.objects.filter(domain="").count() == 2


def test_a_client_has_one_lead_and_a_person_is_on_a_team_once():
    client = ClientFactory()
    first = MembershipFactory(client=client, is_lead=True)
    refuses(MembershipFactory, client=client, is_lead=True)
    refuses(MembershipFactory, client=client, user=first.user)


def test_contacts_at_a_client_have_distinct_emails():
    contact = ContactFactory(email="karen@acme.example")
    refuses(ContactFactory, client=contact.client, email="KAREN@acme.example")
    ContactFactory(email="karen@acme.example")  # another client's contact may share it


def test_the_engagement_decides_which_amount_counts():
    assert ClientFactory(monthly_spend=Decimal("1500")).amount == Decimal("1500")
    project = ProjectClientFactory(project_value=Decimal("9000"))
    assert project.engagement_type == EngagementType.PROJECT and project.amount == Decimal("9000")
