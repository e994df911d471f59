"""Which treated episodes a report covers: the filters, checked, and the cohort built in SQL.

The unit of every report is an episode of care with its first procedure (the index procedure):
outcomes are measured from that procedure, and the filters (cell source, procedure dates) apply
to it. Region and severity are the episode's, the site is the patient's. The cohort is written
once per report into a temporary table, so that every later query joins on its primary key
instead of recomputing the index procedures.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    Integer,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from regenspine.care.procedure import CELL_SOURCES
from regenspine.errors import InvalidInput
from regenspine.registry.models import (
    REGIONS,
    SEVERITIES,
    Episode,
    Patient,
    PatientIdentity,
    Procedure,
)

# A select of any columns (SQLAlchemy 2.1 types selects by their column types).
AnySelect = Select[*tuple[Any, ...]]
# Rows fetched per round trip: small enough to keep a million-patient read in flat memory.
CHUNK_ROWS = 200_000
# Average days per year, to turn days between birth and procedure into years of age.
DAYS_PER_YEAR = 365.25


class ReportFilters(BaseModel):
    """The report's filters as given; None means no restriction."""

    model_config = ConfigDict(frozen=True)

    site: str | None = None
    cell_source: str | None = None
    region: str | None = None
    severity: str | None = None
    since: date | None = None
    until: date | None = None

    def described(self) -> dict[str, str]:
        """The filters that are set, as text, for the report header."""
        return {key: str(value) for key, value in self.model_dump().items() if value is not None}


