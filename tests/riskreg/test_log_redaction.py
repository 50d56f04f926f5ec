import io
import logging

import pytest
from gunicorn.config import Config

from riskreg.gunicorn_logging import WithholdingLogger
from riskreg.log_redaction import WithholdSecrets, withhold_secret_paths

TOKEN = "q3Vb8w0Jr2mZk9yXhT4nA1sD6fG7hJ8kL0pO5iU2yT4"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /sign/{TOKEN}/ HTTP/1.1" 200', '"GET /sign/[withheld]/ HTTP/1.1" 200'),
        (f'"POST /sign/{TOKEN}/decide/ HTTP/1.1" 302', '"POST /sign/[withheld]/decide/ HTTP/1.1" 302'),
        (f"Not Found: /withdraw/{TOKEN}/", "Not Found: /withdraw/[withheld]/"),
        (
            "GET /sign/done/0b7c0c3e-2d5a-4bd5-9b0e-4a1f0ad2c1aa/ 200",
            "GET /sign/done/0b7c0c3e-2d5a-4bd5-9b0e-4a1f0ad2c1aa/ 200",
        ),
        ("GET /clients/ 200", "GET /clients/ 200"),
    ],
)
def test_links_in_log_lines_are_withheld(line, expected):
    assert withhold_secret_paths(line) == expected


def test_the_filter_rewrites_a_record_with_arguments(caplog):
    logger = logging.getLogger("riskreg.test.redaction")
    logger.addFilter(WithholdSecrets())
    try:
        with caplog.at_level(logging.INFO, logger="riskreg.test.redaction"):
            logger.info('"%s %s %s" %s', "GET", f"/sign/{TOKEN}/", "HTTP/1.1", 200)
    finally:
        logger.filters.clear()

    assert caplog.messages == ['"GET /sign/[withheld]/ HTTP/1.1" 200']


def test_django_and_runserver_logs_go_through_the_filtered_console(settings):
    console = settings.LOGGING["handlers"]["console"]
    assert console["filters"] == ["withhold_secrets"]
    assert settings.LOGGING["filters"]["withhold_secrets"]["()"] == "riskreg.log_redaction.WithholdSecrets"
    for name in ("django", "django.server"):
        assert settings.LOGGING["loggers"][name] == {"handlers": [], "level": "INFO", "propagate": True}


def test_a_runserver_request_line_reaches_the_console_withheld():
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, WithholdSecrets) for f in handler.filters)
    ]
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        logging.getLogger("django.server").info('"%s" %s %s', f"GET /sign/{TOKEN}/ HTTP/1.1", "200", "1234")
    finally:
        console.setStream(previous)

    written = written.getvalue()
    assert "/sign/[withheld]/" in written and TOKEN not in written


def test_gunicorns_access_log_withholds_links(capsys):
    config = Config()
    config.set("accesslog", "-")
    logger = WithholdingLogger(config)

    logger.access_log.info('"GET /sign/%s/ HTTP/1.1" 200', TOKEN)

    written = capsys.readouterr().out
    assert "/sign/[withheld]/" in written and TOKEN not in written
