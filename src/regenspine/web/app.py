"""The app factory: public pages, the JSON API under /api/v1, API docs, static files.

Areas plug in as routers (`PUBLIC_PAGES` today; the clinician workspace, patient self-report and
the authenticated API join the same way), behind one security-headers middleware and one error
rendering.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from regenspine import __version__
from regenspine.config import Settings, get_settings
from regenspine.web.api import public
from regenspine.web.docs import router as docs_router
from regenspine.web.errors import install_error_handlers
from regenspine.web.pages import PUBLIC_PAGES
from regenspine.web.security import SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).parent / "static"
API_PREFIX = "/api/v1"
DESCRIPTION = (
    "Evidence-based decision aid for stem cell therapy of spinal stenosis. Every clinical "
    "statement comes from a curated knowledge base and names its sources. For education only."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app; settings are read from the environment when none are given."""
    app = FastAPI(
        title="regenspine",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings or get_settings()
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in PUBLIC_PAGES:
        app.include_router(router)
    app.include_router(public.router, prefix=API_PREFIX)
    app.include_router(docs_router)
    return app
