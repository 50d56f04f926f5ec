"""`make run` derives the public address (RISKREG_BASE_URL) from HOST and PORT (scripts/dev-address.sh)."""

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dev-address.sh"


def _address(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", f'source "{SCRIPT}" && echo "$RISKREG_BASE_URL|$HOST|$PORT|$ALLOWED_HOSTS"'],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def test_the_defaults_serve_and_link_localhost_8000():
    result = _address()

    assert result.stdout.strip() == "http://127.0.0.1:8000|127.0.0.1|8000|localhost,127.0.0.1"
    assert result.stderr == ""


def test_the_links_follow_the_port():
    assert _address(PORT="8101").stdout.startswith("http://127.0.0.1:8101|")


def test_serving_the_lan_puts_the_lan_address_in_the_links_and_allowed_hosts():
    result = _address(HOST="0.0.0.0", PORT="8101", RISKREG_LAN_ADDRESS="192.168.1.20")

    base_url, host, port, allowed = result.stdout.strip().split("|")
    assert (base_url, host, port) == ("http://192.168.1.20:8101", "0.0.0.0", "8101")
    assert "192.168.1.20" in allowed.split(",")


def test_an_explicit_base_url_is_kept_with_a_warning_when_it_does_not_match():
    result = _address(PORT="8101", RISKREG_BASE_URL="http://localhost:8000")

    assert result.stdout.startswith("http://localhost:8000|")
    assert "Warning: RISKREG_BASE_URL is http://localhost:8000 but RiskReg is served at http://127.0.0.1:8101" in (
        result.stderr
    )


def test_a_matching_base_url_gives_no_warning():
    result = _address(PORT="8101", RISKREG_BASE_URL="http://127.0.0.1:8101/")

    assert result.stderr == ""


@pytest.mark.parametrize("port", ["eighty", "80a", ""])
def test_a_bad_port_stops_with_a_message(port):
    result = subprocess.run(
        ["bash", "-c", f'PORT="{port}"; source "{SCRIPT}" || exit $?; echo started'],
        capture_output=True,
        text=True,
    )

    if port == "":
        assert "started" in result.stdout  # empty means the default
    else:
        assert result.returncode == 2 and "PORT must be a port number" in result.stderr
        assert "started" not in result.stdout
