import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskreg.settings")

app = Celery("riskreg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem broker needs its folders before a producer or worker touches them."""
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            os.makedirs(options[key], exist_ok=True)


@worker_process_init.connect
def _freeze_loaded_code(**_: object) -> None:
    """Each pool child, once started, as a gunicorn worker does (riskreg/wsgi.py)."""
    from riskreg.startup import freeze_loaded_code

    freeze_loaded_code()
