"""Surprise and delight (issue 15 item 5): beat opens and closes the month's vote, one vote per CS
member per month, ties to the head of CS, the gift, and the page with past winners."""

import datetime
import threading

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from commercial.models import DelightGift, DelightRound, DelightSettings, DelightVote
from commercial.services.delight import delight_rounds_run
from people.models import Notification, Role

from ..factories import ClientFactory, ContactFactory, staff
from ..helpers import form_post
from .factories_growth import DelightRoundFactory, DelightVoteFactory

pytestmark = pytest.mark.django_db


def at(day):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=datetime.UTC), tick=False
    )


def test_the_settings_default_to_fifty_pounds_and_the_seventh():
    settings = DelightSettings.load()
    assert (settings.monthly_budget, settings.close_day) == (50, 7)


def test_beat_opens_on_the_first_and_closes_on_the_close_day_telling_the_team_once(world):
    first = datetime.date(2026, 3, 1)
    with at(first):
        delight_rounds_run(today=first)
        delight_rounds_run(today=first)
    round_ = DelightRound.objects.get()
    assert round_.status == "open" and round_.closes_on == datetime.date(2026, 3, 7) and round_.budget == 50
    opened = Notification.objects.filter(key="delight-2026-03-open")
    # the CS team of the world (two AMs and the head of CS), once each; not the sponsors or admins
    assert set(opened.values_list("user_id", flat=True)) == {
        world.team_am.pk,
        world.other_am.pk,
        world.head.pk,
    }
    assert opened.count() == 3
    client_a, client_b = ClientFactory(), ClientFactory()
    DelightVoteFactory(round=round_, voter=world.team_am, client=client_a)
    DelightVoteFactory(round=round_, voter=world.other_am, client=client_a)
    DelightVoteFactory(round=round_, voter=world.head, client=client_b)
    seventh = datetime.date(2026, 3, 7)
    with at(seventh):
        delight_rounds_run(today=seventh)
        delight_rounds_run(today=seventh)
    round_.refresh_from_db()
    assert round_.status == "decided" and round_.winner == client_a
    assert Notification.objects.filter(key="delight-2026-03-closed").count() == opened.count()
    assert DelightRound.objects.count() == 1


def test_an_admin_set_close_day_and_a_tie_go_to_the_head_of_cs(world, login):
    DelightSettings.objects.update(close_day=3)
    with at(datetime.date(2026, 4, 1)):
        delight_rounds_run(today=datetime.date(2026, 4, 1))
    round_ = DelightRound.objects.get()
    assert round_.closes_on == datetime.date(2026, 4, 3)
    a, b = ClientFactory(name="Alpha"), ClientFactory(name="Beta")
    DelightVoteFactory(round=round_, voter=world.team_am, client=a)
    DelightVoteFactory(round=round_, voter=world.other_am, client=b)
    with at(datetime.date(2026, 4, 3)):
        delight_rounds_run(today=datetime.date(2026, 4, 3))
        round_.refresh_from_db()
        assert round_.status == "tied" and round_.winner is None
        assert Notification.objects.filter(user=world.head, key="delight-2026-04-tie").count() == 1
        assert (
            login(world.team_am).post(reverse("commercial:delight_pick"), {"client": a.pk}).status_code == 403
        )
        bad = login(world.head).post(reverse("commercial:delight_pick"), {"client": ClientFactory().pk})
        assert bad.status_code == 400
        assert login(world.head).post(reverse("commercial:delight_pick"), {"client": b.pk}).status_code == 302
    round_.refresh_from_db()
    assert round_.status == "decided" and round_.winner == b and round_.picked_by == world.head


def test_one_vote_per_member_per_month_on_the_page_and_in_the_database(world, login):
    day = datetime.date(2026, 5, 2)
    with at(day):
        round_ = DelightRoundFactory(month=datetime.date(2026, 5, 1))
        c = login(world.team_am)
        page = c.get(reverse("commercial:delight"))
        form = page.context["vote_form"]
        client = ClientFactory(name="Gamma")
        data = form_post(form, client=str(client.pk), reason="Their MD just had twins")
        assert c.post(reverse("commercial:delight_vote"), data).status_code == 302
        again = c.post(
            reverse("commercial:delight_vote"),
            form_post(form, client=str(world.client.pk), reason="Second go", form_token="other-token"),
        )
        assert again.status_code == 400 and "already voted" in again.content.decode()
        assert DelightVote.objects.filter(round=round_, voter=world.team_am).count() == 1
        empty = c.post(reverse("commercial:delight_vote"), {"client": "", "reason": ""})
        assert empty.status_code == 400
        assert "You voted for" in c.get(reverse("commercial:delight")).content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        DelightVote.objects.create(round=round_, voter=world.team_am, client=world.client, reason="again")


def test_the_winners_team_records_the_gift_and_past_winners_are_listed(world, login):
    contact = ContactFactory(client=world.client, name="Dana Scully")
    past = DelightRoundFactory(month=datetime.date(2026, 1, 1), status="decided", winner=world.client)
    with at(datetime.date(2026, 2, 3)):
        url = reverse("commercial:delight_gift", args=[past.pk])
        assert login(world.other_am).get(url).status_code == 403
        c = login(world.team_am)
        form = c.get(url).context["form"]
        bad = c.post(
            url, form_post(form, contact=str(contact.pk), what="Book", why_personal="Loves sci-fi", cost="-2")
        )
        assert bad.status_code == 400 and not DelightGift.objects.exists()
        data = form_post(
            form, contact=str(contact.pk), what="First edition", why_personal="Loves sci-fi", cost="45"
        )
        assert c.post(url, data).status_code == 302
        html = c.get(reverse("commercial:delight")).content.decode()
    assert "First edition for Dana Scully" in html and world.client.name in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_make_one_round_and_tell_each_person_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    staff(Role.ACCOUNT_MANAGER)
    day = datetime.date(2026, 6, 1)
    errors = []

    def run():
        try:
            delight_rounds_run(today=day)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with at(day):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert DelightRound.objects.count() == 1
    keys = list(Notification.objects.filter(key="delight-2026-06-open").values_list("user_id", flat=True))
    assert len(keys) == len(set(keys)) >= 3
