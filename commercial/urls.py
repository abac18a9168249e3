from django.urls import path

from . import views

app_name = "commercial"

urlpatterns = [
    path("entertainment-matrix/", views.entertainment_matrix, name="entertainment_matrix"),
    path("clients/<int:pk>/contracts/new/", views.contract_create, name="contract_create"),
    path("clients/<int:pk>/contracts/<int:contract_pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:contract_pk>/document/", views.contract_document, name="contract_document"),
]
