import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from people.models import Role
from people.selectors import cs_team_users

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


def test_the_cs_team_is_read_afresh_on_each_call_though_its_query_is_built_once(world):
    first = cs_team_users()
    assert world.team_am in first and world.sponsor not in first
    newcomer = staff(Role.ACCOUNT_MANAGER, first_name="Nia")
    second = cs_team_users()
    assert second is not first and newcomer in second
    assert newcomer not in first  # the first caller's rows were read before Nia joined
    newcomer.is_active = False
    newcomer.save()
    assert newcomer not in cs_team_users()
