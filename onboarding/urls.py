from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("pricing-matrix/", views.pricing_matrix, name="pricing_matrix"),
]
