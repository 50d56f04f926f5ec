"""Money and numbers in the active language (riskreg/formats.py and its template filters), and
the pages' money helpers that delegate to them; the CSV export stays machine-readable."""

import datetime

import pytest
from django.template import engines
from django.utils import formats as django_formats
from django.utils import translation

from recommendations.relationship.chart import money as chart_money
from recommendations.roadmap.export import money as csv_money
from recommendations.roadmap.selectors import money_text
from riskreg.formats import amount, money, plain_amount


@pytest.mark.parametrize(
    ("language", "cents", "expected"),
    [
        ("en", 123456, "$1,234.56"),
        ("en", 5, "$0.05"),
        ("en", -50, "-$0.50"),
        ("en", 12345678901, "$123,456,789.01"),
        ("fr-ca", 123456, "1\xa0234,56\xa0$"),
        ("fr-ca", 5, "0,05\xa0$"),
        ("fr-ca", 12345678901, "123\xa0456\xa0789,01\xa0$"),
    ],
)
def test_money_is_written_as_the_language_writes_it(language, cents, expected):
    with translation.override(language):
        assert money(cents) == expected


def test_amounts_group_thousands_whatever_use_thousand_separator_says(settings):
    settings.USE_THOUSAND_SEPARATOR = False
    with translation.override("fr-ca"):
        assert amount(120000) == "1\xa0200,00"
    with translation.override("en"):
        assert amount(120000) == "1,200.00"


def test_the_pages_money_helpers_follow_the_language():
    with translation.override("en"):
        assert (chart_money(125050), money_text(125050), money_text(None)) == ("1,250.50", "1,250.50", "—")
    with translation.override("fr-ca"):
        assert (chart_money(125050), money_text(125050)) == ("1\xa0250,50", "1\xa0250,50")


def test_the_csv_export_writes_the_same_plain_number_in_every_language():
    for language in ("en", "fr-ca"):
        with translation.override(language):
            assert (csv_money(123456789), csv_money(None), plain_amount(-5)) == ("1234567.89", "", "-0.05")


def test_the_money_filter():
    template = engines["django"].from_string("{% load formats %}{{ cents|money }}|{{ cents|amount }}|{{ none|money }}")
    with translation.override("fr-ca"):
        assert template.render({"cents": 99900, "none": None}) == "999,00\xa0$|999,00|"
    with translation.override("en"):
        assert template.render({"cents": 99900, "none": None}) == "$999.00|999.00|"


def test_dates_and_times_in_canadian_french_use_django_fr_ca_formats(settings):
    settings.FORMAT_MODULE_PATH = ["riskreg.formats"]  # the hour sign escaped (riskreg/formats/fr_CA)
    django_formats.reset_format_cache()
    moment = datetime.datetime(2026, 3, 3, 14, 5)
    with translation.override("fr-ca"):
        assert django_formats.date_format(moment.date()) == "3 mars 2026"
        assert django_formats.time_format(moment.time()) == "14\xa0h\xa005"
        assert django_formats.date_format(moment, "DATETIME_FORMAT") == "3 mars 2026, 14\xa0h\xa005"
        assert django_formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-03-03 14\xa0h\xa005"
        assert django_formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "2026-03-03"
        assert django_formats.number_format(1234.5, 1, force_grouping=True) == "1\xa0234,5"
    with translation.override("en"):
        assert django_formats.date_format(moment.date()) == "March 3, 2026"


def test_django_alone_prints_the_minutes_hour_wrong_in_fr_ca(settings):
    """Why riskreg/formats/fr_CA exists: remove it (and the FORMAT_MODULE_PATH line) when this fails."""
    settings.FORMAT_MODULE_PATH = None
    django_formats.reset_format_cache()
    with translation.override("fr-ca"):
        assert django_formats.time_format(datetime.time(14, 5)) == "14\xa002\xa005"


def test_floatformat_follows_the_language_and_groups_only_when_asked(settings):
    """USE_THOUSAND_SEPARATOR stays off: floatformat writes the decimal comma in French and groups
    thousands only with its "g" suffix (money goes through riskreg.formats, which always groups)."""
    settings.USE_THOUSAND_SEPARATOR = False
    template = engines["django"].from_string(
        '{{ x|floatformat:"-1" }}|{{ x|floatformat:"1g" }}|{{ y|floatformat:"-1" }}'
    )
    with translation.override("fr-ca"):
        assert template.render({"x": 1234.5, "y": 45.0}) == "1234,5|1\xa0234,5|45"
    with translation.override("en"):
        assert template.render({"x": 1234.5, "y": 45.0}) == "1234.5|1,234.5|45"
