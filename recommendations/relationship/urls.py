from django.urls import path

from recommendations.relationship import views

app_name = "relationship"

urlpatterns = [
    path("clients/<uuid:public_id>/value/", views.client_value_edit, name="client_value"),
    path("relationship/decisions/<uuid:public_id>/", views.decision_conditions, name="decision_conditions"),
    path("relationship/conditions/<uuid:public_id>/met/", views.condition_meet, name="condition_meet"),
    path("refusals/<uuid:public_id>/reassess/", views.refusal_reassess_view, name="refusal_reassess"),
    path(
        "relationship/decisions/<uuid:public_id>/offboarding-letter/",
        views.offboarding_letter_issue_view,
        name="offboarding_letter_issue",
    ),
    path("relationship/letters/<uuid:public_id>/", views.offboarding_letter_detail, name="offboarding_letter"),
    path(
        "relationship/letters/<uuid:public_id>/send/",
        views.offboarding_letter_send_view,
        name="offboarding_letter_send",
    ),
]
