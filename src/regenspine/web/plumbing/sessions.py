"""Signed session cookies for the clinician workspace, their key, and the CSRF token they carry.

The cookie holds only who signed in and the form token; it is signed with itsdangerous by
Starlette's SessionMiddleware, HttpOnly, SameSite=Lax, limited to /clinic, and Secure whenever
the request came in over TLS (directly, or through a proxy uvicorn trusts).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from regenspine.config import Settings
from regenspine.errors import Forbidden, InvalidInput

SECRET_FILE = "session-secret"  # noqa: S105 (the file name, not a secret)
MIN_SECRET_LENGTH = 32
SESSION_COOKIE = "regenspine_clinic"
COOKIE_PATH = "/clinic"
# A working day: a shared clinic computer should not stay signed in overnight (our own choice).
SESSION_SECONDS = 8 * 60 * 60
CSRF_FIELD = "csrf_token"
CSRF_KEY = "csrf"
TLS_SCHEMES = ("https", "wss")


def session_secret(settings: Settings) -> str:
    """The key that signs session cookies: from the settings, else kept in data_dir (mode 0600)."""
    if settings.secret_key:
        if len(settings.secret_key) < MIN_SECRET_LENGTH:
            raise InvalidInput(
                "REGENSPINE_SECRET_KEY", "is too short", f"at least {MIN_SECRET_LENGTH} characters"
            )
        return settings.secret_key
    return _stored_secret(settings.data_dir / SECRET_FILE)


def _stored_secret(path: Path) -> str:
    """Read the key file, creating it first with owner-only permissions when it is missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a private file first, then linked into place: two processes starting at
        # once end up with the same key, and nobody ever reads a half-written file.
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def in_clinic(scope: Scope) -> bool:
    """Whether the request is for the workspace, the only place its cookie is sent."""
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root) :]
    return path == COOKIE_PATH or path.startswith(COOKIE_PATH + "/")


class ClinicSessionMiddleware:
    """Starlette's signed-cookie sessions, with the Secure flag whenever the request used TLS."""

    def __init__(self, app: ASGIApp, secret_key: str) -> None:
        options = {
            "secret_key": secret_key,
            "session_cookie": SESSION_COOKIE,
            "max_age": SESSION_SECONDS,
            "path": COOKIE_PATH,
            "same_site": "lax",
        }
        self.app = app
        self.plain = SessionMiddleware(app, https_only=False, **options)  # type: ignore[arg-type]
        self.secure = SessionMiddleware(app, https_only=True, **options)  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A workspace request goes to the variant that matches its scheme; others pass on."""
        if scope["type"] == "http" and not in_clinic(scope):
            # Browsers send the cookie to /clinic only, so no other address ever carries one
            # and there is nothing to read, sign or write: public pages skip the work.
            scope["session"] = {}
            await self.app(scope, receive, send)
            return
        chosen = self.secure if scope.get("scheme") in TLS_SCHEMES else self.plain
        await chosen(scope, receive, send)


def csrf_token(request: Request) -> str:
    """This session's form token, made on first use."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def check_csrf(request: Request, submitted: object) -> None:
    """Refuse a form whose token is missing or not this session's (Forbidden, shown as 403)."""
    expected = request.session.get(CSRF_KEY)
    if (
        not isinstance(expected, str)
        or not isinstance(submitted, str)
        or not secrets.compare_digest(expected.encode(), submitted.encode())
    ):
        raise Forbidden(
            f"{CSRF_FIELD}: this form is out of date or did not come from this site; "
            "reload the page and try again"
        )
