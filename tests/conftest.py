"""Shared test fixtures (the factories they call are in tests/factories/)."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from tests.factories.databases import BACKENDS, POSTGRES_ENV, POSTGRES_URL, postgres_database
from tests.factories.registry import PASSWORD, ROLE_USERS, Acting, patient_record

from regenspine.config import Settings
from regenspine.registry.database import Registry
from regenspine.registry.migrate import upgrade
from regenspine.registry.models import User
from regenspine.registry.services.episodes import open_episode
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.users import add_user, find_user

# Flags that keep headless Chromium off the network and quiet in a sandboxed machine.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture
def headless_chromium(tmp_path: Path) -> list[str]:
    """Command prefix for Debian's headless Chromium; skips the test clearly when it is absent."""
    found = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if found is None:
        pytest.skip("browser test skipped: no Chromium found (apt-get install -y chromium)")
    return [found, *HEADLESS_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]


def pytest_report_header() -> str:
    """One line at the top of every run saying which databases the registry tests use."""
    if POSTGRES_URL:
        return f"registry databases: SQLite and PostgreSQL ({POSTGRES_ENV} is set)"
    return f"registry databases: SQLite only; PostgreSQL not tested ({POSTGRES_ENV} is not set)"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database engine a registry test runs on."""
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One database per engine migrated once; each test gets a copy, not a fresh migration."""
    sqlite_file = tmp_path_factory.mktemp("template") / "registry.sqlite3"
    _migrate(f"sqlite:///{sqlite_file}")
    templates = {"sqlite": str(sqlite_file)}
    if not POSTGRES_URL:
        yield templates
        return
    with postgres_database() as url:
        _migrate(url)
        templates["postgresql"] = make_url(url).database or ""
        yield templates


def _migrate(url: str) -> None:
    registry = Registry(url)
    upgrade(registry.engine)
    registry.dispose()


@contextmanager
def copied_registry(backend: str, templates: dict[str, str], folder: Path) -> Iterator[Registry]:
    """A registry database at the newest migration, copied from the session's template."""
    if backend == "sqlite":
        target = folder / "registry.sqlite3"
        shutil.copyfile(templates["sqlite"], target)
        opened = Registry(f"sqlite:///{target}")
        yield opened
        opened.dispose()
        return
    with postgres_database(template=templates["postgresql"]) as url:
        opened = Registry(url)
        yield opened
        opened.dispose()


@pytest.fixture
def registry(
    backend: str, migrated_templates: dict[str, str], tmp_path: Path
) -> Iterator[Registry]:
    """A registry database at the newest migration, copied from the session's template."""
    with copied_registry(backend, migrated_templates, tmp_path) as opened:
        yield opened


@pytest.fixture(scope="module", params=BACKENDS)
def module_registry(
    request: pytest.FixtureRequest,
    migrated_templates: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Registry]:
    """One migrated registry per engine for a whole module whose tests leave nothing stored."""
    folder = tmp_path_factory.mktemp("module-registry")
    with copied_registry(str(request.param), migrated_templates, folder) as opened:
        yield opened


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Cheap argon2 parameters in tests; production keeps argon2-cffi's RFC 9106 defaults."""
    from argon2 import PasswordHasher

    from regenspine.registry.services import users

    production = users._HASHER
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    users._HASHER = production


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands that keep files in the user's cache (the FAQ index) keep them in a test folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REGENSPINE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def smtp_server() -> Iterator[tuple[Settings, list[bytes]]]:
    """A real SMTP server on a free local port that keeps every message it receives."""
    received: list[bytes] = []

    class Keep(Sink):
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            received.append(envelope.content)  # type: ignore[attr-defined]
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    settings = Settings(
        smtp_host="127.0.0.1", smtp_port=port, public_base_url="https://clinic.test"
    )
    try:
        yield settings, received
    finally:
        controller.stop()


# Registry staff: the service and web tests act as these users.


@pytest.fixture
def staffed(registry: Registry) -> Registry:
    """The registry with one active user for each role."""
    with registry.transaction() as session:
        admin = add_user(session, None, username="ada", role="admin", password=PASSWORD)
        for role, username in ROLE_USERS.items():
            if role != "admin":
                add_user(session, admin, username=username, role=role, password=PASSWORD)
    return registry


@pytest.fixture
def acting(staffed: Registry) -> Callable[[str], Any]:
    """`with acting("clinician") as (session, user):` one transaction as that role's user."""

    @contextmanager
    def _acting(role: str) -> Iterator[tuple[Session, User]]:
        with staffed.transaction() as session:
            yield session, find_user(session, ROLE_USERS[role])

    return _acting


@pytest.fixture
def patient_key(acting: Acting) -> str:
    """A registered patient with an open lumbar episode started 2026-09-01."""
    with acting("clinician") as (session, user):
        patient = add_patient(session, user, patient_record(), "test")
        episode = {"region": "lumbar", "severity": "moderate", "started_on": date(2026, 9, 1)}
        open_episode(session, user, patient.registry_key, episode, "test")
        return patient.registry_key
