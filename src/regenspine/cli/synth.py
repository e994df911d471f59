"""`regenspine synth`: fill the configured database with a synthetic registry for demos."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from regenspine.cli.inputs import parse_iso_date
from regenspine.cli.output import JsonFlag, print_json
from regenspine.config import get_settings
from regenspine.registry.database import Registry
from regenspine.registry.migrate import current_revision, require_current, upgrade
from regenspine.synthetic.registry import (
    MAX_PATIENTS,
    MAX_SITES,
    SyntheticRegistry,
    check_request,
    generate_synthetic_registry,
)

commands = typer.Typer()
DEFAULT_SEED = 1
DEFAULT_SITES = 5


@commands.command("synth")
def synth_command(
    patients: Annotated[
        int,
        typer.Option("--patients", help=f"How many synthetic patients (1 to {MAX_PATIENTS:,})."),
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same registry.")
    ] = DEFAULT_SEED,
    sites: Annotated[
        int, typer.Option("--sites", help=f"How many sites, site-1 to site-K (1 to {MAX_SITES}).")
    ] = DEFAULT_SITES,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="YYYY-MM-DD", help="Day the data run up to (default: today)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Fill the configured database with made-up patients, every record flagged synthetic."""
    check_request(patients, sites, seed, names=("--patients", "--sites", "--seed"))
    day = date.today() if as_of is None else parse_iso_date(as_of, "--as-of")
    registry = Registry.from_settings(get_settings())
    try:
        _migrate_if_empty(registry)
        with _progress_bar(patients) as advance, registry.transaction() as session:
            run = generate_synthetic_registry(
                session, patients=patients, seed=seed, sites=sites, as_of=day, on_progress=advance
            )
    finally:
        registry.dispose()
    where = registry.engine.url.render_as_string(hide_password=True)
    if as_json:
        print_json(_summary(run, where))
        return
    _print_summary(run, where)


def _migrate_if_empty(registry: Registry) -> None:
    """Create the registry tables in an empty database; refuse one at an older migration."""
    if current_revision(registry.engine) is None:
        upgrade(registry.engine)
    require_current(registry.engine)


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (stdout stays clean for --json); silent when not a terminal."""
    console = Console(stderr=True)
    columns = (
        TextColumn("synthetic patients"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task("synth", total=total)
        yield lambda done: progress.advance(task, done)


def _summary(run: SyntheticRegistry, database: str) -> dict[str, object]:
    return {
        "patients": run.patients,
        "seed": run.seed,
        "sites": run.sites,
        "synthetic": True,
        "database": database,
        "as_of": run.as_of.isoformat(),
        "rows": run.rows,
    }


def _print_summary(run: SyntheticRegistry, database: str) -> None:
    rows = run.rows
    typer.echo(
        f"Generated {run.patients:,} synthetic patients (seed {run.seed}, {run.sites} sites, "
        f"data up to {run.as_of}) in {database}."
    )
    typer.echo(
        f"{rows.get('procedure', 0):,} procedures, {rows.get('follow_up', 0):,} follow-up visits, "
        f"{rows.get('assessment', 0):,} questionnaires, {rows.get('adverse_event', 0):,} adverse "
        f"events, {rows.get('intervention', 0):,} later treatments."
    )
    typer.echo("Every record is flagged synthetic: these are made-up patients, not evidence.")
