"""Users: adding them with an argon2 password hash, signing in, and finding the acting user."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regenspine.errors import Conflict, Forbidden, InvalidInput, NotFound
from regenspine.registry.access import Permission, require
from regenspine.registry.models import ROLES, User
from regenspine.registry.services.audit import record_audit

_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,59}")
MIN_PASSWORD_LENGTH = 12
# argon2-cffi's defaults follow RFC 9106's recommended parameters.
_HASHER = PasswordHasher()


def user_count(session: Session) -> int:
    """How many users exist (zero means the first admin may be created without signing in)."""
    return session.scalar(select(func.count()).select_from(User)) or 0


def add_user(
    session: Session,
    actor: User | None,
    *,
    username: str,
    role: str,
    password: str,
    display_name: str | None = None,
) -> User:
    """Create a user; the very first user must be an admin and needs no acting user."""
    if actor is None:
        if user_count(session) > 0:
            raise Forbidden("user: only an admin may add users once the first admin exists")
        if role != "admin":
            raise InvalidInput("role", "the first user must be an admin", ["admin"])
    else:
        require(actor, Permission.manage_users)
    _check_new_user(session, username, role, password)
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=_HASHER.hash(password),
    )
    session.add(user)
    session.flush()
    record_audit(session, actor or user, "create", "user", user.id, "add user", {"role": role})
    return user


def _check_new_user(session: Session, username: str, role: str, password: str) -> None:
    if not _USERNAME.fullmatch(username):
        raise InvalidInput(
            "username", f"{username!r} is not allowed", "2-60 of a-z 0-9 . _ -, starting a-z"
        )
    if role not in ROLES:
        raise InvalidInput("role", f"{role!r} is not a role", ROLES)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", "too short", f"at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"username: {username} already exists")


def find_user(session: Session, username: str) -> User:
    """The active user with this username, for the CLI's --user option."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user: no user named {username!r} (add one with `regenspine users add`)")
    if not user.active:
        raise Forbidden(f"user: {username} is deactivated")
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the password matches, else None; rehashes when parameters changed."""
    user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None:
        # Hash anyway so a missing user takes as long as a wrong password.
        _HASHER.hash(password)
        return None
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    record_audit(session, user, "login", "user", user.id, "signed in")
    return user


def list_users(session: Session, actor: User) -> list[User]:
    """Every user, for admins."""
    require(actor, Permission.manage_users)
    return list(session.scalars(select(User).order_by(User.username)))
