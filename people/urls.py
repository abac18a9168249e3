from django.urls import path

from . import token_views, views

app_name = "people"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("api-tokens/", token_views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", token_views.api_token_revoke_view, name="api_token_revoke"),
    path("pdps/", views.pdp_list, name="pdp_list"),
    path("pdps/new/", views.pdp_create, name="pdp_create"),
    path("pdps/<int:pk>/", views.pdp_detail, name="pdp_detail"),
    path("pdps/<int:pk>/edit/", views.pdp_edit, name="pdp_edit"),
    path("pdps/<int:pk>/targets/new/", views.pdp_target_add, name="pdp_target_add"),
    path("pdps/<int:pk>/reviews/new/", views.pdp_review_add, name="pdp_review_add"),
]
