"""Handing a self-report link to a patient: its address follows the request or the setting, a QR
code that draws the link itself, a copy field, an e-mail draft, and re-sending a fresh link."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from tests.factories.workspace import Clinic, sign_in

from regenspine.config import Settings, SettingsProblem, get_settings
from regenspine.registry.database import Registry
from regenspine.registry.models import AuditEvent, SelfReportLink
from regenspine.registry.services.selfreport import open_self_report
from regenspine.web.app import create_app

SVG = "{http://www.w3.org/2000/svg}"


def _link_page(clinic: Clinic, follow_up_id: int) -> str:
    response = clinic.post(f"/clinic/follow-ups/{follow_up_id}/link", {})
    assert response.status_code == 303, response.text[:300]
    page = clinic.get(response.headers["location"])
    assert page.status_code == 200
    return str(page.text)


def _url_on(page: str) -> str:
    found = re.search(r'id="self-report-url" href="([^"]+)"', page)
    assert found is not None
    return unescape(found.group(1))


def _modules(svg: ElementTree.Element) -> list[list[bool]]:
    """The dark modules of segno's drawing, read back from its one path of horizontal strokes."""
    width = int(svg.attrib["viewBox"].split()[2])
    grid = [[False] * width for _ in range(width)]
    [dark] = [path for path in svg.iter(f"{SVG}path") if path.get("stroke")]
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", dark.attrib["d"]):
        values = [float(value) for value in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            for column in range(int(x), int(x + values[0])):
                grid[int(y)][column] = True
            x += values[0]
    return grid


def test_the_link_uses_the_address_the_request_came_in_on(
    clinic_app: FastAPI, visit_due_today: int
) -> None:
    client = TestClient(clinic_app, base_url="http://clinic.example:8443")
    url = _url_on(_link_page(sign_in(client, "coordinator"), visit_due_today))
    assert re.fullmatch(r"http://clinic\.example:8443/r/[\w-]{43}", url)


def test_the_link_keeps_the_root_path_the_app_is_served_under(
    clinic_app: FastAPI, visit_due_today: int
) -> None:
    client = TestClient(clinic_app, base_url="https://clinic.example", root_path="/regenspine")
    url = _url_on(_link_page(sign_in(client, "coordinator"), visit_due_today))
    assert url.startswith("https://clinic.example/regenspine/r/")


def test_the_public_base_url_setting_wins_over_the_request(
    staffed: Registry, tmp_path: Path, visit_due_today: int
) -> None:
    settings = Settings(data_dir=tmp_path, public_base_url="https://registry.clinic.example/rs/")
    client = TestClient(create_app(settings, staffed), base_url="http://10.0.0.5:8080")
    url = _url_on(_link_page(sign_in(client, "coordinator"), visit_due_today))
    assert url.startswith("https://registry.clinic.example/rs/r/")


@pytest.mark.parametrize(
    "address",
    [
        "ftp://clinic.example",
        "clinic.example",
        "https://clinic.example/?source=mail",
        "https://clinic.example/#top",
        "https://clinic.example:99999",
        "https:// clinic.example",
    ],
)
def test_a_public_base_url_that_is_no_plain_web_address_is_refused(
    address: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValidationError, match="REGENSPINE_PUBLIC_BASE_URL"):
        Settings(data_dir=tmp_path, public_base_url=address)
    monkeypatch.setenv("REGENSPINE_PUBLIC_BASE_URL", address)
    with pytest.raises(SettingsProblem) as refused:
        get_settings()
    assert str(refused.value).startswith("REGENSPINE_PUBLIC_BASE_URL: ")
    assert "http:// or https:// address with no ?query or #fragment" in str(refused.value)


def test_an_empty_public_base_url_means_the_request_address(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path, public_base_url="").public_base_url is None
    kept = Settings(data_dir=tmp_path, public_base_url="http://localhost:8000/").public_base_url
    assert kept == "http://localhost:8000"


def test_the_qr_code_draws_the_link_itself_and_needs_no_style(
    signed_in: Callable[[str], Clinic], visit_due_today: int
) -> None:
    page = _link_page(signed_in("coordinator"), visit_due_today)
    url = _url_on(page)
    drawing = page.split('<figure class="qr">', 1)[1].split("<figcaption>", 1)[0].strip()
    svg = ElementTree.fromstring(drawing)  # noqa: S314 - the app's own page; well-formed XML
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-label", "").startswith("QR code of the self-report link for ")
    assert "width" not in svg.attrib  # it scales with the page
    assert all("style" not in element.attrib for element in svg.iter())
    assert " style=" not in page
    expected = segno.make(url, error="m", micro=False)
    shown = _modules(svg)
    border = 4
    assert len(shown) == expected.symbol_size(border=border)[0]
    inner = [row[border:-border] for row in shown[border:-border]]
    assert inner == [[bool(module) for module in row] for row in expected.matrix]


def test_the_link_can_be_copied_from_a_field_that_works_without_script(
    signed_in: Callable[[str], Clinic], visit_due_today: int
) -> None:
    clinic = signed_in("coordinator")
    page = _link_page(clinic, visit_due_today)
    field = re.search(r"<input id=\"link-field\"[^>]*>", page)
    assert field is not None
    assert "readonly" in field.group(0)
    assert f'value="{_url_on(page)}"' in unescape(field.group(0))
    button = re.search(r"<button[^>]*data-copy-from=\"link-field\"[^>]*>", page)
    assert button is not None
    assert " hidden" in button.group(0)  # shown by the script only where copying works
    assert '<script src="/static/js/copy-link.js" defer></script>' in page
    script = clinic.get("/static/js/copy-link.js")
    assert script.status_code == 200
    assert "navigator.clipboard.writeText" in script.text
    assert "<script>" not in page  # no inline script: the policy forbids it


def test_send_by_email_opens_a_draft_with_the_link_and_its_expiry(
    signed_in: Callable[[str], Clinic], visit_due_today: int
) -> None:
    page = _link_page(signed_in("coordinator"), visit_due_today)
    found = re.search(r'id="email-link" href="([^"]+)"', page)
    assert found is not None
    draft = urlsplit(unescape(found.group(1)))
    assert (draft.scheme, draft.path) == ("mailto", "")
    fields = parse_qs(draft.query)
    assert fields["subject"] == ["Your 2w follow-up questionnaires"]
    [body] = fields["body"]
    assert f"\n{_url_on(page)}\n" in body
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=72)
    assert f"until {expires:%d %B %Y}" in body
    assert "sends no e-mail" in page


def test_re_send_makes_a_fresh_link_and_the_old_one_keeps_working_until_one_is_answered(
    signed_in: Callable[[str], Clinic], staffed: Registry, visit_due_today: int
) -> None:
    clinic = signed_in("coordinator")
    first_page = _link_page(clinic, visit_due_today)
    assert 'id="resend-link"' in first_page
    assert f'action="/clinic/follow-ups/{visit_due_today}/link"' in first_page
    first = _url_on(first_page).rsplit("/", 1)[1]
    second = _url_on(_link_page(clinic, visit_due_today)).rsplit("/", 1)[1]
    assert first != second
    now = dt.datetime.now(dt.UTC)
    with staffed.transaction() as session:
        assert open_self_report(session, first, now).link_id != (
            open_self_report(session, second, now).link_id
        )
        links = session.scalars(select(SelfReportLink.id).order_by(SelfReportLink.id)).all()
        audited = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "self_report_link")
        ).all()
    assert len(links) == 2
    assert [(event.action, event.username, event.details) for event in audited] == [
        ("create", clinic.username, {"follow_up": visit_due_today}),
        ("create", clinic.username, {"follow_up": visit_due_today}),
    ]
    assert sorted(int(event.entity_id or 0) for event in audited) == list(links)
