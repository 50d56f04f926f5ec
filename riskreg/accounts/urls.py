from django.urls import path

from riskreg.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/", views.account, name="account"),
    path("accounts/language/", views.language_set, name="language_set"),
    path("accounts/2fa/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/2fa/backup-codes/", views.backup_codes_regenerate, name="backup_codes_regenerate"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
]
