from django.urls import path

from . import token_views, views
from .views import objectives, org, team, time, two_factor

app_name = "people"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("api-tokens/", token_views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", token_views.api_token_revoke_view, name="api_token_revoke"),
    # two-factor for password logins (people/two_factor.py)
    path("two-factor/", two_factor.two_factor_settings, name="two_factor"),
    path(
        "two-factor/recovery-codes/", two_factor.two_factor_recovery_codes, name="two_factor_recovery_codes"
    ),
    path("two-factor/off/", two_factor.two_factor_disable, name="two_factor_disable"),
    path("pdps/", views.pdp_list, name="pdp_list"),
    path("pdps/new/", views.pdp_create, name="pdp_create"),
    path("pdps/<int:pk>/", views.pdp_detail, name="pdp_detail"),
    path("pdps/<int:pk>/edit/", views.pdp_edit, name="pdp_edit"),
    path("pdps/<int:pk>/pdf/", views.pdp_pdf, name="pdp_pdf"),
    path("pdps/<int:pk>/targets/new/", views.pdp_target_add, name="pdp_target_add"),
    path("pdps/<int:pk>/reviews/new/", views.pdp_review_add, name="pdp_review_add"),
    # managing the team (issue 18)
    path("invite/", team.person_invite_view, name="person_invite"),
    path("invitation/<str:uidb64>/<str:token>/", team.invitation_accept_view, name="invitation_accept"),
    path("<int:pk>/edit/", team.person_edit, name="person_edit"),
    path("<int:pk>/reinvite/", team.person_reinvite, name="person_reinvite"),
    path("<int:pk>/deactivate/", team.person_deactivate_view, name="person_deactivate"),
    path("tiers/", team.tier_list, name="tier_list"),
    path("tiers/new/", team.tier_edit, name="tier_create"),
    path("tiers/<int:pk>/edit/", team.tier_edit, name="tier_edit"),
    path("roles/<int:pk>/edit/", team.role_edit, name="role_edit"),
    path("org/", org.org_chart, name="org"),
    # time and utilisation
    path("timesheets/", time.timesheet_edit, name="timesheet"),
    path("timesheets/<int:user_pk>/", time.timesheet_edit, name="timesheet_for"),
    path("utilisation/", time.utilisation, name="utilisation"),
    path("cost-to-serve/", time.cost_to_serve, name="cost_to_serve"),
    path("cost-to-serve/<int:client_pk>/fee/", time.cs_fee_edit, name="cs_fee_edit"),
    # team objectives
    path("objectives/", objectives.objectives, name="objectives"),
    path("objectives/mantra/", objectives.mantra_edit, name="mantra_edit"),
    path("objectives/new/", objectives.objective_edit, name="objective_create"),
    path("objectives/<int:pk>/edit/", objectives.objective_edit, name="objective_edit"),
    path("objectives/<int:objective_pk>/measures/new/", objectives.measure_edit, name="measure_create"),
    path("measures/<int:pk>/edit/", objectives.measure_edit, name="measure_edit"),
]
