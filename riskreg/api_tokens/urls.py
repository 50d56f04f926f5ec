from django.urls import path

from riskreg.api_tokens import views

app_name = "api_tokens"

urlpatterns = [
    path("accounts/tokens/new/", views.token_create, name="create"),
    path("accounts/tokens/<uuid:public_id>/revoke/", views.token_revoke, name="revoke"),
    path("integrations/tokens/", views.token_list, name="all"),
]
