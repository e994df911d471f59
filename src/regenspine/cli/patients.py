"""Patient commands: register patients, open and close episodes, record screening and consent."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from regenspine.cli.inputs import parse_iso_date, read_json_file
from regenspine.cli.output import JsonFlag, console, print_json
from regenspine.cli.transaction import ReasonOption, UserOption, registry_transaction
from regenspine.registry.services.episodes import (
    close_episode,
    list_episodes,
    open_episode,
    record_consent,
    record_screening,
)
from regenspine.registry.services.patients import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    add_patient,
    find_patients,
    patient_query,
)

commands = typer.Typer()
patients = typer.Typer(help="Registered patients.", no_args_is_help=True)
episodes = typer.Typer(help="Episodes of care of a patient.", no_args_is_help=True)
commands.add_typer(patients, name="patients")
commands.add_typer(episodes, name="episodes")

JsonFile = Annotated[Path, typer.Option("--json", help="JSON file with the record ('-' = stdin).")]
PatientKey = Annotated[str, typer.Argument(help="The patient's registry key, e.g. RS-7F3K9Q2M.")]
EpisodeId = Annotated[int, typer.Argument(help="Episode number.")]
OnDate = Annotated[str | None, typer.Option("--on", metavar="YYYY-MM-DD", help="Default: today.")]
AsJson = Annotated[bool, typer.Option("--as-json", help="Print JSON instead of text.")]


def _day(value: str | None, option: str = "--on") -> date:
    return date.today() if value is None else parse_iso_date(value, option)


@patients.command("add")
def add_command(
    record: JsonFile, user: UserOption = None, reason: ReasonOption = None, as_json: AsJson = False
) -> None:
    """Register a patient from a JSON file (name, birth_date, sex, zip, email, phone, mrn)."""
    data = read_json_file(record, "--json")
    with registry_transaction(user) as (session, actor):
        patient = add_patient(session, actor, data, reason or "register patient")
        key = patient.registry_key
    if as_json:
        print_json({"registry_key": key})
        return
    typer.echo(f"Registered patient {key}.")


@patients.command("list")
def list_command(
    deidentified: Annotated[
        bool, typer.Option("--deidentified", help="Leave out names and other identifiers.")
    ] = False,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            help="Registry key prefix; with identities also name, MRN or birth date (YYYY-MM-DD).",
        ),
    ] = None,
    site: Annotated[str | None, typer.Option("--site")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="An episode in lumbar, cervical or thoracic.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="An episode open or closed.")
    ] = None,
    follow_up: Annotated[
        str | None, typer.Option("--follow-up", help="A visit due (now) or overdue.")
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="registry_key, name (with identities) or newest.")
    ] = "registry_key",
    limit: Annotated[
        str, typer.Option("--limit", help=f"Patients a page, 1 to {MAX_LIMIT}.")
    ] = str(DEFAULT_LIMIT),
    cursor: Annotated[
        str | None, typer.Option("--cursor", help="The next cursor the previous page printed.")
    ] = None,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: JsonFlag = False,
) -> None:
    """List a page of patients; identifying details only for roles allowed to see them (audited)."""
    asked = {
        "identified": False if deidentified else None,
        "q": search,
        "site": site,
        "region": region,
        "status": status,
        "follow_up": follow_up,
        "sort": sort,
        "limit": limit,
        "cursor": cursor,
    }
    with registry_transaction(user) as (session, actor):
        page = find_patients(
            session, actor, patient_query(asked), reason or "list patients", today=date.today()
        )
    if as_json:
        print_json(
            {"items": [view.model_dump() for view in page.items], "next_cursor": page.next_cursor}
        )
        return
    table = Table(
        "registry key", "site", "episodes", *(("name", "born", "MRN") if page.identified else ())
    )
    for view in page.items:
        key = view.registry_key + (" (synthetic)" if view.synthetic else "")
        extra: tuple[str, ...] = ()
        if page.identified:
            identity = view.identity or {}
            extra = (
                identity.get("name") or "",
                identity.get("birth_date") or "",
                identity.get("mrn") or "",
            )
        table.add_row(key, view.site, str(view.episodes), *extra)
    console().print(table)
    shown = len(page.items)
    typer.echo(f"Showing {shown} patient{'s' if shown != 1 else ''}.")
    if page.next_cursor:
        typer.echo(f"Next page: --cursor {page.next_cursor}")


@episodes.command("add")
def episode_add_command(
    patient: PatientKey,
    region: Annotated[str, typer.Option("--region", help="lumbar, cervical or thoracic.")],
    started: Annotated[str | None, typer.Option("--started", metavar="YYYY-MM-DD")] = None,
    severity: Annotated[
        str | None, typer.Option("--severity", help="mild, moderate, severe.")
    ] = None,
    diagnosis: Annotated[
        str | None, typer.Option("--diagnosis", help="ICD-10-CM, e.g. M48.062.")
    ] = None,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Open an episode of care for a patient."""
    data = {
        "region": region,
        "severity": severity,
        "diagnosis_code": diagnosis,
        "started_on": _day(started, "--started"),
    }
    with registry_transaction(user) as (session, actor):
        episode = open_episode(session, actor, patient, data, reason or "open episode")
        episode_id = episode.id
    if as_json:
        print_json({"episode": episode_id, "patient": patient.upper()})
        return
    typer.echo(f"Opened episode {episode_id} for {patient.upper()}.")


