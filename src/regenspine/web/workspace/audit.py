"""The audit trail for admins: who did what, when and why, newest first, filtered and paged."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import QueryParams

from regenspine.errors import InvalidInput
from regenspine.registry.models.access import AUDIT_ACTIONS
from regenspine.registry.services.audit import audit_page, audit_query, compact_details
from regenspine.web.forms.fields import problems_by_field, text
from regenspine.web.plumbing.transaction import DbSession
from regenspine.web.workspace.common import ClinicUser, render_clinic

router = APIRouter(include_in_schema=False)

# The page's field names and the query's: `user` and `record` read better in an address.
FILTERS = {
    "user": "username",
    "action": "action",
    "entity": "entity",
    "record": "entity_id",
    "since": "since",
    "until": "until",
}


def _page_link(params: QueryParams, before: int | None) -> str:
    """The address of a page with the same filters: the newest, or the one before `before`."""
    kept = [(name, value) for name, value in params.multi_items() if name != "before"]
    cursor = [] if before is None else [("before", str(before))]
    return "/clinic/audit?" + str(QueryParams([*kept, *cursor]))


@router.get("/clinic/audit", response_class=HTMLResponse)
def audit(request: Request, user: ClinicUser, session: DbSession) -> HTMLResponse:
    """The newest audit events that match the filters, fifty to a page (admins only)."""
    params = request.query_params
    chosen = {name: text(params, name) for name in FILTERS}
    context = {"chosen": chosen, "actions": AUDIT_ACTIONS, "details": compact_details}
    try:
        query = audit_query(
            {FILTERS[name]: value for name, value in chosen.items()}
            | {"before": text(params, "before")}
        )
    except InvalidInput as problem:
        errors = {
            _page_field(name): message for name, message in problems_by_field(problem).items()
        }
        context |= {"errors": errors, "events": [], "older": None, "newest": None}
        return render_clinic(request, user, "clinic/audit.html.j2", context, status_code=422)
    page = audit_page(session, user, query)
    older = _page_link(params, page.older) if page.older is not None else None
    newest = _page_link(params, None) if query.before is not None else None
    context |= {"events": page.events, "older": older, "newest": newest}
    return render_clinic(request, user, "clinic/audit.html.j2", context)


def _page_field(name: str) -> str:
    """The page's field for a query field, so the message shows next to the right box."""
    return {value: key for key, value in FILTERS.items()}.get(name, name)
