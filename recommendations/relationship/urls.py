from django.urls import path

from recommendations.relationship import views

app_name = "relationship"

urlpatterns = [
    path("clients/<uuid:public_id>/value/", views.client_value_edit, name="client_value"),
    path("refusals/<uuid:public_id>/reassess/", views.refusal_reassess_view, name="refusal_reassess"),
]
