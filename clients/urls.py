from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
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
]
