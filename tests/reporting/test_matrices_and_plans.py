import datetime as dt
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from clients.models import Client
from commercial.models import EntertainmentBudget
from onboarding.models import CsPrice
from reporting.models import CommsPlan, Occurrence, ReportingBand
from reporting.services.plans import comms_plan_create

from ..factories import ClientFactory, ProjectClientFactory

pytestmark = pytest.mark.django_db


def matrix_post(overrides=None):
    """The reporting matrix screen's formset, as saved, with some rows changed."""
    bands = list(ReportingBand.objects.all())
    data = {
        "form-TOTAL_FORMS": str(len(bands) + 1),
        "form-INITIAL_FORMS": str(len(bands)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, b in enumerate(bands):
        data.update(
            {
                f"form-{i}-id": b.pk,
                f"form-{i}-engagement_type": b.engagement_type,
                f"form-{i}-min_amount": str(b.min_amount),
                f"form-{i}-max_amount": "" if b.max_amount is None else str(b.max_amount),
                f"form-{i}-report_cadence": b.report_cadence,
                f"form-{i}-call_cadence": b.call_cadence,
                f"form-{i}-live_dashboard": b.live_dashboard,
            }
        )
    index = {(b.engagement_type, int(b.min_amount)): i for i, b in enumerate(bands)}
    for (engagement, low), changes in (overrides or {}).items():
        i = index[(engagement, low)] if (engagement, low) in index else len(bands)
        for field, value in changes.items():
            data[f"form-{i}-{field}"] = value
    return data


def test_the_default_matrix_is_the_seeds(world, login):
    rows = [
        (
            b.engagement_type,
            int(b.min_amount),
            b.max_amount and int(b.max_amount),
            b.report_cadence,
            b.call_cadence,
            b.live_dashboard,
        )
        for b in ReportingBand.objects.all()
    ]
    assert rows == [
        ("project", 0, 5000, "at_end", "initial_only", "no"),
        ("project", 5001, 10000, "at_end", "weekly", "no"),
        ("project", 10001, None, "bespoke", "bespoke", "bespoke"),
        ("retained", 0, 1000, "monthly", "monthly", "no"),
        ("retained", 1001, 1500, "monthly", "fortnightly", "no"),
        ("retained", 1501, 3000, "monthly", "weekly", "yes"),
        ("retained", 3001, 6000, "weekly", "weekly", "yes"),
        ("retained", 6001, None, "bespoke", "bespoke", "bespoke"),
    ]


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {("retained", 1001): {"min_amount": "1200"}},
            "There is a gap in the retained bands between £1,000 and £1,200",
        ),
        ({("retained", 1001): {"min_amount": "900"}}, "The retained bands £0–1,000 and from £900 overlap."),
        (
            {("retained", 1001): {"min_amount": "0", "max_amount": "1500"}},
            "Two retained bands start at £0: remove the duplicate.",
        ),
        ({("retained", 6001): {"max_amount": "9000"}}, "The top retained band must be open-ended"),
        ({("retained", 0): {"min_amount": "100"}}, "The retained bands must start at £0"),
        ({("project", 5001): {"max_amount": ""}}, "only the top band may be open-ended"),
    ],
)
def test_the_matrix_screen_refuses_gaps_overlaps_and_duplicates(world, login, overrides, message):
    before = list(ReportingBand.objects.values_list("engagement_type", "min_amount", "max_amount"))
    response = login(world.admin).post(reverse("reporting:matrix"), matrix_post(overrides))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert list(ReportingBand.objects.values_list("engagement_type", "min_amount", "max_amount")) == before


def test_an_admin_changes_the_matrix_and_it_is_recorded(world, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.admin).post(
            reverse("reporting:matrix"), matrix_post({("retained", 1001): {"call_cadence": "weekly"}})
        )
    assert response.status_code == 302
    band = ReportingBand.objects.get(engagement_type="retained", min_amount=1001)
    assert band.call_cadence == "weekly"
    assert band.history.first().history_user == world.admin


def test_the_head_of_cs_reads_the_matrix_but_cannot_change_it(world, login):
    c = login(world.head)
    assert c.get(reverse("reporting:matrix")).status_code == 200
    assert c.post(reverse("reporting:matrix"), matrix_post()).status_code == 403


