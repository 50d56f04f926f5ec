import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from riskreg.env import env_bool, env_int, env_url


def test_a_bad_boolean_names_its_variable(monkeypatch):
    monkeypatch.setenv("RISKREG_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="RISKREG_FLAG"):
        env_bool("RISKREG_FLAG", default=False)


def test_a_bad_number_names_its_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")

    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25)


def test_a_url_with_the_wrong_scheme_names_its_variable(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "http://localhost:6379")

    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must start with"):
        env_url("REDIS_URL", schemes=("redis", "rediss"))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_URL", "mysql://nope", "DATABASE_URL must start with"),
        ("RISKREG_STORAGE_URL", "s3://", "RISKREG_STORAGE_URL must be s3://bucket"),
    ],
)
def test_start_up_stops_with_a_message_naming_a_bad_setting(name, value, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"PATH": "/usr/bin:/bin", name: value, "HOME": "/tmp"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert message in result.stderr