def report_filters(
    *,
    site: str | None = None,
    cell_source: str | None = None,
    region: str | None = None,
    severity: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> ReportFilters:
    """Check the filters against the registry's vocabularies; bad ones name the field."""
    checked = {
        "cell_source": _one_of("cell_source", cell_source, CELL_SOURCES),
        "region": _one_of("region", region, REGIONS),
        "severity": _one_of("severity", severity, SEVERITIES),
    }
    if since is not None and until is not None and since > until:
        raise InvalidInput("since", f"{since} is after until ({until})", f"on or before {until}")
    cleaned_site = site.strip() if site is not None else None
    if cleaned_site == "":
        raise InvalidInput("site", "is empty", "a site name as recorded in the registry")
    return ReportFilters(site=cleaned_site, since=since, until=until, **checked)


def _one_of(field: str, value: str | None, allowed: Sequence[str]) -> str | None:
    if value is None:
        return None
    candidate = value.strip().lower()
    if candidate not in allowed:
        raise InvalidInput(field, f"unknown value {value[:40]!r}", allowed)
    return candidate


def check_site(connection: Connection, site: str | None) -> None:
    """Refuse a site the registry has no patients at, listing the sites it has."""
    if site is None:
        return
    sites = registry_sites(connection)
    if site not in sites:
        raise InvalidInput("site", f"no patients at site {site[:40]!r}", sites or "(no sites yet)")


def registry_sites(connection: Connection) -> list[str]:
    """Every site with at least one patient, sorted."""
    return sorted(connection.scalars(select(Patient.site).distinct()).all())


class days_between(FunctionElement[int]):
    """Whole days from `earlier` to `later` as an SQL expression, on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL: date minus date is a whole number of days.
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


def _cohort_table() -> Table:
    return Table(
        "report_cohort",
        MetaData(),
        Column("episode_id", Integer, primary_key=True),
        Column("procedure_id", Integer, nullable=False, unique=True),
        Column("patient_id", Integer, nullable=False),
        Column("performed_on", Date, nullable=False),
        Column("cell_source", String(20), nullable=False),
        Column("region", String(20), nullable=False),
        Column("severity", String(20)),
        Column("site", String(40), nullable=False),
        Column("synthetic", Boolean, nullable=False),
        Column("age", Float),
        prefixes=["TEMPORARY"],
    )


def _cohort_select(filters: ReportFilters) -> AnySelect:
    ranked = select(
        Procedure.id.label("procedure_id"),
        Procedure.episode_id,
        Procedure.performed_on,
        Procedure.cell_source,
        func.row_number()
        .over(partition_by=Procedure.episode_id, order_by=(Procedure.performed_on, Procedure.id))
        .label("position"),
    ).subquery("ranked")
    age = days_between(ranked.c.performed_on, PatientIdentity.birth_date) / literal(DAYS_PER_YEAR)
    statement = (
        select(
            ranked.c.episode_id,
            ranked.c.procedure_id,
            Patient.id,
            ranked.c.performed_on,
            ranked.c.cell_source,
            Episode.region,
            Episode.severity,
            Patient.site,
            Patient.synthetic,
            age,
        )
        .join(Episode, Episode.id == ranked.c.episode_id)
        .join(Patient, Patient.id == Episode.patient_id)
        .outerjoin(PatientIdentity, PatientIdentity.patient_id == Patient.id)
        .where(ranked.c.position == 1)
    )
    conditions = {
        Patient.site: filters.site,
        ranked.c.cell_source: filters.cell_source,
        Episode.region: filters.region,
        Episode.severity: filters.severity,
    }
    for column, wanted in conditions.items():
        if wanted is not None:
            statement = statement.where(column == wanted)
    if filters.since is not None:
        statement = statement.where(ranked.c.performed_on >= filters.since)
    if filters.until is not None:
        statement = statement.where(ranked.c.performed_on <= filters.until)
    return statement


@contextmanager
def report_cohort(connection: Connection, filters: ReportFilters) -> Iterator[Table]:
    """The filtered cohort as a temporary table on this connection, dropped afterwards."""
    table = _cohort_table()
    # A failed report rolls back and takes the table with it; SQLite may keep DDL outside the
    # transaction, so a leftover from such a run is dropped first.
    table.drop(connection, checkfirst=True)
    table.create(connection)
    connection.execute(
        insert(table).from_select([column.name for column in table.c], _cohort_select(filters))
    )
    yield table
    table.drop(connection)


class CohortSize(BaseModel):
    """How many patients and episodes a report covers, and whether any of them is synthetic."""

    model_config = ConfigDict(frozen=True)

    patients: int
    episodes: int
    synthetic: bool


def cohort_size(connection: Connection, cohort: Table) -> CohortSize:
    """Count the cohort's patients and episodes; synthetic when any patient is synthetic."""
    row = connection.execute(
        select(
            func.count(func.distinct(cohort.c.patient_id)),
            func.count(),
            func.coalesce(func.max(cohort.c.synthetic.cast(Integer)), 0),
        )
    ).one()
    return CohortSize(patients=row[0], episodes=row[1], synthetic=bool(row[2]))


def read_frame(
    connection: Connection,
    statement: AnySelect,
    categories: dict[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Run a select into a DataFrame in chunks; text columns with a known vocabulary become
    categoricals chunk by chunk, so large reads stay small in memory.

    Rows are read from the driver's cursor as plain tuples, skipping SQLAlchemy's per-row
    processing (most of the cost of a large read): the selects here give numbers and text only,
    which both drivers return as they are.
    """
    columns = [column.name for column in statement.selected_columns]
    dtypes: dict[str, Any] = {
        name: pd.CategoricalDtype(list(values)) for name, values in (categories or {}).items()
    }
    numbers = [
        column.name
        for column in statement.selected_columns
        if isinstance(column.type, Integer | Numeric)
    ]
    result = connection.execute(statement)
    chunks = []
    try:
        while rows := result.cursor.fetchmany(CHUNK_ROWS):
            chunk = pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)
            # A number column that is empty in a chunk would come back as objects (None).
            empty = {name: "float64" for name in numbers if chunk[name].dtype == object}
            chunks.append(chunk.astype({**empty, **dtypes}) if empty or dtypes else chunk)
    finally:
        result.close()
    if not chunks:
        empty = pd.DataFrame({name: pd.Series(dtype="object") for name in columns})
        return empty.astype(dtypes) if dtypes else empty
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
