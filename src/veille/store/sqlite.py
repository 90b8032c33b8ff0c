"""SQLite store: WAL journal, one transaction per document, FTS5 full-text search.

Each document (article row, its search entry, signature, sources, mentions, quotes,
actor counts) is written in one `BEGIN IMMEDIATE … COMMIT`: a killed ingest leaves
either the whole document or nothing, and re-running skips what is already there
(the article id is a content hash, so re-ingesting the same input changes nothing).
Merge output (events, stories) is replaced as a whole in one transaction.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

import orjson

from ..errors import StoreError
from ..models import Actor, Document, Event, EventMention, Quote, Story, actor_counts, fold_actor
from .connection import LockedConnection

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL UNIQUE,
    source_path TEXT NOT NULL,
    url TEXT, outlet TEXT, title TEXT, byline TEXT, language TEXT,
    published TEXT, published_precision TEXT, published_method TEXT,
    duplicate_of TEXT, story_id TEXT,
    text TEXT NOT NULL,
    doc_json TEXT NOT NULL,
    ingested_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE TABLE IF NOT EXISTS sources (
    source_path TEXT NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (source_path, article_id)
);
CREATE TABLE IF NOT EXISTS signatures (article_id TEXT PRIMARY KEY, minhash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS lsh_bands (band INTEGER NOT NULL, key INTEGER NOT NULL, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_bands_key ON lsh_bands(band, key);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    article_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS mentions (
    mention_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, event_id TEXT,
    type TEXT NOT NULL, factuality TEXT NOT NULL, date TEXT, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id);
CREATE INDEX IF NOT EXISTS mentions_event ON mentions(event_id);
CREATE TABLE IF NOT EXISTS quotes (
    quote_id TEXT PRIMARY KEY, article_id TEXT NOT NULL, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_id);
CREATE TABLE IF NOT EXISTS actors (
    actor_id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT, sector TEXT,
    n_mentions INTEGER NOT NULL DEFAULT 0, json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_actors (
    article_id TEXT NOT NULL, actor_id TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (article_id, actor_id)
);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY, type TEXT NOT NULL, factuality TEXT NOT NULL,
    date TEXT, story_id TEXT, n_sources INTEGER NOT NULL DEFAULT 1, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE INDEX IF NOT EXISTS events_story ON events(story_id);
CREATE INDEX IF NOT EXISTS articles_story_published ON articles(story_id, published);
CREATE TABLE IF NOT EXISTS event_actors (
    event_id TEXT NOT NULL, actor_id TEXT, name TEXT, country TEXT, side TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_actors_event ON event_actors(event_id);
CREATE INDEX IF NOT EXISTS event_actors_actor ON event_actors(actor_id);
CREATE TABLE IF NOT EXISTS stories (story_id TEXT PRIMARY KEY, json TEXT NOT NULL);
-- incremental merge index (veille.merge.incremental): block keys with date windows (day ordinals,
-- NULL = undated), the link-graph component of each merged mention, cached story profiles
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
CREATE TABLE IF NOT EXISTS story_profiles (article_id TEXT PRIMARY KEY, day TEXT, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS story_keys (key TEXT NOT NULL, day TEXT, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_keys_key ON story_keys(key, day);
CREATE INDEX IF NOT EXISTS story_keys_article ON story_keys(article_id);
CREATE TABLE IF NOT EXISTS story_df (term TEXT PRIMARY KEY, n INTEGER NOT NULL);
"""


def _dumps(obj: Any) -> str:
    """Record JSON as stored: orjson (a quarter of the stdlib encoder's time on an article), keys in
    record-field order (every reader rebuilds records with `from_dict`; exports sort keys themselves).
    A record (dataclass) is encoded from its fields: the JSON of its `to_dict()` (every record but
    `Document` keeps `Record.to_dict`), without building the dict."""
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


def _loads(text: str | bytes) -> Any:
    return orjson.loads(text)


