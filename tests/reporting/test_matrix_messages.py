"""Every rule a matrix screen can break reads as a sentence, on the row, with a summary at the top.

Django's default for a database constraint is "Constraint “band_max_not_below_min” is violated.":
these tests post each bad matrix through the test client and read the page as a person would.
"""

import html
import re

import pytest
from django.apps import apps
from django.db.models import BaseConstraint
from django.urls import reverse

from commercial.models import EntertainmentBudget
from onboarding.models import CsPrice
from reporting.models import ReportingBand

from .test_matrices_and_plans import matrix_post

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def row_html(page: str, i: int) -> str:
    """The page from the end of row i-1's inputs to the end of row i's: its error row and its cells."""
    start = page.rindex(f'name="form-{i - 1}-') if i else page.index("<tbody")
    following = re.search(rf'name="form-{i + 1}-', page)
    return page[start : following.start() if following else len(page)]


def summary(page: str) -> str:
    """What stands above the table: the summary at the top of the form."""
    return page[page.index("<h1") : page.index("<table")]


def assert_no_raw_constraint(page: str):
    assert "Constraint “" not in page and "is violated" not in page
    assert "Please correct the duplicate" not in page


def test_a_band_that_ends_before_it_starts_says_so_on_its_row(world, login):
    before = list(ReportingBand.objects.values_list("engagement_type", "min_amount", "max_amount"))
    bands = list(ReportingBand.objects.all())
    i = next(n for n, b in enumerate(bands) if (b.engagement_type, b.min_amount) == ("retained", 1001))
    response = login(world.admin).post(
        reverse("reporting:matrix"), matrix_post({("retained", 1001): {"max_amount": "900"}})
    )
    assert response.status_code == 200
    page = text(response)
    assert_no_raw_constraint(page)
    sentence = "This band ends (£900) before it starts (£1,001)"
    assert sentence in row_html(page, i)
    assert "retained band from £1,001" in summary(page) and sentence in summary(page)
    assert list(ReportingBand.objects.values_list("engagement_type", "min_amount", "max_amount")) == before


def test_a_gap_between_bands_is_shown_on_both_rows_and_at_the_top(world, login):
    bands = list(ReportingBand.objects.all())
    wanted = {("retained", 0), ("retained", 1001)}
    rows = [n for n, b in enumerate(bands) if (b.engagement_type, b.min_amount) in wanted]
    response = login(world.admin).post(
        reverse("reporting:matrix"), matrix_post({("retained", 1001): {"min_amount": "1200"}})
    )
    page = text(response)
    sentence = "There is a gap in the retained bands between £1,000 and £1,200"
    assert sentence in summary(page)
    for i in rows:
        assert sentence in row_html(page, i)
    assert not ReportingBand.objects.filter(min_amount=1200).exists()


