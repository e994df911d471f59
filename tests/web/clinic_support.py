"""Helpers for the workspace tests: signing in, and forms sent with the session's CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from tests.registry.conftest import PASSWORD, ROLE_USERS

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token a workspace page carries in its forms."""
    match = CSRF.search(page)
    assert match is not None, "the page has no CSRF token"
    return match.group(1)


@dataclass
class Clinic:
    """A test client signed in to the workspace, sending forms with the session's CSRF token."""

    client: TestClient
    csrf: str
    username: str
    pages: list[str] = field(default_factory=list)

    def get(self, path: str, **options: Any) -> Any:
        """GET a workspace page."""
        return self.client.get(path, **options)

    def post(self, path: str, data: dict[str, Any], htmx: bool = False, **options: Any) -> Any:
        """POST a form with the CSRF token (as htmx when `htmx`), not following redirects."""
        headers = {"hx-request": "true"} if htmx else {}
        return self.client.post(
            path,
            data={"csrf_token": self.csrf, **data},
            headers=headers,
            follow_redirects=False,
            **options,
        )


def sign_in(client: TestClient, role: str, password: str = PASSWORD) -> Clinic:
    """Sign the client in as the user of `role` (see tests/registry/conftest.py)."""
    username = ROLE_USERS[role]
    token = csrf_of(client.get("/clinic/login").text)
    response = client.post(
        "/clinic/login",
        data={"csrf_token": token, "username": username, "password": password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    page = client.get("/clinic/patients")
    return Clinic(client=client, csrf=csrf_of(page.text), username=username)
