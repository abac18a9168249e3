"""The navigation bar is rendered once per (roles, section) and shared: each person still sees their
own name, unread count, log-out token and search words, and the links their roles allow."""

import re

import pytest
from django.urls import reverse

from csops.templatetags import navbar
from people.models import Role

from .factories import NotificationFactory, staff

pytestmark = pytest.mark.django_db


def nav_of(response) -> str:
    html = response.content.decode()
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


def test_two_people_with_the_same_roles_each_see_their_own_bar(login, client):
    amy = staff(Role.ACCOUNT_MANAGER, username="amy", first_name="Amy", last_name="Mills")
    tom = staff(Role.ACCOUNT_MANAGER, username="tom", first_name="Tom", last_name="<b>Baker</b>")
    NotificationFactory.create_batch(3, user=amy)
    first = nav_of(login(amy).get(reverse("my_week")))
    assert "Amy Mills" in first and 'data-testid="unread-count">3<' in first
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first).group(1)
    client.logout()
    second = nav_of(login(tom).get(reverse("my_week")))
    assert "Tom &lt;b&gt;Baker&lt;/b&gt;" in second and "Amy" not in second
    assert "unread-count" not in second and "Notifications, 0 unread" in second
    assert token not in second  # the log-out form carries this session's own token
    assert 'class="nav-link active" href="/my-week/"' in second


def test_the_bar_shows_what_the_roles_allow_and_highlights_the_section(login, client):
    head = staff(Role.HEAD_OF_CS, username="head")
    am = staff(Role.ACCOUNT_MANAGER, username="am")
    on_portfolio = nav_of(login(head).get(reverse("reporting:portfolio")))
    assert 'class="nav-link active" href="/reporting/portfolio/"' in on_portfolio
    client.logout()
    assert "/reporting/portfolio/" not in nav_of(login(am).get(reverse("clients:list")))
    client.logout()
    on_clients = nav_of(login(head).get(reverse("clients:list")))
    assert 'class="nav-link" href="/reporting/portfolio/"' in on_clients  # same roles, other section
    assert 'class="nav-link active" href="/clients/"' in on_clients


def test_the_search_words_come_back_escaped_on_the_search_page_only(login):
    browser = login(staff(Role.HEAD_OF_CS, username="head"))
    words = '"><script>alert(1)</script>'
    nav = nav_of(browser.get(reverse("search"), {"q": words}))
    assert "<script>alert" not in nav and 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in nav
    assert 'name="q" placeholder="Search" maxlength="200" value=""' in nav_of(
        browser.get(reverse("clients:list"), {"q": "acme"})
    )


def test_in_development_the_bar_is_rendered_afresh_each_time(login, settings):
    settings.DEBUG = True  # a template edit must show on the next request, not after a restart
    browser = login(staff(Role.HEAD_OF_CS, username="head", first_name="Hana", last_name="Ito"))
    hits = navbar._render.cache_info().hits
    for _ in range(2):
        assert "Hana Ito" in nav_of(browser.get(reverse("clients:list")))
    assert navbar._render.cache_info().hits == hits
