from django.urls import path

from .views import contracts

app_name = "commercial"

urlpatterns = [
    path("entertainment-matrix/", contracts.entertainment_matrix, name="entertainment_matrix"),
    path("clients/<int:pk>/contracts/new/", contracts.contract_create, name="contract_create"),
    path("clients/<int:pk>/contracts/<int:contract_pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:contract_pk>/document/", contracts.contract_document, name="contract_document"),
]
