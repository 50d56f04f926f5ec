from django.urls import path

from recommendations import views
from recommendations.dashboard import views as views_dashboard
from recommendations.privacy import views as views_privacy
from recommendations.reack import views as views_reack
from recommendations.risk import views as views_risk
from recommendations.signing import views_consent

app_name = "register"

urlpatterns = [
    path("clients/<uuid:public_id>/", views.client_detail, name="client_detail"),
    path("clients/<uuid:public_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:public_id>/risk/", views_risk.client_risk, name="client_risk"),
    path("help/scoring/", views_risk.scoring_help, name="scoring_help"),
    path("settings/practice/", views_risk.practice_profile, name="practice_profile"),
    path("clients/<uuid:public_id>/recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("recommendations/<uuid:public_id>/", views.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<uuid:public_id>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path(
        "recommendations/<uuid:public_id>/<slug:action>/",
        views.recommendation_confirm,
        name="recommendation_confirm",
    ),
    path(
        "recommendations/<uuid:public_id>/<slug:action>/do/",
        views.recommendation_action,
        name="recommendation_action",
    ),
    path("dashboard/", views_dashboard.dashboard_view, name="dashboard"),
    path("dashboard/export.csv", views_dashboard.dashboard_csv, name="dashboard_csv"),
    path("dashboard/<slug:kind>/", views_dashboard.dashboard_list, name="dashboard_list"),
    path("dashboard/<slug:kind>/export.csv", views_dashboard.dashboard_list_csv, name="dashboard_list_csv"),
    path(
        "clients/<uuid:public_id>/relationship/new/",
        views_dashboard.relationship_create,
        name="relationship_create",
    ),
    path(
        "clients/<uuid:public_id>/consent/new/",
        views_consent.consent_request_create,
        name="consent_request_create",
    ),
    path("contacts/<uuid:public_id>/export/", views_privacy.contact_export, name="contact_export"),
    path("contacts/<uuid:public_id>/erase/", views_privacy.contact_erase, name="contact_erase"),
    path("reacknowledgments/", views_reack.reack_list, name="reack"),
    path("clients/<uuid:public_id>/reacknowledge/", views_reack.reack_send, name="reack_send"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/new/", views.control_edit, name="control_create"),
    path("catalog/<str:code>/edit/", views.control_edit, name="control_edit"),
]
