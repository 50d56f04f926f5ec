from django.urls import path

from riskreg.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("integrations/webhooks/", views.endpoint_list, name="endpoint_list"),
    path("integrations/webhooks/new/", views.endpoint_create, name="endpoint_create"),
    path("integrations/webhooks/<uuid:public_id>/", views.endpoint_detail, name="endpoint_detail"),
    path("integrations/webhooks/<uuid:public_id>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path("integrations/webhooks/<uuid:public_id>/rotate-secret/", views.endpoint_rotate, name="endpoint_rotate"),
    path("integrations/webhooks/<uuid:public_id>/active/", views.endpoint_toggle, name="endpoint_toggle"),
    path("integrations/webhooks/<uuid:public_id>/ping/", views.endpoint_ping, name="endpoint_ping"),
    path(
        "integrations/webhooks/<uuid:public_id>/deliveries/<int:delivery_id>/",
        views.delivery_detail,
        name="delivery_detail",
    ),
    path(
        "integrations/webhooks/<uuid:public_id>/deliveries/<int:delivery_id>/retry/",
        views.delivery_retry,
        name="delivery_retry",
    ),
]
