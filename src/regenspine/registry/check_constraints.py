"""CHECK constraints the models declare against those a database holds, value by value.

Alembic's autogenerate compares tables, columns, types, indexes and keys but not CHECK
constraints, so a value added to a closed vocabulary (an intervention kind, a consent kind)
would pass the model-versus-migration comparison and then be refused by the database. Each
engine spells a constraint differently (SQLite keeps the text as written, PostgreSQL rewrites
`kind IN ('a', 'b')` as `kind::text = ANY (ARRAY['a'::character varying, ...])`), so the
comparison is of the literal values each constraint names: the vocabulary it allows, or the
bounds of a range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import CheckConstraint, Connection, Engine, MetaData, Table, inspect

# A quoted SQL string ('' is an escaped quote), and a number that is not part of a name.
_STRING = re.compile(r"'((?:[^']|'')*)'")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


@dataclass(frozen=True)
class CheckDifference:
    """One CHECK constraint whose allowed values differ between the models and the database."""

    table: str
    constraint: str
    only_in_models: frozenset[str]
    only_in_database: frozenset[str]
    problem: str = "allows different values"

    def __str__(self) -> str:
        """One line naming the table, the constraint and the values on each side."""
        sides = []
        if self.only_in_models:
            sides.append(f"only the models allow {', '.join(sorted(self.only_in_models))}")
        if self.only_in_database:
            sides.append(f"only the database allows {', '.join(sorted(self.only_in_database))}")
        detail = f": {'; '.join(sides)}" if sides else ""
        return f"{self.table}.{self.constraint} {self.problem}{detail}"


def allowed_values(sqltext: str) -> frozenset[str]:
    """The literal values a CHECK constraint's text names (strings unquoted, numbers as text)."""
    strings = {match.replace("''", "'") for match in _STRING.findall(sqltext)}
    numbers = set(_NUMBER.findall(_STRING.sub("", sqltext)))
    return frozenset(strings | numbers)


def check_constraint_differences(
    bind: Engine | Connection, metadata: MetaData
) -> list[CheckDifference]:
    """Every CHECK constraint of the models' tables that the database lacks, adds or spells
    with other values, table by table."""
    inspector = inspect(bind)
    existing = set(inspector.get_table_names())
    differences: list[CheckDifference] = []
    for table in sorted(metadata.tables.values(), key=lambda table: table.name):
        if table.name not in existing:
            continue
        in_models = _model_checks(table, bind)
        in_database = {
            str(found["name"]): allowed_values(found["sqltext"])
            for found in inspector.get_check_constraints(table.name)
        }
        differences.extend(_compare(table.name, in_models, in_database))
    return differences


def _compare(
    table: str, in_models: dict[str, frozenset[str]], in_database: dict[str, frozenset[str]]
) -> list[CheckDifference]:
    found: list[CheckDifference] = []
    for name in sorted(in_models.keys() | in_database.keys()):
        models, database = in_models.get(name), in_database.get(name)
        if database is None:
            found.append(CheckDifference(table, name, frozenset(), frozenset(), "is missing"))
        elif models is None:
            found.append(CheckDifference(table, name, frozenset(), frozenset(), "is not modelled"))
        elif models != database:
            found.append(CheckDifference(table, name, models - database, database - models))
    return found


def _model_checks(table: Table, bind: Engine | Connection) -> dict[str, frozenset[str]]:
    checks: dict[str, frozenset[str]] = {}
    for constraint in table.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        sqltext = constraint.sqltext.compile(
            dialect=bind.dialect, compile_kwargs={"literal_binds": True}
        )
        # The metadata's naming convention already gave every constraint its final name
        # (ck_<table>_<name>) when it was attached to its table.
        checks[str(constraint.name)] = allowed_values(str(sqltext))
    return checks
