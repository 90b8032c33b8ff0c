"""`veille serve`: the web app (server-rendered pages, JSON API) over a veille store.

Needs the `web` extra (fastapi, uvicorn, jinja2, python-multipart); `create_app` raises a
MissingExtraError naming it when they are not installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError, install_command

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(settings: Any = None, store: Any = None, **kw: Any) -> FastAPI:
    """The FastAPI app over `store` or the store at `settings.db` (see veille.serve.app.create_app)."""
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
        try:
            import python_multipart  # noqa: F401
        except ImportError:  # python-multipart before 0.0.13
            import multipart  # noqa: F401
    except ImportError as err:
        raise MissingExtraError(f"the web app needs FastAPI, uvicorn and Jinja2, which the base install brings: {install_command()} ({err.name} is missing)",
                                stage="serve") from err
    from .app import create_app as _create

    return _create(settings, store, **kw)


__all__ = ["create_app"]
