"""Signing in and out of the clinician workspace, with login rate limiting.

A sign-in replaces the whole session (a fresh form token, nothing carried over from before), and
after too many failures for one username from one address the form answers 429 until the
window has passed, without checking the password at all.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from regenspine.registry.services.users import authenticate
from regenspine.web.forms.fields import text
from regenspine.web.plumbing.throttle import LoginThrottle
from regenspine.web.plumbing.transaction import DbSession, keep_nothing
from regenspine.web.workspace.common import (
    HOME,
    LOGIN,
    USER_KEY,
    CheckedForm,
    ClinicUser,
    checked_form,
    go_to,
    render_clinic,
)

router = APIRouter(include_in_schema=False)
WRONG = "The username or the password is not right."
MAX_USERNAME = 60


def safe_next(wanted: str) -> str:
    """Where to go after signing in: a workspace page of this site, never another site."""
    if wanted.startswith("/clinic/") and not wanted.startswith("/clinic//") and "\\" not in wanted:
        return wanted
    return HOME


def throttle_of(request: Request) -> LoginThrottle:
    """The app's login counter."""
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


def _login_page(
    request: Request, form: FormData | None, message: str | None, status_code: int
) -> HTMLResponse:
    context: dict[str, Any] = {
        "login_message": message,
        "username": text(form, "username")[:MAX_USERNAME] if form is not None else "",
        "next": safe_next(text(form, "next") if form is not None else ""),
    }
    if form is None:
        context["next"] = safe_next(request.query_params.get("next", ""))
    return render_clinic(request, None, "clinic/login.html.j2", context, status_code)


@router.get("/clinic", response_class=HTMLResponse)
def workspace_home() -> RedirectResponse:
    """The workspace starts at the patient list."""
    return RedirectResponse(HOME, status_code=303)


@router.get("/clinic/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """The sign-in form (already signed in: on to the patient list)."""
    if isinstance(request.session.get(USER_KEY), str):
        return RedirectResponse(HOME, status_code=303)
    return _login_page(request, None, None, 200)


@router.post("/clinic/login", response_class=HTMLResponse)
def login(request: Request, form: CheckedForm, session: DbSession) -> Response:
    """Check the password (argon2); sign in, or say no; pause after repeated failures."""
    username = text(form, "username")[:MAX_USERNAME]
    address = request.client.host if request.client else "unknown"
    throttle = throttle_of(request)
    key = throttle.key(username, address)
    wait = throttle.wait_seconds(key)
    if wait:
        minutes = -(-wait // 60)
        message = (
            f"Too many failed sign-ins for this username from your network address. "
            f"Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again."
        )
        response = _login_page(request, form, message, 429)
        response.headers["retry-after"] = str(wait)
        return response
    user = authenticate(session, username, text(form, "password"))
    if user is None:
        throttle.failed(key)
        keep_nothing(request)
        return _login_page(request, form, WRONG, 401)
    throttle.succeeded(key)
    request.session.clear()
    request.session[USER_KEY] = user.username
    return go_to(request, safe_next(text(form, "next")), f"Signed in as {user.display_name}.")


@router.post("/clinic/logout", response_class=HTMLResponse, dependencies=[Depends(checked_form)])
def logout(request: Request, user: ClinicUser) -> RedirectResponse:
    """End the session."""
    request.session.clear()
    return go_to(request, LOGIN, "You are signed out.")
