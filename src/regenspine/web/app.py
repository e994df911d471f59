"""The app factory: public pages, the clinician workspace, patient self-report, the JSON API
under /api/v1 (public and token-authenticated), API docs and static files.

The registry is built here from the settings (never at import) and migrated to the newest
schema when the app starts, so `regenspine serve` works on a fresh machine. Every area plugs in
as routers behind one security-headers middleware, signed session cookies and one error rendering.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from regenspine import __version__
from regenspine.config import Settings, get_settings
from regenspine.registry.database import Registry
from regenspine.registry.migrate import upgrade
from regenspine.web import selfreport
from regenspine.web.api import private, public
from regenspine.web.docs import OPENAPI_URL
from regenspine.web.docs import router as docs_router
from regenspine.web.pages import PUBLIC_PAGES
from regenspine.web.plumbing.errors import install_error_handlers
from regenspine.web.plumbing.security import SecurityHeadersMiddleware
from regenspine.web.plumbing.sessions import ClinicSessionMiddleware, session_secret
from regenspine.web.plumbing.throttle import LoginThrottle
from regenspine.web.registry_numbers import RegistryNumbers
from regenspine.web.static_files import KeptStaticFiles
from regenspine.web.workspace import install_workspace

STATIC_DIR = Path(__file__).parent / "static"
API_PREFIX = "/api/v1"
DESCRIPTION = (
    "Evidence-based decision aid for stem cell therapy of spinal stenosis, and its outcomes "
    "registry. The decision-aid endpoints are public; the registry endpoints need an API token "
    "(`Authorization: Bearer <token>`, issued by `regenspine users token NAME`) and follow the "
    "token user's role. Every clinical statement comes from a curated knowledge base and names "
    "its sources. For education only."
)


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> FastAPI:
    """Build the web app; settings are read from the environment and the registry built from
    them unless given (tests pass a registry of their own, which the app then leaves open)."""
    settings = settings or get_settings()
    owned = registry is None
    database = registry or Registry.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Migrating on start makes a fresh machine work with `regenspine serve` alone.
        await run_in_threadpool(upgrade, database.engine)
        yield
        if owned:
            database.dispose()

    app = FastAPI(
        title="regenspine",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        # The document is served by web/docs.py, which keeps its encoded bytes.
        openapi_url=None,
        lifespan=lifespan,
    )
    app.openapi_url = OPENAPI_URL
    app.state.settings = settings
    app.state.registry = database
    app.state.registry_numbers = RegistryNumbers(database)
    app.state.login_throttle = LoginThrottle()
    app.add_middleware(ClinicSessionMiddleware, secret_key=session_secret(settings))
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)
    app.mount("/static", KeptStaticFiles(directory=STATIC_DIR), name="static")
    for router in PUBLIC_PAGES:
        app.include_router(router)
    install_workspace(app)
    app.include_router(selfreport.router)
    app.include_router(public.router, prefix=API_PREFIX)
    app.include_router(private.router, prefix=API_PREFIX)
    app.include_router(docs_router)
    return app
