"""Care-pathway commands: procedures with protocol checks, follow-ups, assessments, safety."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from regenspine.care import CheckOutcome, ProtocolReport, parse_within
from regenspine.cli.inputs import parse_iso_date, read_json_file
from regenspine.cli.output import JsonFlag, cited, console, print_json
from regenspine.cli.patients import AsJson, JsonFile, OnDate, PatientKey
from regenspine.cli.transaction import (
    ReasonOption,
    UserOption,
    acting_user,
    open_registry,
    registry_transaction,
)
from regenspine.config import (
    PUBLIC_BASE_URL_SHAPE,
    Settings,
    SettingsProblem,
    get_settings,
    plain_web_address,
)
from regenspine.errors import InvalidInput
from regenspine.registry.models import INTERVENTION_KINDS
from regenspine.registry.services.audit import (
    DEFAULT_PAGE,
    MAX_PAGE,
    audit_page,
    audit_query,
)
from regenspine.registry.services.followups import due_follow_ups, record_assessment
from regenspine.registry.services.procedures import (
    ProcedureRefused,
    preview_procedure,
    record_medication,
    record_procedure,
)
from regenspine.registry.services.reminders import SmtpMailer, follow_ups_to_remind, remind
from regenspine.registry.services.safety import record_adverse_event, record_intervention
from regenspine.registry.services.selfreport import create_self_report_link, link_url

commands = typer.Typer()
procedures = typer.Typer(
    help="Cell-therapy procedures and their protocol checks.", no_args_is_help=True
)
medications = typer.Typer(
    help="Medicine notes (NSAIDs matter around the injection).", no_args_is_help=True
)
followups = typer.Typer(help="Scheduled follow-up visits.", no_args_is_help=True)
adverse_events = typer.Typer(
    help="Adverse events after harvest or injection.", no_args_is_help=True
)
interventions = typer.Typer(help="Later surgery or other treatment.", no_args_is_help=True)
for group, name in (
    (procedures, "procedures"),
    (medications, "medications"),
    (followups, "followups"),
    (adverse_events, "adverse-events"),
    (interventions, "interventions"),
):
    commands.add_typer(group, name=name)

_OUTCOME_STYLE: dict[CheckOutcome, str] = {
    "refused": "bold red",
    "warning": "yellow",
    "note": "cyan",
    "passed": "green",
}


def _print_checks(report: ProtocolReport) -> None:
    out = console()
    for check in report.checks:
        style = _OUTCOME_STYLE[check.outcome]
        out.print(
            f"[{style}]{check.outcome.upper():8}[/{style}] {escape(check.title)}: "
            f"{escape(check.message)} {cited(check.sources)}"
        )


@procedures.command("add")
def procedure_add_command(
    record: JsonFile,
    check_only: Annotated[
        bool, typer.Option("--check-only", help="Run the protocol checks without saving.")
    ] = False,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: AsJson = False,
) -> None:
    """Record a procedure from JSON; prints the protocol checks, refuses what they forbid."""
    data = read_json_file(record, "--json")
    with registry_transaction(user) as (session, actor):
        if check_only:
            report = preview_procedure(session, actor, data)[3]
            procedure_id = None
        else:
            try:
                row, report = record_procedure(session, actor, data, reason or "record procedure")
            except ProcedureRefused as refused:
                if as_json:
                    checks = [check.model_dump() for check in refused.report.checks]
                    print_json({"procedure": None, "refused": True, "checks": checks})
                else:
                    _print_checks(refused.report)
                raise
            procedure_id = row.id
    if as_json:
        checks = [check.model_dump() for check in report.checks]
        print_json({"procedure": procedure_id, "refused": report.refused, "checks": checks})
        return
    _print_checks(report)
    if procedure_id is not None:
        typer.echo(f"Saved procedure {procedure_id} and its follow-up schedule.")
    elif report.refused:
        typer.echo("Checked only: this procedure would be refused.")
    else:
        typer.echo("Checked only: nothing was saved.")


@medications.command("add")
def medication_add_command(
    record: JsonFile, user: UserOption = None, reason: ReasonOption = None
) -> None:
    """Note a medicine on an episode from JSON (drug, is_nsaid, started_on, stopped_on)."""
    data = read_json_file(record, "--json")
    with registry_transaction(user) as (session, actor):
        row = record_medication(session, actor, data, reason or "note medicine")
        note_id = row.id
    typer.echo(f"Saved medicine note {note_id}.")


@followups.command("due")
def due_command(
    within: Annotated[str, typer.Option("--within", help="Horizon such as 14d or 2w.")] = "14d",
    today: Annotated[str | None, typer.Option("--today", metavar="YYYY-MM-DD")] = None,
    user: UserOption = None,
    as_json: JsonFlag = False,
) -> None:
    """List follow-ups whose window is open now or opens within the horizon."""
    horizon = parse_within(within)
    day = date.today() if today is None else parse_iso_date(today, "--today")
    with registry_transaction(user) as (session, actor):
        due = due_follow_ups(session, actor, day, horizon)
    if as_json:
        print_json([visit.model_dump(mode="json") for visit in due])
        return
    table = Table(
        "patient",
        "episode",
        "timepoint",
        "due",
        "window",
        "status",
        title=f"Due by {day} + {horizon} days",
    )
    for visit in due:
        table.add_row(
            visit.registry_key,
            str(visit.episode_id),
            visit.timepoint,
            visit.due_on.isoformat(),
            f"{visit.window_opens} to {visit.window_closes}",
            visit.status,
        )
    console().print(table)


BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="Address patients reach the web app on, such as https://clinic.example "
        "(default: REGENSPINE_PUBLIC_BASE_URL).",
    ),
]


def link_base(settings: Settings, base_url: str | None) -> str:
    """The address links are made on: --base-url, else the setting; the CLI has no request."""
    if base_url is not None:
        try:
            return plain_web_address(base_url, "--base-url")
        except SettingsProblem:
            raise InvalidInput(
                "--base-url", f"{base_url!r} is not a web address", PUBLIC_BASE_URL_SHAPE
            ) from None
    if settings.public_base_url is None:
        raise InvalidInput(
            "--base-url",
            "a link needs the address patients reach the web app on, and the command line has "
            "no web request to take it from; give --base-url https://clinic.example or set "
            "REGENSPINE_PUBLIC_BASE_URL",
            PUBLIC_BASE_URL_SHAPE,
        )
    return settings.public_base_url


@followups.command("link")
def link_command(
    follow_up: Annotated[int, typer.Argument(help="Follow-up visit number (see `followups due`).")],
    user: UserOption = None,
    base_url: BaseUrlOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Make a one-time, expiring self-report link for a due follow-up."""
    settings = get_settings()
    # Checked before the transaction, so a refused address writes no link.
    base = link_base(settings, base_url)
    with registry_transaction(user) as (session, actor):
        invite = create_self_report_link(
            session, actor, follow_up, datetime.now(UTC), settings.self_report_link_hours
        )
    url = link_url(base, invite.path)
    if as_json:
        print_json(invite.model_dump(mode="json") | {"url": url})
        return
    typer.echo(f"Self-report link for {invite.registry_key} at {invite.timepoint}: {url}")
    typer.echo(f"It works once, until {invite.expires_at:%Y-%m-%d %H:%M} UTC.")


