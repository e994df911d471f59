"""Browser pieces shared by the browser tests: the served app, a page per viewport, axe-core
checks, and the pages and smallest text of a PDF that Chromium prints."""

from __future__ import annotations

import io
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import uvicorn
from fastapi import FastAPI
from tests.factories.pages import Tab

AXE_SCRIPT = Path(__file__).parents[1] / "web" / "vendor" / "axe.min.js"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
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


@contextmanager
def browser_tab(browser: Any, base_url: str, name: str) -> Iterator[Tab]:
    """A fresh browser context and page for a viewport (`phone` or `desktop`) on `base_url`."""
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


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3)
      .map(n => n.target.join(' ')).join(' | ')}`);
}"""


def serious_accessibility_problems(tab: Tab) -> list[str]:
    """axe-core's serious and critical violations on the current page (axe is preloaded)."""
    problems: list[str] = tab.page.evaluate(AXE_RUN)
    return problems


def outside_requests(tab: Tab) -> list[str]:
    """Requests the page made to anywhere but the app itself."""
    return [url for url in tab.requests if not url.startswith((tab.base_url, "data:"))]


def policy_violations(tab: Tab) -> list[str]:
    """Console messages about the Content-Security-Policy blocking something."""
    return [line for line in tab.console if "Content Security Policy" in line]


def printed_pdf(html: str, folder: Path, chromium: list[str]) -> bytes:
    """The PDF headless Chromium prints `html` as, on its default paper (it writes in `folder`)."""
    page = folder / "summary.html"
    pdf = folder / "summary.pdf"
    page.write_text(html, encoding="utf-8")
    subprocess.run(  # noqa: S603 (Debian's Chromium, an argument list, no shell)
        [
            *chromium,
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return pdf.read_bytes()


def pages_and_smallest_text(pdf: bytes) -> tuple[int, float]:
    """How many pages a PDF has, and the size in points (to 0.1 pt) of its smallest character;
    Chromium's page scaling leaves sizes a few thousandths off, e.g. 9.9975 for 10 pt on A4."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        sizes = [
            float(char["size"])
            for page in document.pages
            for char in page.chars
            if char["text"].strip()
        ]
        return len(document.pages), round(min(sizes), 1)


def sideways_overflow(tab: Tab) -> int:
    """How far the page scrolls sideways beyond the viewport's real width, in CSS pixels.

    Not `window.innerWidth`: on a mobile viewport Chromium widens the layout viewport to fit
    whatever overflows, so innerWidth grows with the page and the check could never fail."""
    width = VIEWPORTS[tab.name]["viewport"]["width"]
    scrolled: int = tab.page.evaluate("document.documentElement.scrollWidth")
    return scrolled - width
