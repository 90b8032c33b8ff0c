"""The incremental merge's mention index in the SQLite store (`veille.merge.incremental`): block
keys with date windows (day ordinals, NULL = undated), the link-graph component of each merged
mention, and the linkable pairs with their scores."""

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
CREATE TABLE IF NOT EXISTS merge_components (mention_id TEXT PRIMARY KEY, component TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS merge_pairs (
    a TEXT NOT NULL, b TEXT NOT NULL, score REAL NOT NULL, merged INTEGER NOT NULL, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS merge_pairs_b ON merge_pairs(b);
CREATE INDEX IF NOT EXISTS merge_components_component ON merge_components(component);
"""

Pair = tuple[float, str, str, bool]  # (score, a, b, merged)


class MergeIndex(SQLiteBase):
    """Block keys, components and linkable pairs of merged mentions."""

    def _write_mention_index(self, c: sqlite3.Connection, *, full: bool,
                             blocks: Iterable[tuple[str, int | None, int | None, str]],
                             block_mentions: Iterable[str], components: dict[str, str],
                             pairs: Iterable[Pair], pair_mentions: Iterable[str]) -> None:
        """Replace (full: all) the blocks of `block_mentions` and the pairs of `pair_mentions`."""
        if full:
            for table in ("merge_blocks", "merge_components", "merge_pairs"):
                c.execute(f"DELETE FROM {table}")
        else:
            for mid in sorted(set(block_mentions)):
                c.execute("DELETE FROM merge_blocks WHERE mention_id = ?", (mid,))
            for mid in sorted(set(pair_mentions)):
                c.execute("DELETE FROM merge_pairs WHERE a = ? OR b = ?", (mid, mid))
        c.executemany("INSERT OR REPLACE INTO merge_pairs(a, b, score, merged) VALUES (?,?,?,?)",
                      ((a, b, score, int(m)) for score, a, b, m in pairs))
        c.executemany("INSERT INTO merge_blocks(key, lo, hi, mention_id) VALUES (?,?,?,?)", blocks)
        c.executemany("INSERT OR REPLACE INTO merge_components(mention_id, component) VALUES (?,?)",
                      sorted(components.items()))

    def block_candidates(self, key: str, lo: int | None, hi: int | None, tol: int) -> list[str]:
        """Mentions filed under `key` whose window comes within `tol` days of [lo, hi] (all for lo None)."""
        if lo is None or hi is None:
            rows = self.query("SELECT mention_id FROM merge_blocks WHERE key = ?", (key,))
            return [r["mention_id"] for r in rows]
        # new reports are mostly recent: `hi >= …` on (key, hi) reads few rows
        rows = self.query("SELECT mention_id FROM merge_blocks INDEXED BY merge_blocks_key_hi"
                          " WHERE key = ? AND hi >= ? AND lo <= ?", (key, lo - tol, hi + tol))
        wild = self.query("SELECT mention_id FROM merge_blocks INDEXED BY merge_blocks_key_hi"
                          " WHERE key = ? AND hi IS NULL", (key,))
        return [r["mention_id"] for r in (*rows, *wild)]

    def components_of(self, mention_ids: Iterable[str]) -> dict[str, str]:
        return self._mapping_in("SELECT mention_id, component FROM merge_components WHERE mention_id IN ({ids})",
                                mention_ids)

    def merge_pairs(self, mention_ids: Iterable[str]) -> list[Pair]:
        """Stored linkable pairs (score, a, b, merged) with `a` among the given mentions."""
        rows = self._chunked("SELECT a, b, score, merged FROM merge_pairs WHERE a IN ({ids})", mention_ids)
        return [(r["score"], r["a"], r["b"], bool(r["merged"])) for r in rows]

    def component_pairs(self, components: Iterable[str]) -> list[Pair]:
        """Stored linkable pairs (score, a, b, merged) inside the given components (one indexed join)."""
        comps = sorted(set(components))
        out: list[Pair] = []
        with self._lock:
            for i in range(0, len(comps), 500):
                part = comps[i:i + 500]
                cur = self.conn.execute(
                    "SELECT p.score, p.a, p.b, p.merged FROM merge_components c JOIN merge_pairs p"
                    f" ON p.a = c.mention_id WHERE c.component IN ({','.join('?' * len(part))})", part)
                out.extend((score, a, b, bool(m)) for score, a, b, m in cur.fetchall())
        return out

    def component_members(self, components: Iterable[str]) -> list[str]:
        rows = self._chunked("SELECT mention_id FROM merge_components WHERE component IN ({ids})", components)
        return sorted(r["mention_id"] for r in rows)
