"""User commands: add users (the first one is the admin) and list them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from regenspine.cli.output import JsonFlag, console, print_json
from regenspine.cli.transaction import UserOption, open_registry, registry_transaction
from regenspine.errors import InvalidInput
from regenspine.registry.models import ROLES
from regenspine.registry.services.tokens import issue_api_token
from regenspine.registry.services.users import add_user, find_user, list_users, user_count

commands = typer.Typer()
users = typer.Typer(help="Registry users and their roles.", no_args_is_help=True)
commands.add_typer(users, name="users")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InvalidInput("--password-stdin", "no terminal to ask for a password on", ["use it"])
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="Login name: a-z, 0-9, '.', '_' or '-'.")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    display_name: Annotated[str | None, typer.Option("--display-name")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    user: UserOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Add a user; the first user must be an admin and needs no --user."""
    password = _read_password(password_stdin)
    with open_registry() as registry, registry.transaction() as session:
        actor = None
        if user_count(session) > 0:
            if not user:
                raise InvalidInput("--user", "only an admin may add users", "an admin username")
            actor = find_user(session, user)
        created = add_user(
            session,
            actor,
            username=username,
            role=role,
            password=password,
            display_name=display_name,
        )
        view = {"username": created.username, "role": created.role, "id": created.id}
    if as_json:
        print_json(view)
        return
    typer.echo(f"Added user {view['username']} with role {view['role']}.")


@users.command("token")
def token_command(
    username: Annotated[str, typer.Argument(help="Whose token (your own, or anyone's as admin).")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "api",
    user: UserOption = None,
) -> None:
    """Issue an API token; it is printed once and stored only as a hash."""
    with registry_transaction(user) as (session, actor):
        token = issue_api_token(session, actor, username, label)
    typer.echo(token)


@users.command("list")
def list_command(user: UserOption = None, as_json: JsonFlag = False) -> None:
    """List users and their roles (admins only)."""
    with registry_transaction(user) as (session, actor):
        rows = [
            {"username": u.username, "name": u.display_name, "role": u.role, "active": u.active}
            for u in list_users(session, actor)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("username", "name", "role", "active")
    for row in rows:
        table.add_row(
            str(row["username"]),
            str(row["name"]),
            str(row["role"]),
            "yes" if row["active"] else "no",
        )
    console().print(table)
