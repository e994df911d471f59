"""`regenspine report`: the registry's outcomes as text, JSON or a self-contained HTML file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from regenspine.analytics.cohort import ReportFilters, report_filters
from regenspine.analytics.estimates import MIN_REPORTED
from regenspine.analytics.report import STEPS, RegistryReport, build_report
from regenspine.cli.inputs import parse_iso_date, write_file_atomically
from regenspine.cli.output import JsonFlag, console, print_json
from regenspine.cli.transaction import UserOption, registry_transaction
from regenspine.errors import InvalidInput
from regenspine.registry.access import Permission, require

commands = typer.Typer()
# Instruments shown in the text summary's comparison tables (the rest are in --json and --html).
TEXT_COMPARISON_INSTRUMENTS = ("odi", "ndi")


def _filters(
    site: str | None,
    cell_source: str | None,
    region: str | None,
    severity: str | None,
    since: str | None,
    until: str | None,
) -> ReportFilters:
    """Parse the filter options; a bad one is reported under its option name."""
    start = parse_iso_date(since, "--since") if since is not None else None
    end = parse_iso_date(until, "--until") if until is not None else None
    try:
        return report_filters(
            site=site,
            cell_source=cell_source,
            region=region,
            severity=severity,
            since=start,
            until=end,
        )
    except InvalidInput as error:
        raise _as_option(error) from None


def _as_option(error: InvalidInput) -> InvalidInput:
    return InvalidInput(f"--{error.field.replace('_', '-')}", error.problem, error.allowed)


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr while the report is computed (only on a terminal)."""
    errors = Console(stderr=True)
    if not show or not errors.is_terminal:
        yield lambda _step: None
        return
    with Progress(console=errors, transient=True) as bar:
        task = bar.add_task("Computing the report", total=len(STEPS))
        yield lambda step: bar.update(task, advance=1, description=f"Computed {step}")


@commands.command("report")
def report_command(
    as_json: JsonFlag = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Also write a self-contained HTML report."),
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only patients of this site.")] = None,
    cell_source: Annotated[
        str | None,
        typer.Option("--cell-source", help="bone_marrow, adipose or allogeneic."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="lumbar, cervical or thoracic.")
    ] = None,
    severity: Annotated[
        str | None, typer.Option("--severity", help="mild, moderate or severe.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Procedures on or after.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="YYYY-MM-DD", help="Procedures on or before.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="Count follow-up up to this day."),
    ] = None,
    user: UserOption = None,
) -> None:
    """Outcome report: PROM changes, responders, surgery-free survival, adverse events."""
    filters = _filters(site, cell_source, region, severity, since, until)
    day = parse_iso_date(as_of, "--as-of") if as_of is not None else date.today()
    with registry_transaction(user) as (session, actor):
        require(actor, Permission.read_deidentified)
        with _progress(show=not as_json) as step:
            try:
                report = build_report(session.connection(), filters, day, step)
            except InvalidInput as error:
                raise _as_option(error) from None
    if html is not None:
        from regenspine.documents.report_page import render_report_html

        write_file_atomically(html, render_report_html(report), "--html")
    if as_json:
        print_json(report.model_dump(mode="json"))
    elif html is not None:
        _print_banner(report, console())
        typer.echo(f"Wrote the report on {report.n_patients} patients to {html}.")
    else:
        print_summary(report, console())


def _print_banner(report: RegistryReport, out: Console) -> None:
    if report.banner:
        out.print(f"[bold black on yellow] {escape(report.banner)} [/]")


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _span(bounds: tuple[float, float] | None, percent: bool = False, digits: int = 1) -> str:
    if bounds is None:
        return ""
    shown = [_percent(b) if percent else _number(b, digits) for b in bounds]
    return f" ({shown[0]} to {shown[1]})"


