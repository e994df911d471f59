"""The registry dashboard: `regenspine report` as a workspace page for every role, with the same
filters as a GET form, the report's own content, figures the page's policy allows, and bad
filters named at their field (never a server error)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from tests.factories.cases import add_cases, dashboard_cases, odi_case
from tests.factories.pages import plain
from tests.factories.workspace import Clinic

from regenspine.analytics.cohort import report_filters
from regenspine.analytics.report import build_report
from regenspine.documents.report_page import render_report_body
from regenspine.knowledge import load_knowledge
from regenspine.registry.database import Registry
from regenspine.registry.models import Episode
from regenspine.web.plumbing.security import DEFAULT_POLICY

PLOT = r'<img class="plot" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="([^"]+)"'


@pytest.fixture
def treated(staffed: Registry) -> Registry:
    """The staffed registry with eight treated patients (none synthetic)."""
    add_cases(staffed, dashboard_cases())
    return staffed


def _error_at(page: str, field: str) -> str:
    return plain(page.split(f'id="f-{field}-error">', 1)[1].split("</p>", 1)[0])


@pytest.mark.parametrize("role", ["admin", "clinician", "coordinator", "researcher"])
def test_every_role_sees_the_report_of_the_whole_registry(
    signed_in: Callable[[str], Clinic], treated: Registry, role: str
) -> None:
    clinic = signed_in(role)
    response = clinic.get("/clinic/dashboard")
    assert response.status_code == 200
    page = response.text
    assert 'href="/clinic/dashboard" aria-current="page"' in page
    assert "<strong>8</strong> patients, 8 treated episodes" in page
    assert "No filters." in page
    for heading in ("Responders at 12 months", "Surgery-free survival", "Adverse events"):
        assert f"<h2>{heading}" in page
    assert load_knowledge().text("disclaimer") in page
    assert "Observational data." in page
    # De-identified numbers; no patient here is worse than baseline, so no registry key either.
    assert not re.search(r"RS-T\\d+", page)
    assert '<strong id="worse-count">0</strong>' in page
    assert 'id="synthetic-banner"' not in page


def test_the_page_shows_exactly_the_html_report_content(
    signed_in: Callable[[str], Clinic], treated: Registry
) -> None:
    page = signed_in("researcher").get("/clinic/dashboard?region=lumbar").text
    with treated.transaction() as session:
        filters = report_filters(region="lumbar")
        report = build_report(session.connection(), filters, dt.date.today())
    assert str(render_report_body(report)) in page
    row = next(r for r in report.outcomes if (r.instrument, r.timepoint) == ("odi", "12m"))
    assert (row.responders, row.responder_n) == (4, 7)
    assert "4 of 7: 57%" in page


def test_figures_are_images_the_content_security_policy_allows(
    signed_in: Callable[[str], Clinic], treated: Registry
) -> None:
    response = signed_in("clinician").get("/clinic/dashboard")
    page = response.text
    assert response.headers["content-security-policy"] == DEFAULT_POLICY
    assert "'unsafe-inline'" not in DEFAULT_POLICY
    plots = re.findall(PLOT, page)
    assert any("Kaplan-Meier" in alt for alt in plots)
    assert any("mean score by timepoint" in alt for alt in plots)
    assert "<style" not in page
    assert " style=" not in page  # no inline style attribute anywhere on the page
    assert "<script>" not in page
    assert page.count('<svg class="grid"') >= 1  # the responder icon array stays inline


def _worse_rows(page: str) -> list[list[str]]:
    table = page.split('class="records worse-list"', 1)[1].split("</table>", 1)[0]
    return [
        [plain(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in table.split("<tbody>", 1)[1].split("</tr>")[:-1]
    ]


def test_patients_worse_than_baseline_are_listed_with_their_scores_and_mic(
    signed_in: Callable[[str], Clinic], treated: Registry
) -> None:
    ids = add_cases(treated, [odi_case(40, 50), odi_case(40, 49.99), odi_case(30, 75)])
    with treated.sessions() as session:
        keys = [session.get(Episode, i).patient.registry_key for i in ids]  # type: ignore[union-attr]
    page = signed_in("researcher").get("/clinic/dashboard").text
    section = page.split('id="worse-than-baseline"', 1)[1].split("</section>", 1)[0]
    assert '<strong id="worse-count">2</strong> patient scores' in section
    assert _worse_rows(page) == [
        [keys[2], "ODI", "30.0", "75.0 (12m)", "+45", "10.0"],
        [keys[0], "ODI", "40.0", "50.0 (12m)", "+10", "10.0"],
    ]
    assert keys[1] not in page  # 9.99 points worse: below the MIC
    assert f'href="/clinic/patients/{keys[0]}"' in section
    assert " style=" not in page
    # The filters apply to the list too.
    north = signed_in("researcher").get("/clinic/dashboard?site=north").text
    assert '<strong id="worse-count">0</strong>' in north


def test_the_worse_list_shows_at_most_50_with_the_full_count(
    signed_in: Callable[[str], Clinic], treated: Registry
) -> None:
    add_cases(treated, [odi_case(20, 40 + n / 10) for n in range(53)])
    page = signed_in("clinician").get("/clinic/dashboard").text
    assert '<strong id="worse-count">53</strong> patient scores, the first 50 shown' in page
    rows = _worse_rows(page)
    assert len(rows) == 50
    assert rows[0][3] == "45.2 (12m)"  # most worsened first


CERVICAL = '<option value="cervical" selected>'
NORTH = '<option value="north" selected>'


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=cervical", ("region = cervical", "<strong>1</strong> patients", CERVICAL)),
        ("site=north&cell_source=adipose", ("site = north; cell source = adipose", NORTH)),
        ("since=2030-01-01", ("since = 2030-01-01", "not enough data: no treated patients")),
        ("severity=moderate&until=2025-12-31", ("severity = moderate", "<strong>8</strong>")),
    ],
)
def test_filters_select_the_patients_the_report_covers_and_stay_in_the_form(
    signed_in: Callable[[str], Clinic], treated: Registry, query: str, expected: tuple[str, ...]
) -> None:
    page = signed_in("coordinator").get(f"/clinic/dashboard?{query}").text
    for text in expected:
        assert text in page, text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("region=sacral", "region", "unknown value 'sacral'"),
        ("cell_source=placenta", "cell_source", "bone_marrow"),
        ("severity=awful", "severity", "moderate"),
        ("site=nowhere", "site", "no patients at site 'nowhere'"),
        ("since=2026-02-30", "since", "not a calendar date"),
        ("until=yesterday", "until", "not a calendar date"),
        ("since=2026-06-01&until=2026-01-01", "since", "is after until"),
    ],
)
def test_a_filter_that_cannot_be_used_is_named_at_its_field(
    signed_in: Callable[[str], Clinic], treated: Registry, query: str, field: str, message: str
) -> None:
    response = signed_in("researcher").get(f"/clinic/dashboard?{query}")
    assert response.status_code == 422
    assert message in _error_at(response.text, field)
    assert 'class="error-summary"' in response.text
    assert 'id="registry-report"' not in response.text


def test_an_unknown_site_lists_the_sites_there_are(
    signed_in: Callable[[str], Clinic], treated: Registry
) -> None:
    page = signed_in("admin").get("/clinic/dashboard?site=nowhere").text
    message = _error_at(page, "site")
    assert "main" in message
    assert "north" in message


@pytest.mark.parametrize("junk", ["\x00", "x" * 5_000, "%", "'; drop table patient; --", " "])
def test_junk_in_any_filter_is_never_a_server_error(
    signed_in: Callable[[str], Clinic], treated: Registry, junk: str
) -> None:
    clinic = signed_in("researcher")
    for field in ("site", "cell_source", "region", "severity", "since", "until"):
        assert clinic.get("/clinic/dashboard", params={field: junk}).status_code < 500, field


def test_synthetic_patients_bring_the_banner(
    signed_in: Callable[[str], Clinic], staffed: Registry
) -> None:
    add_cases(staffed, dashboard_cases(synthetic=True))
    page = signed_in("researcher").get("/clinic/dashboard").text
    banner = load_knowledge().text("synthetic_data")
    assert page.count(banner) == 2  # above and below the numbers
    assert page.index('id="synthetic-banner"') < page.index("<h1>")


def test_an_empty_registry_says_there_is_not_enough_data(
    signed_in: Callable[[str], Clinic], staffed: Registry
) -> None:
    page = signed_in("clinician").get("/clinic/dashboard").text
    assert "not enough data: no treated patients match these filters" in page


def test_signing_in_is_needed(clinic_app: object, staffed: Registry) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(clinic_app, raise_server_exceptions=False)  # type: ignore[arg-type]
    response = client.get("/clinic/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/clinic/login?next=%2Fclinic%2Fdashboard"
