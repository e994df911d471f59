"""The app skeleton: security headers everywhere, vendored assets, API docs without a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.factories.pages import candidate_form

from regenspine.config import Settings
from regenspine.registry.migrate import current_revision, head_revision
from regenspine.web.app import STATIC_DIR, create_app
from regenspine.web.plumbing.security import CSP_DIRECTIVES, content_security_policy, style_hash

EXPECTED_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/static/css/site.css"),
        ("GET", "/static/vendor/htmx.min.js"),
        ("GET", "/no-such-page"),
        ("GET", "/api/v1/options"),
        ("GET", "/api/v1/options?region=moon"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("POST", "/claims"),
        ("DELETE", "/options"),
    ],
)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path)
    assert response.headers["content-security-policy"] == EXPECTED_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in response.headers["content-security-policy"]


def test_answers_stay_out_of_shared_caches_but_static_files_may_be_cached(
    client: TestClient,
) -> None:
    assert client.post("/screening", data=candidate_form()).headers["cache-control"] == (
        "private, no-cache"
    )
    assert "cache-control" not in client.get("/static/css/site.css").headers


def test_a_style_hash_widens_only_the_style_sources() -> None:
    css = "body { color: #111; }"
    policy = content_security_policy([style_hash(css)])
    assert f"style-src 'self' {style_hash(css)}" in policy
    assert "script-src 'self';" in policy
    # Worked example, checked outside Python with
    # printf 'body { color: #111; }' | openssl dgst -sha256 -binary | base64
    assert style_hash(css) == "'sha256-mkxZsPtKUVU7S1B1XkIi12YxNe8cH4nAcjCAgaPwAh8='"
    assert policy.count(";") == len(CSP_DIRECTIVES) - 1


def test_pages_have_no_inline_scripts_or_style_attributes(client: TestClient) -> None:
    for path in ("/", "/options", "/claims", "/faq?q=cost", "/check", "/docs"):
        page = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert " style=" not in page, path
        assert "<style" not in page, path


def test_every_local_asset_a_page_names_exists(client: TestClient) -> None:
    page = client.get("/").text + client.get("/docs").text
    assets = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page))
    assert "/static/vendor/htmx.min.js" in assets
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_no_page_refers_to_another_site_for_an_asset(client: TestClient) -> None:
    for path in ("/", "/options", "/docs", "/learn/condition"):
        page = client.get(path).text
        assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', page), path


@pytest.mark.parametrize(
    ("asset", "licence"),
    [
        ("vendor/htmx.min.js", "vendor/htmx.LICENSE"),
        ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/LICENSE"),
    ],
)
def test_vendored_assets_ship_with_their_licences(asset: str, licence: str) -> None:
    assert (STATIC_DIR / asset).stat().st_size > 10_000
    assert (STATIC_DIR / licence).read_text(encoding="utf-8").strip()


def test_axe_is_vendored_for_the_tests_with_its_licence() -> None:
    vendor = Path(__file__).parent / "vendor"
    assert "axe v4" in (vendor / "axe.min.js").read_text(encoding="utf-8")[:200]
    assert "Mozilla Public License" in (vendor / "axe.LICENSE").read_text(encoding="utf-8")


def test_docs_load_swagger_from_local_files_and_start_it_from_a_static_script(
    client: TestClient,
) -> None:
    page = client.get("/docs").text
    assert 'data-openapi-url="/openapi.json"' in page
    assert '<script src="/static/js/swagger-init.js"></script>' in page
    assert "cdn" not in page.lower()
    script = client.get("/static/js/swagger-init.js").text
    assert "validatorUrl: null" in script


def test_openapi_documents_the_public_api_with_its_error_shape(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paths = set(document["paths"])
    assert paths == {
        "/api/v1/screening",
        "/api/v1/options",
        "/api/v1/costs",
        "/api/v1/recovery",
        "/api/v1/recovery/ics",
        "/api/v1/claims/check",
        "/api/v1/clinic-questions",
        "/api/v1/values",
        "/api/v1/faq",
        # The registry's endpoints (token-authenticated; see test_private_api.py).
        "/api/v1/patients",
        "/api/v1/procedures/check",
        "/api/v1/procedures",
        "/api/v1/assessments",
        "/api/v1/adverse-events",
        "/api/v1/follow-ups/due",
    }
    error = document["paths"]["/api/v1/screening"]["post"]["responses"]["422"]
    assert error["content"]["application/json"]["schema"]["$ref"].endswith("/ProblemBody")


def test_unknown_pages_are_html_and_unknown_api_paths_are_json(client: TestClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no page at this address." in page.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json() == {"error": "NotFound", "detail": "Not Found"}


def test_a_wrong_method_is_refused_in_the_face_it_came_from(client: TestClient) -> None:
    assert client.delete("/options").status_code == 405
    response = client.get("/api/v1/screening")
    assert response.status_code == 405
    assert response.json()["error"] == "MethodNotAllowed"


def test_the_app_builds_its_registry_and_migrates_it_when_it_starts(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "fresh"))
    engine = app.state.registry.engine
    assert current_revision(engine) is None  # building the app touches no database
    with TestClient(app) as client:
        assert current_revision(engine) == head_revision(engine)
        assert client.get("/clinic/login").status_code == 200
