"""The weekly CS meet, wash-ups and their PDF packs (PRODUCT.md §4)."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.models import Action
from people.models import Role
from reporting.models import Meeting

from ..factories import (
    ActionFactory,
    CallFactory,
    ClientFactory,
    CommsPlanFactory,
    ContractFactory,
    FlagFactory,
    MeetingFactory,
    MembershipFactory,
    staff,
)
from ..helpers import count_queries

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)  # a Monday
LAST_WEEK = TODAY - datetime.timedelta(days=7)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 9, 30, tzinfo=datetime.UTC), tick=False):
        yield


def open_meet(c, kind="weekly_meet", day=TODAY):
    return c.post(reverse("reporting:meeting_open"), {"kind": kind, "held_on": day.isoformat()})


def test_the_head_of_cs_opens_the_meet_once_with_the_cs_team_as_attendees(world, login):
    c = login(world.head)
    response = open_meet(c)
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("reporting:meeting_detail", args=[meeting.pk])
    assert (meeting.kind, meeting.held_on, meeting.chair) == ("weekly_meet", TODAY, world.head)
    assert set(meeting.attendees.all()) == {world.team_am, world.other_am, world.head}
    open_meet(c)  # opening it again reopens the same dated record
    assert Meeting.objects.count() == 1


def test_an_account_manager_reads_the_meet_but_does_not_run_it(world, login):
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    c = login(world.team_am)
    assert c.get(reverse("reporting:meeting_detail", args=[meeting.pk])).status_code == 200
    assert open_meet(c).status_code == 403
    assert c.post(reverse("reporting:meeting_edit", args=[meeting.pk]), {"notes": "x"}).status_code == 403
    url = reverse("reporting:meeting_action_create", args=[meeting.pk])
    assert (
        c.post(url, {"description": "x", "owner": world.team_am.pk, "due_date": "2026-11-20"}).status_code
        == 403
    )
    assert Meeting.objects.get().notes == "" and not Action.objects.exists()


def test_bad_meeting_dates_are_refused_with_a_message(world, login):
    c = login(world.head)
    response = open_meet(c, day=TODAY + datetime.timedelta(days=60))
    assert response.status_code == 302 and not Meeting.objects.exists()
    page = c.get(response["Location"])
    assert "at most a month ahead" in page.content.decode()
    c.post(reverse("reporting:meeting_open"), {"kind": "tea_party", "held_on": "2026-11-16"})
    assert not Meeting.objects.exists()


def headings(response):
    html = response.content.decode()
    names = [
        "1. Actions from last week",
        "2. Flags, by AM",
        "3. Contracts up for renewal",
        "4. Entertainment and surprise",
        "5. Upsell and cross-sell",
        "Actions agreed in this meeting",
    ]
    return [html.index(n) for n in names]


def test_the_agenda_runs_in_the_frameworks_order_from_live_data(world, login):
    last = MeetingFactory(held_on=LAST_WEEK, chair=world.head)
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    overdue = ActionFactory(
        client=world.client,
        owner=world.team_am,
        meeting=last,
        description="Call their MD",
        due_date=TODAY - datetime.timedelta(days=2),
    )
    later = ActionFactory(
        client=world.client,
        owner=world.team_am,
        meeting=last,
        description="Send the audit",
        due_date=TODAY + datetime.timedelta(days=2),
    )
    finished = ActionFactory(client=world.client, owner=world.team_am, meeting=last, description="Book lunch")
    finished.status, finished.done_at, finished.done_by = (
        "done",
        timezone.now() - datetime.timedelta(days=1),
        world.team_am,
    )
    finished.save()
    ActionFactory(client=world.client, owner=world.team_am, description="Not from a meeting")
    critical = FlagFactory(client=world.client, owner=world.team_am, severity="critical", title="May leave")
    serious = FlagFactory(client=world.client, owner=world.team_am, severity="serious", title="Late report")
    FlagFactory(client=world.other_client, owner=world.other_am, severity="major", title="Budget cut")
    FlagFactory(
        client=world.client,
        owner=world.team_am,
        status="resolved",
        title="Old news",
        resolution="Fixed",
        resolved_at=timezone.now(),
    )
    soon = ContractFactory(client=world.client, end_date=TODAY + datetime.timedelta(days=40))
    ContractFactory(client=world.other_client, end_date=TODAY + datetime.timedelta(days=120))
    ContractFactory(client=world.other_client, end_date=TODAY + datetime.timedelta(days=20), status="ended")
    CommsPlanFactory(client=world.client, entertainment_notes="Rugby box, March", entertainment_budget=150)
    CommsPlanFactory(client=world.other_client)
    CallFactory(client=world.client, author=world.team_am, commercial="They are tendering for PPC next year.")

    response = login(world.head).get(reverse("reporting:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    positions = headings(response)
    assert positions == sorted(positions)
    agenda = response.context["agenda"]
    assert agenda["previous"] == last
    assert agenda["outstanding"] == [overdue, later]  # open first, oldest due first
    assert agenda["done_since"] == [finished]
    groups = {g["owner"]: [f.title for f in g["flags"]] for g in agenda["flags"]["groups"]}
    assert groups == {world.team_am: ["May leave", "Late report"], world.other_am: ["Budget cut"]}
    # item 3 is rendered (and cached) on its own: its context is the one with the renewals
    item_3 = [c["agenda"] for c in response.context if "renewals" in c.get("agenda", {})]
    assert item_3 and item_3[0]["renewals"] == [soon]
    assert [p.client for p in agenda["plans"]] == [world.client]
    assert [c.client for c in agenda["discovery"]] == [world.client]
    html = response.content.decode()
    assert "Rugby box, March" in html and "tendering for PPC" in html
    assert html.index("Call their MD") < html.index("Book lunch")
    assert critical.pk and serious.pk


def test_a_large_agenda_goes_am_by_am_with_the_critical_flags_first(world, login):
    from reporting import meet as meet_module

    meet_module.FLAGS_EXPANDED_MAX, old = 2, meet_module.FLAGS_EXPANDED_MAX
    try:
        FlagFactory(client=world.client, owner=world.team_am, severity="critical", title="May leave")
        FlagFactory(client=world.client, owner=world.team_am, severity="serious", title="Late report")
        FlagFactory(client=world.other_client, owner=world.other_am, severity="major", title="Budget cut")
        meeting = MeetingFactory(held_on=TODAY, chair=world.head)
        url = reverse("reporting:meeting_detail", args=[meeting.pk])
        flags = login(world.head).get(url).context["agenda"]["flags"]
        assert flags["collapsed"] and flags["total"] == 3
        assert [(r["owner_id"], r["n"], r["critical"]) for r in flags["summary"]] == [
            (world.team_am.pk, 2, 1),
            (world.other_am.pk, 1, 0),
        ]
        assert [f.title for g in flags["groups"] for f in g["flags"]] == ["May leave"]
        one_am = login(world.head).get(url + f"?am={world.other_am.pk}").context["agenda"]["flags"]
        assert [f.title for g in one_am["groups"] for f in g["flags"]] == ["Budget cut"]
    finally:
        meet_module.FLAGS_EXPANDED_MAX = old


def test_an_action_agreed_on_a_flag_is_recorded_and_carries_into_next_weeks_item_1(world, login):
    flag = FlagFactory(client=world.client, owner=world.team_am, title="Results behind forecast")
    meeting = MeetingFactory(held_on=LAST_WEEK, chair=world.head)
    c = login(world.head)
    form = c.get(reverse("reporting:meeting_action_create", args=[meeting.pk]) + f"?flag={flag.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["owner"] == world.team_am.pk
    response = c.post(
        reverse("reporting:meeting_action_create", args=[meeting.pk]),
        {
            "description": "Recovery plan to the client's MD",
            "owner": world.team_am.pk,
            "due_date": "2026-11-20",
            "flag": flag.pk,
            "client": world.client.pk,
        },
    )
    assert response["Location"] == reverse("reporting:meeting_detail", args=[meeting.pk]) + f"#flag-{flag.pk}"
    action = Action.objects.get()
    assert (action.meeting, action.flag, action.client, action.owner) == (
        meeting,
        flag,
        world.client,
        world.team_am,
    )
    assert world.team_am.notifications.filter(key=f"action-{action.pk}-assigned").exists()
    this_week = MeetingFactory(held_on=TODAY, chair=world.head)
    agenda = c.get(reverse("reporting:meeting_detail", args=[this_week.pk])).context["agenda"]
    assert agenda["outstanding"] == [action]
    assert agenda["agreed"] == []
    # the client page and my week see it too
    assert action in world.client.actions.open()


def test_an_action_may_name_a_client_without_a_flag(world, login):
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    response = login(world.head).post(
        reverse("reporting:meeting_action_create", args=[meeting.pk]),
        {
            "description": "Renewal proposal",
            "owner": world.other_am.pk,
            "due_date": "2026-12-01",
            "client": world.other_client.pk,
        },
    )
    assert response.status_code == 302
    assert Action.objects.get().client == world.other_client


@pytest.mark.parametrize(
    "data, field",
    [
        ({"owner": ""}, "owner"),
        ({"due_date": ""}, "due_date"),
        ({"due_date": "someday"}, "due_date"),
        ({"description": "   "}, "description"),
        ({"client": ""}, "client"),
        ({"client": "999999"}, "client"),
        ({"flag": "other"}, "flag"),
    ],
)
def test_bad_action_input_shows_errors_and_writes_nothing(world, login, data, field):
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    other_flag = FlagFactory(client=world.other_client, owner=world.other_am)
    payload = {
        "description": "Call them",
        "owner": world.team_am.pk,
        "due_date": "2026-11-20",
        "client": world.client.pk,
        **data,
    }
    if payload.get("flag") == "other":
        payload["flag"] = other_flag.pk
    response = login(world.head).post(reverse("reporting:meeting_action_create", args=[meeting.pk]), payload)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Action.objects.exists()


def test_the_record_keeps_attendees_minutes_and_for_a_wash_up_issues_and_lessons(world, login):
    wash_up = MeetingFactory(kind="wash_up", held_on=TODAY, chair=world.head)
    response = login(world.head).post(
        reverse("reporting:meeting_edit", args=[wash_up.pk]),
        {
            "attendees": [world.head.pk, world.team_am.pk],
            "notes": "Went through both losses.",
            "significant_issues": "Lost Harbour Bank to an in-house team.",
            "lessons": "Spot budget moves earlier.",
        },
    )
    assert response.status_code == 302
    wash_up.refresh_from_db()
    assert set(wash_up.attendees.all()) == {world.head, world.team_am}
    assert wash_up.lessons == "Spot budget moves earlier."
    assert wash_up.history.count() >= 2


def test_a_wash_up_prompts_with_the_months_losses_and_serious_flags(world, login):
    lost = ClientFactory(name="Gone Ltd", status="lost", lost_date=TODAY - datetime.timedelta(days=10))
    FlagFactory(client=world.client, owner=world.team_am, severity="critical", title="Threatened to leave")
    FlagFactory(client=world.client, owner=world.team_am, severity="serious", title="Minor niggle")
    wash_up = MeetingFactory(kind="wash_up", held_on=TODAY, chair=world.head)
    agenda = login(world.head).get(reverse("reporting:meeting_detail", args=[wash_up.pk])).context["agenda"]
    assert agenda["lost"] == [lost]
    assert [f.title for f in agenda["serious_flags"]] == ["Threatened to leave"]


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def get_pack(django_capture_on_commit_callbacks):
    """The pack as a person gets it: "preparing" while a worker renders it, then the PDF."""

    def _get(c, meeting):
        url = reverse("reporting:meeting_pdf", args=[meeting.pk])
        with django_capture_on_commit_callbacks(execute=True):  # the worker (eager in tests) renders
            first = c.get(url)
        assert first.status_code == 200 and "Preparing the PDF" in first.content.decode()
        return c.get(url)

    return _get


def test_the_pdf_pack_renders_the_agenda_and_the_minutes(world, login, get_pack):
    meeting = MeetingFactory(held_on=TODAY, chair=world.head, notes="Renewals assigned to AMs.")
    meeting.attendees.set([world.head, world.team_am])
    FlagFactory(client=world.client, owner=world.team_am, severity="major", title="Reports late")
    ContractFactory(client=world.client, end_date=TODAY + datetime.timedelta(days=30))
    response = get_pack(login(world.team_am), meeting)
    assert response.status_code == 200
    text = pdf_text(response)
    for heading in (
        "Weekly CS meet",
        "1. Actions from last week",
        "2. Flags",
        "3. Contracts up for renewal",
        "4. Entertainment and surprise",
        "5. Upsell and cross-sell",
        "Actions agreed",
        "Minutes",
    ):
        assert heading in text, heading
    assert "Reports late" in text and "Northwind Outdoor" in text and "Renewals assigned to AMs." in text
    assert "Amy Mills" in text


def test_a_wash_up_pack_has_issues_and_lessons(world, login, get_pack):
    wash_up = MeetingFactory(kind="wash_up", held_on=TODAY, chair=world.head, lessons="Listen earlier.")
    text = pdf_text(get_pack(login(world.head), wash_up))
    assert "Significant issues and client losses" in text and "Lessons learned" in text
    assert "Listen earlier." in text


def populate(n, head):
    am = staff(Role.ACCOUNT_MANAGER)
    meeting = MeetingFactory(held_on=LAST_WEEK - datetime.timedelta(days=7 * n), chair=head)
    for i in range(n):
        client = ClientFactory()
        MembershipFactory(client=client, user=am, is_lead=True)
        flag = FlagFactory(client=client, owner=am if i % 2 else staff(Role.ACCOUNT_MANAGER))
        ActionFactory(client=client, owner=am, flag=flag)
        ActionFactory(client=client, owner=am, meeting=meeting)
        ContractFactory(client=client, end_date=TODAY + datetime.timedelta(days=10 + i))
        CommsPlanFactory(client=client, surprise_delight_notes="Cake")
        CallFactory(client=client, author=am, commercial="Wants SEO too")


def test_the_meet_and_its_pack_query_counts_do_not_grow_with_clients(world, login):
    # Each agenda item is one query (plus its prefetches), never one per client, flag or AM.
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    populate(3, world.head)
    small = count_queries(c, url)
    populate(25, world.head)
    assert count_queries(c, url) == small