@followups.command("remind")
def remind_command(
    within: Annotated[str, typer.Option("--within", help="Horizon such as 14d or 2w.")] = "14d",
    user: UserOption = None,
    base_url: BaseUrlOption = None,
    as_json: JsonFlag = False,
) -> None:
    """E-mail a self-report link for each due follow-up not yet reminded (never twice)."""
    horizon = parse_within(within)
    settings = get_settings()
    base = link_base(settings, base_url)
    mailer = SmtpMailer(settings)
    outcomes = []
    with open_registry() as registry:
        with registry.transaction() as session:
            actor = acting_user(session, user)
            due = follow_ups_to_remind(session, actor, datetime.now(UTC), horizon)
        # One transaction per reminder: a failure later on cannot undo the record of a sent one.
        for visit in due:
            with registry.transaction() as session:
                actor = acting_user(session, user)
                outcomes.append(
                    remind(session, actor, visit, mailer, settings, datetime.now(UTC), base)
                )
    if as_json:
        print_json([outcome.model_dump() for outcome in outcomes])
        return
    for outcome in outcomes:
        state = "sent" if outcome.sent else "skipped"
        typer.echo(f"{outcome.registry_key} {outcome.timepoint}: {state}, {outcome.detail}")
    typer.echo(f"{sum(o.sent for o in outcomes)} reminder(s) sent.")


