from django.urls import path

from . import views

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
]
