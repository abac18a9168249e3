"""A page's cached regions are looked up in one round trip (reporting/templatetags/fragments.py)."""

import re

import pytest
from django.core.cache import cache
from django.template import Context, Engine
from django.test import RequestFactory
from django.urls import reverse

from reporting import cache as fragments_cache
from reporting.templatetags.fragments import fragments_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def caching(settings):
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()


@pytest.fixture
def calls(monkeypatch):
    """Every get and get_many the caching code makes, with the keys asked for (a backend's own
    get_many may be made of gets: those are not counted)."""
    seen, inside = [], []
    real_get, real_get_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        if not inside:
            seen.append(("get", key))
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        seen.append(("get_many", list(keys)))
        inside.append(1)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(fragments_cache.cache, "get", get)
    monkeypatch.setattr(fragments_cache.cache, "get_many", get_many)
    return seen


def fragment_keys(seen, kind):
    return [key for call, keys in seen if call == kind for key in ([keys] if call == "get" else keys)]


def test_the_client_page_served_from_the_cache_looks_its_regions_up_at_once(world, login, caching, calls):
    c = login(world.head)
    url = reverse("clients:detail", args=[world.client.pk])
    c.get(url)
    calls.clear()
    assert c.get(url).status_code == 200
    many = [keys for call, keys in calls if call == "get_many"]
    assert len(many) == 1
    names = {key.split(":")[1] for key in many[0]}
    # the page's own regions and the actions card's, which is an included template
    assert {"client-flags", "client-actions", "client-people", "client-features", "client-side"} <= names
    # each of those was taken from that one round trip, not asked for again
    singles = {key.split(":")[1] for key in fragment_keys(calls, "get") if not key.endswith(":lock")}
    assert not singles & names


def without_tokens(html):
    # each request has its own CSRF and submit-once tokens: everything else must be the same
    return re.sub(r"[A-Za-z0-9_-]{32,}", "…", html)


def test_a_page_served_through_the_look_ahead_is_the_page_computed(world, login, caching):
    c = login(world.head)
    url = reverse("clients:detail", args=[world.client.pk])
    computed = c.get(url).content.decode()
    served = c.get(url).content.decode()
    assert 'id="open-flags"' in served and 'id="open-actions"' in served
    assert without_tokens(served) == without_tokens(computed)


ENGINE = Engine(libraries={"fragments": "reporting.templatetags.fragments"})
PAGE = ENGINE.from_string(
    "{% load fragments %}"
    "{% fragment 'one' %}one {{ n }}{% endfragment %}|"
    "{% with fragment_parts=other %}{% fragment 'two' %}two {{ n }}{% endfragment %}{% endwith %}"
)


def render(n, parts=("a",), other=("b",)):
    request = RequestFactory().get("/")
    return PAGE.render(
        Context(
            {
                "request": request,
                "n": n,
                "fragment_scopes": ["everything"],
                "fragment_parts": parts,
                "other": other,
            }
        )
    )


def test_a_region_rendered_with_other_parts_than_looked_up_looks_itself_up(caching, calls):
    assert render(1) == "one 1|two 1"
    calls.clear()
    assert render(2) == "one 1|two 1"  # both served from the cache, though 'two' had other parts
    many = [keys for call, keys in calls if call == "get_many"]
    assert len(many) == 1 and len(many[0]) == 2
    # 'two' was looked up ahead under the page's parts, then rendered under its own: it asked again
    assert [key.split(":")[1] for key in fragment_keys(calls, "get")] == ["two"]
    assert render(3, other=("c",)) == "one 1|two 3"  # other parts, another entry: computed


def test_the_regions_of_a_page_are_found_through_its_fixed_includes_once():
    engine = Engine(
        libraries={"fragments": "reporting.templatetags.fragments"},
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "page.html": "{% load fragments %}{% fragment 'a' %}{% endfragment %}"
                    "{% include 'part.html' %}{% include name %}{% include 'missing.html' %}",
                    "part.html": "{% load fragments %}"
                    "{% fragment 'b' %}{% include 'part.html' %}{% endfragment %}",
                },
            )
        ],
    )
    page = engine.get_template("page.html")
    assert [node.name.var for node in fragments_of(page)] == ["a", "b"]
    assert fragments_of(page) is fragments_of(page)


def test_caching_off_looks_nothing_up(settings, calls):
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 0
    assert render(1) == "one 1|two 1"
    assert render(2) == "one 2|two 2"
    assert calls == []


def test_without_a_request_a_region_is_computed_as_before(caching):
    page = ENGINE.from_string("{% load fragments %}{% fragment 'x' %}{{ n }}{% endfragment %}")
    assert page.render(Context({"n": 1, "fragment_scopes": ["everything"]})) == "1"
