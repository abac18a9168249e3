"""Optional TOTP two-factor for password logins (issue 19, item 4), through the test client.

Codes are computed here from the secret the page shows, with allauth.mfa's own HOTP functions, at a
frozen instant (a code lives 30 seconds and is accepted once).
"""

import datetime
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from axes.models import AccessAttempt
from django.urls import reverse

from people import two_factor
from people.models import Role

from .. import test_sso
from ..factories import UserFactory, staff
from ..test_settings import run_manage
from ..test_sso import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
idp = test_sso.idp  # the fake OpenID Connect provider, as a fixture here too


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def code_for(secret, *, steps=0):
    """The code an authenticator app shows now (or `steps` periods later)."""
    return format_hotp_value(hotp_value(secret, int(NOW.timestamp()) // 30 + steps))


def later(frozen, seconds=30):
    """Time moves on to the next code (a code is accepted once)."""
    frozen.shift(seconds)


@pytest.fixture
def amy():
    return staff(Role.ACCOUNT_MANAGER, username="amy", email="amy@agency.example", first_name="Amy")


@pytest.fixture
def admin_user():
    return staff(Role.ADMIN, username="ada", email="ada@agency.example", is_staff=True)


def with_totp(user):
    """`user` with TOTP on; returns (secret, recovery codes)."""
    secret = generate_totp_secret()
    codes = two_factor.totp_activate(user=user, secret=secret)
    return secret, codes


def password_login(client, username="amy", **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD, **extra})


def logged_in_user(client):
    response = client.get(reverse("people:notifications"))
    return response.wsgi_request.user if response.status_code == 200 else None


# --- setting it up ---------------------------------------------------------------------------------


def test_the_settings_page_shows_a_qr_code_drawn_here_and_the_secret_in_text(client, amy):
    client.force_login(amy)
    response = client.get(reverse("people:two_factor"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and "<?xml" not in page  # inline, no external image, no CDN
    secret = re.search(r'data-testid="totp-secret">(\w+)<', page).group(1)
    assert len(secret) == 32
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # a reload shows the same secret, so an app that already scanned it still matches
    assert secret in client.get(reverse("people:two_factor")).content.decode()


def setup(client, user):
    """Through the page: scan (read the secret), confirm with a first code; returns (secret, codes)."""
    client.force_login(user)
    page = client.get(reverse("people:two_factor")).content.decode()
    secret = re.search(r'data-testid="totp-secret">(\w+)<', page).group(1)
    response = client.post(reverse("people:two_factor"), {"code": code_for(secret)})
    assert response.status_code == 200
    codes = re.findall(r'<li class="col">(\d+)</li>', response.content.decode())
    return secret, codes


def test_a_first_right_code_turns_it_on_and_shows_the_recovery_codes_once(client, amy):
    secret, codes = setup(client, amy)
    assert len(codes) == 10
    assert two_factor.has_totp(amy)
    page = client.get(reverse("people:two_factor")).content.decode()
    assert "Two-factor is on" in page
    assert not any(code in page for code in codes)  # never shown again
    assert 'data-testid="codes-left">10<' in page


def test_a_wrong_first_code_says_so_and_turns_nothing_on(client, amy):
    client.force_login(amy)
    page = client.get(reverse("people:two_factor")).content.decode()
    secret = re.search(r'data-testid="totp-secret">(\w+)<', page).group(1)
    response = client.post(reverse("people:two_factor"), {"code": code_for(secret, steps=5)})
    assert response.status_code == 400
    assert "That code does not match" in response.content.decode()
    assert not Authenticator.objects.filter(user=amy).exists()


def test_new_recovery_codes_replace_the_old_ones(client, amy, frozen):
    secret, old_codes = setup(client, amy)
    response = client.post(reverse("people:two_factor_recovery_codes"))
    new_codes = re.findall(r'<li class="col">(\d+)</li>', response.content.decode())
    assert len(new_codes) == 10 and set(new_codes) != set(old_codes)
    client.logout()
    password_login(client)
    assert client.post(reverse("login_code"), {"code": old_codes[0]}).status_code == 200  # refused
    assert logged_in_user(client) is None
    password_login(client)
    client.post(reverse("login_code"), {"code": new_codes[0]})
    assert logged_in_user(client) == amy


def test_recovery_codes_cannot_be_made_without_two_factor(client, amy):
    client.force_login(amy)
    response = client.post(reverse("people:two_factor_recovery_codes"))
    assert response.status_code == 302 and not Authenticator.objects.filter(user=amy).exists()


# --- logging in ------------------------------------------------------------------------------------


def test_without_two_factor_the_password_alone_logs_in(client, amy):
    response = password_login(client)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert logged_in_user(client) == amy


def test_with_two_factor_the_password_leads_to_the_code_page_not_in(client, amy):
    with_totp(amy)
    response = password_login(client, next="/people/pdps/")
    assert response.status_code == 302 and response["Location"] == reverse("login_code")
    assert logged_in_user(client) is None
    page = client.get(reverse("login_code")).content.decode()
    assert re.search(r'<label\s+for="id_code"[^>]*>\s*Authentication code', page)


def test_the_right_code_logs_in_where_the_person_was_going(client, amy):
    secret, _ = with_totp(amy)
    password_login(client, next="/people/pdps/")
    response = client.post(reverse("login_code"), {"code": code_for(secret)})
    assert response.status_code == 302 and response["Location"] == "/people/pdps/"
    assert logged_in_user(client) == amy
    assert Authenticator.objects.get(user=amy, type="totp").last_used_at is not None


def test_a_code_is_accepted_once(client, amy):
    secret, _ = with_totp(amy)
    password_login(client)
    client.post(reverse("login_code"), {"code": code_for(secret)})
    client.logout()
    password_login(client)
    response = client.post(reverse("login_code"), {"code": code_for(secret)})
    assert "That code is not right (or was already used)" in response.content.decode()
    assert logged_in_user(client) is None


def test_a_wrong_code_says_so_on_the_page(client, amy):
    secret, _ = with_totp(amy)
    password_login(client)
    response = client.post(reverse("login_code"), {"code": code_for(secret, steps=3)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert logged_in_user(client) is None


def test_repeated_wrong_codes_lock_the_login_like_wrong_passwords(client, amy, settings):
    secret, _ = with_totp(amy)
    password_login(client)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("login_code"), {"code": "000000"}).status_code == 200
    locked = client.post(reverse("login_code"), {"code": "000000"})
    assert locked.status_code == 429 and "Too many failed log-ins" in locked.content.decode()
    # the right code does not help now, nor does the password
    assert password_login(client).status_code == 429
    assert client.post(reverse("login_code"), {"code": code_for(secret)}).status_code == 302
    assert logged_in_user(client) is None


def test_the_code_step_expires(client, amy, frozen):
    secret, _ = with_totp(amy)
    password_login(client)
    frozen.shift(two_factor.PENDING_SECONDS + 1)
    response = client.post(reverse("login_code"), {"code": code_for(secret, steps=11)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert logged_in_user(client) is None


def test_the_code_page_without_a_password_first_goes_back_to_the_login(client):
    response = client.get(reverse("login_code"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_a_recovery_code_logs_in_once(client, amy):
    _, codes = with_totp(amy)
    password_login(client)
    response = client.post(reverse("login_code"), {"code": codes[3]}, follow=True)
    assert logged_in_user(client) == amy
    assert "9 left" in response.content.decode()
    client.logout()
    password_login(client)
    client.post(reverse("login_code"), {"code": codes[3]})
    assert logged_in_user(client) is None


# --- turning it off --------------------------------------------------------------------------------


def test_turning_it_off_with_a_current_code(client, amy, frozen):
    secret, _ = with_totp(amy)
    client.force_login(amy)
    response = client.post(reverse("people:two_factor_disable"), {"proof": code_for(secret)})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=amy).exists()  # the recovery codes went too
    client.logout()
    assert password_login(client)["Location"] == reverse("home")


def test_turning_it_off_with_the_password(client, amy):
    with_totp(amy)
    client.force_login(amy)
    client.post(reverse("people:two_factor_disable"), {"proof": PASSWORD})
    assert not two_factor.has_totp(amy)


def test_turning_it_off_with_a_wrong_proof_is_refused_and_counts_as_a_failed_login(client, amy):
    with_totp(amy)
    client.force_login(amy)
    response = client.post(reverse("people:two_factor_disable"), {"proof": "guess"})
    assert response.status_code == 400
    assert "neither a current code nor your password" in response.content.decode()
    assert two_factor.has_totp(amy)
    assert AccessAttempt.objects.get(username="amy").failures_since_start == 1


# --- single sign-on --------------------------------------------------------------------------------


def test_an_sso_login_does_not_ask_for_the_code(world, client, idp):
    with_totp(world.team_am)
    response = sign_in(client, idp, email="team_am@agency.example")
    assert response.status_code == 302 and "two-factor" not in response["Location"]
    assert logged_in_user(client) == world.team_am


def test_an_sso_admin_is_not_held_by_the_admin_requirement(world, client, idp, settings):
    settings.CSOPS_REQUIRE_ADMIN_2FA = True
    sign_in(client, idp, email="admin@agency.example")
    response = client.get(reverse("clients:list"))
    assert response.status_code == 200


# --- the admin requirement -------------------------------------------------------------------------


def test_with_the_requirement_on_an_admin_without_two_factor_reaches_only_the_set_up(
    client, admin_user, settings
):
    settings.CSOPS_REQUIRE_ADMIN_2FA = True
    response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:two_factor")
    assert "Admins need two-factor here" in response.content.decode()
    for url in [reverse("clients:list"), reverse("people:staff_list"), reverse("admin:index")]:
        held = client.get(url)
        assert held.status_code == 302 and held["Location"] == reverse("people:two_factor"), url
    assert client.get("/no-such-page/").status_code == 404
    # the set-up works, and then everything is open
    page = client.get(reverse("people:two_factor")).content.decode()
    secret = re.search(r'data-testid="totp-secret">(\w+)<', page).group(1)
    client.post(reverse("people:two_factor"), {"code": code_for(secret)})
    assert client.get(reverse("clients:list")).status_code == 200
    # logging out is never held
    assert client.post(reverse("logout")).status_code == 302


def test_with_the_requirement_on_staff_and_superusers_count_as_admins(client, settings):
    settings.CSOPS_REQUIRE_ADMIN_2FA = True
    for user in [UserFactory(username="st", is_staff=True), UserFactory(username="su", is_superuser=True)]:
        client.force_login(user)
        assert client.get(reverse("people:notifications"))["Location"] == reverse("people:two_factor")


def test_with_the_requirement_on_other_roles_are_not_held(client, amy, settings):
    settings.CSOPS_REQUIRE_ADMIN_2FA = True
    password_login(client)
    assert client.get(reverse("my_week")).status_code == 200


def test_with_the_requirement_off_an_admin_without_two_factor_goes_anywhere(client, admin_user, settings):
    settings.CSOPS_REQUIRE_ADMIN_2FA = False
    password_login(client, username="ada")
    assert client.get(reverse("clients:list")).status_code == 200


def test_with_the_requirement_on_an_admin_with_two_factor_logs_in_with_the_code(client, admin_user, settings):
    settings.CSOPS_REQUIRE_ADMIN_2FA = True
    secret, _ = with_totp(admin_user)
    password_login(client, username="ada")
    client.post(reverse("login_code"), {"code": code_for(secret)})
    assert client.get(reverse("clients:list")).status_code == 200


def test_a_bad_value_for_the_setting_fails_loudly():
    result = run_manage("check", CSOPS_REQUIRE_ADMIN_2FA="sometimes")
    assert result.returncode != 0 and "CSOPS_REQUIRE_ADMIN_2FA='sometimes' is not a boolean" in result.stderr
