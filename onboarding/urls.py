from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("pricing-matrix/", views.pricing_matrix, name="pricing_matrix"),
    path("pitches/", views.pipeline, name="pipeline"),
    path("pitches/new/", views.pitch_create, name="pitch_create"),
    path("pitches/<int:pk>/", views.pitch_detail, name="pitch_detail"),
    path("pitches/<int:pk>/edit/", views.pitch_edit, name="pitch_edit"),
    path("pitches/<int:pk>/won/", views.pitch_won, name="pitch_won"),
    path("pitches/<int:pk>/close/", views.pitch_close, name="pitch_close"),
    path("clients/", views.onboarding_list, name="list"),
    path("clients/<int:pk>/steps/<int:step_pk>/", views.step_update, name="step_update"),
    path("clients/<int:pk>/steps/<int:step_pk>/due/", views.step_due, name="step_due"),
    path("clients/<int:pk>/email/<str:code>/", views.email_send, name="email_send"),
    path("clients/<int:pk>/form/", views.intake_fill, name="intake_fill"),
    path("clients/<int:pk>/finance/", views.finance_fill, name="finance_fill"),
    path("clients/<int:pk>/link/<str:kind>/", views.form_link_create, name="form_link_create"),
    path("clients/<int:pk>/projects/new/", views.project_create, name="project_create"),
    # a client contact's form: no login, the signed link is the credential
    path("form/<str:token>/", views.public_form, name="public_form"),
]
