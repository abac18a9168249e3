from django.urls import path

from . import views
from .views import jobs as job_views
from .views import sharing as sharing_views

app_name = "reporting"

urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("clients/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("clients/<int:pk>/plan/reset/", views.plan_reset, name="plan_reset"),
    path("occurrences/<int:pk>/done/", views.occurrence_done, name="occurrence_done"),
    # the weekly meet, wash-ups and the other team meetings (§4)
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/open/", views.meeting_open, name="meeting_open"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/actions/new/", views.meeting_action_create, name="meeting_action_create"),
    path("meetings/<int:pk>/pack.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("meetings/<int:pk>/packs/<int:pack_pk>.pdf", views.meeting_pack_file, name="meeting_pack_file"),
    # NPS: the sponsors' check-ins, client surveys, analytics, the monthly satisfaction report
    path("sponsor/", views.sponsor_home, name="sponsor_home"),
    path("clients/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("clients/<int:pk>/contacts/<int:contact_pk>/survey/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_invite, name="survey_invite"),
    path("nps/", views.nps_analytics, name="nps"),
    path("satisfaction/", views.satisfaction_report, name="satisfaction"),
    path("satisfaction/report.pdf", views.satisfaction_pdf, name="satisfaction_pdf"),
    path("portfolio/", views.portfolio, name="portfolio"),
    # jobs, milestones and status reports (seed 003)
    path("status/", job_views.am_status_report, name="am_status_report"),
    path("clients/<int:pk>/status/", job_views.status_report, name="status_report"),
    path("clients/<int:pk>/status.pdf", job_views.status_report_pdf, name="status_report_pdf"),
    path("clients/<int:pk>/status/reviewed/", job_views.status_review, name="status_review"),
    path("clients/<int:pk>/jobs/new/", job_views.job_create, name="job_create"),
    path("clients/<int:pk>/jobs/<int:job_pk>/", job_views.job_edit, name="job_edit"),
    path(
        "clients/<int:pk>/jobs/<int:job_pk>/milestones/", job_views.milestone_create, name="milestone_create"
    ),
    path(
        "clients/<int:pk>/milestones/<int:milestone_pk>/toggle/",
        job_views.milestone_toggle,
        name="milestone_toggle",
    ),
    # the live activity dashboard: the AM's share screen (the public page is /d/<token>/)
    path("clients/<int:pk>/dashboard/", sharing_views.dashboard_manage, name="dashboard_manage"),
    path(
        "clients/<int:pk>/dashboard/links/", sharing_views.dashboard_link_create, name="dashboard_link_create"
    ),
    path(
        "clients/<int:pk>/dashboard/links/<int:link_pk>/revoke/",
        sharing_views.dashboard_link_revoke,
        name="dashboard_link_revoke",
    ),
    path(
        "clients/<int:pk>/dashboard/commentary/",
        sharing_views.dashboard_commentary,
        name="dashboard_commentary",
    ),
    path("clients/<int:pk>/dashboard/grant/", sharing_views.dashboard_grant, name="dashboard_grant"),
]
