from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from riskreg import views
from riskreg.accounts import views as accounts_views

handler400 = "riskreg.errors.bad_request"
handler403 = "riskreg.errors.permission_denied"
handler404 = "riskreg.errors.page_not_found"
handler500 = "riskreg.errors.server_error"

admin.site.site_header = "RiskReg administration"
admin.site.site_title = "RiskReg"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", accounts_views.StaffLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("riskreg.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("clients.urls")),
    path("", include("riskreg.mail.urls")),
    path("", include("recommendations.urls")),
    path("", include("recommendations.relationship.urls")),
    path("", include("recommendations.signing.urls")),
    path("", include("recommendations.roadmap.urls")),
    path("", include("recommendations.briefing.urls")),
    path("", include("recommendations.signing.urls_signer")),
    path("", include("recommendations.documents.urls")),
    path("api/v1/", include("recommendations.api.urls")),
    path("", include("recommendations.api.urls_pages")),
    path("", include("riskreg.api_tokens.urls")),
    path("", include("riskreg.webhooks.urls")),
    path("", include("clients.imports.urls")),
]
