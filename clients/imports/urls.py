from django.urls import path

from clients.imports import views

app_name = "imports"

urlpatterns = [
    path("integrations/imports/", views.import_list, name="list"),
    path("integrations/imports/<uuid:public_id>/", views.import_detail, name="detail"),
    path("integrations/imports/<uuid:public_id>/apply/", views.import_apply, name="apply"),
    path("integrations/imports/<uuid:public_id>/discard/", views.import_discard, name="discard"),
]
