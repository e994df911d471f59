"""Signing in to the workspace: argon2 passwords, signed HttpOnly cookies, CSRF tokens on every
form, rate limiting, and what happens to a session whose user was deactivated."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.factories.registry import PASSWORD
from tests.factories.workspace import Clinic, csrf_of

from regenspine.config import Settings
from regenspine.errors import InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.models import AuditEvent, User
from regenspine.web.plumbing.sessions import SECRET_FILE, session_secret
from regenspine.web.plumbing.throttle import LoginThrottle
from regenspine.web.workspace.auth import safe_next


def _client(app: FastAPI, base_url: str = "http://testserver") -> TestClient:
    return TestClient(app, base_url=base_url, raise_server_exceptions=False)


def _login(client: TestClient, username: str, password: str, **extra: str) -> object:
    token = csrf_of(client.get("/clinic/login").text)
    form = {"csrf_token": token, "username": username, "password": password, **extra}
    return client.post("/clinic/login", data=form, follow_redirects=False)


def test_a_workspace_page_sends_the_browser_to_sign_in_and_back(clinic_app: FastAPI) -> None:
    client = _client(clinic_app)
    first = client.get("/clinic/follow-ups", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/clinic/login?next=%2Fclinic%2Ffollow-ups"
    response = _login(client, "cleo", PASSWORD, next="/clinic/follow-ups")
    assert response.status_code == 303
    assert response.headers["location"] == "/clinic/follow-ups"
    assert client.get("/clinic/follow-ups").status_code == 200


def test_the_session_cookie_is_signed_httponly_lax_and_kept_to_the_workspace(
    clinic_app: FastAPI,
) -> None:
    response = _login(_client(clinic_app), "cleo", PASSWORD)
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("regenspine_clinic=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/clinic" in cookie
    assert "secure" not in cookie  # plain http in tests
    tls = _login(_client(clinic_app, "https://testserver"), "cleo", PASSWORD)
    assert "; secure" in tls.headers["set-cookie"].lower()


def test_a_forged_or_tampered_cookie_signs_nobody_in(clinic_app: FastAPI) -> None:
    client = _client(clinic_app)
    client.cookies.set("regenspine_clinic", "eyJ1c2VyIjogImFkYSJ9.forged.signature", path="/clinic")
    assert client.get("/clinic/patients", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_refused_and_nothing_says_which_part_was_wrong(
    clinic_app: FastAPI,
) -> None:
    client = _client(clinic_app)
    wrong_password = _login(client, "cleo", "not the password at all")
    unknown_user = _login(client, "nobody", PASSWORD)
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert "The username or the password is not right." in response.text
    assert client.get("/clinic/patients", follow_redirects=False).status_code == 303


def test_every_form_needs_the_session_csrf_token(signed_in: Callable[[str], Clinic]) -> None:
    clinic = signed_in("clinician")
    form = {"name": "Grace", "birth_date": "1957-06-02", "sex": "female"}
    missing = clinic.client.post("/clinic/patients", data=form, follow_redirects=False)
    wrong = clinic.client.post("/clinic/patients", data={**form, "csrf_token": "x" * 43})
    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert "csrf_token" in missing.text
    assert "No patients are registered yet." in clinic.get("/clinic/patients").text
    assert clinic.post("/clinic/patients", form).status_code == 303


def test_signing_in_needs_the_csrf_token_of_the_sign_in_page(clinic_app: FastAPI) -> None:
    client = _client(clinic_app)
    response = client.post("/clinic/login", data={"username": "cleo", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/clinic/patients", follow_redirects=False).status_code == 303


def test_five_failures_pause_that_username_from_that_address(clinic_app: FastAPI) -> None:
    clock = [1000.0]
    clinic_app.state.login_throttle = LoginThrottle(clock=lambda: clock[0])
    client = _client(clinic_app)
    for _ in range(5):
        assert _login(client, "cleo", "wrong password here").status_code == 401
    blocked = _login(client, "cleo", PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.text
    assert blocked.headers["retry-after"] == "900"
    assert _login(client, "CLEO", PASSWORD).status_code == 429  # names compare in lower case
    assert _login(client, "cora", PASSWORD).status_code == 303  # another username is not paused
    clock[0] += 15 * 60
    assert _login(_client(clinic_app), "cleo", PASSWORD).status_code == 303


def test_the_throttle_counts_only_failures_inside_the_window() -> None:
    clock = [0.0]
    throttle = LoginThrottle(max_failures=3, window_seconds=60, clock=lambda: clock[0])
    key = throttle.key(" Cleo ", "10.0.0.1")
    assert key == ("cleo", "10.0.0.1")
    for moment in (0.0, 10.0, 20.0):
        clock[0] = moment
        throttle.failed(key)
    assert throttle.wait_seconds(key) == 40  # the first failure leaves the window at 60 s
    clock[0] = 60.0
    assert throttle.wait_seconds(key) == 0
    throttle.failed(key)
    throttle.succeeded(key)
    assert throttle.wait_seconds(key) == 0


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("/clinic/follow-ups", "/clinic/follow-ups"),
        ("https://example.org/clinic/", "/clinic/patients"),
        ("//example.org/clinic/x", "/clinic/patients"),
        ("/clinic//example.org", "/clinic/patients"),
        ("/public-page", "/clinic/patients"),
        ("", "/clinic/patients"),
    ],
)
def test_after_signing_in_only_workspace_pages_are_followed(wanted: str, expected: str) -> None:
    assert safe_next(wanted) == expected


def test_signing_out_ends_the_session(signed_in: Callable[[str], Clinic]) -> None:
    clinic = signed_in("admin")
    response = clinic.post("/clinic/logout", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/clinic/login"
    assert clinic.get("/clinic/patients", follow_redirects=False).status_code == 303


def test_a_deactivated_user_is_signed_out_at_the_next_request(
    signed_in: Callable[[str], Clinic], staffed: Registry
) -> None:
    clinic = signed_in("coordinator")
    assert clinic.get("/clinic/patients").status_code == 200
    with staffed.transaction() as session:
        session.query(User).filter(User.username == "cora").update({"active": False})
    assert clinic.get("/clinic/patients", follow_redirects=False).status_code == 303


def test_a_sign_in_is_audited(signed_in: Callable[[str], Clinic], staffed: Registry) -> None:
    signed_in("clinician")
    with staffed.sessions() as session:
        logins = session.query(AuditEvent).filter(AuditEvent.action == "login").all()
    assert [event.username for event in logins] == ["cleo"]


def test_the_session_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = session_secret(settings)
    assert session_secret(settings) == first
    assert len(first) >= 32
    mode = stat.S_IMODE(os.stat(settings.data_dir / SECRET_FILE).st_mode)
    assert mode == 0o600
    assert [path.name for path in settings.data_dir.iterdir()] == [SECRET_FILE]


def test_a_configured_session_key_is_used_and_must_be_long(tmp_path: Path) -> None:
    key = "k" * 40
    assert session_secret(Settings(data_dir=tmp_path, secret_key=key)) == key
    with pytest.raises(InvalidInput, match="REGENSPINE_SECRET_KEY"):
        session_secret(Settings(data_dir=tmp_path, secret_key="short"))
