"""Managing the team without the Django admin (issue 18, item 1): invite, edit, deactivate, tiers."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from clients.models import AccountTeamMembership, Action, Tier
from people.models import Invitation, Role, StaffProfile

from ..factories import ActionFactory, NpsCheckInFactory, TierFactory, staff

pytestmark = pytest.mark.django_db

PASSWORD = "fresh-Horse-battery-7"


def role_pk(code):
    return Role.objects.get(code=code).pk


def invite(client, **changes):
    data = {
        "email": "new.am@agency.example",
        "first_name": "Nina",
        "last_name": "Patel",
        "job_title": "Account Manager",
        "roles": [role_pk(Role.ACCOUNT_MANAGER)],
        "level": "junior",
        "line_manager": "",
        "capacity_hours": "37.5",
        "pathway": "delivery",
    } | changes
    return client.post(reverse("people:person_invite"), data)


def link_in(mailoutbox):
    return re.search(r"https?://[^/\s]+(/people/invitation/\S+/)", mailoutbox[-1].body).group(1)


def test_head_of_cs_invites_and_the_link_sets_a_password_once(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.head)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, line_manager=world.head.pk)
    assert response.status_code == 302
    nina = get_user_model().objects.get(email="new.am@agency.example")
    assert not nina.has_usable_password()
    assert nina.profile.line_manager == world.head and nina.profile.pathway == "delivery"
    assert list(nina.profile.roles.values_list("code", flat=True)) == [Role.ACCOUNT_MANAGER]
    assert Invitation.objects.get(user=nina).invited_by == world.head
    assert mailoutbox[-1].to == ["new.am@agency.example"]
    link = link_in(mailoutbox)

    client.logout()
    page = client.get(link)
    assert page.context["valid"]
    done = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    nina.refresh_from_db()
    assert nina.check_password(PASSWORD)
    assert Invitation.objects.get(user=nina).accepted_at is not None
    assert client.get(reverse("my_week")).status_code == 200  # logged in

    client.logout()
    # the same link again: refused, and the password stays
    again = client.post(link, {"new_password1": "other-Horse-99", "new_password2": "other-Horse-99"})
    assert again.status_code == 200 and not again.context["valid"]
    nina.refresh_from_db()
    assert nina.check_password(PASSWORD)


def test_an_invitation_link_expires_after_three_days(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.head)
    with (
        time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invite(client)
    link = link_in(mailoutbox)
    client.logout()
    with time_machine.travel(datetime.datetime(2026, 3, 5, 8, 59, tzinfo=datetime.UTC)):
        assert client.get(link).context["valid"]
    with time_machine.travel(datetime.datetime(2026, 3, 5, 9, 1, tzinfo=datetime.UTC)):
        refused = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
        assert not refused.context["valid"] and "no longer works" in refused.content.decode()
    assert not get_user_model().objects.get(email="new.am@agency.example").has_usable_password()


def test_an_invitation_to_an_email_in_use_is_a_field_error(client, world):
    client.force_login(world.head)
    before = get_user_model().objects.count()
    response = invite(client, email=world.team_am.email.upper())
    assert response.status_code == 200
    assert "already uses this email" in str(response.context["form"].errors["email"])
    assert get_user_model().objects.count() == before and not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["team_am", "sponsor", "norole"])
def test_only_the_head_of_cs_and_admins_manage_people(client, world, persona):
    client.force_login(world.persona(persona))
    assert invite(client).status_code == 403
    assert client.post(reverse("people:person_edit", args=[world.other_am.pk]), {}).status_code == 403
    assert client.post(reverse("people:person_deactivate", args=[world.other_am.pk]), {}).status_code == 403
    assert not Invitation.objects.exists()


def test_admin_sets_several_roles_level_capacity_and_pathway(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("people:person_edit", args=[world.other_am.pk]),
        {
            "job_title": "Senior AM",
            "roles": [role_pk(Role.SENIOR_ACCOUNT_MANAGER), role_pk(Role.EXEC_SPONSOR)],
            "level": "senior",
            "line_manager": world.head.pk,
            "capacity_hours": "30",
            "pathway": "people",
            "version": world.other_am.profile.version,
        },
    )
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=world.other_am)
    assert set(profile.roles.values_list("code", flat=True)) == {
        Role.SENIOR_ACCOUNT_MANAGER,
        Role.EXEC_SPONSOR,
    }
    assert (profile.level, profile.capacity_hours, profile.pathway) == ("senior", 30, "people")
    assert profile.history.count() >= 2  # the change is in the history


def test_a_line_manager_loop_is_refused(client, world):
    # Amy reports to Tom; making Tom report to Amy would close a loop (and so would Tom → Amy → Tom)
    StaffProfile.objects.filter(user=world.team_am).update(line_manager=world.other_am)
    client.force_login(world.head)
    response = client.post(
        reverse("people:person_edit", args=[world.other_am.pk]),
        {
            "job_title": "AM",
            "roles": [role_pk(Role.ACCOUNT_MANAGER)],
            "level": "junior",
            "line_manager": world.team_am.pk,
            "capacity_hours": "37.5",
            "pathway": "",
            "version": StaffProfile.objects.get(user=world.other_am).version,
        },
    )
    assert response.status_code == 200
    assert "cannot report to their own report" in str(response.context["form"].errors["line_manager"])
    assert StaffProfile.objects.get(user=world.other_am).line_manager is None


def test_deactivation_hands_actions_and_leads_on_and_keeps_history(client, world):
    mine = ActionFactory(client=world.client, owner=world.team_am, description="Send the Q3 report")
    done = ActionFactory(
        client=world.other_client, owner=world.team_am, status="done", done_at="2026-01-05T10:00Z"
    )
    lead = world.client.memberships.get(user=world.team_am)
    client.force_login(world.head)
    page = client.get(reverse("people:person_deactivate", args=[world.team_am.pk]))
    html = page.content.decode()
    assert "Send the Q3 report" in html and "Lead AM of Northwind Outdoor" in html
    response = client.post(
        reverse("people:person_deactivate", args=[world.team_am.pk]),
        {f"action_{mine.pk}": world.other_am.pk, f"lead_{lead.pk}": world.other_am.pk, "confirm": "on"},
    )
    assert response.status_code == 302
    world.team_am.refresh_from_db()
    assert not world.team_am.is_active
    assert get_user_model().objects.filter(pk=world.team_am.pk).exists()  # never deleted
    mine.refresh_from_db()
    assert mine.owner == world.other_am
    assert mine.history.filter(owner=world.team_am).exists()  # who had it before is kept
    assert Action.objects.get(pk=done.pk).owner == world.team_am  # done work stays theirs
    assert AccountTeamMembership.objects.get(client=world.client, is_lead=True).user == world.other_am
    assert AccountTeamMembership.objects.filter(
        client=world.client, user=world.team_am, is_lead=False
    ).exists()
    assert world.other_am.notifications.filter(key__startswith=f"handover-{world.team_am.pk}-").count() == 2


def test_deactivation_asks_for_every_new_owner_and_writes_nothing_without(client, world):
    mine = ActionFactory(client=world.client, owner=world.team_am)
    client.force_login(world.head)
    response = client.post(reverse("people:person_deactivate", args=[world.team_am.pk]), {"confirm": "on"})
    assert response.status_code == 200 and response.context["form"].errors
    world.team_am.refresh_from_db()
    mine.refresh_from_db()
    assert world.team_am.is_active and mine.owner == world.team_am


def test_the_last_head_of_cs_cannot_be_deactivated(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("people:person_deactivate", args=[world.head.pk]), {"confirm": "on"})
    assert response.status_code == 200
    assert "needs a head of CS" in response.content.decode()
    world.head.refresh_from_db()
    assert world.head.is_active
    # with a second head of CS, the first may go
    staff(Role.HEAD_OF_CS, username="head2")
    response = client.post(reverse("people:person_deactivate", args=[world.head.pk]), {"confirm": "on"})
    assert response.status_code == 302
    world.head.refresh_from_db()
    assert not world.head.is_active


def test_the_last_head_of_cs_keeps_the_role(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("people:person_edit", args=[world.head.pk]),
        {
            "roles": [role_pk(Role.ACCOUNT_DIRECTOR)],
            "level": "senior",
            "capacity_hours": "37.5",
            "version": world.head.profile.version,
        },
    )
    assert response.status_code == 200 and "last head of CS" in str(response.context["form"].errors["roles"])


def test_tiers_are_edited_on_their_own_screen_with_history(client, world):
    tier = Tier.objects.get(rank=3) if Tier.objects.filter(rank=3).exists() else TierFactory(rank=3)
    client.force_login(world.head)
    response = client.post(
        reverse("people:tier_edit", args=[tier.pk]),
        {
            "rank": 3,
            "name": "Tier three",
            "description": "Small retainers",
            "lead_min_role": role_pk(Role.ACCOUNT_MANAGER),
        },
    )
    assert response.status_code == 302
    tier.refresh_from_db()
    assert tier.name == "Tier three" and tier.lead_min_role.code == Role.ACCOUNT_MANAGER
    page = client.get(reverse("people:tier_list")).content.decode()
    assert "Tier three" in page and "Changed" in page
    # a second tier with the same rank is a field error, nothing written
    clash = client.post(reverse("people:tier_create"), {"rank": 3, "name": "Another", "description": ""})
    assert clash.status_code == 200 and clash.context["form"].errors
    assert not Tier.objects.filter(name="Another").exists()


def test_roles_definitions_edit_and_their_shares_add_up(client, world):
    client.force_login(world.head)
    am = Role.objects.get(code=Role.ACCOUNT_DIRECTOR)
    assert am.share_senior_relationships > 0 and "Pitching" in am.responsibilities  # seed defaults
    url = reverse("people:role_edit", args=[am.pk])
    bad = client.post(
        url,
        {
            "overview": "x",
            "responsibilities": "a",
            "share_account_management": 50,
            "share_senior_relationships": 40,
            "share_people_management": 20,
        },
    )
    assert bad.status_code == 200 and "add up to 100%" in bad.content.decode()
    ok = client.post(
        url,
        {
            "overview": "Leads the senior relationships",
            "responsibilities": "Pitching",
            "share_account_management": 40,
            "share_senior_relationships": 40,
            "share_people_management": 20,
        },
    )
    assert ok.status_code == 302
    assert "Leads the senior relationships" in client.get(reverse("people:org")).content.decode()


def test_the_org_tree_nests_reports_under_their_line_manager(client, world, django_assert_max_num_queries):
    StaffProfile.objects.filter(user__in=[world.team_am, world.other_am]).update(line_manager=world.head)
    client.force_login(world.team_am)
    response = client.get(reverse("people:org"))
    tree = response.context["tree"]
    depth = {row["name"]: row["depth"] for row in tree}
    assert depth["Hannah Hughes"] == 0 and depth["Amy Mills"] == 1 and depth["Tom Baker"] == 1
    names = [row["name"] for row in tree]
    assert names.index("Hannah Hughes") < names.index("Amy Mills")


def test_a_lead_who_does_not_fit_the_tier_is_warned_on_the_client_page_and_when_assigned(client, world):
    tier = world.client.tier
    tier.lead_min_role = Role.objects.get(code=Role.ACCOUNT_DIRECTOR)
    tier.save()
    client.force_login(world.head)
    page = client.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert 'data-testid="lead-fit"' in page and "Amy Mills leads this" in page
    form_page = client.get(reverse("clients:team_add", args=[world.client.pk])).content.decode()
    assert "lead should be at least Account director" in form_page
    response = client.post(
        reverse("clients:team_add", args=[world.client.pk]),
        {"user": world.other_am.pk, "responsibility": "Day to day", "is_lead": "on"},
        follow=True,
    )
    assert "Tom Baker does not fit" in response.content.decode()
    # a fitting lead: no warning on the page
    director = staff(Role.ACCOUNT_DIRECTOR, username="dir", first_name="Dana", last_name="Ross")
    client.post(
        reverse("clients:team_add", args=[world.client.pk]),
        {"user": director.pk, "responsibility": "Lead", "is_lead": "on"},
    )
    assert (
        'data-testid="lead-fit"'
        not in client.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    )


def test_a_fitting_lead_shows_no_warning(client, world):
    client.force_login(world.team_am)
    assert "lead-fit" not in client.get(reverse("clients:detail", args=[world.client.pk])).content.decode()


def test_a_profile_saved_meanwhile_is_not_overwritten(client, world):
    profile = StaffProfile.objects.get(user=world.other_am)
    loaded = profile.version
    StaffProfile.objects.get(pk=profile.pk).save()  # someone else saves first
    client.force_login(world.head)
    response = client.post(
        reverse("people:person_edit", args=[world.other_am.pk]),
        {
            "roles": [role_pk(Role.ACCOUNT_MANAGER)],
            "level": "senior",
            "capacity_hours": "20",
            "version": loaded,
        },
    )
    assert response.status_code == 200 and "changed after you opened the form" in response.content.decode()
    assert StaffProfile.objects.get(pk=profile.pk).capacity_hours == Decimal("37.5")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_heads_deactivating_each_other_at_once_leave_one(world):
    import threading

    from django.db import connection

    from people.services.team import LastHeadOfCs, person_deactivate

    second = staff(Role.HEAD_OF_CS, username="head2")
    barrier, outcomes = threading.Barrier(2), []

    def leave(user, by):
        try:
            barrier.wait()
            person_deactivate(user=user, by=by, action_owners={}, lead_successors={})
            outcomes.append("done")
        except LastHeadOfCs:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=leave, args=(world.head, second)),
        threading.Thread(target=leave, args=(second, world.head)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done", "refused"]
    assert get_user_model().objects.filter(is_active=True, profile__roles__code=Role.HEAD_OF_CS).count() == 1


def test_deactivation_outdates_what_showed_the_old_owner_and_lead(client, world, settings):
    # the handover writes in bulk (no signals): with the cache on, the client page's team and the
    # NPS page's per-AM table must show the new lead at once, not after the entry expires
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    mine = ActionFactory(client=world.client, owner=world.team_am, description="Send the Q3 report")
    NpsCheckInFactory(client=world.client, quarter=datetime.date(2026, 10, 1), status="done", score=10)
    lead = world.client.memberships.get(user=world.team_am)
    client.force_login(world.head)
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, tzinfo=datetime.UTC), tick=False):
        nps_before = client.get(reverse("reporting:nps")).content.decode()
        page_before = client.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
        assert "Amy Mills" in nps_before and "Amy Mills" in page_before
        client.post(
            reverse("people:person_deactivate", args=[world.team_am.pk]),
            {f"action_{mine.pk}": world.other_am.pk, f"lead_{lead.pk}": world.other_am.pk, "confirm": "on"},
        )
        nps_after = client.get(reverse("reporting:nps")).content.decode()
        ams = nps_after[nps_after.index("By lead AM's clients") :]
        assert "Tom Baker" in ams and "Amy Mills" not in ams
        page = client.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
        actions = page[page.index("Send the Q3 report") - 600 : page.index("Send the Q3 report") + 600]
        assert "Tom Baker" in actions
