"""The weekly meet's items 4 and 5 from commercial's records, and a closed meet frozen (issue 15
items 6 and 7)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from commercial.models import DelightRound
from reporting import packs
from reporting.meet import LIST_LIMIT
from reporting.models import Meeting

from ..factories import (
    ClientFactory,
    CommsPlanFactory,
    FlagFactory,
    MeetingFactory,
    MembershipFactory,
    TierFactory,
)
from ..helpers import count_queries
from .factories_growth import (
    AuditFactory,
    ChannelRowFactory,
    DelightRoundFactory,
    EntertainmentAccrualFactory,
    EntertainmentEventFactory,
    OpportunityFactory,
    channel,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)  # a Monday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 9, 30, tzinfo=datetime.UTC), tick=False):
        yield


def _records(world):
    tier1 = TierFactory(rank=1)
    world.client.tier = tier1
    world.client.save()
    EntertainmentEventFactory(
        client=world.client,
        held_on=TODAY + datetime.timedelta(days=2),
        title="Rugby box",
        sponsor_attending=True,
    )
    EntertainmentEventFactory(
        client=world.other_client, held_on=datetime.date(2026, 11, 28), title="Xmas lunch"
    )
    EntertainmentAccrualFactory(client=world.client, month=datetime.date(2026, 11, 1), amount=100)
    EntertainmentAccrualFactory(client=world.other_client, month=datetime.date(2026, 11, 1), amount=50)
    EntertainmentEventFactory(
        client=world.other_client, held_on=TODAY, title="Overspend dinner", estimated_cost=300
    )
    DelightRoundFactory(
        month=datetime.date(2026, 11, 1), status=DelightRound.Status.DECIDED, winner=world.client
    )
    big = OpportunityFactory(
        client=world.client, owner=world.team_am, title="Paid social retainer", value=3000
    )
    OpportunityFactory(client=world.other_client, owner=world.other_am, title="Small one", value=100)
    AuditFactory(opportunity=big, due_date=TODAY + datetime.timedelta(days=3))
    ChannelRowFactory(client=world.client, channel=channel("Analytics"), worker="in_house", kpi="red")
    ChannelRowFactory(client=world.other_client, channel=channel("Analytics"), worker="nobody")  # tier 3


def test_items_4_and_5_show_events_pots_the_vote_opportunities_audits_and_gaps(world, login):
    _records(world)
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    response = login(world.head).get(reverse("reporting:meeting_detail", args=[meeting.pk]))
    sections = [c["agenda"] for c in response.context if isinstance(c.get("agenda"), dict)]
    e = next(a["entertainment"] for a in sections if "entertainment" in a)
    g = next(a["growth"] for a in sections if "growth" in a)
    assert [ev["title"] for ev in e["week"]] == ["Overspend dinner", "Rugby box"]
    assert [ev["title"] for ev in e["month"]] == ["Overspend dinner", "Rugby box", "Xmas lunch"]
    assert [r["name"] for r in e["overspent"]] == [world.other_client.name]
    assert e["round"].winner == world.client and e["gift"] is None
    assert [o["title"] for o in g["opportunities"]] == ["Paid social retainer", "Small one"]
    assert [a["opportunity__title"] for a in g["audits"]] == ["Paid social retainer"]
    assert [(gap["client_id"], gap["channel__name"]) for gap in g["gaps"]] == [(world.client.pk, "Analytics")]
    html = response.content.decode()
    item4 = html[html.index('id="item-4"') : html.index('id="item-5"')]
    item5 = html[html.index('id="item-5"') : html.index('id="agreed"')]
    assert "sponsor: Keith Richards" in item4 and "Gift: not recorded yet" in item4
    assert item4.count("record action") >= 3 and item5.count("record action") >= 3
    assert "Paid social retainer" in item5 and "in-house, red vs KPI" in item5


def test_closing_freezes_the_page_and_the_pack(world, login):
    _records(world)
    flag = FlagFactory(client=world.client, owner=world.team_am, title="May leave us")
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    assert "May leave us" in c.get(url).content.decode()
    assert c.post(reverse("reporting:meeting_close", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.closed_at and meeting.closed_by == world.head
    pack_before = packs.pack_html(meeting)
    page_before = c.get(url).content.decode()

    # after the meeting: the flag is resolved, a new opportunity appears, the event is cancelled
    flag.status = "resolved"
    flag.resolution = "Sorted"
    flag.resolved_at = timezone.now()
    flag.resolved_by = world.head
    flag.save()
    OpportunityFactory(client=world.client, owner=world.team_am, title="Brand new idea")
    response = c.get(url)
    page_after = response.content.decode()
    assert "May leave us" in page_after and "Brand new idea" not in page_after
    assert "Paid social retainer" in page_after and response.context["frozen"]
    assert "as it stood at the meeting" in page_after
    assert page_after.count("May leave us") == page_before.count("May leave us")
    pack_after = packs.pack_html(meeting)
    assert "May leave us" in pack_after and "Brand new idea" not in pack_after
    strip = lambda html: html[html.index("Closed ") :]  # noqa: E731 - the header says when it was generated
    assert strip(pack_after) == strip(pack_before)
    # closing again keeps the first snapshot; no action is recorded in a closed meet
    snapshot = meeting.agenda_snapshot
    c.post(reverse("reporting:meeting_close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.agenda_snapshot == snapshot
    assert c.get(reverse("reporting:meeting_action_create", args=[meeting.pk])).status_code == 302


def test_an_open_meet_stays_live_and_an_old_unclosed_one_says_it_has_no_snapshot(world, login):
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    old = MeetingFactory(held_on=TODAY - datetime.timedelta(days=28), chair=world.head)
    c = login(world.head)
    OpportunityFactory(client=world.client, owner=world.team_am, title="Fresh")
    assert "Fresh" in c.get(reverse("reporting:meeting_detail", args=[meeting.pk])).content.decode()
    html = c.get(reverse("reporting:meeting_detail", args=[old.pk])).content.decode()
    assert "no snapshot of its agenda was kept" in html
    assert "no snapshot of its agenda was kept" in packs.pack_html(old)
    assert Meeting.objects.filter(closed_at__isnull=False).count() == 0


def _populate(n, world):
    for _ in range(n):
        client = ClientFactory(tier=TierFactory(rank=1))
        MembershipFactory(client=client, user=world.team_am, is_lead=True)
        EntertainmentAccrualFactory(client=client, month=datetime.date(2026, 11, 1), amount=50)
        EntertainmentEventFactory(client=client, held_on=TODAY, estimated_cost=80, sponsor_attending=True)
        opp = OpportunityFactory(client=client, owner=world.team_am)
        AuditFactory(opportunity=opp, due_date=TODAY)
        ChannelRowFactory(client=client, channel=channel(), worker="nobody")


def test_the_meet_query_count_with_items_4_and_5_does_not_grow(world, login):
    DelightRoundFactory(
        month=datetime.date(2026, 11, 1), status=DelightRound.Status.DECIDED, winner=world.client
    )
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    _populate(3, world)
    small = count_queries(c, url)
    _populate(20, world)
    assert count_queries(c, url) == small
    # items 4 and 5 add a fixed dozen (events, three ledger sums, AM balances, the round, the
    # opportunities, audits and gaps with their totals) to the meet's own reads
    print("meet queries", small)
    assert small <= 34


def test_item_5_shows_the_first_twenty_opportunities_and_shows_all_on_asking(world, login):
    for i in range(LIST_LIMIT + 2):
        OpportunityFactory(
            client=world.client, owner=world.team_am, title=f"Extra-seat {i:02d}", value=1000 + i
        )
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    html = c.get(url).content.decode()
    item5 = html[html.index('id="item-5"') : html.index('id="agreed"')]
    assert item5.count("Extra-seat ") == LIST_LIMIT and f"({LIST_LIMIT + 2};" in item5
    assert 'data-testid="item-5-all"' in item5
    full = c.get(url + "?all=item5").content.decode()  # no JavaScript: the page, item 5 in full
    assert full[full.index('id="item-5"') : full.index('id="agreed"')].count("Extra-seat ") == LIST_LIMIT + 2
    part = c.get(url + "?all=item5", headers={"HX-Request": "true"}).content.decode()  # htmx: the section
    assert part.count("Extra-seat ") == LIST_LIMIT + 2 and "<html" not in part and 'id="item-4"' not in part


def test_item_4_shows_the_first_twenty_plans_notes_and_shows_all_on_asking(world, login):
    for i in range(LIST_LIMIT + 1):
        client = ClientFactory(status="active")
        CommsPlanFactory(client=client, entertainment_notes=f"Box note {i:02d}", entertainment_budget=100 + i)
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    html = c.get(url).content.decode()
    item4 = html[html.index('id="item-4"') : html.index('id="item-5"')]
    assert item4.count("Box note ") == LIST_LIMIT and "Box note 00" not in item4  # largest budget first
    assert 'data-testid="item-4-all"' in item4
    full = c.get(url + "?all=item4").content.decode()
    assert full[full.index('id="item-4"') : full.index('id="item-5"')].count("Box note ") == LIST_LIMIT + 1
    part = c.get(url + "?all=item4", headers={"HX-Request": "true"}).content.decode()
    assert part.count("Box note ") == LIST_LIMIT + 1 and "<html" not in part
