"""The FastAPI application: server-rendered pages, the JSON API under /api/, shipped assets.

    from veille.serve import create_app
    app = create_app(settings)          # opens settings.db (SQLite, WAL) for the app's lifetime

`settings.db` may also name a Parquet dataset folder (veille.dataset): the app then reads it with
DuckDB and refuses uploads (E402, the dataset is read-only).

Everything a page needs (styles, the one script, the world outline) is served from the
package: the app works with no network. The store is one SQLiteStore shared by the request
threads (its connection is opened with check_same_thread=False and guarded by its lock);
WAL lets `veille ingest` write to the same file while the server reads.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..config import Settings, load_settings
from ..models import FACTUALITIES, QUAD_CLASS
from ..render import LAYER_COLOURS
from ..store import AnyStore, open_store
from .queries import PipelinePool
from .security import GuardMiddleware, is_loopback
from .svg import FACTUALITY_MARKERS, QUAD_COLOURS, WorldMap, colour_of, quad_of

DEFAULT_MAX_BODY = 2 * 1024 * 1024


def safe_url(url: str | None) -> str | None:
    """The URL when it is plain http(s), else None (a `javascript:` link is shown as text only)."""
    if not url or not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def source_name(path: str | None) -> str:
    """A source path shown short: its file name (the full path stays in the API and the tooltip)."""
    if not path:
        return ""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def query_string(args: dict[str, Any], **changes: Any) -> str:
    """`?a=1&b=2` from the current arguments with some changed (None drops one)."""
    merged = {**args, **changes}
    clean = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else "?"


def _templates() -> Jinja2Templates:
    folder = resources.files("veille.serve").joinpath("templates")
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(
        version=__version__, quad_colours=QUAD_COLOURS, factuality_markers=FACTUALITY_MARKERS,
        factualities=FACTUALITIES, event_types=tuple(QUAD_CLASS), layer_colours=LAYER_COLOURS,
        query_string=query_string,
    )
    env.filters.update(safe_url=safe_url, source_name=source_name, quad=quad_of, colour=colour_of)
    return Jinja2Templates(env=env)


def create_app(settings: Settings | None = None, store: AnyStore | None = None, *,
               host: str = "127.0.0.1", token: str | None = None, max_body: int = DEFAULT_MAX_BODY) -> FastAPI:
    """The web app over `store` (or the store at `settings.db`, opened and closed with the app).

    `host` is the address the server is bound to: on anything but loopback, write endpoints
    require `token` (default: $VEILLE_TOKEN).
    """
    settings = settings or load_settings()
    own_store = store is None
    token = token if token is not None else os.environ.get("VEILLE_TOKEN") or None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        if own_store and app.state.store is not None:
            app.state.store.close()

    app = FastAPI(
        title="veille", version=__version__, lifespan=lifespan,
        description="French news pages → sourced event timelines. JSON API over the veille store.",
        docs_url=None, redoc_url=None,  # the interactive docs load scripts from a CDN: not offline
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.store = store if store is not None else open_store(settings.db)
    if own_store:
        from .. import api

        api.finish_pending_merge(app.state.store, settings)  # an ingest killed before its merge ended
    app.state.token = token
    app.state.loopback = is_loopback(host)
    app.state.templates = _templates()
    app.state.world = WorldMap()
    app.state.pipelines = PipelinePool(settings)
    app.add_middleware(GuardMiddleware, max_body=max_body)
    app.mount("/static", StaticFiles(directory=str(resources.files("veille.serve").joinpath("static"))),
              name="static")

    from .jsonapi import router as api_router
    from .pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if request.url.path.startswith("/api/") or request.url.path == "/api":
            return JSONResponse({"error": {"status": exc.status_code, "message": str(exc.detail)}},
                                status_code=exc.status_code, headers=headers)
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": exc.status_code, "message": str(exc.detail)},
            status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": 422, "message": problems}, status_code=422)

    return app
