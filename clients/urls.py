from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("clients/", views.client_list, name="list"),
    path("clients/new/", views.client_create, name="create"),
    path("clients/<uuid:public_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<uuid:public_id>/edit/", views.contact_edit, name="contact_edit"),
    path("clients/<uuid:public_id>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<uuid:public_id>/edit/", views.agreement_edit, name="agreement_edit"),
    path("settings/practice/", views.practice_profile, name="practice_profile"),
]
