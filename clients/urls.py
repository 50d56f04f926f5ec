from django.urls import path

from clients import views, views_holds

app_name = "clients"

urlpatterns = [
    path("clients/", views.client_list, name="list"),
    path("clients/new/", views.client_create, name="create"),
    path("clients/<uuid:public_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<uuid:public_id>/edit/", views.contact_edit, name="contact_edit"),
    path("clients/<uuid:public_id>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<uuid:public_id>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<uuid:public_id>/signed-copy/", views.agreement_signed_copy, name="agreement_signed_copy"),
    path("agreements/<uuid:public_id>/versions/<int:number>/", views.agreement_version, name="agreement_version"),
    path("clients/<uuid:public_id>/software/new/", views.software_create, name="software_create"),
    path("software/<uuid:public_id>/edit/", views.software_edit, name="software_edit"),
    path("software/<uuid:public_id>/mark/<slug:status>/", views.software_install_status, name="software_mark"),
    path("software/<uuid:public_id>/withdraw/", views.software_withdraw, name="software_withdraw"),
    path("withdraw/<str:token>/", views.consent_withdraw_public, name="withdraw"),
    path("clients/<uuid:public_id>/litigation-hold/", views_holds.litigation_hold, name="litigation_hold"),
    path("clients/<uuid:public_id>/outbox/", views.outbox, name="outbox"),
    path("clients/<uuid:public_id>/outbox/<int:email_id>/", views.outbox_email, name="outbox_email"),
    path("clients/<uuid:public_id>/outbox/<int:email_id>/html/", views.outbox_email_html, name="outbox_email_html"),
]
