"""The options page and the summary with this clinic's registry numbers, and without them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.factories.browser import (
    browser_tab,
    serious_accessibility_problems,
    serving,
    sideways_overflow,
)
from tests.factories.cases import add_cases, responders_and_not
from tests.factories.pages import plain
from tests.factories.profiles import candidate_profile

from regenspine.config import Settings
from regenspine.registry.database import Registry
from regenspine.web.app import create_app

HEADLINE = "In this registry, 40 of 100 people like you improved meaningfully at 12 months"
LABEL = "This clinic's own records of its patients, not a trial"
SECTION = 'id="registry-stem_cell_injection"'


@pytest.fixture
def registry_app(registry: Registry, tmp_path: Path) -> FastAPI:
    """The app on a registry of 30 real moderate lumbar patients, 12 of them responders."""
    add_cases(registry, responders_and_not(12, 18))
    return create_app(Settings(data_dir=tmp_path / "web-data"), registry)


@pytest.fixture
def registry_client(registry_app: FastAPI) -> TestClient:
    return TestClient(registry_app, raise_server_exceptions=False)


def test_options_with_severity_show_the_labelled_registry_line(
    registry_client: TestClient,
) -> None:
    response = registry_client.get("/options", params={"region": "lumbar", "severity": "moderate"})
    assert response.status_code == 200
    page = plain(response.text)
    assert HEADLINE in page
    assert LABEL in page
    assert "This is out of 30 people. The true figure is likely between 25 and 58 of 100." in page
    stem_cell = response.text.split('id="option-stem_cell_injection"', 1)[1].split("</article>")[0]
    assert SECTION in stem_cell
    assert 'value="moderate" selected' in response.text


def test_options_without_severity_show_no_registry_line(registry_client: TestClient) -> None:
    response = registry_client.get("/options", params={"region": "lumbar"})
    assert response.status_code == 200
    assert SECTION not in response.text


def test_unknown_severity_is_refused_naming_the_question(registry_client: TestClient) -> None:
    response = registry_client.get("/options", params={"severity": "awful"})
    assert response.status_code == 422
    page = plain(response.text)
    assert "How severe it is: Choose one of the answers." in page
    assert "allowed:" not in page


def test_a_registry_without_tables_leaves_the_evidence_alone(tmp_path: Path) -> None:
    empty = Registry(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        app = create_app(Settings(data_dir=tmp_path / "web-data"), empty)
        client = TestClient(app, raise_server_exceptions=False)
        response = client.get("/options", params={"severity": "moderate"})
    finally:
        empty.dispose()
    assert response.status_code == 200
    assert SECTION not in response.text


def test_summary_carries_the_registry_line(registry_client: TestClient) -> None:
    form: dict[str, Any] = {"profile": json.dumps(candidate_profile())}
    response = registry_client.post("/summary", data=form)
    assert response.status_code == 200
    assert HEADLINE in response.text


@pytest.mark.browser
def test_the_registry_section_is_accessible(registry_app: FastAPI, browser: Any) -> None:
    with serving(registry_app) as base_url, browser_tab(browser, base_url, "phone") as tab:
        response = tab.open("/options?region=lumbar&severity=moderate")
        assert response.status == 200
        tab.screenshot("options-registry")
        assert tab.page.locator("#registry-stem_cell_injection").is_visible()
        overflow = sideways_overflow(tab)
        assert overflow <= 0
        assert serious_accessibility_problems(tab) == []
