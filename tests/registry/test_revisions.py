"""`write_revision` writes the migration autogenerate finds, numbered like the others, or none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, Column, MetaData, String, column, inspect

from regenspine.registry.database import Registry
from regenspine.registry.migrate import MIGRATIONS, downgrade, upgrade
from regenspine.registry.models import Base
from regenspine.registry.revisions import next_revision_id, write_revision


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    """A copy of the package's revision files, so a test's new revision lands there."""
    copy = tmp_path / "versions"
    shutil.copytree(MIGRATIONS / "versions", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _with_nickname() -> MetaData:
    copy = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(copy)
    copy.tables["patient"].append_column(Column("nickname", String(40), nullable=True))
    return copy


def test_an_added_column_becomes_the_next_numbered_revision(
    registry: Registry, versions: Path, database_url: str
) -> None:
    before = sorted(path.name for path in versions.glob("*.py"))
    written = write_revision(registry.engine, "Patient nickname", versions, _with_nickname())
    assert written.unwritten_checks == []
    assert written.path == versions / "0004_patient_nickname.py"
    assert sorted(path.name for path in versions.glob("*.py")) == [
        *before,
        "0004_patient_nickname.py",
    ]
    source = written.path.read_text(encoding="utf-8")
    assert 'revision = "0004"' in source
    assert 'down_revision = "0003"' in source
    assert 'batch_op.add_column(sa.Column("nickname", sa.String(length=40), nullable=True))' in (
        source
    )

    fresh = Registry(database_url)
    try:
        upgrade(fresh.engine, versions=versions)
        assert "nickname" in {
            column["name"] for column in inspect(fresh.engine).get_columns("patient")
        }
        downgrade(fresh.engine, "0003", versions)
        assert "nickname" not in {
            column["name"] for column in inspect(fresh.engine).get_columns("patient")
        }
    finally:
        fresh.dispose()


def test_no_model_changes_write_nothing(registry: Registry, versions: Path) -> None:
    before = sorted(path.name for path in versions.iterdir())
    written = write_revision(registry.engine, "Nothing", versions)
    assert (written.path, written.unwritten_checks) == (None, [])
    assert sorted(path.name for path in versions.iterdir()) == before


def test_an_empty_database_is_migrated_to_head_first(database_url: str, versions: Path) -> None:
    empty = Registry(database_url)
    try:
        assert write_revision(empty.engine, "Nothing", versions).path is None
        assert "patient" in inspect(empty.engine).get_table_names()
    finally:
        empty.dispose()


@pytest.mark.parametrize(
    ("known", "expected"),
    [(["0003", "0001", "0002"], "0004"), ([], "0001"), (["0009", "abc123"], "0010")],
)
def test_revision_numbers_follow_the_highest(known: list[str], expected: str) -> None:
    assert next_revision_id(known) == expected


def test_a_widened_vocabulary_is_named_for_writing_by_hand(
    registry: Registry, versions: Path
) -> None:
    models = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(models)
    consent = models.tables["consent"]
    kinds = next(c for c in consent.constraints if isinstance(c, CheckConstraint))
    consent.constraints.remove(kinds)
    widened = ("treatment", "registry", "research_use", "contact", "photos")
    consent.append_constraint(CheckConstraint(column("kind", String).in_(widened), kinds.name))
    written = write_revision(registry.engine, "Photo consent", versions, models)
    assert written.path is None
    assert [str(check) for check in written.unwritten_checks] == [
        "consent.ck_consent_consent_kind allows different values: only the models allow photos"
    ]
