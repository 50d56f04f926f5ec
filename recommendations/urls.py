from django.urls import path

from recommendations import views

app_name = "register"

urlpatterns = [
    path("clients/<uuid:public_id>/", views.client_detail, name="client_detail"),
    path("clients/<uuid:public_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:public_id>/recommendations/new/", views.recommendation_create, name="recommendation_create"),
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
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/new/", views.control_edit, name="control_create"),
    path("catalog/<str:code>/edit/", views.control_edit, name="control_edit"),
]
