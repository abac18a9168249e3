"""Single sign-on (issue 19, item 4) against a fake OpenID Connect provider: no network call.

The provider's discovery document, token endpoint and userinfo endpoint are answered by FakeIdP
(allauth's requests session is swapped for it), so the whole round trip runs: the login page's
button, the redirect to the provider, the callback with a code, the match on a verified email.
"""

import json
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth import get_user_model
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://idp.example"
APP = {
    "provider_id": "google",
    "name": "Google Workspace",
    "client_id": "csops-test",
    "secret": "s3cret",
    "settings": {"server_url": ISSUER, "oauth_pkce_enabled": True},
}


class FakeResponse:
    def __init__(self, data, status=200):
        self.status_code, self._data = status, data
        self.text = json.dumps(data)
        self.content = self.text.encode()
        self.headers = {"content-type": "application/json"}

    def json(self):
        return self._data

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}")


class FakeIdP:
    """The provider's three endpoints; `userinfo` is who it says signed in."""

    def __init__(self):
        self.userinfo = {}
        self.calls = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def get(self, url, **kwargs):
        self.calls.append(("GET", url))
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return FakeResponse(
                {
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/authorize",
                    "token_endpoint": f"{ISSUER}/token",
                    "userinfo_endpoint": f"{ISSUER}/userinfo",
                    "jwks_uri": f"{ISSUER}/jwks",
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                }
            )
        if url == f"{ISSUER}/userinfo":
            assert kwargs["headers"]["Authorization"] == "Bearer access-123"
            return FakeResponse(self.userinfo)
        return FakeResponse({}, status=404)

    def request(self, method, url, **kwargs):
        self.calls.append((method, url))
        assert url == f"{ISSUER}/token" and kwargs["data"]["code"] == "code-abc"
        assert kwargs["data"]["code_verifier"]  # PKCE
        return FakeResponse({"access_token": "access-123", "token_type": "Bearer", "expires_in": 3600})


@pytest.fixture
def idp(settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [APP]}}
    fake = FakeIdP()
    monkeypatch.setattr(DefaultSocialAccountAdapter, "get_requests_session", lambda self: fake)
    return fake


def sign_in(client, idp, **userinfo):
    """The whole round trip; returns the callback's response."""
    idp.userinfo = {"sub": "g-1", "email_verified": True, **userinfo}
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "google"}))
    assert start.status_code == 302 and start["Location"].startswith(f"{ISSUER}/authorize")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "google"})
    return client.get(callback, {"code": "code-abc", "state": state})


def logged_in_as(client):
    response = client.get(reverse("people:notifications"))
    return response.wsgi_request.user if response.status_code == 200 else None


def test_the_login_page_offers_each_configured_provider(client, idp):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Google Workspace" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": "google"}) in page


def test_no_provider_configured_no_button(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "Sign in with" not in client.get(reverse("login")).content.decode()


def test_a_verified_email_signs_into_the_existing_account_and_the_password_still_works(world, client, idp):
    response = sign_in(client, idp, email="Team_AM@agency.example", name="Amy Mills")
    assert response.status_code == 302, response.content[:500]
    assert logged_in_as(client) == world.team_am
    # discovery (at the start and at the callback), the code for a token, the userinfo
    assert [m for m, _ in idp.calls] == ["GET", "GET", "POST", "GET"]
    client.logout()
    world.team_am.refresh_from_db()
    assert world.team_am.has_usable_password()
    password_login = client.post(reverse("login"), {"username": "team_am", "password": "pw-for-tests-1"})
    assert password_login.status_code == 302 and logged_in_as(client) == world.team_am
    client.logout()
    # the second time the connected social account is found directly
    assert sign_in(client, idp, email="team_am@agency.example").status_code == 302
    assert logged_in_as(client) == world.team_am


def test_an_unverified_email_matches_nobody_and_makes_nobody(world, client, idp):
    before = get_user_model().objects.count()
    response = sign_in(client, idp, email="team_am@agency.example", email_verified=False)
    assert response.status_code == 200 and "No CS Ops account" in response.content.decode()
    assert logged_in_as(client) is None
    assert get_user_model().objects.count() == before


def test_an_unknown_email_is_refused_unless_the_admin_allows_its_domain(world, client, idp, settings):
    before = get_user_model().objects.count()
    response = sign_in(client, idp, email="newbie@agency.example", name="New Bie")
    assert "No CS Ops account" in response.content.decode() and logged_in_as(client) is None
    assert get_user_model().objects.count() == before
    settings.CSOPS_SSO_SIGNUP_DOMAINS = ["agency.example"]
    other = sign_in(client, idp, sub="g-2", email="stranger@elsewhere.example")
    assert "No CS Ops account" in other.content.decode()
    made = sign_in(client, idp, sub="g-3", email="newbie@agency.example", name="New Bie")
    assert made.status_code == 302
    newbie = get_user_model().objects.get(email="newbie@agency.example")
    assert logged_in_as(client) == newbie and newbie.is_active


def test_a_deactivated_leaver_stays_out_even_on_an_allowed_domain(world, client, idp, settings):
    settings.CSOPS_SSO_SIGNUP_DOMAINS = ["agency.example"]
    UserFactory(username="leaver", email="leaver@agency.example", is_active=False)
    response = sign_in(client, idp, email="leaver@agency.example")
    assert "No CS Ops account" in response.content.decode() and logged_in_as(client) is None
    assert get_user_model().objects.filter(email__iexact="leaver@agency.example").count() == 1


def test_a_bad_state_or_a_provider_error_is_a_page_not_a_500(world, client, idp):
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "google"})
    forged = client.get(callback, {"code": "code-abc", "state": "forged"})
    assert forged.status_code == 401 and "did not confirm who you are" in forged.content.decode()
    denied = client.get(callback, {"error": "access_denied"})
    assert denied.status_code in (302, 401), denied.status_code
    assert logged_in_as(client) is None
    assert ("POST", f"{ISSUER}/token") not in idp.calls
    assert client.post(reverse("openid_connect_login", kwargs={"provider_id": "nope"})).status_code == 404
