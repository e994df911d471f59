"""API tokens: issued once, stored as a hash, acting as their user on the JSON API."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from regenspine.errors import Forbidden
from regenspine.registry.access import Permission, allows
from regenspine.registry.models import ApiToken, User
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.selfreport import TOKEN_BYTES, token_hash
from regenspine.registry.services.users import find_user


def issue_api_token(session: Session, actor: User, username: str, label: str) -> str:
    """A new token for a user (your own, or anyone's for an admin); returned once, in clear."""
    owner = find_user(session, username)
    if owner.id != actor.id and not allows(actor, Permission.manage_users):
        raise Forbidden("user: only an admin may issue tokens for someone else")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(user_id=owner.id, token_hash=token_hash(token), label=label or "api")
    session.add(row)
    session.flush()
    record_audit(
        session, actor, "create", "api_token", row.id, "issue API token", {"owner": owner.username}
    )
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token acts as, or None for an unknown or revoked token."""
    user = session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
    )
    return user if user is not None and user.active else None


def revoke_api_tokens(session: Session, actor: User, username: str, now: datetime) -> int:
    """Revoke every live token of a user; returns how many."""
    owner = find_user(session, username)
    if owner.id != actor.id and not allows(actor, Permission.manage_users):
        raise Forbidden("user: only an admin may revoke someone else's tokens")
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == owner.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
    record_audit(
        session,
        actor,
        "update",
        "api_token",
        owner.id,
        "revoke API tokens",
        {"revoked": len(tokens)},
    )
    return len(tokens)
