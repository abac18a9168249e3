"""The client pages render what a person acts on (issue 13): the client page's timeline is summarised
with "show all" (htmx or a plain link), the list's filter form is written out by hand, and the client
page's feature sections are kept in a fragment that a write to one of their records outdates."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.views.core import TIMELINE_SUMMARY
from reporting.timeline import PAGE_SIZE

from ..factories import CallFactory, JobFactory, MilestoneFactory, TierFactory
from ..helpers import count_queries

pytestmark = pytest.mark.django_db


def calls(world, n):
    now = timezone.now()
    for i in range(n):
        CallFactory(client=world.client, author=world.team_am, held_at=now - dt.timedelta(days=i + 1))


def timeline_rows(html: str) -> int:
    return len(re.findall(r'<li class="change py-2"', html))


def test_the_client_page_shows_the_latest_few_timeline_entries_and_a_show_all(world, login):
    calls(world, PAGE_SIZE + 5)
    c = login(world.team_am)
    url = reverse("clients:detail", args=[world.client.pk])
    html = c.get(url).content.decode()
    assert timeline_rows(html) == TIMELINE_SUMMARY
    assert f"(latest {TIMELINE_SUMMARY})" in html
    show_all = re.search(r'<a [^>]*data-testid="timeline-all"[^>]*>', html).group(0)
    assert f'href="{url}?tl=1#timeline"' in show_all and f'hx-get="{url}?tl=1"' in show_all
    assert "Older</a>" not in html


def test_show_all_without_javascript_is_the_page_with_the_paginated_timeline(world, login):
    calls(world, PAGE_SIZE + 5)
    response = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk]) + "?tl=1")
    html = response.content.decode()
    assert "<h1" in html and timeline_rows(html) == PAGE_SIZE
    assert "Older</a>" in html and 'data-testid="timeline-all"' not in html
    second = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk]) + "?tl=2")
    assert timeline_rows(second.content.decode()) >= 5 and "Newer</a>" in second.content.decode()


def test_show_all_through_htmx_answers_the_timeline_alone(world, login):
    calls(world, PAGE_SIZE + 5)
    response = login(world.team_am).get(
        reverse("clients:detail", args=[world.client.pk]) + "?tl=1",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="timeline",
    )
    html = response.content.decode()
    assert "<h1" not in html and html.lstrip().startswith('<div class="card" id="timeline"')
    assert timeline_rows(html) == PAGE_SIZE and "Older</a>" in html


def test_a_short_history_has_no_show_all(world, login):
    calls(world, 2)
    html = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert 0 < timeline_rows(html) < TIMELINE_SUMMARY and 'data-testid="timeline-all"' not in html


def test_the_summary_costs_the_queries_of_the_full_page_at_most(world, login):
    calls(world, PAGE_SIZE + 5)
    c = login(world.team_am)
    url = reverse("clients:detail", args=[world.client.pk])
    c.get(url)
    assert count_queries(c, url) <= count_queries(c, url + "?tl=1")


# --- the list's filter form, written out by hand ------------------------------------------------


def test_the_filter_form_keeps_its_labels_choices_and_the_values_asked_for(world, login):
    tier = TierFactory(name="Strategic", rank=9)
    html = (
        login(world.head)
        .get(reverse("clients:list") + f"?tier={tier.pk}&ordering=-spend&q=north")
        .content.decode()
    )
    assert '<label class="form-label" for="id_tier">Tier</label>' in html
    assert f'<option value="{tier.pk}" selected>Strategic</option>' in html
    assert '<option value="-spend" selected>' in html
    assert 'name="q" value="north" id="id_q"' in html
    assert f'<option value="{world.team_am.pk}">Amy Mills</option>' in html  # the lead picker
    assert 'role="alert"' not in html


def test_a_bad_filter_value_is_named_in_an_error_summary_and_at_its_field(world, login):
    html = login(world.head).get(reverse("clients:list") + "?tier=999999").content.decode()
    summary = re.search(r'<div class="alert alert-danger[^>]*role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary and 'href="#id_tier"' in summary.group(1)
    invalid = 'id="id_tier" class="form-select is-invalid" aria-invalid="true"'
    invalid += ' aria-describedby="id_tier_error"'
    assert invalid in html
    assert 'id="id_tier_error"' in html


# --- the feature sections' fragment -------------------------------------------------------------


@pytest.fixture
def caching(settings):
    settings.CSOPS_DASHBOARD_CACHE_SECONDS = 300


def test_a_milestone_outdates_its_client_s_feature_sections_and_not_another_s(world, login, caching):
    """A milestone has no client of its own (its job has): reporting/versions.py maps it through the job."""
    job = JobFactory(client=world.client, owner=world.team_am)
    c = login(world.head)
    page_a = reverse("clients:detail", args=[world.client.pk])
    page_b = reverse("clients:detail", args=[world.other_client.pk])
    assert "Kick-off workshop" not in c.get(page_a).content.decode()
    c.get(page_b)
    kept_b = count_queries(c, page_b)
    MilestoneFactory(job=job, name="Kick-off workshop")
    assert "Kick-off workshop" in c.get(page_a).content.decode()  # a stale fragment fails here
    assert count_queries(c, page_b) == kept_b  # B's regions are still served from the cache
