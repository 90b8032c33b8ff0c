"""Storage backends behind one small interface.

`open_store(url)` picks the backend: a file path or `sqlite:///path` → SQLite (default,
WAL, FTS5 search); `:memory:` → an in-memory SQLite store for tests; `postgresql://…`
is reserved for a shared deployment and not implemented yet (clear error).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MissingExtraError, MissingStoreError
from .sqlite import SQLiteStore

Store = SQLiteStore


def open_store(url: str, *, read_only: bool = False, must_exist: bool = False) -> SQLiteStore:
    """The store at `url` (a SQLite path or `sqlite:///path`). `must_exist`: commands that only read
    (search, stats, timeline, export, serve) never create a store on a mistyped path."""
    if url.startswith(("postgresql://", "postgres://")):
        raise MissingExtraError("the PostgreSQL backend is not available yet; use a SQLite path",
                                stage="store")
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    if must_exist and url != ":memory:" and not Path(url).is_file():
        raise MissingStoreError(f"no store at {url}", stage="store")
    return SQLiteStore(url, read_only=read_only)


__all__ = ["SQLiteStore", "Store", "open_store"]
