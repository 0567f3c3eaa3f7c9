"""Browser fixtures: the issuer service on a loopback port (its public origin is that
address) and Debian's headless Chromium driven through chromedriver.

The browser tests are skipped when chromium or chromedriver is missing, except under CI
(`CI` set), where `.ci/run` installs them and a missing browser is a failure. Screenshots
go to MICROBADGES_ARTEFACTS (default `.artefacts/browser`).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest
from flask import Flask
from flask.testing import FlaskClient
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import make_server

from issuer.app import create_app
from issuer.platform.settings import Settings
from tests.conftest import REPO

CHROMIUM: Final = os.environ.get("MICROBADGES_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER: Final = os.environ.get("MICROBADGES_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTEFACTS: Final = Path(os.environ.get("MICROBADGES_ARTEFACTS", REPO / ".artefacts" / "browser"))


@dataclass
class LiveService:
    """The running service: its origin, the app (for a test client) and a download folder."""

    origin: str
    app: Flask
    downloads: Path

    def client(self) -> FlaskClient:
        return self.app.test_client()


class _Slot:
    """A WSGI app set after the server is bound (the app's origin names the port)."""

    app: Flask | None = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    folder = tmp_path_factory.mktemp("live")
    slot = _Slot()
    server = make_server("127.0.0.1", 0, slot, threaded=True)
    origin = f"http://127.0.0.1:{server.server_port}"
    settings = Settings(base_url=origin, database_url=f"sqlite:///{folder / 'badges.db'}",
                        instance_path=folder, secret_file=folder / "secret.key", demo=False,
                        max_body_bytes=4 * 1024 * 1024, token_lifetime=3600)
    slot.app = create_app(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    downloads = folder / "downloads"
    downloads.mkdir()
    try:
        yield LiveService(origin=origin, app=slot.app, downloads=downloads)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        slot.app.extensions["microbadges"].engine.dispose()


def _browser_available() -> bool:
    return shutil.which(CHROMIUM) is not None and shutil.which(CHROMEDRIVER) is not None


def _driver(downloads: Path, *, javascript: bool) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1280,1100", "--lang=en-GB",
                     "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    preferences: dict[str, Any] = {"download.default_directory": str(downloads),
                                   "download.prompt_for_download": False,
                                   "safebrowsing.enabled": False}
    if not javascript:
        preferences["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", preferences)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def _session(live: LiveService, *, javascript: bool) -> Iterator[webdriver.Chrome]:
    if not _browser_available():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} and {CHROMEDRIVER} are required under CI")
        pytest.skip("chromium and chromedriver are not installed")
    driver = _driver(live.downloads, javascript=javascript)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def browser(live: LiveService) -> Iterator[webdriver.Chrome]:
    """Headless Chromium with JavaScript."""
    yield from _session(live, javascript=True)


@pytest.fixture(scope="module")
def browser_without_js(live: LiveService) -> Iterator[webdriver.Chrome]:
    """Headless Chromium with JavaScript switched off."""
    yield from _session(live, javascript=False)


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS
