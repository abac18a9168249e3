"""The client's live activity dashboard: entitlement, share links, the public page and its log."""

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Contact
from reporting.models import DashboardLink, DashboardView, Occurrence
from reporting.services.feedback import SURVEY_SALT
from reporting.services.sharing import dashboard_token, dashboard_token_for

from ..factories import (
    CallFactory,
    ClientDashboardFactory,
    CommsPlanFactory,
    ContactFactory,
    DashboardLinkFactory,
    FlagFactory,
    JobFactory,
    MilestoneFactory,
    NpsCheckInFactory,
    OccurrenceFactory,
)

pytestmark = pytest.mark.django_db


def _entitled(client):
    return CommsPlanFactory(client=client, live_dashboard=True)


def _link(world, client=None, **fields):
    client = client or world.client
    return DashboardLinkFactory(client=client, created_by=world.team_am, **fields)


def test_no_entitlement_no_share_button_and_no_link(world, login):
    CommsPlanFactory(client=world.client, live_dashboard=False)
    c = login(world.team_am)
    page = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "Share dashboard" not in page and "not in this client's plan" in page
    response = c.post(reverse("reporting:dashboard_link_create", args=[world.client.pk]), {"days": "30"})
    assert response.status_code == 400
    assert "comms plan has no live dashboard" in " ".join(response.context["link_form"].non_field_errors())
    assert not DashboardLink.objects.exists()


def test_the_am_shares_the_dashboard_where_the_plan_grants_it(world, login):
    _entitled(world.client)
    c = login(world.team_am)
    page = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "Share dashboard" in page
    response = c.post(
        reverse("reporting:dashboard_link_create", args=[world.client.pk]),
        {"days": "30", "label": "Marketing team"},
    )
    assert response.status_code == 302
    link = DashboardLink.objects.get()
    assert link.created_by == world.team_am and link.expires_at > timezone.now() + dt.timedelta(days=29)
    manage = c.get(reverse("reporting:dashboard_manage", args=[world.client.pk]))
    row = manage.context["links"][0]
    assert (row["label"], row["maker"], row["state"], row["last_opened_at"]) == (
        "Marketing team",
        "Amy Mills",
        "live",
        None,
    )
    assert dashboard_token(link) in row["url"]


def test_a_bad_link_length_is_a_field_error(world, login):
    _entitled(world.client)
    response = login(world.team_am).post(
        reverse("reporting:dashboard_link_create", args=[world.client.pk]), {"days": "3650"}
    )
    assert response.status_code == 400 and response.context["link_form"].errors["days"]
    assert not DashboardLink.objects.exists()


def test_only_the_head_of_cs_grants_a_bespoke_dashboard(world, login):
    url = reverse("reporting:dashboard_grant", args=[world.client.pk])
    assert login(world.team_am).post(url, {"granted": "1"}).status_code == 403
    assert login(world.head).post(url, {"granted": "1"}).status_code == 302
    c = login(world.team_am)
    assert "granted as bespoke" in c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert (
        c.post(reverse("reporting:dashboard_link_create", args=[world.client.pk]), {"days": "7"}).status_code
        == 302
    )
    link = DashboardLink.objects.get()
    assert login(None).get(reverse("dashboard_shared", args=[dashboard_token(link)])).status_code == 200
    # withdrawing the grant closes every link at once
    login(world.head).post(url, {"granted": "0"})
    closed = login(None).get(reverse("dashboard_shared", args=[dashboard_token(link)]))
    assert closed.status_code == 410 and b"switched off" in closed.content


def test_every_opening_is_logged_with_the_last_opened_time(world, client):
    _entitled(world.client)
    link = _link(world)
    url = reverse("dashboard_shared", args=[dashboard_token(link)])
    assert client.get(url, HTTP_USER_AGENT="Mozilla/5.0 test").status_code == 200
    assert client.get(url).status_code == 200
    link.refresh_from_db()
    assert link.views == 2 and link.last_opened_at is not None
    assert DashboardView.objects.filter(link=link).count() == 2
    assert DashboardView.objects.first().user_agent in ("", "Mozilla/5.0 test")


def test_a_tampered_link_shows_the_invalid_page_and_nothing_else(world, client):
    _entitled(world.client)
    link = _link(world)
    token = dashboard_token(link)
    for bad in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token + "x",
        "nonsense",
        token.split(":")[0],
    ):
        response = client.get(reverse("dashboard_shared", args=[bad]))
        assert response.status_code == 404
        html = response.content.decode()
        assert "not valid" in html and "Northwind" not in html
    assert not DashboardView.objects.exists()


def test_a_survey_token_does_not_open_a_dashboard(world, client):
    _entitled(world.client)
    link = _link(world)
    forged = signing.Signer(salt=SURVEY_SALT).sign_object({"link": link.pk}, compress=True)
    assert client.get(reverse("dashboard_shared", args=[forged])).status_code == 404


def test_an_expired_link_shows_the_expired_page(world, client):
    _entitled(world.client)
    link = _link(world)
    url = reverse("dashboard_shared", args=[dashboard_token(link)])
    with time_machine.travel(link.expires_at + dt.timedelta(seconds=1)):
        response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode() and "Northwind" not in response.content.decode()
    assert not DashboardView.objects.exists()


