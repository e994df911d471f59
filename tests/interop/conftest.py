"""Export test fixtures: the CLI clinic (one user per role, one patient) on every database, and
an empty second registry for the FHIR imports."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.factories.cli import Clinic, open_clinic
from tests.factories.databases import postgres_database

from regenspine.registry.database import Registry
from regenspine.registry.services.users import add_user


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clinic:
    """The CLI pointed at a migrated registry with users admin, clinician, coordinator and
    researcher, and the sample patient with an open lumbar episode."""
    return open_clinic(registry, monkeypatch, tmp_path)


@pytest.fixture
def empty_registry(
    backend: str, migrated_templates: dict[str, str], tmp_path: Path
) -> Iterator[Registry]:
    """A second migrated registry on the same engine, empty but for one admin."""
    if backend == "sqlite":
        target = tmp_path / "empty-registry.sqlite3"
        shutil.copyfile(migrated_templates["sqlite"], target)
        yield from _with_admin(f"sqlite:///{target}")
        return
    with postgres_database(template=migrated_templates["postgresql"]) as url:
        yield from _with_admin(url)


def _with_admin(url: str) -> Iterator[Registry]:
    opened = Registry(url)
    with opened.transaction() as session:
        add_user(session, None, username="admin", role="admin", password="a long passphrase")
    yield opened
    opened.dispose()
