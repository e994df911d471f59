"""New migrations written by Alembic autogenerate from the difference of models and database."""

from __future__ import annotations

import contextlib
import importlib.util
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

from regenspine.registry.check_constraints import CheckDifference, check_constraint_differences
from regenspine.registry.migrate import alembic_config, upgrade
from regenspine.registry.models import Base


@dataclass(frozen=True)
class NewRevision:
    """What `write_revision` did: the file it wrote (None when nothing changed) and the CHECK
    constraints autogenerate cannot write, which need editing by hand."""

    path: Path | None
    unwritten_checks: list[CheckDifference]


def next_revision_id(revisions: Iterable[str]) -> str:
    """The next number in the project's four-digit revision naming (0001, 0002, ...)."""
    numbers = [int(revision) for revision in revisions if revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def write_revision(
    engine: Engine,
    message: str,
    versions: Path | None = None,
    metadata: MetaData | None = None,
) -> NewRevision:
    """Migrate the database to head, then write the revision that brings it to the models
    (`<number>_<slug>.py` in the versions folder); write nothing when nothing changed."""
    models = Base.metadata if metadata is None else metadata
    upgrade(engine, versions=versions)
    config = alembic_config(engine, versions)
    config.attributes["target_metadata"] = models
    _format_with_ruff(config)
    known = (script.revision for script in ScriptDirectory.from_config(config).walk_revisions())
    # Alembic narrates each step on stdout; the caller says what was written (or prints JSON).
    with engine.connect() as connection, contextlib.redirect_stdout(io.StringIO()):
        config.attributes["connection"] = connection
        written = command.revision(
            config,
            message=message,
            autogenerate=True,
            rev_id=next_revision_id(known),
            process_revision_directives=_drop_empty_revision,
        )
        unwritten = check_constraint_differences(connection, models)
    if isinstance(written, list):
        written = written[0] if written else None
    return NewRevision(Path(written.path) if written else None, unwritten)


def _drop_empty_revision(
    context: MigrationContext, revision: Any, directives: list[MigrationScript]
) -> None:
    # Alembic writes a revision even when the models match the database; an empty file
    # would only add a step to every upgrade.
    if all(script.upgrade_ops is None or script.upgrade_ops.is_empty() for script in directives):
        directives.clear()


def _format_with_ruff(config: Config) -> None:
    # Alembic writes single-quoted code; the project's files are ruff-formatted (make lint).
    # Ruff comes with the development tools only, so a bare install writes the file as is.
    if importlib.util.find_spec("ruff") is None:
        return
    config.set_section_option("post_write_hooks", "hooks", "ruff_format")
    config.set_section_option("post_write_hooks", "ruff_format.type", "module")
    config.set_section_option("post_write_hooks", "ruff_format.module", "ruff")
    config.set_section_option(
        "post_write_hooks", "ruff_format.options", "format --quiet REVISION_SCRIPT_FILENAME"
    )