@commands.command("assess")
def assess_command(
    patient: PatientKey,
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. odi, zcq, nrs_leg.")],
    answers: Annotated[str, typer.Option("--answers", help="Comma-separated; '-' for missing.")],
    timepoint: Annotated[
        str, typer.Option("--timepoint", help="baseline, 2w, 6w, 3m, 6m, 12m, 24m.")
    ],
    on: OnDate = None,
    episode: Annotated[
        int | None, typer.Option("--episode", help="Default: the open episode.")
    ] = None,
    user: UserOption = None,
    reason: ReasonOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Score and store a questionnaire for a patient at a follow-up timepoint."""
    day = date.today() if on is None else parse_iso_date(on, "--on")
    with registry_transaction(user) as (session, actor):
        stored = record_assessment(
            session,
            actor,
            registry_key=patient,
            instrument=instrument,
            answers=answers,
            timepoint=timepoint,
            assessed_on=day,
            reason=reason or "record assessment",
            episode_id=episode,
        )
    if as_json:
        print_json(stored)
        return
    score = "no score" if stored.scored.score is None else f"{stored.scored.score:g}"
    typer.echo(
        f"Stored {stored.scored.instrument_title} at {stored.timepoint} for {stored.registry_key}: "
        f"{score}" + (f" ({stored.scored.reason})" if stored.scored.reason else "")
    )
    if stored.window_note:
        typer.echo(f"Note: {stored.window_note}")


@adverse_events.command("add")
def adverse_event_add_command(
    record: JsonFile, user: UserOption = None, reason: ReasonOption = None, as_json: AsJson = False
) -> None:
    """Record an adverse event from JSON (CTCAE grade, ICH E2A seriousness, relatedness)."""
    data = read_json_file(record, "--json")
    with registry_transaction(user) as (session, actor):
        row, assessment = record_adverse_event(
            session, actor, data, reason or "record adverse event"
        )
        event_id = row.id
    if as_json:
        print_json({"adverse_event": event_id, "assessment": assessment.model_dump(mode="json")})
        return
    serious = "serious" if assessment.serious else "not serious"
    typer.echo(f"Saved adverse event {event_id}: {assessment.grade_label}, {serious}.")


@interventions.command("add")
def intervention_add_command(
    patient: PatientKey,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help=f"One of: {', '.join(INTERVENTION_KINDS)}.",
        ),
    ],
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD")],
    description: Annotated[str | None, typer.Option("--description")] = None,
    episode: Annotated[
        int | None, typer.Option("--episode", help="Default: the open episode.")
    ] = None,
    user: UserOption = None,
    reason: ReasonOption = None,
) -> None:
    """Record a later intervention (surgery ends the surgery-free time)."""
    data = {
        "patient": patient,
        "episode": episode,
        "kind": kind,
        "performed_on": parse_iso_date(on, "--on"),
        "description": description,
    }
    if episode is None:
        data.pop("episode")
    with registry_transaction(user) as (session, actor):
        row = record_intervention(session, actor, data, reason or "record intervention")
        view = (row.id, row.is_surgery)
    typer.echo(f"Saved intervention {view[0]}" + (" (spine surgery)." if view[1] else "."))


@commands.command("audit")
def audit_command(
    entity: Annotated[
        str | None, typer.Option("--entity", help="Only this kind of record.")
    ] = None,
    record: Annotated[
        str | None, typer.Option("--record", help="Only this record (a registry key or id).")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Only what this user did.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action.")] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="YYYY-MM-DD")] = None,
    before: Annotated[
        int | None, typer.Option("--before", help="Older than this event id (the next page).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_PAGE)] = DEFAULT_PAGE,
    user: UserOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Show the newest audit events (admins only)."""
    filters = {
        "entity": entity,
        "entity_id": record,
        "username": by,
        "action": action,
        "since": since,
        "until": until,
        "before": before,
        "limit": limit,
    }
    query = audit_query(filters)
    with registry_transaction(user) as (session, actor):
        page = audit_page(session, actor, query)
        events = [
            {
                "id": e.id,
                "at": e.occurred_at.isoformat(timespec="seconds"),
                "user": e.username,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "reason": e.reason,
            }
            for e in page.events
        ]
    more = f"More: add --before {page.older} for older events." if page.older else None
    if as_json:
        # The list stays the whole JSON output; where the next page starts goes to stderr.
        print_json(events)
        if more:
            typer.echo(more, err=True)
        return
    table = Table("id", "when (UTC)", "user", "action", "record", "why")
    for e in events:
        record_name = f"{e['entity']} {e['entity_id'] or ''}".strip()
        table.add_row(
            *(str(e[key]) for key in ("id", "at", "user", "action")), record_name, str(e["reason"])
        )
    console().print(table)
    if more:
        typer.echo(more)
