"""The incremental merge's mention index in the SQLite store (`veille.merge.incremental`): block
keys with date windows (day ordinals, NULL = undated) and the linkable pairs with their scores and
the last pass's decision on them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from .sqlite_base import SQLiteBase

SCHEMA = """
CREATE TABLE IF NOT EXISTS merge_blocks (
    key TEXT NOT NULL, lo INTEGER, hi INTEGER, mention_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS merge_blocks_key ON merge_blocks(key, lo);
CREATE INDEX IF NOT EXISTS merge_blocks_key_hi ON merge_blocks(key, hi);
CREATE INDEX IF NOT EXISTS merge_blocks_mention ON merge_blocks(mention_id);
CREATE TABLE IF NOT EXISTS merge_pairs (
    a TEXT NOT NULL, b TEXT NOT NULL, score REAL NOT NULL, merged INTEGER NOT NULL, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS merge_pairs_b ON merge_pairs(b);
"""

#: the lookups of the index's tables: a full merge drops them while it rewrites the tables and
#: builds them once at the end (`SQLiteStore.index_lookups_rebuilt`)
LOOKUPS = ("merge_blocks_key", "merge_blocks_key_hi", "merge_blocks_mention", "merge_pairs_b")

Pair = tuple[float, str, str, bool]  # (score, a, b, merged)
PROBE = 256  # block rows a candidate lookup reads before it compares the two sides (`block_candidates`)


class MergeIndex(SQLiteBase):
    """Block keys and linkable pairs (with the last decision) of merged mentions."""

    def _write_mention_index(self, c: sqlite3.Connection, *, full: bool,
                             blocks: Iterable[tuple[str, int | None, int | None, str]],
                             block_mentions: Iterable[str], pairs: Iterable[Pair], pair_mentions: Iterable[str]) -> None:
        """Replace (full: all) the blocks of `block_mentions` and the pairs of `pair_mentions`."""
        if full:
            c.execute("DROP TABLE IF EXISTS merge_components")  # index version 2's components: unused since 3
            for table in ("merge_blocks", "merge_pairs"):
                c.execute(f"DELETE FROM {table}")
        else:
            for mid in sorted(set(block_mentions)):
                c.execute("DELETE FROM merge_blocks WHERE mention_id = ?", (mid,))
            for mid in sorted(set(pair_mentions)):
                c.execute("DELETE FROM merge_pairs WHERE a = ? OR b = ?", (mid, mid))
        c.executemany("INSERT OR REPLACE INTO merge_pairs(a, b, score, merged) VALUES (?,?,?,?)",
                      ((a, b, score, int(m)) for score, a, b, m in pairs))
        c.executemany("INSERT INTO merge_blocks(key, lo, hi, mention_id) VALUES (?,?,?,?)", blocks)

    def block_candidates(self, key: str, lo: int | None, hi: int | None, tol: int) -> list[str]:
        """Mentions filed under `key` whose window comes within `tol` days of [lo, hi] (all for lo None)."""
        if lo is None or hi is None:
            rows = self.query("SELECT mention_id FROM merge_blocks WHERE key = ?", (key,))
            return [r["mention_id"] for r in rows]
        a, b = lo - tol, hi + tol
        # the overlap test reads one side of the key's windows through an index: those ending after
        # `a` (few for a recent window) or those starting before `b` (few for an old one: a report
        # of a past event). Two bounded probes pick the side with fewer rows to read.
        index, bound, value = "merge_blocks_key_hi", "hi >= ?", a
        if self._more_than(f"key = ? AND {bound}", index, (key, a), PROBE) and \
                not self._more_than("key = ? AND lo <= ?", "merge_blocks_key", (key, b), PROBE):
            index, bound, value = "merge_blocks_key", "lo <= ?", b
        rows = self.query(f"SELECT mention_id FROM merge_blocks INDEXED BY {index} WHERE key = ? AND {bound}"
                          " AND hi >= ? AND lo <= ?", (key, value, a, b))
        wild = self.query("SELECT mention_id FROM merge_blocks INDEXED BY merge_blocks_key_hi"
                          " WHERE key = ? AND hi IS NULL", (key,))
        return [r["mention_id"] for r in (*rows, *wild)]

    def _more_than(self, where: str, index: str, params: tuple, n: int) -> bool:
        """Whether more than `n` block rows match `where` (reads at most n + 1 index entries)."""
        return self.query(f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM merge_blocks INDEXED BY {index} WHERE {where}"
                          " LIMIT ?)", (*params, n + 1))[0]["n"] > n

    def pairs_of(self, mention_ids: Iterable[str]) -> list[Pair]:
        """Stored linkable pairs (score, a, b, merged) with either side among the given mentions
        (primary key on a, index on b)."""
        rows = self._chunked("SELECT a, b, score, merged FROM merge_pairs WHERE a IN ({ids})", mention_ids)
        rows += self._chunked("SELECT a, b, score, merged FROM merge_pairs WHERE b IN ({ids})", mention_ids)
        return sorted({(r["score"], r["a"], r["b"], bool(r["merged"])) for r in rows})

    def merged_pairs(self, mention_ids: Iterable[str]) -> list[tuple[float, str, str]]:
        """Stored pairs (score, a, b) with `a` among the given mentions on which the last pass merged."""
        rows = self._chunked("SELECT a, b, score FROM merge_pairs WHERE merged = 1 AND a IN ({ids})", mention_ids)
        return [(r["score"], r["a"], r["b"]) for r in rows]
