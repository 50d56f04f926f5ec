from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "riskreg.api_tokens"
    label = "api_tokens"
    verbose_name = "API tokens"

    def ready(self) -> None:
        from riskreg.api_tokens import schema  # noqa: F401  (registers the OpenAPI security scheme)
