import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from people.models import Role

from ..factories import StaffProfileFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


def test_one_person_may_hold_several_roles(client, world):
    director = staff(Role.ACCOUNT_DIRECTOR, Role.EXEC_SPONSOR, username="adam", first_name="Adam")
    world.client.exec_sponsor = director
    world.client.save()
    client.force_login(director)
    # as a CS team member Adam reads every client; as a sponsor nothing is hidden either
    listed = [c.name for c in client.get(reverse("clients:list")).context["page"].object_list]
    assert listed == ["Harbour Bank", "Northwind Outdoor"]
    directory = client.get(reverse("people:staff_list")).content.decode()
    assert "Account director" in directory and "Exec sponsor" in directory


def test_the_staff_directory_shows_roles_level_and_line_manager(client, world, django_assert_max_num_queries):
    StaffProfileFactory(
        user=UserFactory(first_name="Ella", last_name="Green"),
        level="junior",
        line_manager=world.team_am,
        roles=[Role.ACCOUNT_EXECUTIVE],
    )
    client.force_login(world.head)
    # profiles, their roles in one prefetch, session and user: not one query per person
    with django_assert_max_num_queries(6):
        html = client.get(reverse("people:staff_list")).content.decode()
    assert "Ella Green" in html and "Amy Mills" in html and "Account executive" in html


def test_capacity_is_a_sane_number_of_hours():
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfileFactory(capacity_hours=-1)
