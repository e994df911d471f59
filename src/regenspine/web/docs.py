"""The API documentation page: Swagger UI from vendored files, started by a static script.

FastAPI's own /docs page loads Swagger UI from a CDN and starts it with an inline script; both
break the rule that no request leaves the machine and the policy that forbids inline scripts.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from regenspine.web.rendering import TEMPLATES

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for /openapi.json, entirely from this app's own static files."""
    context = {"openapi_url": request.app.openapi_url, "title": request.app.title}
    return TEMPLATES.TemplateResponse(request, "docs.html.j2", context)
