"""The agency-wide escalation rules (seed 004) on their own screen: admins edit, the head of CS reads."""

import html

import pytest
from django.urls import reverse

from clients.models import EscalationRule

pytestmark = pytest.mark.django_db

URL = reverse("clients:agency_escalation")


def rules_post(rules, extra_rows=()):
    data = {
        "form-TOTAL_FORMS": str(len(rules) + len(extra_rows)),
        "form-INITIAL_FORMS": str(len(rules)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, r in enumerate(rules):
        data.update(
            {
                f"form-{i}-id": r.pk,
                f"form-{i}-matter": r.matter,
                f"form-{i}-person": r.person_id or "",
                f"form-{i}-role": r.role_id or "",
                f"form-{i}-up_to_amount": "" if r.up_to_amount is None else str(r.up_to_amount),
                f"form-{i}-notes": r.notes,
            }
        )
    for j, row in enumerate(extra_rows, start=len(rules)):
        data.update({f"form-{j}-{field}": value for field, value in row.items()})
    return data


def agency_rules():
    return list(EscalationRule.objects.filter(client__isnull=True).order_by("matter", "pk"))


def test_the_migration_loaded_rules_are_listed_for_the_head_of_cs_read_only(world, login):
    rules = agency_rules()
    assert rules, "seed 004's defaults are loaded by a migration"
    c = login(world.head)
    page = html.unescape(c.get(URL).content.decode())
    for rule in rules:
        assert rule.get_matter_display() in page
    assert "Only admins change them." in page and "<select" not in page
    assert c.post(URL, rules_post(rules)).status_code == 403


def test_an_admin_changes_a_limit_and_the_history_says_who(world, login):
    rules = agency_rules()
    discount = next(r for r in rules if r.matter == "discount")
    data = rules_post(rules)
    i = rules.index(discount)
    data[f"form-{i}-up_to_amount"] = "750"
    response = login(world.admin).post(URL, data)
    assert response.status_code == 302
    discount.refresh_from_db()
    assert discount.up_to_amount == 750
    assert discount.history.first().history_user == world.admin
    page = html.unescape(login(world.admin).get(URL).content.decode())
    assert f"changed “Authorises discounts” by {world.admin.get_full_name()}" in page


def test_a_second_rule_for_a_matter_is_refused_on_both_rows(world, login):
    rules = agency_rules()
    existing = next(r for r in rules if r.matter == "goodwill")
    row = {"matter": "goodwill", "role": str(existing.role_id or ""), "person": str(world.head.pk)}
    response = login(world.admin).post(URL, rules_post(rules, [row]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Constraint “" not in page
    assert page.count("There are 2 agency-wide rules for “Authorises goodwill gestures”: keep one.") >= 3
    assert len(agency_rules()) == len(rules)


def test_a_rule_must_name_someone(world, login):
    rules = agency_rules()
    data = rules_post(rules)
    data["form-0-person"] = ""
    data["form-0-role"] = ""
    page = html.unescape(login(world.admin).post(URL, data).content.decode())
    assert "Choose who: a person or a role." in page
    assert agency_rules()[0].role_id == rules[0].role_id


@pytest.mark.parametrize("persona", ["team_am", "sponsor", "norole"])
def test_others_may_not_see_the_rules_screen(world, login, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 403


def test_the_page_costs_the_same_with_more_rules(world, login, django_assert_max_num_queries):
    c = login(world.admin)
    c.get(URL)  # warm the session
    with django_assert_max_num_queries(14):  # session, user, roles, rules, choices, history: not per row
        c.get(URL)