def pricing_post(prices, extra_rows):
    data = {
        "form-TOTAL_FORMS": str(len(prices) + len(extra_rows)),
        "form-INITIAL_FORMS": str(len(prices)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, p in enumerate(prices):
        data.update(
            {
                f"form-{i}-id": p.pk,
                f"form-{i}-industry": p.industry_id or "",
                f"form-{i}-spend_band": p.spend_band_id or "",
                f"form-{i}-client_size": p.client_size,
                f"form-{i}-service": p.service,
                f"form-{i}-monthly_fee": str(p.monthly_fee),
            }
        )
    for j, row in enumerate(extra_rows, start=len(prices)):
        data.update({f"form-{j}-{field}": value for field, value in row.items()})
    return data


def test_a_second_default_price_names_both_rows_and_saves_nothing(world, login):
    prices = list(CsPrice.objects.select_related("industry", "spend_band"))
    original = next(
        n
        for n, p in enumerate(prices)
        if (p.client_size, p.service, p.spend_band_id) == ("small", "seo", None)
    )
    new = len(prices)
    response = login(world.admin).post(
        reverse("onboarding:pricing_matrix"),
        pricing_post(
            prices, [{"industry": "", "client_size": "small", "service": "seo", "monthly_fee": "9"}]
        ),
    )
    assert response.status_code == 200
    page = text(response)
    assert_no_raw_constraint(page)
    sentence = "Any industry, any spend, Small (under 50 staff), SEO is priced twice"
    assert sentence in summary(page)
    assert sentence in row_html(page, original) and sentence in row_html(page, new)
    assert CsPrice.objects.count() == len(prices)


def test_two_new_prices_for_one_industry_cell_name_both_rows(world, login):
    prices = list(CsPrice.objects.select_related("industry", "spend_band"))
    industry = world.client.industry
    row = {"industry": str(industry.pk), "client_size": "large", "service": "ppc"}
    response = login(world.admin).post(
        reverse("onboarding:pricing_matrix"),
        pricing_post(prices, [{**row, "monthly_fee": "300"}, {**row, "monthly_fee": "350"}]),
    )
    page = text(response)
    assert_no_raw_constraint(page)
    sentence = f"{industry.name}, any spend, Large (250–1,000 staff), Paid search is priced twice"
    assert sentence in summary(page)
    assert sentence in row_html(page, len(prices)) and sentence in row_html(page, len(prices) + 1)
    assert CsPrice.objects.count() == len(prices)


def test_a_negative_fee_says_so_on_the_field_and_at_the_top(world, login):
    prices = list(CsPrice.objects.select_related("industry", "spend_band"))
    data = pricing_post(prices, [])
    data["form-0-monthly_fee"] = "-1"
    page = text(login(world.admin).post(reverse("onboarding:pricing_matrix"), data))
    assert "A fee cannot be negative." in row_html(page, 0)
    assert "A fee cannot be negative." in summary(page)
    assert CsPrice.objects.get(pk=prices[0].pk).monthly_fee == prices[0].monthly_fee


def test_a_bad_entertainment_cell_is_named_at_the_top(world, login):
    c = login(world.admin)
    form = c.get(reverse("commercial:entertainment_matrix")).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    band = ReportingBand.objects.get(engagement_type="retained", min_amount=1501)
    before = EntertainmentBudget.objects.get(band=band, propensity="low").monthly_budget
    page = text(c.post(reverse("commercial:entertainment_matrix"), {**data, f"cell_{band.pk}_low": "-5"}))
    assert "Retained £1,501–3,000 / month × Low: A budget cannot be negative." in summary(page)
    assert EntertainmentBudget.objects.get(band=band, propensity="low").monthly_budget == before


def test_every_constraint_has_a_sentence_for_people():
    """A form that trips a constraint shows its violation_error_message, never Django's default."""
    raw = [
        f"{model._meta.label}.{constraint.name}"
        for model in apps.get_models()
        if model._meta.app_label in {"clients", "people", "reporting", "commercial", "onboarding"}
        for constraint in model._meta.constraints
        if constraint.violation_error_message == BaseConstraint.default_violation_error_message
    ]
    assert raw == []


def test_a_bad_row_is_not_reported_as_a_gap_between_its_neighbours(world, login):
    page = text(
        login(world.admin).post(
            reverse("reporting:matrix"), matrix_post({("retained", 1001): {"max_amount": "900"}})
        )
    )
    assert "This band ends (£900) before it starts (£1,001)" in summary(page)
    assert "There is a gap" not in page


def test_a_price_someone_else_saved_meanwhile_still_stops_the_save(world, login):
    prices = list(CsPrice.objects.select_related("industry", "spend_band"))  # the page as it was loaded
    industry = world.client.industry
    CsPrice.objects.create(industry=industry, client_size="large", service="ppc", monthly_fee=300)
    row = {"industry": str(industry.pk), "client_size": "large", "service": "ppc", "monthly_fee": "350"}
    response = login(world.admin).post(reverse("onboarding:pricing_matrix"), pricing_post(prices, [row]))
    assert response.status_code == 200
    page = text(response)
    assert "This industry, spend, size and service already has a price: keep one row." in row_html(
        page, len(prices)
    )
    assert CsPrice.objects.filter(industry=industry).count() == 1
