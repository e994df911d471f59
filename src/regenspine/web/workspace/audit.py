"""The audit trail for admins: who did what, when and why, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from regenspine.registry.services.audit import audit_trail
from regenspine.web.plumbing.transaction import DbSession
from regenspine.web.workspace.common import ClinicUser, render_clinic

router = APIRouter(include_in_schema=False)
SHOWN = 200
ENTITY_CHARACTERS = 40


@router.get("/clinic/audit", response_class=HTMLResponse)
def audit(request: Request, user: ClinicUser, session: DbSession) -> HTMLResponse:
    """The newest audit events, optionally for one kind of record (admins only)."""
    entity = request.query_params.get("entity", "").strip()[:ENTITY_CHARACTERS].replace("\x00", "")
    events = audit_trail(session, user, entity=entity or None, limit=SHOWN)
    context = {"events": events, "entity": entity, "shown": SHOWN}
    return render_clinic(request, user, "clinic/audit.html.j2", context)
