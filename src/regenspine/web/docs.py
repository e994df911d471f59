"""The API documentation page: Swagger UI from vendored files, started by a static script; and
the OpenAPI document it reads, encoded once rather than on every request.

FastAPI's own /docs page loads Swagger UI from a CDN and starts it with an inline script; both
break the rule that no request leaves the machine and the policy that forbids inline scripts.
FastAPI's own /openapi.json keeps the schema but encodes its 60 KB of JSON again for each
request; this one keeps the bytes until the schema changes (FastAPI builds it anew when routes
are added).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from regenspine.web.rendering import render_fixed

OPENAPI_URL = "/openapi.json"
router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for /openapi.json, entirely from this app's own static files."""
    app = request.app
    return await render_fixed(request, "docs.html.j2", _docs_context, app.openapi_url, app.title)


def _docs_context(openapi_url: str, title: str) -> dict[str, Any]:
    return {"openapi_url": openapi_url, "title": title}


@router.get(OPENAPI_URL)
async def openapi_document(request: Request) -> Response:
    """The OpenAPI document of this app, with the proxy's root path as its server if any."""
    app: FastAPI = request.app
    root_path = request.scope.get("root_path", "").rstrip("/")
    if root_path:
        # Behind a proxy prefix the document names it, as FastAPI's own route does.
        schema = dict(app.openapi())
        servers = schema.get("servers", [])
        if root_path not in {server.get("url") for server in servers}:
            schema["servers"] = [{"url": root_path}, *servers]
        return JSONResponse(schema)
    return Response(await _encoded(app), media_type="application/json")


async def _encoded(app: FastAPI) -> bytes:
    """The schema's JSON, as FastAPI's route would send it, encoded once per schema."""
    schema = app.openapi()
    kept: tuple[dict[str, Any], bytes] | None = getattr(app.state, "openapi_json", None)
    if kept is None or kept[0] is not schema:
        body = await run_in_threadpool(lambda: bytes(JSONResponse(schema).body))
        kept = (schema, body)
        app.state.openapi_json = kept
    return kept[1]