def test_the_entertainment_matrix_matches_the_seeds_examples_and_refuses_negatives(world, login):
    def budget(low, propensity):
        return EntertainmentBudget.objects.get(
            band__engagement_type="retained", band__min_amount=low, propensity=propensity
        ).monthly_budget

    assert budget(1501, "high") == 50  # £2,000/month with scope to grow → £50
    assert budget(3001, "high") == 100  # £6,000/month buying a £10k campaign a quarter → £100
    c = login(world.admin)
    page = c.get(reverse("commercial:entertainment_matrix"))
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    band = ReportingBand.objects.get(engagement_type="retained", min_amount=1501)
    bad = c.post(reverse("commercial:entertainment_matrix"), {**data, f"cell_{band.pk}_low": "-5"})
    assert "A budget cannot be negative." in bad.content.decode()
    assert budget(1501, "low") == 0
    c.post(reverse("commercial:entertainment_matrix"), {**data, f"cell_{band.pk}_low": "20"})
    assert budget(1501, "low") == 20
    row = EntertainmentBudget.objects.get(band=band, propensity="low")
    assert row.history.first().history_user == world.admin


def test_the_pricing_matrix_refuses_duplicates(world, login):
    prices = list(CsPrice.objects.all())
    data = {
        "form-TOTAL_FORMS": str(len(prices) + 1),
        "form-INITIAL_FORMS": str(len(prices)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, p in enumerate(prices):
        data.update(
            {
                f"form-{i}-id": p.pk,
                f"form-{i}-industry": "",
                f"form-{i}-spend_band": p.spend_band_id or "",
                f"form-{i}-client_size": p.client_size,
                f"form-{i}-service": p.service,
                f"form-{i}-monthly_fee": str(p.monthly_fee),
            }
        )
    n = len(prices)
    c = login(world.admin)
    dup = c.post(
        reverse("onboarding:pricing_matrix"),
        {**data, f"form-{n}-client_size": "small", f"form-{n}-service": "seo", f"form-{n}-monthly_fee": "1"},
    )
    assert dup.status_code == 200 and CsPrice.objects.count() == n
    negative = c.post(reverse("onboarding:pricing_matrix"), {**data, "form-0-monthly_fee": "-1"})
    assert "A fee cannot be negative." in negative.content.decode()
    ok = c.post(
        reverse("onboarding:pricing_matrix"),
        {
            **data,
            f"form-{n}-industry": str(world.client.industry_id),
            f"form-{n}-client_size": "small",
            f"form-{n}-service": "seo",
            f"form-{n}-monthly_fee": "300",
        },
    )
    assert ok.status_code == 302 and CsPrice.objects.count() == n + 1


@pytest.mark.parametrize(
    "engagement, amount, report, call, dashboard",
    [
        ("retained", "500", "monthly", "monthly", False),
        ("retained", "1200", "monthly", "fortnightly", False),
        ("retained", "2000", "monthly", "weekly", True),
        ("retained", "4500", "weekly", "weekly", True),
        ("retained", "9000", "", "", False),
        ("project", "3000", "at_end", "initial_only", False),
        ("project", "8000", "at_end", "weekly", False),
        ("project", "20000", "", "", False),
    ],
)
def test_a_plan_is_derived_from_every_band_of_the_default_matrix(engagement, amount, report, call, dashboard):
    factory = ClientFactory if engagement == "retained" else ProjectClientFactory
    field = "monthly_spend" if engagement == "retained" else "project_value"
    client = factory(**{field: Decimal(amount)}, propensity="high")
    plan = comms_plan_create(client=client)
    assert (plan.report_cadence, plan.call_cadence, plan.live_dashboard) == (report, call, dashboard)
    assert plan.needs_completing == (report == "")
    assert (
        plan.entertainment_budget
        == EntertainmentBudget.objects.get(band=plan.derived_from, propensity="high").monthly_budget
    )


def edit_client(c, client, **changes):
    data = {
        "name": client.name,
        "domain": client.domain,
        "status": client.status,
        "engagement_type": client.engagement_type,
        "monthly_spend": str(client.monthly_spend or ""),
        "project_value": str(client.project_value or ""),
        "currency": "GBP",
        "tier": client.tier_id,
        "propensity": client.propensity,
        "version": Client.objects.get(pk=client.pk).version,  # the form as loaded now
    }
    data.update(changes)
    return c.post(reverse("clients:edit", args=[client.pk]), data, follow=True)


def test_a_spend_change_re_derives_the_plan_and_says_what_changed(world, login):
    comms_plan_create(client=world.client)  # £2,000: monthly reports, weekly calls
    response = edit_client(login(world.team_am), world.client, monthly_spend="4500")
    plan = CommsPlan.objects.get(client=world.client)
    assert plan.report_cadence == "weekly"
    assert plan.last_change_note.startswith("Spend changed £2,000 → £4,500/month: reports monthly → weekly")
    assert "Comms plan: Spend changed" in response.content.decode()
    assert plan.history.first().history_change_reason == plan.last_change_note[:100]


def test_a_hand_edited_plan_is_not_overwritten_and_can_be_reset(world, login):
    comms_plan_create(client=world.client)
    c = login(world.team_am)
    c.post(
        reverse("reporting:plan_edit", args=[world.client.pk]),
        {
            "report_cadence": "weekly",
            "call_cadence": "weekly",
            "call_weekday": "2",
            "call_time": "09:30",
            "call_details": "Teams link in the invite",
            "feedback_cadence": "quarterly",
            "entertainment_budget": "80",
            "version": str(CommsPlan.objects.get(client=world.client).version),
        },
    )
    plan = CommsPlan.objects.get(client=world.client)
    assert plan.customised and plan.report_cadence == "weekly"
    edit_client(c, world.client, monthly_spend="1200")  # the matrix would now say fortnightly calls
    plan.refresh_from_db()
    assert (plan.report_cadence, plan.call_cadence) == ("weekly", "weekly")
    assert "was edited by hand and was left as it is" in plan.last_change_note
    page = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "differs from the matrix" in page and "calls: weekly (matrix: fortnightly)" in page
    c.post(reverse("reporting:plan_reset", args=[world.client.pk]))
    plan.refresh_from_db()
    assert (plan.call_cadence, plan.customised) == ("fortnightly", False)


def test_a_bespoke_band_needs_its_plan_filled_in(world, login):
    big = ClientFactory(monthly_spend=Decimal("9000"))
    from ..factories import MembershipFactory

    MembershipFactory(client=big, user=world.team_am, is_lead=True)
    plan = comms_plan_create(client=big)
    assert plan.needs_completing
    c = login(world.team_am)
    assert "Bespoke band: set this client" in c.get(reverse("clients:detail", args=[big.pk])).content.decode()
    response = c.post(
        reverse("reporting:plan_edit", args=[big.pk]),
        {
            "report_cadence": "",
            "call_cadence": "bespoke",
            "call_weekday": "1",
            "call_time": "10:00",
            "feedback_cadence": "quarterly",
            "entertainment_budget": "100",
            "version": str(plan.version),
        },
    )
    errors = response.context["form"].errors
    assert "Set how often the client gets a report." in errors["report_cadence"]
    assert "call_cadence" in errors  # "bespoke" is not a cadence a plan can run on
    c.post(
        reverse("reporting:plan_edit", args=[big.pk]),
        {
            "report_cadence": "weekly",
            "call_cadence": "weekly",
            "call_weekday": "1",
            "call_time": "10:00",
            "feedback_cadence": "quarterly",
            "entertainment_budget": "100",
            "version": str(plan.version),
        },
    )
    plan.refresh_from_db()
    assert not plan.needs_completing


def test_a_new_client_gets_its_plan(world, login):
    login(world.head).post(
        reverse("clients:create"),
        {
            "name": "Kestrel Cycles",
            "status": "active",
            "engagement_type": "retained",
            "monthly_spend": "1200",
            "currency": "GBP",
            "tier": world.client.tier_id,
            "propensity": "medium",
        },
    )
    plan = Client.objects.get(name="Kestrel Cycles").comms_plan
    assert (plan.report_cadence, plan.call_cadence) == ("monthly", "fortnightly")


PLAN_FORM = {
    "report_cadence": "monthly",
    "call_cadence": "weekly",
    "call_weekday": "1",
    "call_time": "10:00",
    "live_dashboard": "on",
    "feedback_cadence": "quarterly",
    "entertainment_budget": "0.00",
}


@pytest.fixture
def low_spender(world):
    """Northwind at low propensity: the entertainment matrix gives it £0/month."""
    world.client.propensity = "low"
    world.client.save()
    comms_plan_create(client=world.client)
    return CommsPlan.objects.get(client=world.client)  # as read back: Decimal("0.00")


def test_editing_only_the_surprise_and_delight_note_leaves_the_plan_following_the_matrix(
    world, login, low_spender
):
    assert low_spender.entertainment_budget == 0 and not low_spender.customised
    c = login(world.team_am)
    c.post(
        reverse("reporting:plan_edit", args=[world.client.pk]),
        {**PLAN_FORM, "surprise_delight_notes": "Flowers for Jo's new baby", "version": low_spender.version},
    )
    low_spender.refresh_from_db()
    assert low_spender.surprise_delight_notes == "Flowers for Jo's new baby"
    assert not low_spender.customised
    page = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "differs from the matrix" not in page


def test_a_hand_edited_plan_lists_only_real_differences(world, login, low_spender):
    c = login(world.team_am)
    c.post(
        reverse("reporting:plan_edit", args=[world.client.pk]),
        {**PLAN_FORM, "call_cadence": "fortnightly", "version": low_spender.version},
    )
    low_spender.refresh_from_db()
    assert low_spender.customised
    page = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "calls: fortnightly (matrix: weekly)" in page
    assert "entertainment budget" not in page.split("differs from the matrix")[1].split("</ul>")[0]


def test_a_matrix_save_that_changes_nothing_for_a_plan_leaves_no_note(
    world, login, low_spender, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.admin).post(reverse("reporting:matrix"), matrix_post())
    assert response.status_code == 302
    low_spender.refresh_from_db()
    assert low_spender.last_change_note == "" and not low_spender.customised


def test_the_repair_migration_clears_false_customisations_and_no_op_notes(world, low_spender):
    from django.apps import apps

    repair = importlib.import_module("reporting.migrations.0008_repair_plans_compared_by_value")
    CommsPlan.objects.filter(pk=low_spender.pk).update(
        customised=True, last_change_note="Matrix changed: entertainment budget £0/month → £0/month."
    )
    edited = comms_plan_create(client=ProjectClientFactory(propensity="low"))  # £8,000: weekly calls
    CommsPlan.objects.filter(pk=edited.pk).update(
        customised=True,
        call_cadence="fortnightly",
        last_change_note=(
            "Spend changed £4,000 → £8,000: the matrix now gives calls fortnightly → weekly; "
            "entertainment budget £0/month → £0/month; live dashboard no → no. This plan was edited by hand "
            "and was left as it is."
        ),
    )
    repair.repair(apps, None)
    low_spender.refresh_from_db()
    edited.refresh_from_db()
    assert (low_spender.customised, low_spender.last_change_note) == (False, "")
    assert edited.customised
    assert edited.last_change_note == (
        "Spend changed £4,000 → £8,000: the matrix now gives calls fortnightly → weekly. "
        "This plan was edited by hand and was left as it is."
    )
    assert repair.clean_note("Edited by Amy Mills.") == "Edited by Amy Mills."
    assert (
        repair.clean_note("Matrix changed: reports monthly → weekly.")
        == "Matrix changed: reports monthly → weekly."
    )


def test_the_plan_form_names_the_matrix_cadences_in_words(world, login):
    small = ProjectClientFactory(project_value=Decimal("3000"))
    from ..factories import MembershipFactory

    MembershipFactory(client=small, user=world.team_am, is_lead=True)
    html = login(world.team_am).get(reverse("reporting:plan_edit", args=[small.pk])).content.decode()
    assert "reports at the end, calls initial call only" in html
    assert "at_end" not in html.split("<form")[0] and "initial_only" not in html.split("<form")[0]


@time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), tick=False)
def test_coming_up_follows_a_cadence_change_at_once(world, login):
    from reporting.services.occurrences import occurrences_generate

    comms_plan_create(client=world.client)  # weekly calls on Tuesdays, monthly reports
    CommsPlan.objects.filter(client=world.client).update(anchor_date=dt.date(2026, 11, 23))
    occurrences_generate(today=dt.date(2026, 11, 23))
    past = Occurrence.objects.create(
        client=world.client, kind="call", due_date=dt.date(2026, 11, 17), status="missed"
    )
    c = login(world.team_am)
    c.post(
        reverse("reporting:plan_edit", args=[world.client.pk]),
        {
            **PLAN_FORM,
            "call_cadence": "fortnightly",
            "call_weekday": "3",
            "call_time": "14:30",
            "version": CommsPlan.objects.get(client=world.client).version,  # the form as loaded now
        },
    )
    calls = list(
        Occurrence.objects.filter(client=world.client, kind="call", status="due").values_list(
            "due_date", "due_time"
        )
    )
    # fortnightly Thursdays from the anchor's week, to the four-week horizon: no Tuesdays left over
    assert calls == [(dt.date(2026, 11, 26), dt.time(14, 30)), (dt.date(2026, 12, 10), dt.time(14, 30))]
    assert Occurrence.objects.filter(pk=past.pk, status="missed").exists()  # history stays
    page = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "call Thu 26 Nov" in page and "call Tue 24 Nov" not in page
    c.post(reverse("reporting:plan_reset", args=[world.client.pk]))  # weekly again, still on Thursdays
    assert list(
        Occurrence.objects.filter(client=world.client, kind="call", status="due").values_list(
            "due_date", flat=True
        )
    ) == [dt.date(2026, 11, 26), dt.date(2026, 12, 3), dt.date(2026, 12, 10), dt.date(2026, 12, 17)]
