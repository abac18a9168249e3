"""Cross- and upsell (issue 15 items 1-3): the channel map, opportunities and the pipeline, audits."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commercial.models import Audit, ChannelRow, Opportunity, Project
from people.models import Notification
from reporting.models import CommsPlan
from reporting.services.plans import comms_plan_create

from ..factories import (
    CallFactory,
    ClientFactory,
    MembershipFactory,
    TierFactory,
)
from ..helpers import count_queries, form_post
from .factories_growth import AuditFactory, ChannelRowFactory, OpportunityFactory, channel

pytestmark = pytest.mark.django_db


def test_the_channel_list_is_seeded_and_the_client_page_shows_every_channel_with_gaps(world, login):
    ChannelRowFactory(client=world.client, channel=channel("Paid search"), worker="us", kpi="green")
    ChannelRowFactory(client=world.client, channel=channel("Organic search"), worker="in_house", kpi="red")
    response = login(world.team_am).get(reverse("clients:detail", args=[world.client.pk]))
    lines = response.context["growth"]["channels"]
    assert [line["channel"].name for line in lines][:3] == ["Paid search", "Organic search", "Paid social"]
    assert len(lines) == 10
    html = response.content.decode()
    organic = channel("Organic search").pk
    row_html = html[html.index(f'id="channel-{organic}"') :][:400]
    assert "gap" in row_html
    paid = html[html.index(f'id="channel-{channel("Paid search").pk}"') :][:300]
    assert "gap" not in paid and "not mapped" not in paid


def test_an_am_edits_a_channel_in_place_and_history_keeps_each_change(world, login):
    c = login(world.team_am)
    ch = channel("CRM / email")
    url = reverse("commercial:channel_row_edit", args=[world.client.pk, ch.pk])
    form = c.get(url, HTTP_HX_REQUEST="true").context["form"]
    response = c.post(
        url,
        form_post(form, worker="agency", agency_name="Mailwise", monthly_budget="1500", kpi="orange"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Mailwise" in response.content.decode() and "<form" not in response.content.decode()
    row = ChannelRow.objects.get(client=world.client, channel=ch)
    form = c.get(url).context["form"]  # without JS: a page of its own, then back to the client page
    response = c.post(url, form_post(form, worker="in_house", agency_name=""))
    assert response.status_code == 302 and response["Location"].endswith(f"#channel-{ch.pk}")
    row.refresh_from_db()
    assert row.worker == "in_house" and row.is_gap
    assert [h.worker for h in row.history.order_by("history_date")] == ["agency", "in_house"]
    assert row.history.first().history_user == world.team_am


def test_bad_channel_input_is_a_field_error_and_writes_nothing(world, login):
    c = login(world.team_am)
    url = reverse("commercial:channel_row_edit", args=[world.client.pk, channel().pk])
    form = c.get(url).context["form"]
    response = c.post(url, form_post(form, worker="agency", agency_name="", monthly_budget="-5"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "agency_name" in errors and errors["monthly_budget"] == ["A budget cannot be negative."]
    assert not ChannelRow.objects.exists()
    # another team's AM cannot edit this client's map
    assert login(world.other_am).post(url, {"worker": "us"}).status_code == 403


def test_a_call_discovery_note_becomes_an_opportunity_and_an_audit_notifies_the_am_when_done(world, login):
    call = CallFactory(client=world.client, author=world.team_am, commercial="Their PPC is struggling")
    c = login(world.team_am)
    url = reverse("commercial:opportunity_create", args=[world.client.pk]) + f"?call={call.pk}"
    form = c.get(url).context["form"]
    assert form.initial["title"] == "Their PPC is struggling" and form.initial["call"] == call.pk
    response = c.post(url, form_post(form, service=str(channel().pk), value="2000", probability="30"))
    assert response.status_code == 302
    opp = Opportunity.objects.get()
    assert opp.call == call and opp.owner == world.team_am and opp.stage == "discovery"

    audit_url = reverse("commercial:audit_create", args=[opp.pk])
    form = c.get(audit_url).context["form"]
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    assert c.post(audit_url, form_post(form, due_date=due, audience="their CMO")).status_code == 302
    audit = Audit.objects.get()
    assert audit.requested_by == world.team_am and audit.status == "requested"

    # the head of CS marks it done with a PDF: the AM hears it is ready to share, once
    h = login(world.head)
    edit = reverse("commercial:audit_edit", args=[audit.pk])
    form = h.get(edit).context["form"]
    pdf = SimpleUploadedFile("audit.pdf", b"%PDF-1.4 findings", content_type="application/pdf")
    response = h.post(
        edit, {**form_post(form, status="done", output="Wasted spend on brand terms"), "file": pdf}
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == "done" and audit.done_at and audit.file
    notes = Notification.objects.filter(user=world.team_am, key=f"audit-{audit.pk}-done")
    assert notes.count() == 1
    form = h.get(edit).context["form"]
    h.post(edit, form_post(form, output="Wasted spend on brand terms, and more"))
    assert notes.count() == 1


def test_an_audit_file_that_is_not_a_document_is_refused(world, login):
    audit = AuditFactory(opportunity=OpportunityFactory(client=world.client, owner=world.team_am))
    c = login(world.team_am)
    edit = reverse("commercial:audit_edit", args=[audit.pk])
    form = c.get(edit).context["form"]
    fake = SimpleUploadedFile("audit.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = c.post(edit, {**form_post(form, status="done"), "file": fake})
    assert response.status_code == 400
    assert "not a PDF" in str(response.context["form"].errors["file"])
    audit.refresh_from_db()
    assert audit.status == "requested" and not audit.file


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"probability": "120"}, "probability", "Probability is a percentage from 0 to 100."),
        ({"probability": "-1"}, "probability", "Probability is a percentage from 0 to 100."),
        ({"value": "-10"}, "value", "A value cannot be negative."),
        ({"stage": "won", "value": ""}, "value", "A won opportunity needs its value."),
        (
            {"stage": "lost", "lost_reason": ""},
            "lost_reason",
            "Say why it was lost: the wash-up learns from it.",
        ),
    ],
)
def test_bad_opportunity_input_is_a_field_error_and_writes_nothing(world, login, changes, field, message):
    c = login(world.team_am)
    url = reverse("commercial:opportunity_create", args=[world.client.pk])
    form = c.get(url).context["form"]
    data = form_post(
        form, title="Paid social", service=str(channel("Paid social").pk), **{"value": "500", **changes}
    )
    response = c.post(url, data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Opportunity.objects.exists()


def test_the_database_refuses_a_won_opportunity_without_a_value(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityFactory(client=world.client, stage="won", value=None)


def _retained_client_with_a_plan(world):
    # the default matrices: £2,000 medium propensity → £25/month; £3,500 → £50/month
    client = ClientFactory(monthly_spend=Decimal("2000"), propensity="medium")
    MembershipFactory(client=client, user=world.team_am, is_lead=True)
    comms_plan_create(client=client)
    return client


def test_winning_an_upsell_offers_to_update_the_spend_which_rederives_the_plan(world, login):
    client = _retained_client_with_a_plan(world)
    assert CommsPlan.objects.get(client=client).entertainment_budget == 25
    opp = OpportunityFactory(client=client, owner=world.team_am, kind="upsell", value=Decimal("1500"))
    c = login(world.team_am)
    edit = reverse("commercial:opportunity_edit", args=[opp.pk])
    form = c.get(edit).context["form"]
    assert c.post(edit, form_post(form, stage="won")).status_code == 302
    detail = c.get(reverse("commercial:opportunity_detail", args=[opp.pk]))
    assert detail.context["spend_offer"] == Decimal("3500")
    apply = reverse("commercial:opportunity_spend_apply", args=[opp.pk])
    assert c.post(apply).status_code == 302
    assert c.post(apply).status_code == 302  # a second click adds nothing
    client.refresh_from_db()
    assert client.monthly_spend == Decimal("3500")
    plan = CommsPlan.objects.get(client=client)
    assert plan.entertainment_budget == 50
    assert "Spend changed" in plan.last_change_note and "£25/month → £50/month" in plan.last_change_note
    assert c.get(reverse("commercial:opportunity_detail", args=[opp.pk])).context["spend_offer"] is None


def test_winning_a_one_off_records_a_project_with_its_value(world, login):
    opp = OpportunityFactory(client=world.client, owner=world.team_am, value_period="one_off", value=9000)
    c = login(world.team_am)
    edit = reverse("commercial:opportunity_edit", args=[opp.pk])
    form = c.get(edit).context["form"]
    assert c.post(edit, form_post(form, stage="won")).status_code == 302
    project = Project.objects.get(opportunity=opp)
    assert project.value == 9000 and project.client == world.client
    opp.refresh_from_db()
    assert opp.won_at is not None


def test_the_pipeline_weights_by_stage_and_filters_by_am_tier_and_service(world, login):
    tier1 = TierFactory(rank=1, name="Tier 1")
    big = ClientFactory(tier=tier1)
    OpportunityFactory(client=big, owner=world.team_am, value=1000, probability=50)  # 12,000 × 50%
    OpportunityFactory(
        client=world.client, owner=world.other_am, value=2000, probability=25, value_period="one_off"
    )
    OpportunityFactory(client=world.client, owner=world.other_am, stage="lost", lost_reason="Budget", value=1)
    c = login(world.head)
    response = c.get(reverse("commercial:pipeline"))
    stages = {s["code"]: s for s in response.context["stages"]}
    assert stages["discovery"]["n"] == 2 and stages["discovery"]["weighted_total"] == Decimal("6500")
    assert stages["lost"]["n"] == 1
    assert response.context["open_weighted"] == Decimal("6500")
    rows = list(response.context["page"])
    assert [r["client_id"] for r in rows] == [big.pk, world.client.pk]  # highest weighted first
    mine = c.get(reverse("commercial:pipeline") + f"?am={world.team_am.pk}").context["page"]
    assert [r["client_id"] for r in mine] == [big.pk]
    tiered = c.get(reverse("commercial:pipeline") + f"?tier={tier1.pk}").context["page"]
    assert [r["client_id"] for r in tiered] == [big.pk]
    other = c.get(reverse("commercial:pipeline") + f"?service={channel('Display').pk}").context["page"]
    assert list(other) == []


def test_my_week_lists_my_open_opportunities(world, login):
    OpportunityFactory(
        client=world.client, owner=world.team_am, title="Email programme", next_step="Send deck"
    )
    OpportunityFactory(client=world.client, owner=world.other_am, title="Not mine")
    html = login(world.team_am).get(reverse("my_week")).content.decode()
    assert "Email programme" in html and "Send deck" in html and "Not mine" not in html


def _populate(n, am):
    for _ in range(n):
        client = ClientFactory()
        MembershipFactory(client=client, user=am, is_lead=True)
        opp = OpportunityFactory(client=client, owner=am)
        AuditFactory(opportunity=opp)
        ChannelRowFactory(client=client, channel=channel(), worker="nobody")


def test_the_pipeline_query_count_does_not_grow_with_opportunities(world, login):
    # a fixed set: session, roles, stage summary, page count, page rows, three filter lists
    c = login(world.head)
    url = reverse("commercial:pipeline")
    _populate(3, world.team_am)
    small = count_queries(c, url)
    _populate(20, world.team_am)
    assert count_queries(c, url) == small
    assert small <= 12


def test_the_client_page_growth_section_costs_the_same_with_more_rows(world, login):
    c = login(world.team_am)
    url = reverse("clients:detail", args=[world.client.pk])
    small = count_queries(c, url)
    for name in ("Paid search", "Display", "Content"):
        ChannelRowFactory(client=world.client, channel=channel(name))
        OpportunityFactory(client=world.client, owner=world.team_am)
    assert count_queries(c, url) == small
