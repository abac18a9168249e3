"""Issue 14 -> 15: the channels on the onboarding form become rows of the client's cross-sell channel
map, matched by name; a row the AM has edited is never overwritten (factories: tests/factories.py and
tests/commercial/factories_growth.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commercial.models import ChannelRow
from commercial.services.growth import channel_row_save
from onboarding.models import OnboardingChannel, OnboardingForm

from ..commercial.factories_growth import channel
from ..factories import ContactFactory

pytestmark = pytest.mark.django_db


def form_post(channels, version=None):
    data = {
        "company_domain": "northwind.example",
        "history_text": "Family firm since 1982",
        "objectives": "Grow online sales",
        "competitors": "Big Kitchens plc",
        "turnaround": "5 working days",
        "sign_off": "Karen signs off",
        "working_hours": "9–5",
        "response_times": "Same day",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "channels-TOTAL_FORMS": str(len(channels)),
        "channels-INITIAL_FORMS": "0",
    }
    if version is not None:
        data["version"] = str(version)
    for i, row in enumerate(channels):
        for key, value in row.items():
            data[f"channels-{i}-{key}"] = value
    return data


def test_the_forms_channels_become_channel_map_rows_without_overwriting_the_ams(world, login):
    karen = ContactFactory(client=world.client, name="Karen Jones")
    search, social, seo = channel("Paid search"), channel("Paid social"), channel("SEO")
    c = login(world.team_am)
    url = reverse("onboarding:intake_fill", args=[world.client.pk])
    first = [
        {
            "channel": "paid SEARCH ",
            "budget_owner": "karen jones",
            "done_by": "other_agency",
            "done_by_name": "Search Co",
        },
        {"channel": "Paid social", "budget_owner": "", "done_by": "in_house", "done_by_name": ""},
        {"channel": "Carrier pigeons", "budget_owner": "", "done_by": "us", "done_by_name": ""},
    ]
    response = c.post(url, form_post(first))
    assert response.status_code == 302
    rows = {r.channel: r for r in ChannelRow.objects.filter(client=world.client)}
    assert set(rows) == {search, social}  # a channel not on the admin's list stays on the form only
    assert (rows[search].worker, rows[search].agency_name) == ("agency", "Search Co")
    assert rows[search].budget_owner == karen
    assert rows[social].worker == "in_house" and rows[social].budget_owner is None
    # the AM edits the search row on the channel map; the form is then saved again with changes
    rows[search].kpi = "green"
    rows[search].worker = "us"
    channel_row_save(row=rows[search], by=world.team_am, version=rows[search].version)
    record = OnboardingForm.objects.get(client=world.client)
    second = [
        {"channel": "Paid search", "budget_owner": "", "done_by": "nobody", "done_by_name": ""},
        {"channel": "paid social", "budget_owner": "Karen Jones", "done_by": "us", "done_by_name": ""},
        {"channel": "seo", "budget_owner": "", "done_by": "nobody", "done_by_name": ""},
    ]
    assert c.post(url, form_post(second, version=record.version)).status_code == 302
    rows = {r.channel: r for r in ChannelRow.objects.filter(client=world.client)}
    assert (rows[search].worker, rows[search].kpi) == ("us", "green")  # the AM's row is left alone
    assert rows[social].worker == "us" and rows[social].budget_owner == karen  # only the form wrote it
    assert rows[seo].worker == "nobody"
    assert ChannelRow.objects.filter(client=world.client).count() == 3  # one per client × channel
    page = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "Paid social" in page


def test_saving_the_form_twice_leaves_one_onboarding_channel_row_per_channel(world, login):
    c = login(world.team_am)
    url = reverse("onboarding:intake_fill", args=[world.client.pk])
    rows = [
        {"channel": "Paid search", "budget_owner": "Karen", "done_by": "other_agency", "done_by_name": "Co"},
        {"channel": "CRM", "budget_owner": "", "done_by": "nobody", "done_by_name": ""},
    ]
    assert c.post(url, form_post(rows)).status_code == 302
    record = OnboardingForm.objects.get(client=world.client)
    # saved again, one channel renamed only in case and changed, a new one added
    again = [
        {"channel": "paid search", "budget_owner": "Karen", "done_by": "us", "done_by_name": ""},
        {"channel": "CRM", "budget_owner": "", "done_by": "nobody", "done_by_name": ""},
        {"channel": "SEO", "budget_owner": "", "done_by": "in_house", "done_by_name": ""},
    ]
    assert c.post(url, form_post(again, version=record.version)).status_code == 302
    saved = OnboardingChannel.objects.filter(client=world.client)
    assert sorted((r.channel.lower(), r.done_by) for r in saved) == [
        ("crm", "nobody"),
        ("paid search", "us"),
        ("seo", "in_house"),
    ]
    search = saved.get(channel__iexact="paid search")
    assert search.history.count() == 2  # updated in place, with history, not added again


def test_the_database_refuses_a_second_row_for_the_same_channel(world):
    OnboardingChannel.objects.create(client=world.client, channel="Paid search")
    duplicate = OnboardingChannel(client=world.client, channel="PAID SEARCH")
    with pytest.raises(ValidationError, match="already has that channel"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # an archived row does not count
    OnboardingChannel.objects.filter(client=world.client).update(archived_at=world.client.created_at)
    duplicate.save()
