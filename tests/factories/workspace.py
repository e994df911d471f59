"""The workspace tests' clinic: signing in, forms sent with the session's CSRF token, and
following a write's redirect the way a browser does (then reloading the page it led to)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.registry import PASSWORD, ROLE_USERS, row_counts

from regenspine.registry.database import Registry
from regenspine.registry.models import AuditEvent

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
    """Sign the client in as the user of `role` (see tests/factories/registry.py)."""
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


def stored_rows(registry: Registry) -> dict[str, int]:
    """Rows per table, the audit trail aside (reading a patient's identity is itself audited)."""
    counts = row_counts(registry)
    counts.pop("audit_event")
    return counts


def audit_actions(registry: Registry) -> list[str]:
    """Every audit action so far, oldest first."""
    with registry.sessions() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@dataclass
class Reloaded:
    """The page a write led to, as first shown and as shown again by a reload."""

    location: str
    first: str
    again: str


def reload_after(clinic: Clinic, registry: Registry, response: Any) -> Reloaded:
    """Follow a write's 303 like a browser, then reload that page: the reload must store
    nothing (at most an audited read), and both views must answer 200."""
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    first = clinic.get(location)
    assert first.status_code == 200, location
    before, actions = stored_rows(registry), audit_actions(registry)
    again = clinic.get(location)
    assert again.status_code == 200, location
    assert stored_rows(registry) == before
    assert set(audit_actions(registry)[len(actions) :]) <= {"read_identifying"}
    return Reloaded(location=location, first=first.text, again=again.text)


def procedure_form(patient_key: str, **changes: str | None) -> dict[str, Any]:
    """The README's bone marrow procedure as the workspace form sends it (fields changed)."""
    harvest = BONE_MARROW_PROCEDURE["harvest"]
    processing = BONE_MARROW_PROCEDURE["processing"]
    injection = BONE_MARROW_PROCEDURE["injection"]
    form: dict[str, Any] = {
        "patient": patient_key,
        "performed_on": BONE_MARROW_PROCEDURE["performed_on"],
        **{f"harvest.{name}": str(value) for name, value in harvest.items()},
        **{f"processing.{name}": str(value)[:16] for name, value in processing.items()},
        "injection.region": injection["region"],
        "injection.levels": ", ".join(injection["levels"]),
        "injection.targets": injection["targets"],
        "injection.image_guidance": injection["image_guidance"],
        "injection.volume_ml": str(injection["volume_ml"]),
        "injection.cell_dose": str(injection["cell_dose"]),
        "injection.operator": injection["operator"],
    }
    for name, value in changes.items():
        key = name.replace("__", ".")
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return form
