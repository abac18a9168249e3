"""The Django admin shows the matrices but does not change them: the screens validate the whole matrix."""

import pytest
from django.urls import reverse

from reporting.models import ReportingBand

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_a_superuser_cannot_open_a_gap_between_bands_in_the_admin(world, superuser_client):
    band = ReportingBand.objects.get(engagement_type="retained", min_amount=1001)
    url = reverse("admin:reporting_reportingband_change", args=[band.pk])
    response = superuser_client.post(
        url,
        {
            "engagement_type": "retained",
            "min_amount": "1200",  # £1,001–1,199 would belong to no band
            "max_amount": "1500",
            "report_cadence": "monthly",
            "call_cadence": "fortnightly",
            "live_dashboard": "no",
        },
    )
    assert response.status_code == 403
    band.refresh_from_db()
    assert band.min_amount == 1001


def test_the_admin_shows_the_matrix_read_only_and_points_to_the_screen(world, superuser_client):
    band = ReportingBand.objects.get(engagement_type="retained", min_amount=1001)
    page = superuser_client.get(reverse("admin:reporting_reportingband_change", args=[band.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert reverse("reporting:matrix") in html
    listing = superuser_client.get(reverse("admin:reporting_reportingband_changelist"))
    assert listing.status_code == 200 and reverse("reporting:matrix") in listing.content.decode()
    assert superuser_client.get(reverse("admin:reporting_reportingband_add")).status_code == 403
    delete_url = reverse("admin:reporting_reportingband_delete", args=[band.pk])
    delete = superuser_client.post(delete_url, {"post": "yes"})
    assert delete.status_code == 403
    assert ReportingBand.objects.filter(pk=band.pk).exists()
