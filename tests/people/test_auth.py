import re

import pytest
from django.urls import reverse

from people.models import Role

from ..factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def amy():
    return staff(Role.ACCOUNT_MANAGER, username="amy", email="amy@agency.example", first_name="Amy")


def test_logging_in_lands_an_account_manager_on_their_week(client, amy):
    response = client.post(reverse("login"), {"username": "amy", "password": "pw-for-tests-1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_week")
    assert "Log out" in response.content.decode()


def test_a_wrong_password_says_so(client, amy):
    response = client.post(reverse("login"), {"username": "amy", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_login(client, amy, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "amy", "password": "nope"})
    locked = client.post(reverse("login"), {"username": "amy", "password": "pw-for-tests-1"})
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()


def test_logout_is_a_post(client, amy):
    client.force_login(amy)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("clients:list")).status_code == 302


def test_password_change(client, amy):
    client.force_login(amy)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "a-Much-better-pass-9",
            "new_password2": "a-Much-better-pass-9",
        },
    )
    assert response.status_code == 302
    amy.refresh_from_db()
    assert amy.check_password("a-Much-better-pass-9")


def test_password_change_rejects_a_weak_password(client, amy):
    client.force_login(amy)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "123",
            "new_password2": "123",
        },
    )
    assert response.status_code == 200 and "too short" in response.content.decode()


def test_password_reset_emails_a_link_that_sets_a_new_password(
    client, amy, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "amy@agency.example"})
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["amy@agency.example"] and mail.subject == "Reset your CS Ops password"
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-Horse-battery-7", "new_password2": "fresh-Horse-battery-7"},
    )
    assert done.status_code == 302
    amy.refresh_from_db()
    assert amy.check_password("fresh-Horse-battery-7")


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@agency.example"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mailoutbox == []


def test_navigation_shows_what_the_role_can_do(client, world):
    client.force_login(world.team_am)
    am_nav = client.get(reverse("clients:list")).content.decode()
    assert "New client" not in am_nav and 'href="/admin/"' not in am_nav
    client.force_login(world.head)
    assert "New client" in client.get(reverse("clients:list")).content.decode()
    client.force_login(world.admin)
    assert 'href="/admin/"' in client.get(reverse("clients:list")).content.decode()


def test_a_user_without_a_role_is_told_so(client, world):
    client.force_login(world.norole)
    assert "has no CS Ops role yet" in client.get(reverse("home")).content.decode()
