"""What every part of the SQLite store stands on: the connection under its lock, busy retries,
write transactions, chunked `IN (…)` reads, the `meta` table and the record JSON codec.

The store's tables are owned by the modules that read and write them (`documents`, `dedup_index`,
`merge_output`, `merge_index`, `story_index`); each adds its part to `SQLiteStore` as a mixin over
this base and declares its tables in its own `SCHEMA`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson

from ..models import Record
from .connection import LockedConnection

T = TypeVar("T")
R = TypeVar("R", bound=Record)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def dumps(obj: Any) -> str:
    """Record JSON as stored: orjson (a quarter of the stdlib encoder's time on an article), keys in
    record-field order (every reader rebuilds records with `from_dict`; exports sort keys themselves).
    A record (dataclass) is encoded from its fields: the JSON of its `to_dict()` (every record but
    `Document` keeps `Record.to_dict`), without building the dict."""
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def keyset_pages(execute: Callable[[str, tuple[Any, ...]], list[sqlite3.Row]], sql: str, params: Sequence[Any],
                 keys: Sequence[str], first: Sequence[Any], batch: int) -> Iterator[sqlite3.Row]:
    """Every row of a keyset query, read `batch` at a time (no OFFSET: each page starts where the
    last one ended, by the index). `sql` takes `params`, then the values of the `keys` columns of
    the last row read (`first` before the first page), then the page size. `execute`: the store's
    `query`, or a cursor's inside a write transaction; a page is read once the previous one has been
    consumed, so writes made meanwhile to rows already read are not read again."""
    last = tuple(first)
    while rows := execute(sql, (*params, *last, batch)):
        yield from rows
        last = tuple(rows[-1][k] for k in keys)


def rows_of(c: sqlite3.Connection) -> Callable[[str, tuple[Any, ...]], list[sqlite3.Row]]:
    """`keyset_pages`'s `execute` inside a write transaction: the transaction's own connection."""
    return lambda sql, params: c.execute(sql, params).fetchall()


def drop_indexes(c: sqlite3.Connection, names: Iterable[str]) -> list[str]:
    """Drop the named indexes; their CREATE statements, to build them again (`c.execute` each) once
    a table has been written whole: one sort instead of an insert at a random place per row."""
    wanted = sorted(set(names))
    marks = ",".join("?" * len(wanted))
    saved = c.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
                      wanted).fetchall()
    for r in saved:
        c.execute(f"DROP INDEX {r['name']}")
    return [r["sql"] for r in saved]


class SQLiteBase(LockedConnection):
    """The connection plumbing every table module of the SQLite store uses."""

    conn: sqlite3.Connection
    _in_transaction: bool

    def _retry(self, fn: Callable[[], T], attempts: int = 20) -> T:
        """Run fn, retrying while another process holds the write lock (never surfaces 'locked')."""
        for i in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err) or i == attempts - 1:
                    raise
                time.sleep(min(0.05 * (i + 1), 1.0))
        raise AssertionError("unreachable: the last attempt raises")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a transaction opened inside another joins it (a batch of
        documents is committed once, and either all of it or none of it lands)."""
        with self._lock:
            if self._in_transaction:
                yield self.conn
                return
            self._retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
            self._in_transaction = True
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self._retry(lambda: self.conn.execute("COMMIT"))
            finally:
                self._in_transaction = False

    @contextmanager
    def exclusive(self) -> Iterator[SQLiteBase]:
        """Hold the store's lock across several calls (other threads of this process wait)."""
        with self._lock:
            yield self

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run one SQL statement under the store's lock, retrying while a writer holds the file.

        For read-only views (the web app's filtered lists); writes go through the store's methods.
        """
        with self._lock:
            return self._retry(lambda: self.conn.execute(sql, tuple(params)).fetchall())

    def _decoded(self, cls: type[R], sql: str, params: Iterable[Any] = ()) -> Iterator[R]:
        """The records in the `json` column of `sql`'s rows, in row order (read when first asked for)."""
        for r in self.query(sql, params):
            yield cls.from_dict(loads(r["json"]))

    def _paged(self, sql: str, params: Sequence[Any], keys: Sequence[str], first: Sequence[Any],
               batch: int) -> Iterator[sqlite3.Row]:
        """`keyset_pages` through the store's `query`."""
        return keyset_pages(self.query, sql, params, keys, first, batch)

    def _chunked(self, sql: str, ids: Iterable[str], extra: tuple = ()) -> list[sqlite3.Row]:
        """Run `sql` (with one `{ids}` placeholder list) over `ids` in chunks below SQLite's limit."""
        ids = sorted(set(ids))
        out: list[sqlite3.Row] = []
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            out.extend(self.query(sql.format(ids=",".join("?" * len(part))), (*extra, *part)))
        return out

    def _decoded_in(self, cls: type[R], sql: str, ids: Iterable[str], key: Callable[[R], str]) -> list[R]:
        """The records of `sql` (a `{ids}` list, see `_chunked`) over `ids`, sorted by `key`."""
        return sorted((cls.from_dict(loads(r["json"])) for r in self._chunked(sql, ids)), key=key)

    def _mapping_in(self, sql: str, ids: Iterable[str]) -> dict[Any, Any]:
        """first column → second column of `sql`'s rows over `ids` (see `_chunked`)."""
        return {r[0]: r[1] for r in self._chunked(sql, ids)}

    def _groups_in(self, sql: str, ids: Iterable[str], group: str, member: str) -> dict[str, list[str]]:
        """`group` column → sorted `member` values of `sql`'s rows over `ids` (see `_chunked`)."""
        out: dict[str, list[str]] = {}
        for r in self._chunked(sql, ids):
            out.setdefault(r[group], []).append(r[member])
        return {k: sorted(v) for k, v in out.items()}

    # ------------------------------------------------------------------ meta

    def get_meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or, with None, remove) one meta key; joins the open transaction if there is one."""
        with self.transaction() as c:
            if value is None:
                c.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def integrity_check(self) -> str:
        return self.query("PRAGMA integrity_check")[0][0]