def test_a_revoked_link_shows_the_revoked_page_and_a_second_revoke_changes_nothing(world, login):
    _entitled(world.client)
    link = _link(world)
    revoke = reverse("reporting:dashboard_link_revoke", args=[world.client.pk, link.pk])
    assert login(world.other_am).post(revoke).status_code == 403
    assert login(world.team_am).post(revoke).status_code == 302
    link.refresh_from_db()
    first = link.revoked_at
    assert first and link.revoked_by == world.team_am
    login(world.head).post(revoke)
    link.refresh_from_db()
    assert link.revoked_at == first and link.revoked_by == world.team_am
    response = login(None).get(reverse("dashboard_shared", args=[dashboard_token(link)]))
    assert response.status_code == 410 and "switched off" in response.content.decode()


def test_the_dashboard_shows_nothing_internal(world, client):
    """Flags, NPS, stances, notes, money and billing stay inside the agency."""
    plan = _entitled(world.client)
    plan.entertainment_notes = "SECRET-ENTERTAINMENT box at Twickenham"
    plan.surprise_delight_notes = "SECRET-DELIGHT hamper"
    plan.save()
    Client.objects.filter(pk=world.client.pk).update(monthly_spend=4321)
    FlagFactory(
        client=world.client, owner=world.team_am, title="SECRET-FLAG unhappy CMO", description="SECRET-DESC"
    )
    NpsCheckInFactory(client=world.client, score=3, comment="SECRET-NPS comment", status="done")
    ContactFactory(client=world.client, name="Ena Enemy", stance=Contact.Stance.ENEMY)
    CallFactory(
        client=world.client,
        author=world.team_am,
        rapport="SECRET-RAPPORT new baby",
        commercial="SECRET-COMMERCIAL budget 50k",
        delivery="SECRET-DELIVERY",
    )
    job = JobFactory(
        client=world.client,
        name="Spring landing pages",
        next_steps="SECRET-NEXT chase their slow legal team",
        to_bill=True,
    )
    MilestoneFactory(
        job=job, name="Wireframes signed off", due_date=timezone.localdate() + dt.timedelta(days=3)
    )
    JobFactory(
        client=world.client,
        name="Technical SEO audit",
        status="completed",
        completed_on=timezone.localdate(),
        link="https://docs.example/audit",
    )
    OccurrenceFactory(client=world.client, kind="report", status="done", due_date=timezone.localdate())
    ClientDashboardFactory(client=world.client, commentary="Traffic is up 12% on last month.")
    response = client.get(reverse("dashboard_shared", args=[dashboard_token(_link(world))]))
    html = response.content.decode()
    # what the client is meant to see
    for shown in (
        "Northwind Outdoor",
        "Spring landing pages",
        "Wireframes signed off",
        "Technical SEO audit",
        "https://docs.example/audit",
        "Traffic is up 12% on last month.",
        "Reports delivered",
    ):
        assert shown in html, shown
    # and nothing internal
    assert "SECRET" not in html
    for hidden in ("Ena Enemy", "enemy", "4,321", "4321", "£", "to bill", "NPS", "flag", "Flag", "billable"):
        assert hidden not in html, hidden


def test_the_dashboard_never_shows_another_client_s_data_whatever_id_is_asked(world, client):
    for c in (world.client, world.other_client):
        _entitled(c)
    JobFactory(client=world.client, name="Northwind job")
    JobFactory(client=world.other_client, name="Harbour job")
    OccurrenceFactory(client=world.other_client, kind="report", status="done", due_date=timezone.localdate())
    mine = _link(world)
    theirs = _link(world, client=world.other_client)
    token = dashboard_token(mine)
    # query strings and extra path parts are ignored, not obeyed
    for extra in (f"?pk={world.other_client.pk}", f"?client={world.other_client.pk}", f"?link={theirs.pk}"):
        html = client.get(reverse("dashboard_shared", args=[token]) + extra).content.decode()
        assert "Northwind job" in html and "Harbour" not in html
    # an id that was never signed, or signed with another key, opens nothing
    for link_id in (theirs.pk, theirs.pk + 1, 0, -1, 10**12):
        forged = signing.Signer(key="not-the-secret", salt="csops.reporting.dashboard").sign_object(
            {"link": link_id}
        )
        assert client.get(reverse("dashboard_shared", args=[forged])).status_code == 404
    # a correctly signed id of a link that does not exist is the invalid page, not another's data
    missing = client.get(reverse("dashboard_shared", args=[dashboard_token_for(theirs.pk + 100)]))
    assert missing.status_code == 404 and "Harbour" not in missing.content.decode()


def test_the_dashboard_costs_the_same_with_more_work(world, client, django_assert_max_num_queries):
    _entitled(world.client)
    url = reverse("dashboard_shared", args=[dashboard_token(_link(world))])

    def more(n):
        for _ in range(n):
            job = JobFactory(client=world.client)
            MilestoneFactory(job=job)
            JobFactory(client=world.client, status="completed", completed_on=timezone.localdate())

    more(2)
    # link, entitlement (2), view log (2), plan, completed, in progress, milestones, reports, next call (2),
    # commentary, and the savepoint: not per job
    with django_assert_max_num_queries(18) as small:
        client.get(url)
    more(10)
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                client=world.client,
                kind="call",
                due_date=timezone.localdate() - dt.timedelta(days=i),
                status="done",
            )
            for i in range(1, 6)
        ],
        ignore_conflicts=True,
    )
    with django_assert_max_num_queries(18) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
