from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "riskreg.mail"
    label = "mail"
    verbose_name = "Outbound email"
