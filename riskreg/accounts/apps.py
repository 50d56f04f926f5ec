from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "riskreg.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from riskreg.accounts import two_factor  # noqa: F401  (connects the login receiver)
