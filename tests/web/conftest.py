"""Fixtures for the web tests: the app and its test client, and for browser tests one live
server, one Chromium and one page per viewport for the whole session (kept fast)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.support import Tab

from regenspine.config import Settings
from regenspine.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The web app with settings of its own (data in a temporary folder)."""
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("web-data")))


@pytest.fixture(scope="session")
def client(app: FastAPI) -> TestClient:
    """A test client that returns error responses instead of raising."""
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def live_server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free port in a background thread; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    started = threading.Event()
    while thread.is_alive() and not server.started:
        started.wait(0.02)
    if not server.started:
        pytest.fail("the test web server did not start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()
    listener.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; the test is skipped clearly when it is missing."""
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
        pytest.skip(f"browser test skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


def _tab(browser: Any, base_url: str, name: str) -> Iterator[Tab]:
    context = browser.new_context(**VIEWPORTS[name], accept_downloads=True)
    # axe-core is added to every page through the DevTools protocol, which the pages' script
    # policy does not govern; it makes no requests.
    context.add_init_script(path=str(AXE_SCRIPT))
    page = context.new_page()
    tab = Tab(name=name, page=page, base_url=base_url)
    page.on("request", lambda request: tab.requests.append(request.url))
    page.on("console", lambda message: tab.console.append(f"{message.type}: {message.text}"))
    yield tab
    context.close()


@pytest.fixture(scope="session")
def phone(browser: Any, live_server: str) -> Iterator[Tab]:
    """A 390 px wide phone page."""
    yield from _tab(browser, live_server, "phone")


@pytest.fixture(scope="session")
def desktop(browser: Any, live_server: str) -> Iterator[Tab]:
    """A 1280 px wide desktop page."""
    yield from _tab(browser, live_server, "desktop")


@pytest.fixture(params=["phone", "desktop"])
def tab(request: pytest.FixtureRequest) -> Tab:
    """Each test using this runs once on the phone and once on the desktop."""
    chosen: Tab = request.getfixturevalue(request.param)
    return chosen
