"""Fixtures for the web tests: the app and its test client, and for browser tests one live
server, one Chromium and one page per viewport for the whole session (kept fast)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.factories.browser import browser_tab, serving
from tests.factories.pages import Tab
from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.registry import Acting
from tests.factories.workspace import Clinic, sign_in

from regenspine.config import Settings
from regenspine.registry.database import Registry
from regenspine.registry.models import FollowUp
from regenspine.registry.services.procedures import record_procedure
from regenspine.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The web app with settings of its own (data in a temporary folder)."""
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("web-data")))


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    """A test client that returns error responses instead of raising; a fresh one per test, so
    the answers one test keeps in the browser's cookie never reach another test."""
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def live_server(app: FastAPI) -> Iterator[str]:
    """The public app served in a background thread for the whole session."""
    with serving(app) as base_url:
        yield base_url


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


@pytest.fixture(scope="session")
def phone(browser: Any, live_server: str) -> Iterator[Tab]:
    """A 390 px wide phone page."""
    with browser_tab(browser, live_server, "phone") as tab:
        yield tab


@pytest.fixture(scope="session")
def desktop(browser: Any, live_server: str) -> Iterator[Tab]:
    """A 1280 px wide desktop page."""
    with browser_tab(browser, live_server, "desktop") as tab:
        yield tab


@pytest.fixture(params=["phone", "desktop"])
def tab(request: pytest.FixtureRequest) -> Tab:
    """Each test using this runs once on the phone and once on the desktop."""
    chosen: Tab = request.getfixturevalue(request.param)
    return chosen


@pytest.fixture(autouse=True)
def _fresh_browser_answers(request: pytest.FixtureRequest) -> None:
    """Each browser test starts with no answers kept in the browser (the pages are shared)."""
    for name in ("phone", "desktop", "tab"):
        if name in request.fixturenames:
            chosen: Tab = request.getfixturevalue(name)
            chosen.page.context.clear_cookies()


@pytest.fixture
def clinic_app(staffed: Registry, tmp_path: Path) -> FastAPI:
    """The whole app on the test's registry (one user per role), with its own data folder."""
    return create_app(Settings(data_dir=tmp_path / "web-data"), staffed)


@pytest.fixture
def signed_in(clinic_app: FastAPI) -> Callable[[str], Clinic]:
    """`signed_in("clinician")`: a test client signed in to the workspace as that role's user."""

    def _signed_in(role: str) -> Clinic:
        client = TestClient(clinic_app, raise_server_exceptions=False)
        return sign_in(client, role)

    return _signed_in


@pytest.fixture
def visit_due_today(acting: Acting, patient_key: str) -> int:
    """The 2-week follow-up id of a bone marrow procedure done two weeks ago (due today)."""
    performed_on = dt.date.today() - dt.timedelta(days=14)
    document = {"patient": patient_key, **BONE_MARROW_PROCEDURE}
    document["performed_on"] = performed_on.isoformat()
    with acting("clinician") as (session, user):
        procedure, _ = record_procedure(session, user, document, "test")
        return int(
            session.scalars(
                select(FollowUp.id).where(
                    FollowUp.procedure_id == procedure.id, FollowUp.timepoint == "2w"
                )
            ).one()
        )
