from django.urls import path

from recommendations.signing import views as views_signing

app_name = "signing"

urlpatterns = [
    path("clients/<uuid:public_id>/requests/new/", views_signing.request_create, name="request_create"),
    path("requests/<uuid:public_id>/", views_signing.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/snapshot.json", views_signing.request_snapshot, name="request_snapshot"),
    path("requests/<uuid:public_id>/revoke/", views_signing.request_revoke, name="request_revoke"),
    path("requests/<uuid:public_id>/resend/", views_signing.request_resend, name="request_resend"),
    path("documents/<uuid:public_id>/download/", views_signing.document_download, name="document_download"),
]
