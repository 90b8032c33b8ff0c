"""The near-duplicate index of the SQLite store: each article's MinHash signature and its LSH band
keys (`veille.dedup`), read back as the candidates that share a band with a new article."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .sqlite_base import SQLiteBase

SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (article_id TEXT PRIMARY KEY, minhash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS lsh_bands (band INTEGER NOT NULL, key INTEGER NOT NULL, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_bands_key ON lsh_bands(band, key);
"""


class DedupIndex(SQLiteBase):
    """Signatures and LSH band keys."""

    def _index_signature(self, c: sqlite3.Connection, article_id: str, signature: bytes | None,
                         bands: list[tuple[int, int]] | None) -> None:
        """File a new article's MinHash and band keys (in the transaction that writes the article)."""
        if signature is not None:
            c.execute("INSERT OR REPLACE INTO signatures(article_id, minhash) VALUES (?, ?)",
                      (article_id, signature))
        if bands:
            c.executemany("INSERT INTO lsh_bands(band, key, article_id) VALUES (?, ?, ?)",
                          [(b, k, article_id) for b, k in bands])

    def band_candidates(self, bands: list[tuple[int, int]]) -> list[tuple[str, int, bytes]]:
        """Stored articles sharing at least one LSH band key: (article_id, ingest order, MinHash bytes)."""
        if not bands:
            return []
        values = ",".join("(?, ?)" for _ in bands)
        rows = self.query(
            f"WITH q(band, key) AS (VALUES {values}) SELECT DISTINCT l.article_id, a.seq, s.minhash"
            " FROM q JOIN lsh_bands l ON l.band = q.band AND l.key = q.key"
            " JOIN articles a ON a.article_id = l.article_id JOIN signatures s ON s.article_id = l.article_id",
            [x for pair in bands for x in pair])
        return [(r["article_id"], r["seq"], bytes(r["minhash"])) for r in rows]

    def ensure_band_index(self, layout: str, band_keys: Callable[[bytes], list[tuple[int, int]]]) -> None:
        """(Re)build the LSH band index when it was made under another band layout (or by an older
        version); `band_keys(signature_bytes)` computes a signature's keys. Runs once per layout."""
        row = self.query("SELECT value FROM meta WHERE key = 'lsh_bands'")
        if row and row[0]["value"] == layout:
            return
        with self.transaction() as c:
            c.execute("DELETE FROM lsh_bands")
            for r in c.execute("SELECT article_id, minhash FROM signatures").fetchall():
                c.executemany("INSERT INTO lsh_bands(band, key, article_id) VALUES (?, ?, ?)",
                              [(b, k, r["article_id"]) for b, k in band_keys(bytes(r["minhash"]))])
            c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('lsh_bands', ?)", (layout,))
