"""The clinician workspace under /clinic: sign-in, patients, episodes, procedures, follow-ups,
PROM entry, safety records, the registry dashboard and the audit trail; one router per area."""

from typing import cast

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import URL

from regenspine.web.workspace import (
    audit,
    auth,
    dashboard,
    episodes,
    followups,
    patients,
    procedures,
    safety,
)
from regenspine.web.workspace.common import LOGIN, SignInRequired

CLINIC_PAGES: tuple[APIRouter, ...] = (
    auth.router,
    patients.router,
    episodes.router,
    procedures.router,
    followups.router,
    safety.router,
    dashboard.router,
    audit.router,
)


async def sign_in_first(request: Request, error: Exception) -> Response:
    """Send the browser to the sign-in page, which comes back to the page asked for."""
    # Registered for SignInRequired only (install_workspace), so the type is known.
    error = cast(SignInRequired, error)
    target = URL(LOGIN).include_query_params(next=error.wanted)
    if request.headers.get("hx-request") == "true":
        # htmx would swap the sign-in page into a part of the page; load it as a whole instead.
        return Response(status_code=204, headers={"hx-redirect": str(target)})
    return RedirectResponse(str(target), status_code=303)


def install_workspace(app: FastAPI) -> None:
    """Add the workspace pages and the redirect to the sign-in page."""
    app.add_exception_handler(SignInRequired, sign_in_first)
    for router in CLINIC_PAGES:
        app.include_router(router)
