"""Storage backends behind one small interface.

`open_store(url)` picks the backend: a file path or `sqlite:///path` → SQLite (default,
WAL, FTS5 search); `:memory:` → an in-memory SQLite store for tests; a folder holding
`_veille.json` → the read-only DatasetStore over a partitioned Parquet dataset (DuckDB;
`veille export --format parquet-dataset` writes one); `postgresql://…` is reserved for a
shared deployment and not implemented yet (clear error).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, cast

from ..errors import MissingExtraError, MissingStoreError
from .protocol import ReadStore
from .sqlite import SQLiteStore

if TYPE_CHECKING:
    from .dataset import DatasetStore

#: the store that takes writes (ingest, merge)
Store = SQLiteStore
#: what the read commands, the merge's readers and the web app accept: any store, through the
#: read interface both backends implement (`ReadStore`)
AnyStore: TypeAlias = ReadStore


def open_store(url: str, *, read_only: bool = False, must_exist: bool = False) -> SQLiteStore | DatasetStore:
    """The store at `url`: a Parquet dataset folder (read-only) or a SQLite path / `sqlite:///path`.
    `must_exist`: commands that only read (search, stats, timeline, export, serve) never create a
    store on a mistyped path."""
    if url.startswith(("postgresql://", "postgres://")):
        raise MissingExtraError("the PostgreSQL backend is not available yet; use a SQLite path",
                                stage="store")
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    elif url != ":memory:" and Path(url).is_dir():
        from ..dataset import MANIFEST, is_dataset
        from .dataset import DatasetStore

        if is_dataset(url):
            return DatasetStore(url)
        raise MissingStoreError(f"no store at {url}: a folder is a store only with a {MANIFEST} "
                                "(veille export --format parquet-dataset)", stage="store")
    if must_exist and url != ":memory:" and not Path(url).is_file():
        raise MissingStoreError(f"no store at {url}", stage="store")
    return SQLiteStore(url, read_only=read_only)


def require_writable(store: AnyStore) -> SQLiteStore:
    """Raise ReadOnlyStoreError (E402) before a write into a store that takes none (a dataset);
    returns the store, typed as the one that takes writes."""
    if not getattr(store, "writable", True):
        from .dataset import read_only_error

        raise read_only_error(store.path)
    # cast: SQLite is the one backend that takes writes (DatasetStore.writable is False)
    return cast(SQLiteStore, store)


__all__ = ["AnyStore", "ReadStore", "SQLiteStore", "Store", "open_store", "require_writable"]
