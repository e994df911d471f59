"""What every workspace page shares: the signed-in user, checked forms, and page rendering.

Routes take `ClinicUser` (sends the browser to the sign-in page when nobody is signed in) and,
for writes, `CheckedForm` (the submitted form, refused with 403 unless it carries this session's
CSRF token). Pages are rendered with the user, what the role allows, the form token and a notice
left by the previous request.

Every write that stores something answers 303 to a page that shows the result (Post/Redirect/Get),
with a one-time notice kept in the session: a reload shows the page again and stores nothing.
A notice is plain text, or a `Notice` mapping whose statements carry their sources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, TypeAlias

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData, ImmutableMultiDict

from regenspine.errors import Conflict, Forbidden, InvalidInput, NotFound, RegenspineError
from regenspine.registry.access import Permission, allows
from regenspine.registry.models import User
from regenspine.registry.services.users import find_user
from regenspine.web.forms.fields import FormFields, form_problems, refuse_nul_in_form
from regenspine.web.plumbing.input_guard import MAX_RECORD_ID
from regenspine.web.plumbing.sessions import CSRF_FIELD, check_csrf, csrf_token
from regenspine.web.plumbing.transaction import DbSession, keep_nothing
from regenspine.web.rendering import render

USER_KEY = "user"
NOTICE_KEY = "notice"
HOME = "/clinic/patients"
LOGIN = "/clinic/login"
# Why a workspace write happened, for the audit trail (the CLI takes --reason instead).
REASON = "clinic workspace"
NO_FORM: FormFields = ImmutableMultiDict()
# What a form shows next to its fields; a refused role (Forbidden) gets the 403 page instead.
FORM_ERRORS = (InvalidInput, Conflict, NotFound)
# A notice: plain text, or {"text", "sources", "details", "next", ...} (see notices.py). It lives
# in the signed session cookie until the next page shows it, so it stays small.
Notice: TypeAlias = str | dict[str, Any]


class SignInRequired(Exception):
    """Nobody (or a user who no longer may) is signed in; the page asked for is kept."""

    def __init__(self, wanted: str) -> None:
        super().__init__("sign in required")
        self.wanted = wanted


def signed_in_user(request: Request, session: DbSession) -> User:
    """The active user of this session, or SignInRequired."""
    username = request.session.get(USER_KEY)
    if not isinstance(username, str):
        raise SignInRequired(request.url.path)
    try:
        return find_user(session, username)
    except (NotFound, Forbidden):
        # Deactivated or removed since signing in: the session ends here.
        request.session.clear()
        raise SignInRequired(request.url.path) from None


async def checked_form(request: Request) -> FormData:
    """The submitted form, refused (403) unless it carries this session's CSRF token."""
    form = await request.form(max_files=0)
    check_csrf(request, form.get(CSRF_FIELD))
    refuse_nul_in_form(form)
    return form


ClinicUser = Annotated[User, Depends(signed_in_user)]
CheckedForm = Annotated[FormData, Depends(checked_form)]
# Record numbers and registry keys in addresses, checked before they reach the database.
RecordId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID)]
RegistryKey = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]


def today() -> dt.date:
    """The clinic's date today (the server's local date)."""
    return dt.date.today()


def now() -> dt.datetime:
    """The time now, in UTC."""
    return dt.datetime.now(dt.UTC)


def permissions(user: User) -> dict[str, bool]:
    """What the user's role allows, by permission name, for showing only the usable actions."""
    return {permission.name: allows(user, permission) for permission in Permission}


def render_clinic(
    request: Request,
    user: User | None,
    template: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A workspace page with the user, their permissions, the form token and any notice."""
    shared: dict[str, Any] = {
        "user": user,
        "can": permissions(user) if user is not None else {},
        "csrf_token": csrf_token(request),
        "notice": take_notice(request),
        "submitted": NO_FORM,
        "today": today(),
    }
    response = render(request, template, {**shared, **(context or {})}, status_code=status_code)
    # Workspace pages show identifying details: no copy stays in any cache, the browser's own
    # included (a shared clinic computer).
    response.headers["cache-control"] = "no-store"
    return response


def show_problems(
    request: Request,
    user: User,
    template: str,
    context: Mapping[str, Any],
    error: RegenspineError,
    prefix: str = "",
) -> HTMLResponse:
    """The form again with each problem at its field; nothing of this request is stored."""
    keep_nothing(request)
    errors = form_problems(error, prefix)
    return render_clinic(request, user, template, {**context, "errors": errors}, error.status)


def take_notice(request: Request) -> Notice | None:
    """The notice the previous request left, removed so that it is shown only once."""
    notice: Notice | None = request.session.pop(NOTICE_KEY, None)
    return notice


def go_to(request: Request, path: str, notice: Notice | None = None) -> RedirectResponse:
    """After a write: on to the next page (303, so a reload does not send the form again)."""
    if notice:
        request.session[NOTICE_KEY] = notice
    return RedirectResponse(path, status_code=303)
