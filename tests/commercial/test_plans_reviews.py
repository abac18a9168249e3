"""Plan reviews (seed 002, "Reviewing the plan"): the automatic triggers from the clients services,
reviews raised by hand, the walk that must produce an action or a reason, the calendar beat, and the
weekly meet carrying a review's action."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clients.models import Action
from clients.services.accounts import contact_archive, team_member_set
from commercial.models import PlanReview, Trigger
from commercial.services.plans import plan_reviews_due
from people.models import Notification, Role
from reporting.calendar import build_calendar
from reporting.meet import carried_actions

from ..conftest import service_missing
from ..factories import (
    AccountPlanFactory,
    ContactFactory,
    MeetingFactory,
    PlanReviewFactory,
    staff,
)

pytestmark = pytest.mark.django_db


def this_year_plan(world):
    return AccountPlanFactory(client=world.client, year=timezone.localdate().year, created_by=world.team_am)


# --- automatic triggers -----------------------------------------------------------------------


def test_archiving_a_decision_maker_raises_one_client_driven_review(world, login):
    plan = this_year_plan(world)
    jan = ContactFactory(client=world.client, name="Jan Stewer", title="CMO", decision_maker=True)
    browser = login(world.head)
    url = reverse("clients:contact_archive", args=[world.client.pk, jan.pk])
    assert browser.post(url).status_code == 302
    browser.post(url)  # twice: still one review
    review = PlanReview.objects.get(plan=plan)
    assert review.trigger == Trigger.CLIENT_PERSONNEL and review.status == "due"
    assert "Jan Stewer (CMO), a decision maker" in review.what_happened
    assert world.team_am.notifications.filter(key=f"plan-review-{review.pk}-due").exists()


def test_archiving_someone_who_does_not_decide_raises_nothing(world):
    this_year_plan(world)
    contact_archive(contact=ContactFactory(client=world.client, decision_maker=False), by=world.team_am)
    assert not PlanReview.objects.exists()


def test_without_a_plan_for_the_year_there_is_nothing_to_review(world):
    AccountPlanFactory(client=world.client, year=timezone.localdate().year - 1)
    contact_archive(contact=ContactFactory(client=world.client, decision_maker=True), by=world.team_am)
    assert not PlanReview.objects.exists()


def test_a_decision_maker_replaced_on_the_contact_form_raises_a_review(world, login):
    plan = this_year_plan(world)
    dan = ContactFactory(client=world.client, name="Dan Middleton", decision_maker=True)
    response = login(world.team_am).post(
        reverse("clients:contact_edit", args=[world.client.pk, dan.pk]),
        {
            "name": "Dan Middleton",
            "title": "Marketing Manager",
            "email": dan.email,
            "seniority": "manager",
            "stance": "neutral",
            "version": dan.version,
            # decision_maker unticked: someone else decides now
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    review = PlanReview.objects.get(plan=plan)
    assert "is no longer a decision maker" in review.what_happened


def test_a_new_decision_maker_added_raises_a_review(world, login):
    plan = this_year_plan(world)
    response = login(world.team_am).post(
        reverse("clients:contact_create", args=[world.client.pk]),
        {
            "name": "Priya Shah",
            "title": "New CMO",
            "seniority": "c_level",
            "decision_maker": "on",
            "stance": "neutral",
        },
    )
    assert response.status_code == 302
    assert "Priya Shah (New CMO) is a new decision maker" in PlanReview.objects.get(plan=plan).what_happened


def test_a_new_lead_am_raises_an_internally_driven_review(world):
    plan = this_year_plan(world)
    newcomer = staff(Role.ACCOUNT_MANAGER, first_name="Nia", last_name="Long")
    team_member_set(client=world.client, user=newcomer, responsibility="Lead", is_lead=True, by=world.head)
    review = PlanReview.objects.get(plan=plan)
    assert review.trigger == Trigger.OUR_PERSONNEL
    assert "Amy Mills → Nia Long" in review.what_happened
    assert newcomer.notifications.filter(key=f"plan-review-{review.pk}-due").exists()  # the new lead hears
    team_member_set(client=world.client, user=newcomer, responsibility="Lead AM", is_lead=True, by=world.head)
    assert PlanReview.objects.count() == 1  # re-saving the same lead changes nothing


# --- raising and completing ---------------------------------------------------------------------


def test_a_review_is_raised_by_hand_with_what_happened(world, login):
    plan = this_year_plan(world)
    url = reverse("commercial:review_raise", args=[world.client.pk, plan.year])
    empty = login(world.team_am).post(url, {"trigger": "merger", "what_happened": ""})
    assert empty.status_code == 200 and not PlanReview.objects.exists()
    calendar = login(world.team_am).post(url, {"trigger": "monthly", "what_happened": "x"})
    assert calendar.status_code == 200 and not PlanReview.objects.exists()  # not a hand trigger
    response = login(world.team_am).post(
        url, {"trigger": "merger", "what_happened": "Acquired by Acme Group"}
    )
    review = PlanReview.objects.get()
    assert response["Location"] == reverse("commercial:review_detail", args=[world.client.pk, review.pk])
    assert review.trigger == "merger" and review.raised_by == world.team_am


def _walk(review, contact, **extra):
    return {
        "changes": "",
        "no_change_reason": "",
        f"stance_{contact.pk}": contact.stance,
        "metric_allies": "Tom still an ally: lunch booked",
        **extra,
    }


def test_a_review_with_neither_action_nor_reason_is_refused(world, login):
    review = PlanReviewFactory(plan=this_year_plan(world))
    tom = ContactFactory(client=world.client, name="Tom Pearce", stance="ally")
    url = reverse("commercial:review_detail", args=[world.client.pk, review.pk])
    response = login(world.team_am).post(url, _walk(review, tom))
    assert response.status_code == 200
    assert "at least one action, or says why nothing changes" in response.content.decode()
    half = login(world.team_am).post(url, _walk(review, tom, action_0_description="Call Tom"))
    assert "Choose who owns the action" in half.content.decode()
    review.refresh_from_db()
    assert review.status == "due" and not Action.objects.exists()


def test_a_review_walks_the_plan_moves_stakeholders_and_makes_actions(world, login):
    plan = this_year_plan(world)
    review = PlanReviewFactory(plan=plan)
    tom = ContactFactory(client=world.client, name="Tom Pearce", stance="ally")
    dan = ContactFactory(client=world.client, name="Dan Middleton", stance="protester")
    due = timezone.localdate() + dt.timedelta(days=7)
    data = {
        **_walk(review, tom),
        f"stance_{dan.pk}": "friend",
        "changes": "Dan promoted to Jan's role and converted",
        "action_0_description": "Tell the team Dan is on side",
        "action_0_owner": world.team_am.pk,
        "action_0_due": due.isoformat(),
    }
    response = login(world.team_am).post(
        reverse("commercial:review_detail", args=[world.client.pk, review.pk]), data
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "done" and review.completed_by == world.team_am
    assert [a.description for a in review.actions.all()] == ["Tell the team Dan is on side"]
    dan.refresh_from_db()
    assert dan.stance == "friend" and dan.history.count() == 2  # moved through the stakeholder service
    walked = {(w["kind"], w["name"]): w for w in review.walk}
    assert walked[("stakeholder", "Tom Pearce")]["note"] == "confirmed"
    assert walked[("stakeholder", "Dan Middleton")]["note"] == "moved"
    assert walked[("metric", "Friends and allies")]["note"] == "Tom still an ally: lunch booked"
    history = login(world.sponsor).get(reverse("commercial:plan_detail", args=[world.client.pk, plan.year]))
    assert "Dan promoted to Jan&#x27;s role and converted" in history.content.decode()
    again = login(world.team_am).post(
        reverse("commercial:review_detail", args=[world.client.pk, review.pk]), data
    )
    assert again.status_code == 404 and Action.objects.count() == 1


def test_no_change_because_is_a_complete_review(world, login):
    plan = this_year_plan(world)
    review = PlanReviewFactory(plan=plan)
    response = login(world.head).post(
        reverse("commercial:review_detail", args=[world.client.pk, review.pk]),
        {"no_change_reason": "The acquisition leaves marketing untouched"},
    )
    assert response.status_code == 302
    page = login(world.team_am).get(reverse("commercial:plan_detail", args=[world.client.pk, plan.year]))
    assert "no change, because The acquisition leaves marketing untouched" in page.content.decode()


def test_sponsors_read_reviews_but_do_not_complete_them(world, login):
    review = PlanReviewFactory(plan=this_year_plan(world))
    url = reverse("commercial:review_detail", args=[world.client.pk, review.pk])
    assert login(world.sponsor).get(url).status_code == 200
    assert login(world.sponsor).post(url, {"no_change_reason": "x"}).status_code == 403
    assert login(world.other_am).post(url, {"no_change_reason": "x"}).status_code == 403
    review.refresh_from_db()
    assert review.status == "due"


def test_a_review_action_left_open_is_carried_to_the_next_weekly_meet(world):
    review = PlanReviewFactory(plan=this_year_plan(world))
    from commercial.services.plans import review_complete

    review_complete(
        review=review,
        by=world.team_am,
        walk=[],
        changes="New CMO",
        no_change_reason="",
        actions=[("Meet the new CMO", world.team_am, timezone.localdate() + dt.timedelta(days=3))],
    )
    meeting = MeetingFactory(held_on=timezone.localdate() + dt.timedelta(days=7))
    outstanding = carried_actions(meeting, None)["outstanding"]
    assert [a["description"] for a in outstanding] == ["Meet the new CMO"]
    earlier = MeetingFactory(held_on=timezone.localdate() - dt.timedelta(days=7))
    assert carried_actions(earlier, None)["outstanding"] == []  # not before the review was done


# --- the calendar ------------------------------------------------------------------------------


def test_calendar_reviews_are_made_due_monthly_quarterly_and_annually(world):
    year = 2026
    plan = AccountPlanFactory(client=world.client, year=year)
    with time_machine.travel(dt.datetime(year, 5, 2, 7, tzinfo=dt.UTC), tick=False):
        assert plan_reviews_due(today=dt.date(year, 5, 2)).done == 1
        assert plan_reviews_due(today=dt.date(year, 5, 20)).done == 0  # same month: nothing new
    assert plan_reviews_due(today=dt.date(year, 6, 1)).done == 1
    assert plan_reviews_due(today=dt.date(year, 12, 1)).done == 1
    kinds = list(PlanReview.objects.filter(plan=plan).order_by("period").values_list("trigger", "due_date"))
    assert kinds == [
        ("monthly", dt.date(year, 5, 31)),
        ("quarterly", dt.date(year, 6, 30)),
        ("annual", dt.date(year, 12, 31)),
    ]
    keys = set(Notification.objects.filter(user=world.team_am).values_list("key", flat=True))
    assert len([k for k in keys if k.startswith("plan-review-")]) == 3
    # a lost client's plan is not reviewed by the calendar
    world.client.status = "lost"
    world.client.lost_date = dt.date(year, 12, 15)
    world.client.save()
    assert plan_reviews_due(today=dt.date(year, 11, 1)).done == 0


def test_run_twice_one_review_one_notice(world):
    AccountPlanFactory(client=world.client, year=2026)
    with time_machine.travel(dt.datetime(2026, 3, 3, 7, tzinfo=dt.UTC), tick=False):
        first = plan_reviews_due(today=dt.date(2026, 3, 3))
        second = plan_reviews_due(today=dt.date(2026, 3, 3))
    assert (first.done, second.done, first.failed, second.failed) == (1, 0, [], [])
    assert PlanReview.objects.count() == 1
    assert Notification.objects.filter(key__startswith="plan-review-").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_make_one_review(world):
    if connection.vendor != "postgresql":
        service_missing("two concurrent workers need PostgreSQL (set DATABASE_URL)")
    AccountPlanFactory(client=world.client, year=2026)
    errors = []

    def worker():
        try:
            plan_reviews_due(today=dt.date(2026, 9, 2))
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert PlanReview.objects.count() == 1
    assert Notification.objects.filter(key__startswith="plan-review-").count() == 1


def test_reviews_due_are_in_the_lead_ams_calendar_feed(world):
    review = PlanReviewFactory(plan=this_year_plan(world), due_date=dt.date(2026, 12, 18))
    feed = build_calendar(world.team_am).decode()
    assert f"plan-review-{review.pk}@csops" in feed and "Account plan review: Northwind Outdoor" in feed
    assert "plan-review" not in build_calendar(world.other_am).decode()
