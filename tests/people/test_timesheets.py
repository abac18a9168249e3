"""Time and utilisation (issue 18, item 3): the weekly grid, utilisation, cost to serve, the reminder."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from onboarding.models import CsPrice
from people.models import ClientCsFee, Notification, Role, StaffProfile, TimeEntry, Timesheet
from people.services.time import timesheet_save, timesheets_remind

from ..factories import CallFactory, ClientFactory, CsPriceFactory, MembershipFactory, staff
from ..helpers import count_queries

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


def url(week=MONDAY, user=None):
    base = reverse("people:timesheet_for", args=[user.pk]) if user else reverse("people:timesheet")
    return f"{base}?week={week:%Y-%m-%d}"


def test_the_grid_offers_call_durations_and_saves_hours_per_client_and_category(client, world):
    call = CallFactory(
        client=world.client,
        author=world.team_am,
        held_at=datetime.datetime(2026, 3, 3, 10, 0, tzinfo=datetime.UTC),
        duration_minutes=90,
    )
    call.staff_attendees.add(world.team_am)  # author and attendee: counted once
    client.force_login(world.team_am)
    page = client.get(url(datetime.date(2026, 3, 4)))  # any day: the week of its Monday
    assert page.context["week"] == MONDAY
    form = page.context["form"]
    assert form[f"client_{world.client.pk}"].value() == Decimal("1.50")
    response = client.post(
        url(),
        {
            f"client_{world.client.pk}": "6",
            "internal_admin": "4.5",
            "extra_client": world.other_client.pk,
            "extra_hours": "2",
        },
    )
    assert response.status_code == 302
    sheet = Timesheet.objects.get(user=world.team_am, week=MONDAY)
    hours = dict(sheet.entries.values_list("client__name", "hours"))
    assert hours == {"Northwind Outdoor": Decimal(6), "Harbour Bank": Decimal(2), None: Decimal("4.5")}
    # saved: the week shows what was saved, and a change is an update with history
    client.post(url(), {f"client_{world.client.pk}": "7", f"client_{world.other_client.pk}": "2"})
    entry = TimeEntry.objects.get(timesheet=sheet, client=world.client)
    assert entry.hours == 7 and entry.history.count() == 2
    assert TimeEntry.objects.get(timesheet=sheet, category="admin").hours == 0


def test_a_week_over_80_hours_is_refused_and_nothing_is_written(client, world):
    client.force_login(world.team_am)
    response = client.post(url(), {f"client_{world.client.pk}": "60", "internal_admin": "25"})
    assert response.status_code == 200
    assert "at most 80" in " ".join(response.context["form"].non_field_errors())
    assert not Timesheet.objects.exists() and not TimeEntry.objects.exists()
    one_cell = client.post(url(), {f"client_{world.client.pk}": "81"})
    assert "0 to 80" in str(one_cell.context["form"].errors)
    assert not Timesheet.objects.exists()


def test_hours_on_a_client_the_person_cannot_see_are_refused(client, world):
    # an exec sponsor with a profile sees only the clients they sponsor
    client.force_login(world.sponsor)
    response = client.post(url(), {"extra_client": world.other_client.pk, "extra_hours": "3"})
    assert response.status_code == 200
    assert "cannot log hours on that client" in str(response.context["form"].errors["extra_client"])
    assert not TimeEntry.objects.exists()


def test_a_person_sees_their_own_and_line_managers_their_reports(client, world):
    timesheet_save(
        user=world.team_am, week=MONDAY, client_hours={world.client.pk: Decimal(5)}, internal_hours={}
    )
    client.force_login(world.other_am)
    assert client.get(url(user=world.team_am)).status_code == 404
    StaffProfile.objects.filter(user=world.team_am).update(line_manager=world.other_am)
    page = client.get(url(user=world.team_am))
    assert page.status_code == 200 and not page.context["own"]
    # reading is not writing: the manager's save is refused, not silently dropped
    refused = client.post(url(user=world.team_am), {f"client_{world.client.pk}": "40"})
    assert refused.status_code == 403
    assert TimeEntry.objects.get(client=world.client).hours == 5
    client.force_login(world.head)
    assert client.get(url(user=world.team_am)).status_code == 200
    assert client.post(url(user=world.team_am), {f"client_{world.client.pk}": "40"}).status_code == 403
    assert TimeEntry.objects.get(client=world.client).hours == 5 and Timesheet.objects.count() == 1


def test_utilisation_is_hours_over_capacity_by_person_week_and_role(client, world):
    StaffProfile.objects.filter(user=world.team_am).update(capacity_hours=40)
    timesheet_save(
        user=world.team_am,
        week=MONDAY,
        client_hours={world.client.pk: Decimal(30)},
        internal_hours={"admin": Decimal(14)},
    )
    timesheet_save(
        user=world.other_am,
        week=MONDAY,
        client_hours={world.other_client.pk: Decimal("18.75")},
        internal_hours={},
    )
    client.force_login(world.head)
    with time_machine.travel(datetime.datetime(2026, 3, 6, 12, 0, tzinfo=datetime.UTC)):
        u = client.get(reverse("people:utilisation")).context["u"]
    assert u["weeks"][-1] == MONDAY and len(u["weeks"]) == 12
    people = {p["name"]: p for p in u["people"]}
    assert people["Amy Mills"]["weeks"][-1]["pct"] == 110 and people["Amy Mills"]["over"]
    assert people["Tom Baker"]["weeks"][-1]["pct"] == 50 and not people["Tom Baker"]["over"]
    am_role = next(r for r in u["roles"] if r["role"] == "Account manager")
    assert am_role["people"] == 2 and am_role["weeks"][-1]["pct"] == round(
        Decimal("62.75") * 100 / Decimal("77.5")
    )
    march = people["Amy Mills"]["months"][-1]
    # March to date is one week; February's four weeks had nothing logged
    assert march["month"] == datetime.date(2026, 3, 1) and march["pct"] == 110
    assert people["Amy Mills"]["months"][-2]["pct"] == 0


def test_cost_to_serve_lists_the_over_serviced_clients(client, world, settings):
    settings.CSOPS_CS_HOURLY_COST = 50
    CsPrice.objects.filter(client_size="small", service="seo").delete()  # the matrix's seeded rows
    CsPriceFactory(industry=None, client_size="small", service="seo", monthly_fee=Decimal(400))
    ClientCsFee.objects.create(client=world.client, client_size="small", services=["seo"])  # £400: 8 hours
    ClientCsFee.objects.create(client=world.other_client, monthly_fee=Decimal(2000))  # agreed: 40 hours
    timesheet_save(
        user=world.team_am, week=MONDAY, client_hours={world.client.pk: Decimal(9)}, internal_hours={}
    )
    timesheet_save(
        user=world.other_am, week=MONDAY, client_hours={world.other_client.pk: Decimal(20)}, internal_hours={}
    )
    client.force_login(world.head)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)):
        c = client.get(reverse("people:cost_to_serve")).context["c"]
    assert [r["name"] for r in c["over"]] == ["Northwind Outdoor"]
    north = next(r for r in c["rows"] if r["name"] == "Northwind Outdoor")
    assert north["fee"] == 400 and north["months"][-1]["cost"] == 450
    client.force_login(world.team_am)
    assert client.get(reverse("people:cost_to_serve")).status_code == 403


def test_a_cs_fee_needs_an_amount_or_the_matrix_cells(client, world):
    client.force_login(world.head)
    response = client.post(
        reverse("people:cs_fee_edit", args=[world.client.pk]), {"client_size": "", "monthly_fee": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not ClientCsFee.objects.exists()
    ok = client.post(reverse("people:cs_fee_edit", args=[world.client.pk]), {"monthly_fee": "750"})
    assert ok.status_code == 302 and ClientCsFee.objects.get(client=world.client).monthly_fee == 750


# --- the weekly reminder --------------------------------------------------------------------------------


def test_the_reminder_tells_whoever_has_no_timesheet_for_last_week_once(world):
    timesheet_save(
        user=world.other_am, week=MONDAY, client_hours={world.other_client.pk: Decimal(30)}, internal_hours={}
    )
    with time_machine.travel(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=datetime.UTC)):
        first = timesheets_remind(today=datetime.date(2026, 3, 9))
        again = timesheets_remind(today=datetime.date(2026, 3, 11))  # later in the same week: nothing new
    told = set(
        Notification.objects.filter(key="timesheet-missing-2026-03-02").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"team_am", "head"}  # CS team without last week's sheet; not sponsors, admins or Tom
    assert first.done == 2 and again.done == 0 and not first.failed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reminder_run_twice_at_once_tells_each_person_once(world):
    def run():
        try:
            timesheets_remind(today=datetime.date(2026, 3, 9))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Notification.objects.filter(key="timesheet-missing-2026-03-02", user=world.team_am).count() == 1


def _team_of(n, prefix):
    for i in range(n):
        am = staff(Role.ACCOUNT_MANAGER, username=f"{prefix}{i}")
        c = ClientFactory(name=f"Client {prefix}{i}")
        MembershipFactory(client=c, user=am, is_lead=True)
        for w in range(4):
            timesheet_save(
                user=am,
                week=MONDAY - datetime.timedelta(weeks=w),
                client_hours={c.pk: Decimal(20 + i)},
                internal_hours={"admin": Decimal(5)},
            )


def test_the_utilisation_org_and_cost_pages_cost_the_same_queries_at_two_team_sizes(client, world):
    client.force_login(world.head)
    pages = [reverse("people:utilisation"), reverse("people:org"), reverse("people:cost_to_serve"), url()]
    _team_of(2, "a")
    small = [count_queries(client, p) for p in pages]
    _team_of(8, "b")
    assert [count_queries(client, p) for p in pages] == small
    # session, user, roles, then the page's own grouped reads (no query per person or client)
    assert max(small) <= 14, small