def print_summary(report: RegistryReport, out: Console) -> None:
    """The report as rich text: banner, outcomes, completeness, survival, events, comparisons."""
    _print_banner(report, out)
    filters = "; ".join(f"{k} = {v}" for k, v in report.filters.items()) or "no filters"
    out.print(
        f"[bold]Registry report[/bold] as of {report.as_of}: {report.n_patients} patients, "
        f"{report.n_episodes} treated episodes ({escape(filters)})."
    )
    if report.note:
        out.print(f"[yellow]{escape(report.note)}[/yellow]")
    _print_outcomes(report, out)
    _print_survival_and_events(report, out)
    _print_comparisons(report, out)
    out.print(f"\n[bold]Observational data.[/bold] {escape(report.caveat)}")
    out.print(f"[dim]{escape('[' + ', '.join(report.caveat_sources) + ']')}[/dim]")
    out.print(f"\n{escape(report.disclaimer)}")
    _print_banner(report, out)


def _print_outcomes(report: RegistryReport, out: Console) -> None:
    table = Table(title="Questionnaires (change = follow-up minus baseline; 95% CI)")
    for heading in ("instrument", "timepoint", "n", "mean", "median", "change", "responders"):
        table.add_column(heading)
    for row in report.outcomes:
        name = row.instrument if row.measure == "score" else f"{row.instrument} {row.measure}"
        responders = ""
        if row.responder_rule:
            responders = f"{row.responders}/{row.responder_n} {_percent(row.responder_rate)}"
            responders += _span(row.responder_ci, percent=True)
        table.add_row(
            escape(name),
            row.timepoint,
            str(row.n),
            _number(row.mean) if row.mean is not None else (row.note or "-"),
            _number(row.median),
            _number(row.mean_change) + _span(row.ci) if row.n_paired else "",
            responders,
        )
    out.print(table if report.outcomes else "No questionnaires recorded: not enough data.")
    shown = [
        f"{r.timepoint} {r.assessed}/{r.closed} {_percent(r.completeness)}"
        for r in report.completeness
    ]
    out.print("Follow-up completeness: " + ("; ".join(shown) or "no window closed yet."))
    out.print(f"Groups under {MIN_REPORTED} patients are not reported.")


def _print_survival_and_events(report: RegistryReport, out: Console) -> None:
    survival = report.survival
    out.print(
        f"\n[bold]Surgery-free survival[/bold] ({survival.patients} patients, "
        f"{survival.surgeries} surgeries): {escape(survival.definition)}"
    )
    for item in survival.estimates:
        value = item.note or f"{_percent(item.estimate)}{_span(item.ci, percent=True)}"
        out.print(f"  {item.months} months: {escape(value)} ({item.at_risk} still followed)")
    events = report.adverse_events
    out.print(
        f"\n[bold]Adverse events[/bold]: {events.events} after {events.procedures} procedures, "
        f"{_number(events.per_100_procedures)} per 100{_span(events.ci)}."
    )
    if events.note:
        out.print(f"  {escape(events.note)}")
    for title, items in (
        ("grade", events.by_grade),
        ("seriousness", events.by_seriousness),
        ("site", events.by_site),
        ("relatedness", events.by_relatedness),
    ):
        parts = [
            f"{item.label} {item.events} ({_number(item.per_100_procedures)})" for item in items
        ]
        out.print(f"  by {title} (events, per 100): " + escape("; ".join(parts)))


def _print_comparisons(report: RegistryReport, out: Console) -> None:
    table = Table(title="Change at 12 months by group (95% CI)")
    for heading in ("instrument", "factor", "group", "n", "change", "responders"):
        table.add_column(heading)
    for row in report.comparisons.groups:
        if row.instrument not in TEXT_COMPARISON_INSTRUMENTS:
            continue
        table.add_row(
            row.instrument,
            row.factor,
            escape(row.group),
            str(row.n),
            row.note or _number(row.mean_change) + _span(row.ci),
            _percent(row.responder_rate) + _span(row.responder_ci, percent=True),
        )
    out.print(table)
    for model in report.comparisons.models:
        if model.note:
            out.print(f"Adjusted model, {model.instrument} (n = {model.n}): {escape(model.note)}")
            continue
        terms = "; ".join(
            f"{term.term} {_number(term.coefficient, 2)}{_span(term.ci, digits=2)}"
            for term in model.terms
        )
        out.print(f"Adjusted model, {model.instrument} (n = {model.n}): {escape(terms)}")
