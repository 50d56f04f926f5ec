from django.apps import AppConfig


class RiskRegConfig(AppConfig):
    name = "riskreg"
    verbose_name = "RiskReg"

    def ready(self) -> None:
        from riskreg.celery import ensure_broker_folders

        ensure_broker_folders()
