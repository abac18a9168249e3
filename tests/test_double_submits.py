"""Double submits create one row (issue 10, item 6).

Each create form carries a one-time token; the same submission sent twice — a double click, a
retry, the back button, two at the same moment — creates one row and lands where the first did.
A clash with a row someone saved at the same moment is a form error, never a 500.
"""

import contextlib
import datetime as dt
import threading

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from clients.models import Action, Call, Client, Contact, EscalationRule, Flag, Tier
from commercial.models import Contract
from people.models import FormSubmission, Pdp, PdpReview, PdpTarget
from people.tasks import clear_expired_sessions

from .conftest import service_missing
from .factories import MeetingFactory, PdpFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def _pdp_for_review(world):
    person = StaffProfileFactory(line_manager=world.head).user
    return PdpFactory(staff=person)


# name: (who, url, what the form sends, the model it creates)
def cases(world):
    client = world.client.pk
    pdp = _pdp_for_review(world)
    meeting = MeetingFactory(chair=world.head, held_on=timezone.localdate())
    person = StaffProfileFactory(line_manager=world.head).user
    return {
        "client": (
            world.head,
            reverse("clients:create"),
            {
                "name": "Kestrel Cycles",
                "domain": "kestrel.example",
                "status": "active",
                "engagement_type": "retained",
                "monthly_spend": "2500",
                "currency": "GBP",
                "tier": str(Tier.objects.get(rank=3).pk),
                "propensity": "medium",
            },
            Client,
        ),
        "contact": (
            world.team_am,
            reverse("clients:contact_create", args=[client]),
            {"name": "Jo Bloggs", "seniority": "manager", "stance": "neutral"},
            Contact,
        ),
        "call": (
            world.team_am,
            reverse("clients:call_create", args=[client]),
            {
                "held_at": "2026-11-20T10:00",
                "held": "on",
                "kind": "video",
                "duration_minutes": "30",
                "actions-TOTAL_FORMS": "0",
                "actions-INITIAL_FORMS": "0",
            },
            Call,
        ),
        "action": (
            world.team_am,
            reverse("clients:action_create", args=[client]),
            {"description": "Send the plan", "owner": str(world.team_am.pk), "due_date": "2026-12-01"},
            Action,
        ),
        "flag": (
            world.team_am,
            reverse("clients:flag_create", args=[client]),
            {
                "title": "Slow sign-off",
                "severity": "serious",
                "source": "comms",
                "owner": str(world.team_am.pk),
                "description": "Two weeks late",
            },
            Flag,
        ),
        "contract": (
            world.team_am,
            reverse("commercial:contract_create", args=[client]),
            {
                "title": "Deal",
                "status": "draft",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
                "notice_period_days": "30",
                "value": "100",
                "currency": "GBP",
            },
            Contract,
        ),
        "escalation rule": (
            world.head,
            reverse("clients:escalation_create", args=[client]),
            {"matter": "discount", "person": str(world.head.pk)},
            EscalationRule,
        ),
        "pdp": (
            world.head,
            reverse("people:pdp_create"),
            {
                "staff": str(person.pk),
                "year": "2027",
                "pathway": "delivery",
                "next_review_date": "2027-03-01",
                "salary_review_date": "2027-12-01",
            },
            Pdp,
        ),
        "pdp target": (
            world.head,
            reverse("people:pdp_target_add", args=[pdp.pk]),
            {
                "description": "Meet every contact",
                "measure": "Meetings",
                "reward": "Promotion",
                "progress": "0",
            },
            PdpTarget,
        ),
        "pdp review": (
            world.head,
            reverse("people:pdp_review_add", args=[pdp.pk]),
            {"held_on": "2026-11-20", "notes": "On track"},
            PdpReview,
        ),
        "meeting action": (
            world.head,
            reverse("reporting:meeting_action_create", args=[meeting.pk]),
            {
                "description": "Chase renewal",
                "owner": str(world.head.pk),
                "due_date": "2026-12-01",
                "client": str(client),
            },
            Action,
        ),
    }


CASE_NAMES = [
    "client",
    "contact",
    "call",
    "action",
    "flag",
    "contract",
    "escalation rule",
    "pdp",
    "pdp target",
    "pdp review",
    "meeting action",
]


def token_of(browser, url) -> str:
    form = browser.get(url).context["form"]
    return form["form_token"].value()


@pytest.mark.parametrize("name", CASE_NAMES)
def test_the_same_form_sent_twice_creates_one_row_and_lands_where_the_first_did(world, name):
    user, url, data, model = cases(world)[name]
    browser = Browser()
    browser.force_login(user)
    before = model.objects.count()
    data = {**data, "form_token": token_of(browser, url)}
    first = browser.post(url, data)
    second = browser.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert model.objects.count() == before + 1


def test_two_forms_loaded_separately_create_two_rows(world, login):
    c = login(world.team_am)
    url = reverse("clients:action_create", args=[world.client.pk])
    data = {"description": "Send the plan", "owner": str(world.team_am.pk), "due_date": "2026-12-01"}
    c.post(url, {**data, "form_token": token_of(c, url)})
    c.post(url, {**data, "form_token": token_of(c, url)})
    assert Action.objects.count() == 2


