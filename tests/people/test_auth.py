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


# --- Lockout behind the TLS proxy (issue 10 item 7) ---------------------------------------------
PROXY = "10.0.0.2"  # every request reaches the app from the proxy's address


def login_via_proxy(client, username, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_one_persons_failures_do_not_lock_another_out(client, amy, behind_proxy, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        login_via_proxy(client, "amy", "nope", "203.0.113.7")  # someone else, guessing amy's password
    assert login_via_proxy(client, "amy", "pw-for-tests-1", "203.0.113.7").status_code == 429
    response = login_via_proxy(client, "amy", "pw-for-tests-1", "198.51.100.4")  # amy, at her desk
    assert response.status_code == 302


def test_the_proxys_own_entry_is_the_one_trusted_not_what_the_client_wrote(
    client, amy, behind_proxy, settings
):
    # a client may send any X-Forwarded-For; the proxy appends the address it saw, which is the last
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_via_proxy(client, "amy", "nope", f"192.0.2.{n}, 203.0.113.7")
    assert login_via_proxy(client, "amy", "pw-for-tests-1", "192.0.2.99, 203.0.113.7").status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(client, amy, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_via_proxy(client, "amy", "nope", f"192.0.2.{n}")  # a forged header per guess
    assert login_via_proxy(client, "amy", "pw-for-tests-1", "192.0.2.99").status_code == 429


def test_guessing_across_many_usernames_from_one_address_is_locked(client, amy, behind_proxy, settings):
    names = [f"user{n}" for n in range(12)]
    answers = [
        login_via_proxy(client, name, f"guess-{guess}", "203.0.113.7").status_code
        for name in names
        for guess in range(4)  # under the per-username limit every time
    ]
    assert answers.count(429) >= 48 - settings.AXES_ADDRESS_FAILURE_LIMIT
    # the address is locked for every name, amy's right password included…
    assert login_via_proxy(client, "amy", "pw-for-tests-1", "203.0.113.7").status_code == 429
    # …and nobody else is
    assert login_via_proxy(client, "amy", "pw-for-tests-1", "198.51.100.4").status_code == 302


# --- Password reset throttle --------------------------------------------------------------------
def request_reset(client, email, address="203.0.113.7"):
    return client.post(
        reverse("password_reset"), {"email": email}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address
    )


def test_the_fourth_reset_request_in_an_hour_sends_no_mail_and_looks_the_same(
    client, amy, behind_proxy, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [request_reset(client, "amy@agency.example") for _ in range(11)]
    assert len(mailoutbox) == 3
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, reverse("password_reset_done"))}


def test_reset_requests_are_limited_per_address_across_emails(
    client, behind_proxy, mailoutbox, django_capture_on_commit_callbacks, settings
):
    for n in range(12):
        staff(Role.ACCOUNT_MANAGER, username=f"am{n}", email=f"am{n}@agency.example")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(12):
            assert request_reset(client, f"am{n}@agency.example").status_code == 302
    assert len(mailoutbox) == settings.CSOPS_PASSWORD_RESETS_PER_ADDRESS
    with django_capture_on_commit_callbacks(execute=True):
        request_reset(client, "am11@agency.example", address="198.51.100.4")  # someone elsewhere
    assert len(mailoutbox) == settings.CSOPS_PASSWORD_RESETS_PER_ADDRESS + 1


def test_reset_requests_are_allowed_again_an_hour_later(
    client, amy, behind_proxy, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-11-16 09:00:00+00:00", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            request_reset(client, "amy@agency.example")
    assert len(mailoutbox) == 3
    time_machine.move_to("2026-11-16 10:00:01+00:00", tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        request_reset(client, "amy@agency.example")
    assert len(mailoutbox) == 4


def test_the_daily_sweep_removes_past_throttle_windows(db):
    import datetime

    from django.utils import timezone

    from people.models import Throttle
    from people.tasks import clear_expired_sessions

    from ..factories import ThrottleFactory

    past = ThrottleFactory(window_start=timezone.now() - datetime.timedelta(hours=3))
    current = ThrottleFactory()
    clear_expired_sessions()
    assert list(Throttle.objects.values_list("pk", flat=True)) == [current.pk]
    assert past.pk != current.pk


def test_a_throttle_that_cannot_count_lets_the_request_through(
    client, amy, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import DatabaseError

    from people.models import Throttle

    def broken(*args, **kwargs):
        raise DatabaseError("no such table: people_throttle")

    monkeypatch.setattr(Throttle.objects, "get_or_create", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "amy@agency.example"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mailoutbox) == 1
