"""Browser tests: Playwright driving the system Chromium against a live server."""

import importlib
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="no Chromium on PATH (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _restore_starter_catalog() -> None:
    """Each browser test ends by emptying the database (transaction=True), data migrations
    included; put the starter catalog back so test order does not matter."""
    from django.apps import apps

    importlib.import_module("recommendations.migrations.0002_starter_catalog").install_starter_catalog(apps, None)
    importlib.import_module("recommendations.migrations.0015_french_texts").install_french_texts(apps, None)


@pytest.fixture
def page(browser, live_server):
    _restore_starter_catalog()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.console_errors = console_errors
    # Chromium reports every Content-Security-Policy violation on the console; every browser
    # test therefore also proves its pages need no inline script or style.
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_violations.append(message.text),
    )
    page.csp_violations = csp_violations
    try:
        yield page
        page.wait_for_timeout(50)  # let the last page's console messages arrive
    finally:
        context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def screenshot(request):
    """screenshot(page, "step-name") saves tests/e2e/screenshots/<test>/<n>-<step>.png."""
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (served from static/vendor, built from npm) on the page; list the
    violations of the given impacts as readable strings."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    results = page.evaluate("async () => (await window.axe.run(document)).violations")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results
        if violation["impact"] in impacts
    ]
