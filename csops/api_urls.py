"""The REST API's URLs (issue 19): one line per resource, the OpenAPI schema, and its docs pages.

A new resource is a viewset in its app's api.py and one `router.register` line here; the URL × role
matrix (tests/test_url_role_matrix.py) then asks who may use it.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from clients.api import ActionViewSet, CallViewSet, ClientViewSet, ContactViewSet, FlagViewSet
from commercial.api import OpportunityViewSet
from onboarding.api import PitchViewSet
from people.api_timesheets import TimesheetViewSet
from reporting.api import NpsCheckInViewSet, SurveyResponseViewSet

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("clients", ClientViewSet, basename="client")
router.register("contacts", ContactViewSet, basename="contact")
router.register("calls", CallViewSet, basename="call")
router.register("flags", FlagViewSet, basename="flag")
router.register("actions", ActionViewSet, basename="action")
router.register("nps-checkins", NpsCheckInViewSet, basename="nps-checkin")
router.register("survey-responses", SurveyResponseViewSet, basename="survey-response")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("timesheets", TimesheetViewSet, basename="timesheet")
router.register("pitches", PitchViewSet, basename="pitch")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's files in our static (no CDN), its start-up script
    # as a file (the split view), not inline, for the Content-Security-Policy. (No Redoc: its
    # template fetches Google Fonts and it injects <style> elements, which the policy refuses.)
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
