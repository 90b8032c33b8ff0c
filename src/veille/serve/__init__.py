"""`veille serve`: the web app (server-rendered pages, JSON API) over a veille store.

Needs FastAPI, uvicorn, Jinja2 and python-multipart, which the base install brings; `create_app`
(and `veille serve`) raise a MissingExtraError naming the missing one and the command that
reinstalls them.
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
        raise missing_web_dependency(err) from err
    from .app import create_app as _create

    return _create(settings, store, **kw)


def missing_web_dependency(err: ImportError) -> MissingExtraError:
    """The error for a web-app dependency that failed to import (`err`), with the reinstall command."""
    return MissingExtraError(f"the web app needs FastAPI, uvicorn and Jinja2, which the base install brings: "
                             f"{install_command()} ({err.name or err} is missing)", stage="serve")


__all__ = ["create_app", "missing_web_dependency"]
