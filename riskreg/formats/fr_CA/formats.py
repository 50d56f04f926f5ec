"""Django's fr_CA formats with the hour sign escaped: Django's "H\xa0h\xa0i" prints "14 02 05",
because "h" is the 12-hour hour; "H\xa0\\h\xa0i" prints "14 h 05". Used through
FORMAT_MODULE_PATH = ["riskreg.formats"]; everything else is Django's."""

from django.conf.locale.fr_CA.formats import *  # noqa: F403

TIME_FORMAT = "H\xa0\\h\xa0i"  # 14 h 05
DATETIME_FORMAT = "j F Y, H\xa0\\h\xa0i"  # 3 mars 2026, 14 h 05
SHORT_DATETIME_FORMAT = "Y-m-d H\xa0\\h\xa0i"  # 2026-03-03 14 h 05
