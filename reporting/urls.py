from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("clients/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("clients/<int:pk>/plan/reset/", views.plan_reset, name="plan_reset"),
    path("occurrences/<int:pk>/done/", views.occurrence_done, name="occurrence_done"),
]
