from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "riskreg.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
