"""Headless-Chromium fixtures for the browser tests (marker ``browser``).

Uses Debian's ``chromium`` + ``chromium-driver`` (install with
``.ci/install-browser``); never selenium-manager or any browser download.

Environment:
  PARKTWIN_CHROMIUM         browser binary   (default /usr/bin/chromium)
  PARKTWIN_CHROMEDRIVER     driver binary    (default /usr/bin/chromedriver)
  PARKTWIN_REQUIRE_BROWSER  "1" => a missing/broken browser FAILS instead of
                            skipping (set in CI so a skip cannot hide there)
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_CHROMEDRIVER = "/usr/bin/chromedriver"

CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: needs headless Chromium")


_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test under tests/browser needs the browser: mark it even if the
    # module forgot ``pytestmark = pytest.mark.browser``.
    for item in items:
        if _HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _browser_unavailable(reason: str) -> None:
    """Skip locally; fail when PARKTWIN_REQUIRE_BROWSER=1 (CI)."""
    if os.environ.get("PARKTWIN_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{reason} -- PARKTWIN_REQUIRE_BROWSER=1 forbids skipping browser tests; "
            "install with .ci/install-browser",
            pytrace=False,
        )
    pytest.skip(f"{reason}; install with .ci/install-browser (or set "
                "PARKTWIN_CHROMIUM / PARKTWIN_CHROMEDRIVER)")


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A session-wide headless Chromium WebDriver (console log level ALL)."""
    chromium = os.environ.get("PARKTWIN_CHROMIUM", DEFAULT_CHROMIUM)
    chromedriver = os.environ.get("PARKTWIN_CHROMEDRIVER", DEFAULT_CHROMEDRIVER)
    missing = [f"{what} not found at {path}"
               for what, path in (("chromium", chromium), ("chromedriver", chromedriver))
               if not _executable(path)]
    if missing:
        _browser_unavailable("headless browser unavailable: " + ", ".join(missing))

    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:  # selenium is a dev extra
        _browser_unavailable(f"selenium not importable ({exc})")

    profile = tempfile.mkdtemp(prefix="parktwin-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path means Selenium never runs selenium-manager.
    service = Service(executable_path=chromedriver)

    try:
        driver = webdriver.Chrome(service=service, options=options)
    except (WebDriverException, OSError, ValueError) as exc:
        # The binaries exist but do not work: that is a real breakage, never a skip.
        shutil.rmtree(profile, ignore_errors=True)
        pytest.fail(f"chromium ({chromium}) / chromedriver ({chromedriver}) failed to "
                    f"start: {getattr(exc, 'msg', None) or exc}", pytrace=False)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