@episodes.command("list")
def episode_list_command(
    patient: PatientKey, user: UserOption = None, as_json: JsonFlag = False
) -> None:
    """List a patient's episodes."""
    with registry_transaction(user) as (session, actor):
        rows = [
            {
                "episode": e.id,
                "region": e.region,
                "severity": e.severity,
                "diagnosis_code": e.diagnosis_code,
                "started_on": e.started_on.isoformat(),
                "status": e.status,
                "closed_on": e.closed_on.isoformat() if e.closed_on else None,
            }
            for e in list_episodes(session, actor, patient)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("episode", "region", "severity", "diagnosis", "started", "status")
    for row in rows:
        table.add_row(
            *(
                str(row[key] or "-")
                for key in (
                    "episode",
                    "region",
                    "severity",
                    "diagnosis_code",
                    "started_on",
                    "status",
                )
            )
        )
    console().print(table)


@episodes.command("close")
def episode_close_command(
    episode: EpisodeId, on: OnDate = None, user: UserOption = None, reason: ReasonOption = None
) -> None:
    """Close an episode of care."""
    with registry_transaction(user) as (session, actor):
        close_episode(session, actor, episode, _day(on), reason or "close episode")
    typer.echo(f"Closed episode {episode}.")


@episodes.command("screen")
def episode_screen_command(
    episode: EpisodeId,
    profile: Annotated[
        Path, typer.Option("--profile", help="Screening profile JSON (as for `screen`).")
    ],
    on: OnDate = None,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen the patient with the decision-aid rules and store the input and result."""
    data = read_json_file(profile, "--profile")
    with registry_transaction(user) as (session, actor):
        stored = record_screening(session, actor, episode, data, _day(on), reason or "screening")
        view = {"screening": stored.id, "episode": episode, "category": stored.category}
    if as_json:
        print_json(view)
        return
    typer.echo(f"Screening {view['screening']} stored on episode {episode}: {view['category']}.")


@episodes.command("consent")
def episode_consent_command(
    episode: EpisodeId,
    kind: Annotated[
        str, typer.Option("--kind", help="treatment, registry, research_use, contact.")
    ],
    given: Annotated[bool, typer.Option("--given/--refused", help="Consent given or refused.")],
    on: OnDate = None,
    form_version: Annotated[str | None, typer.Option("--form-version")] = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Record a consent decision on an episode."""
    data = {"kind": kind, "given": given, "recorded_on": _day(on), "form_version": form_version}
    with registry_transaction(user) as (session, actor):
        consent = record_consent(session, actor, episode, data, reason or "record consent")
        consent_id = consent.id
    decision = "given" if given else "refused"
    typer.echo(f"Consent {consent_id} recorded on episode {episode}: {kind} {decision}.")
