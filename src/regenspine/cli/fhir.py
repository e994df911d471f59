"""FHIR R4 commands: `export fhir` (attached to the export group) and `import fhir`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from regenspine.cli.output import JsonFlag, print_json
from regenspine.cli.transaction import (
    ReasonOption,
    UserOption,
    acting_user,
    open_registry,
    registry_transaction,
)
from regenspine.errors import InvalidInput
from regenspine.interop.fhir.inbound.importer import FhirImport, import_fhir
from regenspine.interop.fhir.inbound.read import BATCH_LINES, count_lines
from regenspine.interop.fhir.outbound.export import (
    CHUNK_SIZE,
    FhirExport,
    export_fhir,
    export_row_total,
    staged_folder,
)

commands = typer.Typer()
importer = typer.Typer(
    help="Bring records from other systems into the registry.", no_args_is_help=True
)
commands.add_typer(importer, name="import")


def fhir_export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the NDJSON files (created).")],
    deidentified: Annotated[
        bool,
        typer.Option(
            "--deidentified",
            help="HIPAA Safe Harbor: no names, contact details, MRN, free text or dates.",
        ),
    ] = False,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help="Registry rows read per query.")
    ] = CHUNK_SIZE,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Write the registry as FHIR R4 Bulk Data NDJSON, one file per resource type."""
    with staged_folder(out) as staging, registry_transaction(user) as (session, actor):
        with _progress_bar("FHIR export (registry rows)", export_row_total(session)) as advance:
            try:
                result = export_fhir(
                    session,
                    actor,
                    staging,
                    deidentified=deidentified,
                    reason=reason or "FHIR export",
                    chunk_size=chunk_size,
                    on_progress=advance,
                )
            except InvalidInput as error:
                if error.field != "deidentified":
                    raise
                raise InvalidInput("--deidentified", error.problem, ["--deidentified"]) from None
    if as_json:
        print_json(result.model_dump(mode="json") | {"out": str(out)})
        return
    _print_export(result, out)


@importer.command("fhir")
def fhir_import_command(
    source: Annotated[
        Path, typer.Argument(help="Folder of NDJSON files from `export fhir`, or a Bundle .json.")
    ],
    batch_lines: Annotated[
        int, typer.Option("--batch-lines", help="Lines written per transaction.")
    ] = BATCH_LINES,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Import FHIR resources exported by regenspine; importing them again changes nothing."""
    with open_registry() as registry:
        with registry.transaction() as session:
            username = acting_user(session, user).username
        with _progress_bar("FHIR import (lines)", count_lines(source)) as advance:
            result = import_fhir(
                registry,
                username,
                source,
                reason=reason or "FHIR import",
                batch_lines=batch_lines,
                on_progress=advance,
            )
    if as_json:
        print_json(result)
        return
    _print_import(result, source)


@contextmanager
def _progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (stdout stays clean for --json); silent when not a terminal."""
    console = Console(stderr=True)
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.advance(task, done)


def _print_export(result: FhirExport, out: Path) -> None:
    kind = "de-identified (HIPAA Safe Harbor)" if result.deidentified else "identified"
    total = sum(result.resources.values())
    typer.echo(f"Wrote {total:,} FHIR R4 resources, {kind}, to {out}:")
    for resource_type, count in result.resources.items():
        typer.echo(f"  {resource_type}.ndjson  {count:,}")


def _print_import(result: FhirImport, source: Path) -> None:
    read = sum(result.resources.values())
    created, updated = sum(result.created.values()), sum(result.updated.values())
    typer.echo(f"Read {read:,} FHIR resources from {source} in {result.batches} batch(es).")
    if not created and not updated:
        typer.echo("Nothing changed: the registry already holds these records.")
        return
    typer.echo(f"Created {created:,} rows and updated {updated:,} rows:")
    for table in sorted(set(result.created) | set(result.updated)):
        new, changed = result.created.get(table, 0), result.updated.get(table, 0)
        typer.echo(f"  {table}: {new:,} new, {changed:,} changed")
