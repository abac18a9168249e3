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
from reporting import packs
from reporting.meet import FLAGS_EXPANDED_MAX, LIST_LIMIT
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


def agenda_of(response) -> dict:
    """The agenda's data as the page rendered it: each section is rendered (and cached) on its own."""
    out = {}
    for context in response.context:
        data = context.get("agenda")
        if isinstance(data, dict):
            out.update(data)
    return out


def pks(rows):
    return [row["pk"] for row in rows]


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
    agenda = agenda_of(response)
    assert agenda["previous"] == last
    assert pks(agenda["outstanding"]) == [overdue.pk, later.pk]  # open first, oldest due first
    assert pks(agenda["done_since"]) == [finished.pk]
    groups = {g["owner_id"]: [f["title"] for f in g["flags"]] for g in agenda["flags"]["groups"]}
    assert groups == {world.team_am.pk: ["May leave", "Late report"], world.other_am.pk: ["Budget cut"]}
    assert agenda["renewals"] == [soon]
    assert [p["client_id"] for p in agenda["plans"]] == [world.client.pk]
    assert [c["client_id"] for c in agenda["discovery"]] == [world.client.pk]
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
        flags = agenda_of(login(world.head).get(url))["flags"]
        assert flags["collapsed"] and flags["total"] == 3
        assert [(r["owner_id"], r["n"], r["critical"]) for r in flags["summary"]] == [
            (world.team_am.pk, 2, 1),
            (world.other_am.pk, 1, 0),
        ]
        assert [f["title"] for g in flags["groups"] for f in g["flags"]] == ["May leave"]
        one_am = agenda_of(login(world.head).get(url + f"?am={world.other_am.pk}"))["flags"]
        assert [f["title"] for g in one_am["groups"] for f in g["flags"]] == ["Budget cut"]
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
    agenda = agenda_of(c.get(reverse("reporting:meeting_detail", args=[this_week.pk])))
    assert pks(agenda["outstanding"]) == [action.pk]
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
    agenda = agenda_of(login(world.head).get(reverse("reporting:meeting_detail", args=[wash_up.pk])))
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


# --- a bounded page: the first LIST_LIMIT of each list, how many there are, and "show all" -------------


def many_carried_actions(world, n):
    last = MeetingFactory(held_on=LAST_WEEK, chair=world.head)
    for i in range(n):
        ActionFactory(
            client=world.client,
            owner=world.team_am,
            meeting=last,
            description=f"Carried {i:02d}",
            due_date=TODAY + datetime.timedelta(days=i),
        )
    return MeetingFactory(held_on=TODAY, chair=world.head)


def test_item_1_shows_the_first_twenty_outstanding_and_says_how_many_more(world, login):
    meeting = many_carried_actions(world, LIST_LIMIT + 3)
    html = login(world.head).get(reverse("reporting:meeting_detail", args=[meeting.pk])).content.decode()
    item_1 = html[html.index('id="item-1"') : html.index('id="item-2"')]
    assert item_1.count("Carried ") == LIST_LIMIT
    assert "Carried 19" in item_1 and "Carried 20" not in item_1  # oldest due first
    assert f"{LIST_LIMIT + 3} outstanding" in item_1 and "3 more outstanding." in item_1
    assert 'href="?all=item1#item-1"' not in item_1  # links name the page, not the current query
    assert f"/reporting/meetings/{meeting.pk}/?all=item1" in item_1


def test_show_all_of_item_1_without_javascript_is_the_page_with_every_action(world, login):
    meeting = many_carried_actions(world, LIST_LIMIT + 3)
    url = reverse("reporting:meeting_detail", args=[meeting.pk]) + "?all=item1"
    response = login(world.head).get(url)
    html = response.content.decode()
    assert "<html" in html and 'id="item-2"' in html  # the whole page…
    item_1 = html[html.index('id="item-1"') : html.index('id="item-2"')]
    assert item_1.count("Carried ") == LIST_LIMIT + 3 and "more outstanding" not in item_1  # …all of item 1
    assert "HX-Request" in response["Vary"]


def test_show_all_of_item_1_with_htmx_is_the_section_alone(world, login):
    meeting = many_carried_actions(world, LIST_LIMIT + 3)
    url = reverse("reporting:meeting_detail", args=[meeting.pk]) + "?all=item1"
    response = login(world.head).get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith("{# Item 1") is False and '<section class="card mb-3" id="item-1">' in html
    assert "<html" not in html and 'id="item-2"' not in html
    assert html.count("Carried ") == LIST_LIMIT + 3


def many_critical_flags(world, n):
    for i in range(n):
        FlagFactory(
            client=world.client,
            owner=world.team_am,
            severity="critical",
            title=f"Urgent {i:02d}",
            raised_at=timezone.now() - datetime.timedelta(days=n - i),
        )
    for i in range(FLAGS_EXPANDED_MAX):  # enough flags for item 2 to go AM by AM
        FlagFactory(client=world.other_client, owner=world.other_am, severity="serious", title=f"Minor {i}")
    return MeetingFactory(held_on=TODAY, chair=world.head)


