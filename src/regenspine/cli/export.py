"""`regenspine export`: research exports (CSV, REDCap), identified or de-identified, audited.

`export` is a sub-app so that every format is one command of it (`export csv`, `export redcap`,
later `export fhir`). Each command writes into a scratch folder beside --out and renames it onto
--out only after the audit event is committed, so a failure leaves nothing half-written.

Researchers may only export de-identified data: without --deidentified their export is refused
(exit 2, naming --deidentified) rather than silently changed, so nobody receives a different kind
of file than the one they asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from regenspine.cli.fhir import fhir_export_command
from regenspine.cli.output import JsonFlag, print_json
from regenspine.cli.transaction import ReasonOption, UserOption, registry_transaction
from regenspine.errors import InvalidInput
from regenspine.interop.release import ExportSummary, staged_folder

commands = typer.Typer()
export = typer.Typer(
    help="Research exports (CSV, REDCap), identified or de-identified.", no_args_is_help=True
)
commands.add_typer(export, name="export")

OutFolder = Annotated[
    Path,
    typer.Option("--out", metavar="DIR", help="New (or empty) folder to write the export into."),
]
DeidentifiedFlag = Annotated[
    bool,
    typer.Option(
        "--deidentified",
        help="HIPAA Safe Harbor de-identification (required for the researcher role).",
    ),
]
DEFAULT_REASON = "research export"


# Every exporter of interop takes these arguments and returns an ExportSummary.
Exporter = Callable[..., ExportSummary]


@contextmanager
def _progress(steps: int) -> Iterator[Callable[[str], None]]:
    """A bar on stderr, one step per file written (shown only on a terminal)."""
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("export", total=steps)
        yield lambda name: bar.update(task, advance=1, description=f"wrote {name}")


def run_export(
    exporter: Exporter,
    out: Path,
    *,
    deidentified: bool,
    user: str | None,
    reason: str | None,
    steps: int,
) -> ExportSummary:
    """Run one exporter into a staged folder, commit its audit event, then publish the folder."""
    with staged_folder(out, "--out") as staging, _progress(steps) as step:
        with registry_transaction(user) as (session, actor):
            try:
                return exporter(
                    session,
                    actor,
                    staging,
                    deidentified=deidentified,
                    reason=reason or DEFAULT_REASON,
                    as_of=date.today(),
                    progress=step,
                )
            except InvalidInput as error:
                if error.field != "deidentified":
                    raise
                raise InvalidInput("--deidentified", error.problem, ["--deidentified"]) from None


def _report(summary: ExportSummary, out: Path, as_json: bool) -> None:
    described = summary.as_dict() | {"out": str(out)}
    if as_json:
        print_json(described)
        return
    kind = "de-identified" if summary.deidentified else "identified: protected health information"
    rows = sum(summary.files.values())
    typer.echo(f"Wrote the {summary.format} export ({kind}) to {out}: ", nl=False)
    typer.echo(f"{len(summary.files)} files, {rows:,} rows, {summary.counts.patients} patients.")
    if summary.counts.synthetic:
        typer.echo("It holds synthetic patients: see about.txt and the synthetic column.")


@export.command("csv")
def csv_command(
    out: OutFolder,
    deidentified: DeidentifiedFlag = False,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Tidy CSV files, one per registry entity, with a data dictionary and about.txt."""
    from regenspine.interop.tables.csv_export import EXPORT_TABLES, write_csv_export

    summary = run_export(
        write_csv_export,
        out,
        deidentified=deidentified,
        user=user,
        reason=reason,
        steps=len(EXPORT_TABLES),
    )
    _report(summary, out, as_json)


@export.command("redcap")
def redcap_command(
    out: OutFolder,
    deidentified: DeidentifiedFlag = False,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: JsonFlag = False,
) -> None:
    """A REDCap data dictionary, events, form-event mapping and longitudinal records."""
    from regenspine.interop.tables.redcap import FILE_DESCRIPTIONS, write_redcap_export

    summary = run_export(
        write_redcap_export,
        out,
        deidentified=deidentified,
        user=user,
        reason=reason,
        steps=len(FILE_DESCRIPTIONS),
    )
    _report(summary, out, as_json)


# FHIR lives in its own module; it joins the same `export` group here.
export.command("fhir")(fhir_export_command)