#: meta key written in the same transaction as an ingest's articles and removed once the merge ran:
#: a run killed in between leaves it, and the next command that opens the store finishes the merge
MERGE_PENDING = "merge_pending"


class SQLiteDialect:
    """The SQL pieces that differ between the store backends (veille.serve.queries builds the rest)."""

    like = "LIKE"

    @staticmethod
    def location_country(alias: str) -> str:
        return f"json_extract({alias}.json, '$.location.country')"

    @staticmethod
    def story_end() -> str:
        return "json_extract(json, '$.end')"

    @staticmethod
    def alias_like() -> str:
        """True when one of the actor's aliases is LIKE the parameter."""
        return "EXISTS (SELECT 1 FROM json_each(actors.json, '$.aliases') AS a WHERE a.value LIKE ? ESCAPE '\\')"


class SQLiteStore(LockedConnection):
    """The working store. Safe to read from several processes while one writes (WAL)."""

    dialect = SQLiteDialect()
    writable = True

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._in_transaction = False
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout = 60000")
            if self.path != ":memory:":
                self._retry(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
            self.conn.execute("PRAGMA synchronous = NORMAL")
            if not read_only:
                self._retry(lambda: self.conn.executescript(SCHEMA))
                self._retry(lambda: self.conn.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)))
        except sqlite3.DatabaseError as err:
            raise StoreError(f"cannot open store {self.path}: {err}", stage="store") from err

    # ------------------------------------------------------------------ plumbing

    def _retry(self, fn, attempts: int = 20):
        """Run fn, retrying while another process holds the write lock (never surfaces 'locked')."""
        for i in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err) or i == attempts - 1:
                    raise
                time.sleep(min(0.05 * (i + 1), 1.0))
        return None

    @contextmanager
    def transaction(self):
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
    def exclusive(self):
        """Hold the store's lock across several calls (other threads of this process wait)."""
        with self._lock:
            yield self

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run one SQL statement under the store's lock, retrying while a writer holds the file.

        For read-only views (the web app's filtered lists); writes go through the methods above.
        """
        with self._lock:
            return self._retry(lambda: self.conn.execute(sql, tuple(params)).fetchall())

    # ------------------------------------------------------------------ articles

    def has_article(self, article_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM articles WHERE article_id = ?", (article_id,)))

    def add_source(self, article_id: str, source_path: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO sources(source_path, article_id) VALUES (?, ?)",
                      (source_path, article_id))

    def add_document(self, doc: Document, signature: bytes | None = None,
                     bands: list[tuple[int, int]] | None = None) -> bool:
        """Write a processed document and everything derived from it; False if it was there already.

        `signature` is its MinHash (bytes) and `bands` its LSH band keys (see `Deduplicator.band_keys`).
        """
        with self.transaction() as c:
            return self._insert_document(c, doc, signature, bands)

    def add_documents(self, docs: Iterable[Document]) -> int:
        """Write many processed documents in one transaction (bulk loads, benchmarks); how many were new."""
        with self.transaction() as c:
            return sum(self._insert_document(c, doc, None) for doc in docs)

    def _insert_document(self, c: sqlite3.Connection, doc: Document, signature: bytes | None,
                         bands: list[tuple[int, int]] | None = None) -> bool:
        if c.execute("SELECT 1 FROM articles WHERE article_id = ?", (doc.article_id,)).fetchone():
            c.execute("INSERT OR IGNORE INTO sources(source_path, article_id) VALUES (?, ?)",
                      (doc.source_path, doc.article_id))
            return False
        self._write_article(c, doc, insert=True)
        c.execute("INSERT OR IGNORE INTO sources(source_path, article_id) VALUES (?, ?)",
                  (doc.source_path, doc.article_id))
        if signature is not None:
            c.execute("INSERT OR REPLACE INTO signatures(article_id, minhash) VALUES (?, ?)",
                      (doc.article_id, signature))
        if bands:
            c.executemany("INSERT INTO lsh_bands(band, key, article_id) VALUES (?, ?, ?)",
                          [(b, k, doc.article_id) for b, k in bands])
        c.execute("INSERT INTO articles_fts(article_id, title, text) VALUES (?, ?, ?)",
                  (doc.article_id, doc.title or "", doc.text))
        self._write_layers(c, doc)
        counts = actor_counts(doc)
        for actor_id, actor in doc.actors.items():
            n = counts[actor_id]
            self._upsert_actor(c, actor, n)
            c.execute("INSERT OR REPLACE INTO article_actors(article_id, actor_id, n) VALUES (?, ?, ?)",
                      (doc.article_id, actor_id, n))
        return True

    def update_document(self, doc: Document) -> None:
        """Rewrite a document's fields and layers (merge re-dates undated articles)."""
        with self.transaction() as c:
            self._write_article(c, doc, insert=False)
            c.execute("DELETE FROM mentions WHERE article_id = ?", (doc.article_id,))
            c.execute("DELETE FROM quotes WHERE article_id = ?", (doc.article_id,))
            self._write_layers(c, doc)

    def _write_article(self, c: sqlite3.Connection, doc: Document, insert: bool) -> None:
        """Write the article row; its JSON is `doc.to_dict()`'s, encoded from the records themselves."""
        values = (doc.source_path, doc.url, doc.outlet, doc.title, doc.byline, doc.language,
                  doc.published.value, doc.published.precision, doc.published.method,
                  doc.duplicate_of, doc.story_id, doc.text, _dumps(doc.record_fields()))
        if insert:
            c.execute(
                "INSERT INTO articles(source_path, url, outlet, title, byline, language, published,"
                " published_precision, published_method, duplicate_of, story_id, text, doc_json,"
                " article_id, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*values, doc.article_id, time.time()))
        else:
            c.execute(
                "UPDATE articles SET source_path=?, url=?, outlet=?, title=?, byline=?, language=?,"
                " published=?, published_precision=?, published_method=?, duplicate_of=?, story_id=?,"
                " text=?, doc_json=? WHERE article_id=?", (*values, doc.article_id))

    def _write_layers(self, c: sqlite3.Connection, doc: Document) -> None:
        """Mention and quote rows (each record's `to_dict()` JSON)."""
        c.executemany(
            "INSERT OR REPLACE INTO mentions(mention_id, article_id, event_id, type, factuality, date, json)"
            " VALUES (?,?,?,?,?,?,?)",
            [(m.mention_id, doc.article_id, m.event_id, m.type, m.factuality,
              m.date.value if m.date else None, _dumps(m)) for m in doc.mentions])
        c.executemany("INSERT OR REPLACE INTO quotes(quote_id, article_id, json) VALUES (?,?,?)",
                      [(q.quote_id, doc.article_id, _dumps(q)) for q in doc.quotes])

    def _upsert_actor(self, c: sqlite3.Connection, actor: Actor, n: int) -> None:
        row = c.execute("SELECT json FROM actors WHERE actor_id = ?", (actor.actor_id,)).fetchone()
        data = fold_actor(None if row is None else _loads(row["json"]), actor, n)
        c.execute("INSERT OR REPLACE INTO actors(actor_id, name, country, sector, n_mentions, json)"
                  " VALUES (?,?,?,?,?,?)", (actor.actor_id, data.get("name"), data.get("country"),
                                            data.get("sector"), data["n_mentions"], _dumps(data)))

    def get_document(self, article_id: str) -> Document | None:
        rows = self.query("SELECT story_id, doc_json FROM articles WHERE article_id = ?", (article_id,))
        if not rows:
            return None
        doc = Document.from_dict(_loads(rows[0]["doc_json"]))
        doc.story_id = rows[0]["story_id"]
        return doc

    def iter_documents(self, batch: int = 200) -> Iterator[Document]:
        """All documents in ingest order, read in pages (memory stays flat)."""
        last = 0
        while True:
            rows = self.query("SELECT seq, story_id, doc_json FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                               (last, batch))
            if not rows:
                return
            for r in rows:
                doc = Document.from_dict(_loads(r["doc_json"]))
                doc.story_id = r["story_id"]  # set by merge after the document was written
                yield doc
            last = rows[-1]["seq"]

    def iter_articles(self, batch: int = 500) -> Iterator[dict[str, Any]]:
        for doc in self.iter_documents(batch):
            yield doc.article_dict()

    def list_articles(self, *, limit: int = 50, offset: int = 0, story_id: str | None = None
                      ) -> list[dict[str, Any]]:
        where, params = ("WHERE story_id = ?", [story_id]) if story_id else ("", [])
        rows = self.query(
            f"SELECT article_id, title, outlet, url, published, published_precision, published_method,"
            f" language, duplicate_of, story_id, source_path FROM articles {where}"
            f" ORDER BY published DESC, seq LIMIT ? OFFSET ?", (*params, limit, offset))
        return [dict(r) for r in rows]

    def count(self, table: str) -> int:
        if table not in {"articles", "mentions", "quotes", "actors", "events", "stories", "sources"}:
            raise StoreError(f"unknown table {table}", stage="store")
        return self.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]

    def stats(self) -> dict[str, int]:
        return {t: self.count(t) for t in ("articles", "sources", "mentions", "events", "actors", "quotes", "stories")}

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

    def ensure_band_index(self, layout: str, band_keys) -> None:
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

    # ------------------------------------------------------------------ search

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Full-text search (FTS5 syntax; falls back to plain terms when the syntax is invalid)."""
        sql = ("SELECT f.article_id, a.title, a.outlet, a.published,"
               " snippet(articles_fts, 2, '[', ']', '…', 12) AS snippet, bm25(articles_fts) AS rank"
               " FROM articles_fts f JOIN articles a ON a.article_id = f.article_id"
               " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?")
        try:
            rows = self.query(sql, (query, limit, offset))
        except sqlite3.OperationalError:
            terms = [t.replace('"', '""') for t in query.split() if t.strip()]
            if not terms:
                return []
            rows = self.query(sql, (" ".join(f'"{t}"' for t in terms), limit, offset))
        return [dict(r) for r in rows]

    def search_ids(self, query: str, limit: int = 10_000) -> list[str]:
        return [r["article_id"] for r in self.search(query, limit=limit)]

    # ------------------------------------------------------------------ derived records

    def iter_mentions(self, article_id: str | None = None) -> Iterator[EventMention]:
        if article_id:
            rows = self.query("SELECT json FROM mentions WHERE article_id = ? ORDER BY mention_id", (article_id,))
        else:
            rows = self.query("SELECT json FROM mentions ORDER BY mention_id")
        for r in rows:
            yield EventMention.from_dict(_loads(r["json"]))

    def iter_quotes(self, article_id: str | None = None) -> Iterator[Quote]:
        if article_id:
            rows = self.query("SELECT json FROM quotes WHERE article_id = ? ORDER BY quote_id", (article_id,))
        else:
            rows = self.query("SELECT json FROM quotes ORDER BY quote_id")
        for r in rows:
            yield Quote.from_dict(_loads(r["json"]))

    def iter_actors(self) -> Iterator[Actor]:
        for r in self.query("SELECT json FROM actors ORDER BY actor_id"):
            yield Actor.from_dict(_loads(r["json"]))

    def get_actor(self, actor_id: str) -> Actor | None:
        rows = self.query("SELECT json FROM actors WHERE actor_id = ?", (actor_id,))
        return Actor.from_dict(_loads(rows[0]["json"])) if rows else None

    def iter_events(self) -> Iterator[Event]:
        for r in self.query("SELECT json FROM events ORDER BY date, event_id"):
            yield Event.from_dict(_loads(r["json"]))

    def get_event(self, event_id: str) -> Event | None:
        rows = self.query("SELECT json FROM events WHERE event_id = ?", (event_id,))
        return Event.from_dict(_loads(rows[0]["json"])) if rows else None

    def mentions_of_event(self, event_id: str) -> list[EventMention]:
        rows = self.query("SELECT json FROM mentions WHERE event_id = ? ORDER BY mention_id", (event_id,))
        return [EventMention.from_dict(_loads(r["json"])) for r in rows]

    def iter_stories(self) -> Iterator[Story]:
        for r in self.query("SELECT json FROM stories ORDER BY story_id"):
            yield Story.from_dict(_loads(r["json"]))

    def get_story(self, story_id: str) -> Story | None:
        rows = self.query("SELECT json FROM stories WHERE story_id = ?", (story_id,))
        return Story.from_dict(_loads(rows[0]["json"])) if rows else None

    def replace_merge_output(self, events: list[Event], stories: list[Story],
                             mention_events: dict[str, str], article_stories: dict[str, str]) -> None:
        """Store the merge pass's result atomically: events, stories and the links to them."""
        with self.transaction() as c:
            c.execute("DELETE FROM events")
            c.execute("DELETE FROM event_actors")
            c.execute("DELETE FROM stories")
            for e in events:
                c.execute("INSERT INTO events(event_id, type, factuality, date, story_id, n_sources, json)"
                          " VALUES (?,?,?,?,?,?,?)",
                          (e.event_id, e.type, e.factuality, e.date.value if e.date else None, e.story_id,
                           e.n_sources, _dumps(e.to_dict())))
                for side, refs in (("source", e.source), ("target", e.target)):
                    for a in refs:
                        c.execute("INSERT INTO event_actors(event_id, actor_id, name, country, side)"
                                  " VALUES (?,?,?,?,?)", (e.event_id, a.actor_id, a.name, a.country, side))
            for s in stories:
                c.execute("INSERT INTO stories(story_id, json) VALUES (?, ?)", (s.story_id, _dumps(s.to_dict())))
            rows = c.execute("SELECT mention_id, json FROM mentions").fetchall()
            for r in rows:
                data = _loads(r["json"])
                event_id = mention_events.get(r["mention_id"])
                if data.get("event_id") != event_id:
                    data["event_id"] = event_id
                    c.execute("UPDATE mentions SET event_id = ?, json = ? WHERE mention_id = ?",
                              (event_id, _dumps(data), r["mention_id"]))
            c.execute("UPDATE articles SET story_id = NULL")
            for article_id, story_id in article_stories.items():
                c.execute("UPDATE articles SET story_id = ? WHERE article_id = ?", (story_id, article_id))

    # ------------------------------------------------------------------ incremental merge

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

    def merge_pending(self) -> bool:
        """Articles were committed by an ingest whose cross-document merge has not finished."""
        return self.get_meta(MERGE_PENDING) is not None

    def max_article_seq(self) -> int:
        return self.query("SELECT COALESCE(MAX(seq), 0) AS n FROM articles")[0]["n"]

    def articles_after(self, seq: int) -> list[str]:
        """Ids of the articles stored after `seq` (ingest order)."""
        return [r["article_id"] for r in self.query("SELECT article_id FROM articles WHERE seq > ? ORDER BY seq",
                                                    (seq,))]

    def _chunked(self, sql: str, ids: Iterable[str], extra: tuple = ()) -> list[sqlite3.Row]:
        """Run `sql` (with one `{ids}` placeholder list) over `ids` in chunks below SQLite's limit."""
        ids = sorted(set(ids))
        out: list[sqlite3.Row] = []
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            out.extend(self.query(sql.format(ids=",".join("?" * len(part))), (*extra, *part)))
        return out

    def article_rows(self, article_ids: Iterable[str]) -> dict[str, sqlite3.Row]:
        """The merge's article fields (no text) for the given ids."""
        rows = self._chunked("SELECT article_id, seq, published, published_precision, published_method,"
                             " duplicate_of, outlet, title, language, story_id FROM articles"
                             " WHERE article_id IN ({ids})", article_ids)
        return {r["article_id"]: r for r in rows}

    def undated_articles(self) -> list[str]:
        return [r["article_id"] for r in self.query(
            "SELECT article_id FROM articles WHERE published IS NULL OR published = '' ORDER BY article_id")]

    def mentions_by_id(self, mention_ids: Iterable[str]) -> list[EventMention]:
        rows = self._chunked("SELECT json FROM mentions WHERE mention_id IN ({ids})", mention_ids)
        return sorted((EventMention.from_dict(_loads(r["json"])) for r in rows), key=lambda m: m.mention_id)

    def mentions_of_articles(self, article_ids: Iterable[str]) -> list[EventMention]:
        rows = self._chunked("SELECT json FROM mentions WHERE article_id IN ({ids})", article_ids)
        return sorted((EventMention.from_dict(_loads(r["json"])) for r in rows), key=lambda m: m.mention_id)

    def mention_events(self, mention_ids: Iterable[str]) -> dict[str, str | None]:
        rows = self._chunked("SELECT mention_id, event_id FROM mentions WHERE mention_id IN ({ids})", mention_ids)
        return {r["mention_id"]: r["event_id"] for r in rows}

    def event_members(self, event_ids: Iterable[str]) -> dict[str, list[str]]:
        rows = self._chunked("SELECT event_id, mention_id FROM mentions WHERE event_id IN ({ids})", event_ids)
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r["event_id"], []).append(r["mention_id"])
        return {k: sorted(v) for k, v in out.items()}

    def events_by_id(self, event_ids: Iterable[str]) -> list[Event]:
        rows = self._chunked("SELECT json FROM events WHERE event_id IN ({ids})", event_ids)
        return sorted((Event.from_dict(_loads(r["json"])) for r in rows), key=lambda e: e.event_id)

    def events_of_stories(self, story_ids: Iterable[str]) -> list[Event]:
        rows = self._chunked("SELECT json FROM events WHERE story_id IN ({ids})", story_ids)
        return sorted((Event.from_dict(_loads(r["json"])) for r in rows), key=lambda e: e.event_id)

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
        rows = self._chunked("SELECT mention_id, component FROM merge_components WHERE mention_id IN ({ids})",
                             mention_ids)
        return {r["mention_id"]: r["component"] for r in rows}

    def merge_pairs(self, mention_ids: Iterable[str]) -> list[tuple[float, str, str, bool]]:
        """Stored linkable pairs (score, a, b, merged) with `a` among the given mentions."""
        rows = self._chunked("SELECT a, b, score, merged FROM merge_pairs WHERE a IN ({ids})", mention_ids)
        return [(r["score"], r["a"], r["b"], bool(r["merged"])) for r in rows]

    def component_pairs(self, components: Iterable[str]) -> list[tuple[float, str, str, bool]]:
        """Stored linkable pairs (score, a, b, merged) inside the given components (one indexed join)."""
        comps = sorted(set(components))
        out: list[tuple[float, str, str, bool]] = []
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

    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        rows = self._chunked("SELECT article_id, story_id FROM articles WHERE story_id IN ({ids})", story_ids)
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r["story_id"], []).append(r["article_id"])
        return {k: sorted(v) for k, v in out.items()}

    def story_sizes(self, story_ids: Iterable[str]) -> dict[str, int]:
        rows = self._chunked("SELECT story_id, COUNT(*) AS n FROM articles WHERE story_id IN ({ids})"
                             " GROUP BY story_id", story_ids)
        return {r["story_id"]: r["n"] for r in rows}

    def stories_by_id(self, story_ids: Iterable[str]) -> list[Story]:
        rows = self._chunked("SELECT json FROM stories WHERE story_id IN ({ids})", story_ids)
        return sorted((Story.from_dict(_loads(r["json"])) for r in rows), key=lambda s: s.story_id)

    def stories_following(self, story_ids: Iterable[str]) -> list[Story]:
        """Stories whose `follows` names one of `story_ids` (a scan of the small stories table)."""
        wanted = set(story_ids)
        if not wanted:
            return []
        out = []
        for r in self.query("SELECT json FROM stories WHERE json LIKE '%\"follows\": \"st_%'"):
            s = Story.from_dict(_loads(r["json"]))
            if s.follows in wanted:
                out.append(s)
        return out

    def story_profiles(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self._chunked("SELECT article_id, json FROM story_profiles WHERE article_id IN ({ids})", article_ids)
        return {r["article_id"]: _loads(r["json"]) for r in rows}

    def story_key_neighbours(self, key: str, day: str | None, window_days: int, limit: int) -> list[str]:
        """Articles indexed under `key`: the `limit` nearest on each side of `day` within the window
        (undated articles and an undated `day`: the first `limit` by id)."""
        if day is None:
            rows = self.query("SELECT article_id FROM story_keys WHERE key = ? ORDER BY day, article_id LIMIT ?",
                              (key, limit))
            return [r["article_id"] for r in rows]
        from datetime import date, timedelta

        d = date.fromisoformat(day)
        lo, hi = (d - timedelta(days=window_days)).isoformat(), (d + timedelta(days=window_days)).isoformat()
        before = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day >= ? AND day <= ?"
                            " ORDER BY day DESC, article_id DESC LIMIT ?", (key, lo, day, limit))
        after = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day > ? AND day <= ?"
                           " ORDER BY day, article_id LIMIT ?", (key, day, hi, limit))
        undated = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day IS NULL"
                             " ORDER BY article_id LIMIT ?", (key, limit))
        return [r["article_id"] for r in (*before, *after, *undated)]

    def story_key_between(self, key: str, lo: str, hi: str, limit: int) -> list[str]:
        """The latest `limit` articles indexed under `key` with a day in [lo, hi]."""
        rows = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day >= ? AND day <= ?"
                          " ORDER BY day DESC, article_id LIMIT ?", (key, lo, hi, limit))
        return [r["article_id"] for r in rows]

    def story_key_after(self, key: str, lo: str, hi: str, limit: int) -> list[str]:
        """The earliest `limit` articles indexed under `key` with a day in [lo, hi]."""
        rows = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day >= ? AND day <= ?"
                          " ORDER BY day, article_id LIMIT ?", (key, lo, hi, limit))
        return [r["article_id"] for r in rows]

    def story_df(self, terms: Iterable[str]) -> dict[str, int]:
        rows = self._chunked("SELECT term, n FROM story_df WHERE term IN ({ids})", terms)
        return {r["term"]: r["n"] for r in rows}

    def write_merge_index(self, *, full: bool, blocks: Iterable[tuple[str, int | None, int | None, str]],
                          block_mentions: Iterable[str], components: dict[str, str],
                          profiles: dict[str, tuple[str | None, dict[str, Any], list[str]]],
                          df_delta: dict[str, int], meta: dict[str, str],
                          pairs: Iterable[tuple[float, str, str, bool]] = (), pair_mentions: Iterable[str] = ()
                          ) -> None:
        """Write (full: replace) the incremental-merge index in one transaction.

        blocks: (key, lo, hi, mention_id) rows replacing those of `block_mentions`; components:
        mention → component; profiles: article → (day, profile json, story keys); df_delta: term →
        increment of its document frequency (full: the frequencies); pairs: linkable pairs
        (score, a, b, merged) written over those stored, after the pairs of `pair_mentions` are dropped."""
        with self.transaction() as c:
            if full:
                for table in ("merge_blocks", "merge_components", "merge_pairs", "story_profiles", "story_keys",
                              "story_df"):
                    c.execute(f"DELETE FROM {table}")
            else:
                for mid in sorted(set(block_mentions)):
                    c.execute("DELETE FROM merge_blocks WHERE mention_id = ?", (mid,))
                for mid in sorted(set(pair_mentions)):
                    c.execute("DELETE FROM merge_pairs WHERE a = ? OR b = ?", (mid, mid))
                for aid in sorted(profiles):
                    c.execute("DELETE FROM story_keys WHERE article_id = ?", (aid,))
            c.executemany("INSERT OR REPLACE INTO merge_pairs(a, b, score, merged) VALUES (?,?,?,?)",
                          ((a, b, score, int(m)) for score, a, b, m in pairs))
            c.executemany("INSERT INTO merge_blocks(key, lo, hi, mention_id) VALUES (?,?,?,?)", blocks)
            c.executemany("INSERT OR REPLACE INTO merge_components(mention_id, component) VALUES (?,?)",
                          sorted(components.items()))
            for aid, (day, prof, keys) in sorted(profiles.items()):
                c.execute("INSERT OR REPLACE INTO story_profiles(article_id, day, json) VALUES (?,?,?)",
                          (aid, day, _dumps(prof)))
                c.executemany("INSERT INTO story_keys(key, day, article_id) VALUES (?,?,?)",
                              [(k, day, aid) for k in keys])
            c.executemany("INSERT INTO story_df(term, n) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET n = n + ?",
                          [(t, n, n) for t, n in sorted(df_delta.items())])
            for k, v in sorted(meta.items()):
                c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (k, v))

    def replace_merge_part(self, *, old_events: Iterable[str], events: list[Event], mention_events: dict[str, str],
                           old_stories: Iterable[str], stories: list[Story], article_stories: dict[str, str],
                           event_stories: dict[str, str | None]) -> None:
        """Replace some events and stories in one transaction (the incremental merge's output).

        old_events / old_stories are deleted, `events` / `stories` written; mention → event and
        article → story links are set for the given ids; `event_stories` re-points kept events."""
        with self.transaction() as c:
            for eid in sorted(set(old_events)):
                c.execute("DELETE FROM events WHERE event_id = ?", (eid,))
                c.execute("DELETE FROM event_actors WHERE event_id = ?", (eid,))
            for sid in sorted(set(old_stories)):
                c.execute("DELETE FROM stories WHERE story_id = ?", (sid,))
            for e in events:
                c.execute("INSERT OR REPLACE INTO events(event_id, type, factuality, date, story_id, n_sources, json)"
                          " VALUES (?,?,?,?,?,?,?)",
                          (e.event_id, e.type, e.factuality, e.date.value if e.date else None, e.story_id,
                           e.n_sources, _dumps(e.to_dict())))
                c.execute("DELETE FROM event_actors WHERE event_id = ?", (e.event_id,))
                for side, refs in (("source", e.source), ("target", e.target)):
                    for a in refs:
                        c.execute("INSERT INTO event_actors(event_id, actor_id, name, country, side)"
                                  " VALUES (?,?,?,?,?)", (e.event_id, a.actor_id, a.name, a.country, side))
            for eid, story_id in sorted(event_stories.items()):
                row = c.execute("SELECT json FROM events WHERE event_id = ?", (eid,)).fetchone()
                if row is None:
                    continue
                data = _loads(row["json"])
                if data.get("story_id") != story_id:
                    data["story_id"] = story_id
                    c.execute("UPDATE events SET story_id = ?, json = ? WHERE event_id = ?",
                              (story_id, _dumps(data), eid))
            for s in stories:
                # a shallow dict (Story holds only strings and lists of strings): large stories
                # list many events, and `to_dict` deep-copies them
                data = {f.name: getattr(s, f.name) for f in fields(s)}
                c.execute("INSERT OR REPLACE INTO stories(story_id, json) VALUES (?, ?)", (s.story_id, _dumps(data)))
            for mid, eid in sorted(mention_events.items()):
                row = c.execute("SELECT json FROM mentions WHERE mention_id = ?", (mid,)).fetchone()
                if row is None:
                    continue
                data = _loads(row["json"])
                if data.get("event_id") != eid:
                    data["event_id"] = eid
                    c.execute("UPDATE mentions SET event_id = ?, json = ? WHERE mention_id = ?",
                              (eid, _dumps(data), mid))
            for aid, sid in sorted(article_stories.items()):
                c.execute("UPDATE articles SET story_id = ? WHERE article_id = ?", (sid, aid))

    def integrity_check(self) -> str:
        return self.query("PRAGMA integrity_check")[0][0]
