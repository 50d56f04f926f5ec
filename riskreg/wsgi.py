import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskreg.settings")
application = get_wsgi_application()

from riskreg.startup import freeze_loaded_code  # noqa: E402 - needs the settings configured above

freeze_loaded_code()