def test_item_2_shows_the_first_twenty_critical_flags_and_counts_them_all(world, login):
    meeting = many_critical_flags(world, LIST_LIMIT + 5)
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    html = c.get(url).content.decode()
    item_2 = html[html.index('id="item-2"') : html.index('id="item-3"')]
    assert item_2.count("Urgent ") == LIST_LIMIT and "Minor" not in item_2
    assert f"{LIST_LIMIT + 5} critical" in item_2  # every critical flag counted
    assert f"{LIST_LIMIT} of {LIST_LIMIT + 5} critical flags shown, 5 more." in item_2
    # without JavaScript: the page with every critical flag
    full = c.get(url + "?all=item2").content.decode()
    assert full[full.index('id="item-2"') : full.index('id="item-3"')].count("Urgent ") == LIST_LIMIT + 5
    # with htmx: the section alone
    part = c.get(url + "?all=item2", headers={"HX-Request": "true"}).content.decode()
    assert part.count("Urgent ") == LIST_LIMIT + 5 and 'id="item-1"' not in part and "<html" not in part


def test_one_ams_flags_are_bounded_too_and_show_all_keeps_the_am(world, login):
    meeting = many_critical_flags(world, LIST_LIMIT + 5)
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk]) + f"?am={world.other_am.pk}"
    html = c.get(url).content.decode()
    item_2 = html[html.index('id="item-2"') : html.index('id="item-3"')]
    assert item_2.count("Minor ") == LIST_LIMIT and "Urgent " not in item_2.split("flags-by-am")[-1]
    assert f"?am={world.other_am.pk}&amp;all=item2" in item_2
    part = c.get(url + "&all=item2", headers={"HX-Request": "true"}).content.decode()
    assert part.count("Minor ") == FLAGS_EXPANDED_MAX


def test_show_all_of_item_3_with_and_without_htmx(world, login):
    for i in range(LIST_LIMIT + 2):
        ContractFactory(
            client=world.client, title=f"Renewal {i:02d}", end_date=TODAY + datetime.timedelta(days=5 + i)
        )
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    c = login(world.head)
    url = reverse("reporting:meeting_detail", args=[meeting.pk])
    html = c.get(url).content.decode()
    assert html.count("Renewal ") == LIST_LIMIT and f"The {LIST_LIMIT} soonest of {LIST_LIMIT + 2}" in html
    assert c.get(url + "?all=item3").content.decode().count("Renewal ") == LIST_LIMIT + 2
    part = c.get(url + "?all=item3", headers={"HX-Request": "true"}).content.decode()
    assert part.count("Renewal ") == LIST_LIMIT + 2 and "<html" not in part and 'id="item-1"' not in part


def test_the_closed_snapshot_and_the_pack_list_everything(world, login):
    meeting = many_carried_actions(world, LIST_LIMIT + 3)
    c = login(world.head)
    assert c.post(reverse("reporting:meeting_close", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    page = c.get(reverse("reporting:meeting_detail", args=[meeting.pk])).content.decode()
    assert page.count("Carried ") == LIST_LIMIT + 3 and "Show all" not in page
    assert meeting.pack_snapshot.count("Carried ") == LIST_LIMIT + 3
    assert packs.pack_html(meeting).count("Carried ") == LIST_LIMIT + 3


def test_the_page_names_the_attendees_in_order_and_links_the_previous_meet_of_its_kind(world, login):
    earlier = MeetingFactory(held_on=TODAY - datetime.timedelta(days=14), chair=world.head)
    previous = MeetingFactory(held_on=TODAY - datetime.timedelta(days=7), chair=world.head)
    MeetingFactory(
        kind="wash_up", held_on=TODAY - datetime.timedelta(days=2), chair=world.head
    )  # another kind
    meeting = MeetingFactory(held_on=TODAY, chair=world.head)
    world.team_am.first_name, world.head.first_name = "Zoe", "Adam"
    world.team_am.save()
    world.head.save()
    meeting.attendees.set([world.team_am, world.head])
    page = login(world.head).get(reverse("reporting:meeting_detail", args=[meeting.pk])).content.decode()
    assert f"<strong>Attendees:</strong> Adam {world.head.last_name}, Zoe {world.team_am.last_name}" in page
    assert reverse("reporting:meeting_detail", args=[previous.pk]) + '">' in page
    assert reverse("reporting:meeting_detail", args=[earlier.pk]) + '">' not in page
    first = login(world.head).get(reverse("reporting:meeting_detail", args=[earlier.pk])).content.decode()
    assert "Previous:" not in first and "none recorded" in first
