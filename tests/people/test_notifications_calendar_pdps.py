import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from icalendar import Calendar

from people.models import Notification, Pdp, Role
from people.services import notify
from reporting.services.plans import comms_plan_create

from ..factories import NpsCheckInFactory, PdpFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def test_notify_is_once_per_event_and_emails_once(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(user=world.team_am, key="x-1", subject="Renewal in 60 days", url="/my-week/")
        assert not notify(user=world.team_am, key="x-1", subject="Renewal in 60 days")
    assert [m.subject for m in mailoutbox] == ["Renewal in 60 days"]
    assert "http://127.0.0.1:8000/my-week/" in mailoutbox[0].body


def test_the_navigation_counts_unread_and_reading_clears_it(world, login):
    notify(user=world.team_am, key="a", subject="Call tomorrow: Northwind", url=reverse("my_week"))
    notify(user=world.team_am, key="b", subject="Missed call: Harbour")
    c = login(world.team_am)
    page = c.get(reverse("people:notifications"))
    assert 'data-testid="unread-count">2<' in page.content.decode()
    note = Notification.objects.get(key="a")
    assert c.post(reverse("people:notification_read", args=[note.pk]))["Location"] == reverse("my_week")
    c.post(reverse("people:notifications_read_all"))
    assert 'data-testid="unread-count"' not in c.get(reverse("people:notifications")).content.decode()


def test_nobody_reads_someone_elses_notification(world, login):
    note = Notification.objects.create(user=world.team_am, key="k", subject="private")
    assert login(world.other_am).post(reverse("people:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_ical_feed_has_recurring_calls_with_details_and_can_be_revoked(world, login, client):
    plan = comms_plan_create(client=world.client)  # weekly calls
    plan.call_weekday, plan.call_details = 3, "Teams: https://teams.example/nw"
    plan.save()
    NpsCheckInFactory(client=world.client, sponsor=world.team_am, quarter=dt.date(2026, 10, 1))
    c = login(world.team_am)
    c.post(reverse("people:calendar"))
    url = c.get(reverse("people:calendar")).context["feed_url"]
    c.post(reverse("logout"))
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    call = events["Weekly call: Northwind Outdoor"]
    assert call["rrule"]["FREQ"] == ["WEEKLY"] and call["rrule"]["BYDAY"] == ["TH"]
    assert "Teams: https://teams.example/nw" in str(call["description"])
    assert call.decoded("dtstart").weekday() == 3
    assert "NPS check-in call: Northwind Outdoor (Q4 2026)" in events
    c = login(world.team_am)
    c.post(reverse("people:calendar"))  # revoke: a new address
    assert client.get(url).status_code == 404


def test_a_line_manager_runs_a_pdp_review_and_the_next_is_three_months_on(world, login):
    person = StaffProfileFactory(line_manager=world.team_am, roles=[Role.ACCOUNT_EXECUTIVE]).user
    c = login(world.team_am)
    response = c.post(
        reverse("people:pdp_create"),
        {
            "staff": person.pk,
            "year": "2026",
            "pathway": "delivery",
            "next_review_date": "2026-12-01",
            "salary_review_date": "2027-03-01",
        },
    )
    pdp = Pdp.objects.get()
    assert response["Location"] == reverse("people:pdp_detail", args=[pdp.pk])
    c.post(
        reverse("people:pdp_target_add", args=[pdp.pk]),
        {
            "description": "Meet every main contact one-to-one",
            "measure": "Meetings logged",
            "reward": "Promotion to account manager",
            "progress": "40",
        },
    )
    bad = c.post(
        reverse("people:pdp_target_add", args=[pdp.pk]),
        {"description": "x", "measure": "y", "reward": "z", "progress": "140"},
    )
    assert "0 to 100" in bad.content.decode()
    c.post(
        reverse("people:pdp_review_add", args=[pdp.pk]), {"held_on": "2026-11-30", "notes": "Good quarter."}
    )
    pdp.refresh_from_db()
    assert pdp.next_review_date == dt.date(2027, 2, 28) and pdp.reviews.count() == 1
    assert pdp.targets.count() == 1
    again = c.post(
        reverse("people:pdp_create"),
        {
            "staff": person.pk,
            "year": "2026",
            "pathway": "delivery",
            "next_review_date": "2026-12-01",
            "salary_review_date": "2027-03-01",
        },
    )
    assert "already has a PDP for 2026" in again.content.decode() and Pdp.objects.count() == 1


def test_the_person_reads_their_pdp_but_only_their_manager_changes_it(world, login):
    pdp = PdpFactory(staff=world.team_am)
    c = login(world.team_am)
    assert c.get(reverse("people:pdp_detail", args=[pdp.pk])).status_code == 200
    assert c.get(reverse("people:pdp_edit", args=[pdp.pk])).status_code == 403
    assert login(world.other_am).get(reverse("people:pdp_detail", args=[pdp.pk])).status_code == 404


def test_an_admin_configures_the_system_and_does_not_see_pdps(world, login):
    pdp = PdpFactory(staff=world.team_am, salary_outcome="Promoted to senior AM, +8%")
    c = login(world.admin)
    for name in ("people:pdp_detail", "people:pdp_edit", "people:pdp_target_add", "people:pdp_review_add"):
        assert c.get(reverse(name, args=[pdp.pk])).status_code == 404, name
    assert c.post(reverse("people:pdp_edit", args=[pdp.pk]), {"salary_outcome": "x"}).status_code == 404
    listing = c.get(reverse("people:pdp_list")).content.decode()
    assert "Amy Mills" not in listing and "Promoted" not in listing
    assert c.get(reverse("people:pdp_create")).status_code == 403
    pdp.refresh_from_db()
    assert pdp.salary_outcome == "Promoted to senior AM, +8%"


def test_an_admin_who_line_manages_someone_manages_their_pdp_only(world, login):
    world.team_am.profile.line_manager = world.admin
    world.team_am.profile.save()
    managed, other = PdpFactory(staff=world.team_am), PdpFactory(staff=world.other_am)
    c = login(world.admin)
    assert c.get(reverse("people:pdp_edit", args=[managed.pk])).status_code == 200
    assert c.get(reverse("people:pdp_detail", args=[other.pk])).status_code == 404


def test_the_team_menu_is_highlighted_on_the_team_page_only(world, login):
    c = login(world.head)
    team = 'class="nav-link active" href="{}">Team</a>'.format(reverse("people:staff_list"))
    assert team in c.get(reverse("people:staff_list")).content.decode()
    page = c.get(reverse("people:notifications")).content.decode()
    assert team not in page
    assert 'class="nav-link active" href="{}"'.format(reverse("people:notifications")) in page


def test_every_page_links_a_favicon_that_is_served(world, login):
    from django.contrib.staticfiles import finders

    html = login(world.team_am).get(reverse("my_week")).content.decode()
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    ico = Path(finders.find("favicon.ico")).read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00"  # an ICO header