def test_one_token_with_different_content_is_two_submissions(world, login):
    """Two tabs of one page (duplicated, or shown again) share a token: two different actions are two."""
    c = login(world.team_am)
    url = reverse("clients:action_create", args=[world.client.pk])
    token = token_of(c, url)
    base = {"owner": str(world.team_am.pk), "due_date": "2026-12-01", "form_token": token}
    c.post(url, {**base, "description": "Send the plan"})
    c.post(url, {**base, "description": "Book the QBR"})
    assert Action.objects.count() == 2


def test_a_refused_form_keeps_its_token_and_saves_once_corrected(world, login):
    c = login(world.team_am)
    url = reverse("clients:action_create", args=[world.client.pk])
    token = token_of(c, url)
    bad = c.post(
        url,
        {"description": "", "owner": str(world.team_am.pk), "due_date": "2026-12-01", "form_token": token},
    )
    assert bad.status_code == 200 and bad.context["form"]["form_token"].value() == token
    c.post(
        url,
        {
            "description": "Fixed",
            "owner": str(world.team_am.pk),
            "due_date": "2026-12-01",
            "form_token": token,
        },
    )
    assert Action.objects.count() == 1


@pytest.mark.parametrize(
    "url_name",
    [
        "clients:create",
        "clients:contact_create",
        "clients:flag_create",
        "clients:escalation_create",
        "commercial:contract_create",
        "clients:call_create",
        "clients:detail",
    ],
)
def test_every_create_form_renders_its_token(world, login, url_name):
    url = reverse(url_name) if url_name == "clients:create" else reverse(url_name, args=[world.client.pk])
    assert 'name="form_token"' in login(world.head).get(url).content.decode()


def test_the_meet_and_pdp_forms_render_their_token(world, login):
    pdp = _pdp_for_review(world)
    meeting = MeetingFactory(chair=world.head, held_on=timezone.localdate())
    c = login(world.head)
    for url in (
        reverse("people:pdp_create"),
        reverse("people:pdp_target_add", args=[pdp.pk]),
        reverse("people:pdp_review_add", args=[pdp.pk]),
        reverse("reporting:meeting_action_create", args=[meeting.pk]),
    ):
        assert 'name="form_token"' in c.get(url).content.decode(), url


# --- at the same moment, on PostgreSQL ------------------------------------------------------------------


def _needs_postgresql():
    if connection.vendor != "postgresql":
        # SQLite's test database locks whole tables; CI runs these on PostgreSQL.
        service_missing("concurrent submissions need PostgreSQL (set DATABASE_URL)")


def _post_together(posts):
    """Send each (browser, url, data) from its own thread at once; the responses, in order."""
    responses, errors = [None] * len(posts), []

    def send(i, browser, url, data):
        try:
            responses[i] = browser.post(url, data)
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, *p)) for i, p in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return responses


class _Rendezvous:
    """Holds each save of `model` until `parties` threads are saving: both past their checks at once."""

    def __init__(self, model, parties=2):
        self.model, self.barrier = model, threading.Barrier(parties, timeout=10)

    def __enter__(self):
        pre_save.connect(self._wait, sender=self.model)
        return self

    def __exit__(self, *exc):
        pre_save.disconnect(self._wait, sender=self.model)

    def _wait(self, sender, instance, **kwargs):
        if instance.pk is None:
            # if the other one did not get this far (it was refused earlier), go on alone
            with contextlib.suppress(threading.BrokenBarrierError):
                self.barrier.wait()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "name, model", [("action", Action), ("contact", Contact), ("flag", Flag), ("contract", Contract)]
)
def test_the_same_form_sent_twice_at_the_same_moment_creates_one_row(world, name, model):
    _needs_postgresql()
    user, url, data, _ = cases(world)[name]
    one, two = Browser(), Browser()
    one.force_login(user)
    two.force_login(user)
    data = {**data, "form_token": token_of(one, url)}
    before = model.objects.count()
    first, second = _post_together([(one, url, data), (two, url, data)])
    assert model.objects.count() == before + 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "name, model, change, field, message",
    [
        ("client", Client, {}, "domain", "already has the domain kestrel.example"),
        ("escalation rule", EscalationRule, {"person": None}, "matter", "already has a rule for this"),
        ("pdp", Pdp, {}, "year", "already has a PDP for 2027"),
    ],
)
def test_a_clash_saved_at_the_same_moment_is_a_form_error_not_a_500(
    world, name, model, change, field, message
):
    """Two different forms (two tokens) for the same domain, matter or person and year, sent at once."""
    _needs_postgresql()
    user, url, data, _ = cases(world)[name]
    one, two = Browser(), Browser()
    one.force_login(user)
    two.force_login(user)
    first = {**data, "name": "Kestrel One", "form_token": token_of(one, url)}
    second = {**data, "name": "Kestrel Two", "form_token": token_of(two, url)}
    if change.get("person", 1) is None:
        second["person"] = str(world.team_am.pk)
    before = model.objects.count()
    with _Rendezvous(model):
        responses = _post_together([(one, url, first), (two, url, second)])
    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert message in " ".join(refused.context["form"].errors[field])
    assert model.objects.count() == before + 1


def test_form_submissions_are_kept_a_week(world):
    old = FormSubmission.objects.create(key="a" * 64, user=world.team_am)
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    recent = FormSubmission.objects.create(key="b" * 64, user=world.team_am)
    clear_expired_sessions()
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [recent.pk]
