"""The support register: SLA clocks in working hours (weekends and UK bank holidays), requests and
their outcome, breaches flagged in one click, SLA performance per client and month."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import Flag, SupportArrangement, SupportRequest
from clients.services.support import support_request_log
from clients.support_selectors import REQUEST_ROW, outcome_rows, sla_performance
from csops.dates import add_working_hours, is_bank_holiday, is_working_day, working_hours_between

from ..factories import ClientFactory, MembershipFactory, SupportArrangementFactory, support_request

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(*args):
    return dt.datetime(*args, tzinfo=LONDON)


# --- working-hours arithmetic (csops/dates.py) --------------------------------------------------------


def test_the_uk_bank_holidays_come_from_the_library_with_substitute_days():
    assert is_bank_holiday(dt.date(2026, 12, 25))  # Christmas Day, a Friday
    assert is_bank_holiday(dt.date(2026, 12, 28))  # Boxing Day falls on a Saturday: Monday instead
    assert is_bank_holiday(dt.date(2026, 5, 25))  # spring bank holiday
    assert not is_working_day(dt.date(2026, 12, 26))  # a Saturday
    assert is_working_day(dt.date(2026, 12, 29))


def test_a_clock_stops_over_the_weekend():
    # Friday 16:30: one hour left that day (to 17:30), the second hour on Monday from 09:00
    assert add_working_hours(at(2026, 11, 27, 16, 30), 2) == at(2026, 11, 30, 10, 0)
    assert working_hours_between(at(2026, 11, 27, 16, 30), at(2026, 11, 30, 10, 0)) == 2.0


def test_a_clock_stops_over_christmas_and_the_substitute_boxing_day():
    # Thursday 24 Dec 16:00: 1.5 h that day; Fri 25 (Christmas), the weekend and Mon 28 (Boxing Day
    # substitute) do not count; the last 2.5 h run on Tuesday 29 from 09:00
    assert add_working_hours(at(2026, 12, 24, 16, 0), 4) == at(2026, 12, 29, 11, 30)
    assert working_hours_between(at(2026, 12, 24, 16, 0), at(2026, 12, 29, 11, 30)) == 4.0


def test_a_request_received_out_of_hours_starts_its_clock_at_the_next_working_morning():
    assert add_working_hours(at(2026, 5, 23, 10, 0), 1) == at(2026, 5, 26, 10, 0)  # Sat, then bank hol Mon
    assert add_working_hours(at(2026, 11, 24, 20, 0), 1) == at(2026, 11, 25, 10, 0)  # Tue evening
    assert add_working_hours(at(2026, 11, 24, 7, 0), 0.5) == at(2026, 11, 24, 9, 30)  # before opening


def test_a_clock_follows_the_arrangement_s_own_working_day():
    day = {"start": dt.time(8), "end": dt.time(16)}
    assert add_working_hours(at(2026, 11, 27, 15, 0), 2, **day) == at(2026, 11, 30, 9, 0)


# --- requests and their SLA outcome -------------------------------------------------------------------


def test_a_request_s_due_times_are_worked_out_in_working_hours_when_it_is_logged(world):
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    with time_machine.travel(at(2026, 12, 24, 16, 5), tick=False):
        req = support_request_log(
            client=world.client,
            by=world.team_am,
            received_at=at(2026, 12, 24, 16, 0),
            priority="normal",  # 4 h first response, 16 h resolution
            summary="Checkout button does nothing",
            owner=world.team_am,
        )
    assert req.arrangement == arrangement
    assert timezone.localtime(req.response_due_at) == at(2026, 12, 29, 11, 30)
    # 16 h: 1.5 on the 24th, 8.5 on Tue 29th, 6 on Wed 30th → 15:00
    assert timezone.localtime(req.resolution_due_at) == at(2026, 12, 30, 15, 0)


def test_outcomes_in_python_and_in_sql_agree(world):
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    received = at(2026, 11, 27, 16, 30)  # Friday: the 4 h response is due Monday 12:00
    met = support_request(
        arrangement=arrangement, received_at=received, first_response_at=at(2026, 11, 30, 11, 0)
    )
    late = support_request(
        arrangement=arrangement, received_at=received, first_response_at=at(2026, 11, 30, 13, 0)
    )
    now = at(2026, 11, 30, 12, 30)
    silent = support_request(arrangement=arrangement, received_at=received)
    assert met.response_outcome(now) == "met"
    assert late.response_outcome(now) == "breached"
    assert silent.response_outcome(now) == "breached"
    assert support_request(arrangement=arrangement, received_at=at(2026, 11, 30, 12, 0)).response_outcome(
        now
    ) == ("open")
    rows = outcome_rows(list(SupportRequest.objects.values(*REQUEST_ROW)), now)
    assert sorted(r["response_outcome"] for r in rows) == ["breached", "breached", "met", "open"]
    [perf] = sla_performance(dt.date(2026, 11, 1), now=now)
    assert (perf["total"], perf["response_met"], perf["response_breached"]) == (4, 1, 2)
    assert perf["response_pct"] == 33


# --- pages, permissions and bad input -----------------------------------------------------------------

SLA_POST = {
    "since": "2026-01-05",
    "description": "Site support, 20 hours a month",
    "day_starts": "09:00",
    "day_ends": "17:30",
    **{
        f"{p}_{t}_hours": v
        for p, r, s in (("critical", 1, 4), ("high", 2, 8), ("normal", 4, 16), ("low", 8, 40))
        for t, v in (("response", r), ("resolution", s))
    },
}


def test_the_lead_am_puts_a_client_on_support_with_its_sla(world, login):
    response = login(world.team_am).post(reverse("clients:support_setup", args=[world.client.pk]), SLA_POST)
    assert response.status_code == 302
    arrangement = SupportArrangement.objects.get(client=world.client)
    assert arrangement.times("normal") == (Decimal("4"), Decimal("16"))
    page = login(world.team_am).get(reverse("clients:support", args=[world.client.pk]))
    assert b"On support since 5 Jan 2026" in page.content
    assert b"UK bank holidays excluded" in page.content


def test_an_sla_with_no_times_is_a_field_error_and_nothing_is_saved(world, login):
    empty = {k: v for k, v in SLA_POST.items() if not k.endswith("_hours")}
    response = login(world.team_am).post(reverse("clients:support_setup", args=[world.client.pk]), empty)
    assert response.status_code == 400
    assert "This field is required." in response.context["form"].errors["critical_response_hours"]
    assert not SupportArrangement.objects.exists()


def test_an_sla_resolving_before_its_first_response_is_refused(world, login):
    bad = {**SLA_POST, "high_response_hours": "8", "high_resolution_hours": "2"}
    response = login(world.team_am).post(reverse("clients:support_setup", args=[world.client.pk]), bad)
    assert response.status_code == 400
    assert response.context["form"].errors["high_resolution_hours"]
    assert not SupportArrangement.objects.exists()


def test_another_team_s_am_cannot_put_the_client_on_support(world, login):
    response = login(world.other_am).post(reverse("clients:support_setup", args=[world.client.pk]), SLA_POST)
    assert response.status_code == 403
    assert not SupportArrangement.objects.exists()


def _request_post(**overrides):
    return {
        "received_at": "2026-11-27T16:30",
        "priority": "normal",
        "summary": "Contact form emails bounce",
        "first_response_at": "",
        "resolved_at": "",
        **overrides,
    }


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_team_logs_a_request_and_a_first_response_before_receipt_is_refused(world, login):
    SupportArrangementFactory(client=world.client, created_by=world.team_am)
    url = reverse("clients:support_request_create", args=[world.client.pk])
    c = login(world.team_am)
    bad = c.post(url, _request_post(owner=world.team_am.pk, first_response_at="2026-11-27T15:00"))
    assert bad.status_code == 400
    assert bad.context["form"].errors["first_response_at"] == [
        "The first response cannot come before the request was received."
    ]
    assert not SupportRequest.objects.exists()
    good = c.post(url, _request_post(owner=world.team_am.pk, first_response_at="2026-11-30T10:00"))
    assert good.status_code == 302
    req = SupportRequest.objects.get()
    assert req.first_response_by == world.team_am
    page = c.get(reverse("clients:support_request", args=[world.client.pk, req.pk]))
    assert "in SLA" in page.content.decode()


def test_another_team_s_am_cannot_log_a_request(world, login):
    SupportArrangementFactory(client=world.client, created_by=world.team_am)
    url = reverse("clients:support_request_create", args=[world.client.pk])
    assert login(world.other_am).post(url, _request_post(owner=world.other_am.pk)).status_code == 403
    assert not SupportRequest.objects.exists()


def test_a_resolution_before_the_first_response_is_refused_on_the_request_page(world, login):
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    req = support_request(arrangement=arrangement, received_at=at(2026, 11, 27, 10))
    url = reverse("clients:support_request", args=[world.client.pk, req.pk])
    response = login(world.team_am).post(
        url, {"first_response_at": "2026-11-27T12:00", "resolved_at": "2026-11-27T11:00"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["resolved_at"]
    req.refresh_from_db()
    assert req.first_response_at is None and req.resolved_at is None


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_breach_raises_a_support_flag_in_one_click_once(world, login):
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    req = support_request(arrangement=arrangement, received_at=at(2026, 11, 27, 10), summary="Site down")
    url = reverse("clients:support_request_flag", args=[world.client.pk, req.pk])
    page = login(world.team_am).get(reverse("clients:support_request", args=[world.client.pk, req.pk]))
    assert "Raise a flag for this breach" in page.content.decode()
    assert login(world.team_am).post(url).status_code == 302
    assert login(world.team_am).post(url).status_code == 302  # a double click
    flag = Flag.objects.get()
    assert flag.source == Flag.Source.SUPPORT
    assert flag.owner == world.team_am and "Site down" in flag.title
    req.refresh_from_db()
    assert req.flag == flag


@time_machine.travel(dt.datetime(2026, 11, 27, 10, 30, tzinfo=dt.UTC), tick=False)
def test_a_request_within_its_sla_has_no_breach_to_flag(world, login):
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    req = support_request(arrangement=arrangement, received_at=at(2026, 11, 27, 10))
    page = login(world.team_am).get(reverse("clients:support_request", args=[world.client.pk, req.pk]))
    assert "Raise a flag for this breach" not in page.content.decode()
    login(world.team_am).post(reverse("clients:support_request_flag", args=[world.client.pk, req.pk]))
    assert not Flag.objects.exists()


def test_the_client_page_shows_the_support_card(world, login):
    arrangement = SupportArrangementFactory(client=world.client, created_by=world.team_am)
    support_request(arrangement=arrangement, received_at=timezone.now() - dt.timedelta(days=10))
    page = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk]))
    summary = page.content.decode()
    assert "1 open request" in summary and "1 breached" in summary


def _book(n, am):
    for _ in range(n):
        client = ClientFactory()
        MembershipFactory(client=client, user=am, is_lead=True)
        arrangement = SupportArrangementFactory(client=client, created_by=am)
        for h in range(3):
            support_request(arrangement=arrangement, received_at=timezone.now() - dt.timedelta(hours=h + 1))


def test_the_head_of_cs_sees_sla_performance_across_clients_at_a_flat_query_count(
    world, login, django_assert_max_num_queries
):
    _book(2, world.team_am)
    url = reverse("clients:support_register")
    c = login(world.head)
    with django_assert_max_num_queries(12) as small:  # session, user, roles, nav, one grouped query, register
        assert c.get(url).status_code == 200
    _book(12, world.team_am)
    with django_assert_max_num_queries(12) as large:
        response = c.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["performance"]) == 14
    assert login(world.team_am).get(url).status_code == 403
