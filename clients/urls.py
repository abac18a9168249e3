from django.urls import path

from . import views
from .views import support as support_views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("escalation/", views.agency_escalation, name="agency_escalation"),
    # spreadsheet import (issue 19): upload and preview, confirm, the templates
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/archive/", views.client_archive, name="archive"),
    path("<int:pk>/unarchive/", views.client_unarchive, name="unarchive"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_pk>/archive/", views.contact_archive, name="contact_archive"),
    path("<int:pk>/team/add/", views.team_member_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/edit/", views.team_member_edit, name="team_edit"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.team_member_remove, name="team_remove"),
    path("<int:pk>/calls/new/", views.call_create, name="call_create"),
    path("<int:pk>/calls/<int:call_pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/calls/<int:call_pk>/edit/", views.call_edit, name="call_edit"),
    path("<int:pk>/calls/<int:call_pk>/send-report/", views.call_send_report, name="call_send_report"),
    path("<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("<int:pk>/actions/<int:action_pk>/toggle/", views.action_toggle, name="action_toggle"),
    path("<int:pk>/flags/new/", views.flag_create, name="flag_create"),
    path("<int:pk>/flags/<int:flag_pk>/", views.flag_detail, name="flag_detail"),
    path("<int:pk>/flags/<int:flag_pk>/in-hand/", views.flag_in_hand, name="flag_in_hand"),
    path("<int:pk>/flags/<int:flag_pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("<int:pk>/stakeholders/<int:contact_pk>/", views.stakeholder_update, name="stakeholder_update"),
    path("<int:pk>/escalation/new/", views.escalation_create, name="escalation_create"),
    path("<int:pk>/escalation/<int:rule_pk>/edit/", views.escalation_edit, name="escalation_edit"),
    # the support register (seed 001, outcome 5)
    path("support/", support_views.support_register, name="support_register"),
    path("<int:pk>/support/", support_views.support, name="support"),
    path("<int:pk>/support/setup/", support_views.support_setup, name="support_setup"),
    path(
        "<int:pk>/support/requests/new/", support_views.support_request_create, name="support_request_create"
    ),
    path(
        "<int:pk>/support/requests/<int:request_pk>/", support_views.support_request, name="support_request"
    ),
    path(
        "<int:pk>/support/requests/<int:request_pk>/flag/",
        support_views.support_request_flag,
        name="support_request_flag",
    ),
]
