"""Exec sponsors' quarterly check-ins, NPS arithmetic and analytics (PRODUCT.md §2 reporting/)."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from clients.models import Flag
from csops.dates import quarter_start
from people.models import Notification, Role
from reporting import nps, nps_figures
from reporting.models import NpsCheckIn

from ..factories import (
    ClientFactory,
    MembershipFactory,
    NpsCheckInFactory,
    SurveyResponseFactory,
    TierFactory,
    staff,
)
from ..helpers import count_queries

TODAY = datetime.date(2026, 11, 16)
Q4 = datetime.date(2026, 10, 1)
Q3 = datetime.date(2026, 7, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


# --- arithmetic ------------------------------------------------------------------------------------


def test_no_answers_is_no_score_not_zero():
    assert nps.nps(0, 0, 0) is None
    assert nps.Tally().nps is None


def test_all_passives_score_zero():
    assert nps.nps(0, 5, 0) == 0
    assert nps.tally_of([7, 8, 7, 8]).nps == 0


def test_promoters_minus_detractors_as_a_whole_percentage():
    assert nps.tally_of([10, 9, 8, 6, 0]) == nps.Tally(promoters=2, passives=1, detractors=2)
    assert nps.nps(2, 1, 2) == 0
    assert nps.nps(3, 0, 0) == 100
    assert nps.nps(0, 0, 4) == -100
    assert nps.nps(2, 0, 1) == 33  # 33.3…


def test_halves_round_away_from_zero():
    assert nps.nps(1, 7, 0) == 13  # 12.5
    assert nps.nps(0, 7, 1) == -13  # −12.5
    assert nps.nps(1, 1, 0) == 50
    assert nps.nps(5, 2, 1) == 50  # 50.0 exactly


def test_boundaries_six_is_a_detractor_nine_a_promoter():
    assert nps.tally_of([6]).detractors == 1
    assert nps.tally_of([7, 8]).passives == 2
    assert nps.tally_of([9]).promoters == 1


# --- the database ----------------------------------------------------------------------------------


def test_one_check_in_per_client_per_quarter_is_enforced_by_the_database(world):
    NpsCheckInFactory(client=world.client, quarter=Q4, sponsor=world.sponsor)
    with pytest.raises(IntegrityError), transaction.atomic():
        NpsCheckIn.objects.create(client=world.client, quarter=Q4, sponsor=world.sponsor)


def test_a_score_above_ten_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        NpsCheckIn.objects.create(client=world.client, quarter=Q4, status="done", score=11)


# --- the sponsor's check-in ----------------------------------------------------------------------


def post_checkin(c, client, **data):
    payload = {"score": "8", "comment": "", "actions": "", "flag_severity": "", **data}
    return c.post(reverse("reporting:checkin", args=[client.pk]), payload)


def test_the_sponsor_enters_a_check_in_for_this_quarter(world, login):
    NpsCheckInFactory(client=world.client, quarter=Q4, sponsor=world.sponsor)
    c = login(world.sponsor)
    response = post_checkin(
        c, world.client, score="9", comment="Very happy with the new reports.", actions="Intro to CFO"
    )
    assert response.status_code == 302
    checkin = NpsCheckIn.objects.get(client=world.client, quarter=Q4)
    assert (checkin.status, checkin.score, checkin.actions) == ("done", 9, "Intro to CFO")
    assert checkin.completed_at is not None
    assert checkin.flag is None


def test_a_second_submission_edits_the_first_and_keeps_history(world, login):
    c = login(world.sponsor)
    post_checkin(c, world.client, score="6", comment="Slow replies.")
    post_checkin(c, world.client, score="7", comment="Slow replies, but improving.")
    checkins = NpsCheckIn.objects.filter(client=world.client)
    assert checkins.count() == 1
    checkin = checkins.get()
    assert (checkin.quarter, checkin.score) == (Q4, 7)
    assert [h.score for h in checkin.history.order_by("history_date")][-2:] == [6, 7]


def test_raise_a_flag_creates_one_flag_for_the_lead_am_and_tells_them(world, login):
    c = login(world.sponsor)
    response = post_checkin(
        c,
        world.client,
        score="4",
        comment="Reports are late every month.",
        raise_flag="on",
        flag_severity="major",
    )
    assert response.status_code == 302
    flag = Flag.objects.get(client=world.client)
    assert (flag.source, flag.severity, flag.owner, flag.raised_by) == (
        Flag.Source.EXEC_SPONSOR,
        "major",
        world.team_am,
        world.sponsor,
    )
    assert "Reports are late" in flag.description
    assert NpsCheckIn.objects.get(client=world.client).flag == flag
    assert Notification.objects.filter(user=world.team_am, key=f"flag-{flag.pk}-raised").exists()
    # sending the form again edits the check-in; it does not raise a second flag
    post_checkin(c, world.client, score="5", comment="Reports late.", raise_flag="on", flag_severity="major")
    assert Flag.objects.filter(client=world.client).count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"score": ""}, "score"),
        ({"score": "11"}, "score"),
        ({"score": "-1"}, "score"),
        ({"score": "eight"}, "score"),
        ({"score": "3", "raise_flag": "on", "flag_severity": "major", "comment": "  "}, "comment"),
        ({"score": "3", "raise_flag": "on", "comment": "Unhappy"}, "flag_severity"),
    ],
)
def test_bad_input_shows_errors_and_writes_nothing(world, login, data, field):
    response = post_checkin(login(world.sponsor), world.client, **data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not NpsCheckIn.objects.exists()
    assert not Flag.objects.exists()


def test_only_the_clients_sponsor_or_the_head_of_cs_may_enter_it(world, login):
    assert post_checkin(login(world.other_sponsor), world.client).status_code == 404
    assert post_checkin(login(world.team_am), world.client).status_code == 403
    assert not NpsCheckIn.objects.exists()
    assert post_checkin(login(world.head), world.client).status_code == 302
    assert NpsCheckIn.objects.get().sponsor == world.sponsor  # entered for the sponsor


def test_an_overdue_quarter_can_be_entered_but_not_a_future_one(world, login):
    NpsCheckInFactory(client=world.client, quarter=Q3, sponsor=world.sponsor)
    c = login(world.sponsor)
    url = reverse("reporting:checkin", args=[world.client.pk])
    assert c.post(url + "?quarter=2026-07-01", {"score": "8"}).status_code == 302
    assert NpsCheckIn.objects.get(quarter=Q3).score == 8
    assert c.get(url + "?quarter=2027-01-01").status_code == 404
    assert c.get(url + "?quarter=2026-08-01").status_code == 404  # not a quarter's first day
    assert c.get(url + "?quarter=soon").status_code == 404


def test_saving_takes_the_sponsor_to_the_next_check_in_due(world, login):
    second = ClientFactory(name="Aardvark Ltd", exec_sponsor=world.sponsor)
    NpsCheckInFactory(client=world.client, quarter=Q4, sponsor=world.sponsor)
    NpsCheckInFactory(client=second, quarter=Q4, sponsor=world.sponsor)
    c = login(world.sponsor)
    response = post_checkin(c, world.client)
    assert response["Location"] == reverse("reporting:checkin", args=[second.pk]) + "?quarter=2026-10-01"
    response = post_checkin(c, second)
    assert response["Location"] == reverse("reporting:sponsor_home")


def test_the_sponsor_home_lists_clients_due_overdue_and_done(world, login):
    overdue_client = ClientFactory(name="Overdue Co", exec_sponsor=world.sponsor)
    done_client = ClientFactory(name="Done Co", exec_sponsor=world.sponsor)
    NpsCheckInFactory(client=world.client, quarter=Q4, sponsor=world.sponsor)
    NpsCheckInFactory(client=overdue_client, quarter=Q3, sponsor=world.sponsor)
    NpsCheckInFactory(client=done_client, quarter=Q4, sponsor=world.sponsor, status="done", score=10)
    NpsCheckInFactory(client=world.other_client, quarter=Q4, sponsor=world.other_sponsor)
    response = login(world.sponsor).get(reverse("reporting:sponsor_home"))
    assert response.status_code == 200
    assert [c.client for c in response.context["due"]] == [world.client]
    assert [c.client for c in response.context["overdue"]] == [overdue_client]
    assert [c.client for c in response.context["done"]] == [done_client]
    assert world.other_client not in response.context["clients"]
    assert b"Harbour Bank" not in response.content


def test_a_sponsor_only_user_lands_on_their_check_ins(world, login):
    assert login(world.sponsor).get(reverse("home"))["Location"] == reverse("reporting:sponsor_home")


# --- analytics -------------------------------------------------------------------------------------


def done(client, quarter, score, sponsor=None):
    return NpsCheckInFactory(
        client=client, quarter=quarter, status="done", score=score, sponsor=sponsor or client.exec_sponsor
    )


def test_by_quarter_counts_sponsor_check_ins_and_client_surveys_together(world):
    done(world.client, Q4, 10)
    done(world.other_client, Q4, 3)
    NpsCheckInFactory(client=ClientFactory(), quarter=Q4)  # due, not answered: not counted
    SurveyResponseFactory(client=world.client, invite__contact__client=world.client, quarter=Q4, score=9)
    SurveyResponseFactory(client=world.client, invite__contact__client=world.client, quarter=Q3, score=0)
    tallies = nps.by_quarter([Q3, Q4])
    assert tallies[Q4] == nps.Tally(promoters=2, passives=0, detractors=1)
    assert tallies[Q4].nps == 33
    assert tallies[Q3].nps == -100


def test_breakdowns_by_tier_sponsor_and_lead_am_with_response_rates(world):
    tier1 = TierFactory(rank=1)
    world.client.tier = tier1
    world.client.save()
    done(world.client, Q4, 9)
    done(world.other_client, Q4, 5)
    unanswered = ClientFactory(exec_sponsor=world.sponsor, tier=tier1)
    MembershipFactory(client=unanswered, user=world.team_am, is_lead=True)
    NpsCheckInFactory(client=unanswered, quarter=Q4, sponsor=world.sponsor)
    b = nps_figures.breakdowns(Q4)
    tiers = {r.label: r for r in b["tiers"]}
    assert (tiers["Tier 1"].tally.nps, tiers["Tier 1"].done, tiers["Tier 1"].due) == (100, 1, 2)
    assert tiers["Tier 1"].response_rate == 50
    sponsors = {r.label: r for r in b["sponsors"]}
    assert sponsors["Keith Richards"].tally.nps == 100
    assert (sponsors["Keith Richards"].done, sponsors["Keith Richards"].due) == (1, 2)
    ams = {r.label: r for r in b["ams"]}
    assert ams["Amy Mills"].tally.nps == 100 and ams["Tom Baker"].tally.nps == -100
    assert (ams["Amy Mills"].done, ams["Amy Mills"].due) == (1, 2)


def test_the_analytics_page_shows_nps_rate_and_an_eight_quarter_trend(world, login):
    done(world.client, Q4, 10)
    done(world.other_client, Q4, 8)
    NpsCheckInFactory(client=ClientFactory(), quarter=Q4)
    done(world.client, Q3, 2)
    response = login(world.head).get(reverse("reporting:nps"))
    assert response.status_code == 200
    assert response.context["tally"].nps == 50
    assert (response.context["done"], response.context["due"], response.context["rate"]) == (2, 3, 67)
    assert len(response.context["quarters"]) == 8
    assert [p["value"] for p in response.context["chart"]["points"]] == [-100, 50]
    assert b"<svg" in response.content and b"Q3 2026" in response.content
    response = login(world.head).get(reverse("reporting:nps") + "?quarter=2026-07-01")
    assert response.context["tally"].nps == -100
    response = login(world.head).get(reverse("reporting:nps") + "?quarter=1999-01-01")
    assert response.status_code == 200 and response.context["selected"] == Q4


def populate(n, sponsor, am):
    for i in range(n):
        client = ClientFactory(exec_sponsor=sponsor, tier=TierFactory(rank=1 + i % 4))
        MembershipFactory(client=client, user=am, is_lead=True)
        done(client, Q4, i % 11)
        done(client, Q3, (i + 3) % 11)
        SurveyResponseFactory(client=client, invite__contact__client=client, quarter=Q4, score=9)


def test_the_analytics_query_count_does_not_grow_with_clients(world, login):
    # One aggregate per quarter list and breakdown, never one per client, sponsor or AM.
    am = staff(Role.ACCOUNT_MANAGER)
    c = login(world.head)
    url = reverse("reporting:nps")
    populate(3, world.sponsor, am)
    small = count_queries(c, url)
    populate(30, staff(Role.EXEC_SPONSOR), staff(Role.ACCOUNT_MANAGER))
    assert count_queries(c, url) == small


def test_the_client_page_shows_its_scores_and_the_timeline_has_them(world, login):
    done(world.client, Q3, 6).comment = "Slow"
    checkin = NpsCheckIn.objects.get(client=world.client)
    checkin.comment = "Slow replies in the summer."
    checkin.completed_at = datetime.datetime(2026, 8, 3, 10, tzinfo=datetime.UTC)
    checkin.save()
    SurveyResponseFactory(
        client=world.client, invite__contact__client=world.client, score=10, comment="Great team"
    )
    response = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk]))
    assert [s["score"] for s in response.context["nps_scores"]] == [10, 6]
    kinds = [e.kind for e in response.context["timeline"].entries]
    assert "nps" in kinds and "survey" in kinds
    assert b"Slow replies in the summer." in response.content


def test_quarters_back_ends_with_this_quarter():
    assert nps.quarters_back(TODAY, 3) == [datetime.date(2026, 4, 1), Q3, Q4]
    assert quarter_start(TODAY) == Q4


def test_a_quarter_with_fewer_than_five_answers_says_so(world, login):
    for client in (world.client, world.other_client, ClientFactory()):
        done(client, Q4, 9)
    html = login(world.head).get(reverse("reporting:nps")).content.decode()
    assert "based on 3 answers — too few to read much into" in html
    for _ in range(2):
        done(ClientFactory(), Q4, 9)
    html = login(world.head).get(reverse("reporting:nps")).content.decode()
    assert "too few to read much into" not in html and "5 answers" in html


def test_the_trend_charts_labels_keep_clear_of_the_value_axis():
    labels = [f"Q{q} {y}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    chart = nps.trend_svg_points([100, -100, 0, None, -50, 20, -30, 100], labels)
    char_width = 7  # generous for the chart's 11 px text
    axis_labels_end = chart["label_x"]  # the value axis's labels end here (right-aligned)
    for text, x in [(t["label"], t["x"]) for t in chart["ticks"]] + [
        (str(p["value"]), p["x"]) for p in chart["points"]
    ]:
        assert x - len(text) * char_width / 2 > axis_labels_end, f"{text} at {x} runs into the axis labels"
        assert x + len(text) * char_width / 2 < chart["width"], f"{text} at {x} runs off the chart"
    for p in chart["points"]:
        assert 11 <= p["label_y"] < chart["axis_y"] - 11  # on the chart, above the quarter labels
