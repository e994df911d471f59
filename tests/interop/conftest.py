"""Export test fixtures: the CLI clinic (one user per role, one patient) on every database."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.registry_clinic import Clinic, open_clinic

from regenspine.registry.database import Registry


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clinic:
    """The CLI pointed at a migrated registry with users admin, clinician, coordinator and
    researcher, and the sample patient with an open lumbar episode."""
    return open_clinic(registry, monkeypatch, tmp_path)
