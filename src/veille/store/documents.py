"""The documents part of the SQLite store: articles and their sources, the FTS5 search index,
the mention and quote layers, actors and the article ↔ actor counts.

The merge reads and re-points these rows through the methods here (which article belongs to which
story, which mention to which event); it writes no SQL of its own.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any

from ..models import Actor, Document, EventMention, Quote, actor_counts, fold_actor
from .sqlite_base import SQLiteBase, dumps, keyset_pages, loads, rows_of

SCHEMA = """
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
CREATE INDEX IF NOT EXISTS articles_story_published ON articles(story_id, published);
CREATE INDEX IF NOT EXISTS articles_story_id ON articles(story_id, article_id);
-- the article count, kept by triggers (COUNT(*) reads a whole index: the incremental merge asks on each run)
CREATE TABLE IF NOT EXISTS row_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
INSERT OR IGNORE INTO row_counts(name, n) SELECT 'articles', COUNT(*) FROM articles
    WHERE NOT EXISTS (SELECT 1 FROM row_counts WHERE name = 'articles');
CREATE TRIGGER IF NOT EXISTS articles_count_insert AFTER INSERT ON articles BEGIN
    UPDATE row_counts SET n = n + 1 WHERE name = 'articles';
END;
CREATE TRIGGER IF NOT EXISTS articles_count_delete AFTER DELETE ON articles BEGIN
    UPDATE row_counts SET n = n - 1 WHERE name = 'articles';
END;
CREATE TABLE IF NOT EXISTS sources (
    source_path TEXT NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (source_path, article_id)
);
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
"""


class DocumentTables(SQLiteBase):
    """Articles, sources, search, mentions, quotes and actors."""

    # ------------------------------------------------------------------ writing

    def has_article(self, article_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM articles WHERE article_id = ?", (article_id,)))

    def add_source(self, article_id: str, source_path: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO sources(source_path, article_id) VALUES (?, ?)",
                      (source_path, article_id))

    def _insert_document(self, c: sqlite3.Connection, doc: Document) -> bool:
        """Write a new document (article row, source, search entry, layers, actors); an article
        already there only gains the source. True when it was new."""
        if c.execute("SELECT 1 FROM articles WHERE article_id = ?", (doc.article_id,)).fetchone():
            c.execute("INSERT OR IGNORE INTO sources(source_path, article_id) VALUES (?, ?)",
                      (doc.source_path, doc.article_id))
            return False
        self._write_article(c, doc, insert=True)
        c.execute("INSERT OR IGNORE INTO sources(source_path, article_id) VALUES (?, ?)",
                  (doc.source_path, doc.article_id))
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
                  doc.duplicate_of, doc.story_id, doc.text, dumps(doc.record_fields()))
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
              m.date.value if m.date else None, dumps(m)) for m in doc.mentions])
        c.executemany("INSERT OR REPLACE INTO quotes(quote_id, article_id, json) VALUES (?,?,?)",
                      [(q.quote_id, doc.article_id, dumps(q)) for q in doc.quotes])

    def _upsert_actor(self, c: sqlite3.Connection, actor: Actor, n: int) -> None:
        row = c.execute("SELECT json FROM actors WHERE actor_id = ?", (actor.actor_id,)).fetchone()
        data = fold_actor(None if row is None else loads(row["json"]), actor, n)
        c.execute("INSERT OR REPLACE INTO actors(actor_id, name, country, sector, n_mentions, json)"
                  " VALUES (?,?,?,?,?,?)", (actor.actor_id, data.get("name"), data.get("country"),
                                            data.get("sector"), data["n_mentions"], dumps(data)))

    # ------------------------------------------------------------------ the merge's links

    def _set_mention_event(self, c: sqlite3.Connection, mention_id: str, data: dict[str, Any],
                           event_id: str | None) -> None:
        """Point one mention (its row's JSON `data`) at `event_id`, when it points elsewhere."""
        if data.get("event_id") != event_id:
            data["event_id"] = event_id
            c.execute("UPDATE mentions SET event_id = ?, json = ? WHERE mention_id = ?",
                      (event_id, dumps(data), mention_id))

    def _set_mention_events(self, c: sqlite3.Connection, mention_events: Mapping[str, str | None], *,
                            every: bool) -> None:
        """Point mentions at their events; `every`: all stored mentions (those not in
        `mention_events` lose their event), else only the given ones."""
        if every:  # paged by id: never every mention's JSON at once
            for r in _mention_pages(rows_of(c), 1000):
                self._set_mention_event(c, r["mention_id"], loads(r["json"]), mention_events.get(r["mention_id"]))
            return
        for mid, eid in sorted(mention_events.items()):
            row = c.execute("SELECT json FROM mentions WHERE mention_id = ?", (mid,)).fetchone()
            if row is not None:
                self._set_mention_event(c, mid, loads(row["json"]), eid)

    def _set_article_stories(self, c: sqlite3.Connection, article_stories: Mapping[str, str], *,
                             every: bool) -> None:
        """Set articles' stories; `every`: the articles not given lose theirs. Only the rows whose
        story changes are written: an update rewrites the whole row, text and JSON included
        (≈ 17 KB an article: two rewrites of every article made a 1M-article merge write 30 GB)."""
        if every:
            # (read through the index (story_id, article_id), then written: never while reading it)
            stale = [r["article_id"] for r in keyset_pages(
                rows_of(c),
                "SELECT story_id, article_id FROM articles INDEXED BY articles_story_id"
                " WHERE (story_id, article_id) > (?, ?) ORDER BY story_id, article_id LIMIT ?",
                (), ("story_id", "article_id"), ("", ""), 5000) if r["article_id"] not in article_stories]
            for aid in stale:
                c.execute("UPDATE articles SET story_id = NULL WHERE article_id = ?", (aid,))
        items = article_stories.items() if every else sorted(article_stories.items())
        for aid, sid in items:
            c.execute("UPDATE articles SET story_id = ? WHERE article_id = ? AND story_id IS NOT ?", (sid, aid, sid))

    # ------------------------------------------------------------------ reading documents

    def get_document(self, article_id: str) -> Document | None:
        rows = self.query("SELECT story_id, doc_json FROM articles WHERE article_id = ?", (article_id,))
        if not rows:
            return None
        doc = Document.from_dict(loads(rows[0]["doc_json"]))
        doc.story_id = rows[0]["story_id"]
        return doc

    def iter_documents(self, batch: int = 200, *, fields: Collection[str] | None = None) -> Iterator[Document]:
        """All documents in ingest order, read in pages (memory stays flat); `fields`: only those
        fields are decoded (with the id, path and text), the others keep their defaults."""
        keep = None if fields is None else {"article_id", "source_path", "text", *fields}
        for r in self._paged("SELECT seq, story_id, doc_json FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                             (), ("seq",), (0,), batch):
            data = loads(r["doc_json"])
            doc = Document.from_dict(data if keep is None else {k: v for k, v in data.items() if k in keep})
            doc.story_id = r["story_id"]  # set by merge after the document was written
            yield doc

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

    # ------------------------------------------------------------------ reading layers and actors

    def iter_mentions(self, article_id: str | None = None, *, batch: int | None = None) -> Iterator[EventMention]:
        """The mentions (of one article) by id; `batch`: every mention, read in pages of that many
        rows (never every row's JSON at once; each page is its own read)."""
        if batch is not None and not article_id:
            return self._paged_mentions(batch)
        if article_id:
            return self._decoded(EventMention, "SELECT json FROM mentions WHERE article_id = ? ORDER BY mention_id",
                                 (article_id,))
        return self._decoded(EventMention, "SELECT json FROM mentions ORDER BY mention_id")

    def _paged_mentions(self, batch: int) -> Iterator[EventMention]:
        for r in _mention_pages(self.query, batch):
            yield EventMention.from_dict(loads(r["json"]))

    def iter_quotes(self, article_id: str | None = None) -> Iterator[Quote]:
        if article_id:
            return self._decoded(Quote, "SELECT json FROM quotes WHERE article_id = ? ORDER BY quote_id",
                                 (article_id,))
        return self._decoded(Quote, "SELECT json FROM quotes ORDER BY quote_id")

    def iter_actors(self) -> Iterator[Actor]:
        return self._decoded(Actor, "SELECT json FROM actors ORDER BY actor_id")

    def get_actor(self, actor_id: str) -> Actor | None:
        return next(self._decoded(Actor, "SELECT json FROM actors WHERE actor_id = ?", (actor_id,)), None)

    def mentions_of_event(self, event_id: str) -> list[EventMention]:
        return list(self._decoded(EventMention, "SELECT json FROM mentions WHERE event_id = ? ORDER BY mention_id",
                                  (event_id,)))

    # ------------------------------------------------------------------ what the merge reads

    def max_article_seq(self) -> int:
        return self.query("SELECT COALESCE(MAX(seq), 0) AS n FROM articles")[0]["n"]

    def articles_after(self, seq: int) -> list[str]:
        """Ids of the articles stored after `seq` (ingest order)."""
        return [r["article_id"] for r in self.query("SELECT article_id FROM articles WHERE seq > ? ORDER BY seq",
                                                    (seq,))]

    def iter_article_rows(self, batch: int = 1000) -> Iterator[sqlite3.Row]:
        """The merge's article fields (`article_rows`) of every article in ingest order, read in pages."""
        yield from self._paged("SELECT article_id, seq, published, published_precision, published_method,"
                               " duplicate_of, outlet, title, language, story_id FROM articles"
                               " WHERE seq > ? ORDER BY seq LIMIT ?", (), ("seq",), (0,), batch)

    def article_titles(self, article_ids: Iterable[str]) -> dict[str, str | None]:
        return self._mapping_in("SELECT article_id, title FROM articles WHERE article_id IN ({ids})", article_ids)

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
        return self._decoded_in(EventMention, "SELECT json FROM mentions WHERE mention_id IN ({ids})", mention_ids,
                                key=lambda m: m.mention_id)

    def mentions_of_articles(self, article_ids: Iterable[str]) -> list[EventMention]:
        return self._decoded_in(EventMention, "SELECT json FROM mentions WHERE article_id IN ({ids})", article_ids,
                                key=lambda m: m.mention_id)

    def mention_events(self, mention_ids: Iterable[str]) -> dict[str, str | None]:
        return self._mapping_in("SELECT mention_id, event_id FROM mentions WHERE mention_id IN ({ids})", mention_ids)

    def article_mention_events(self, article_ids: Iterable[str]) -> dict[str, str | None]:
        """mention → event of every mention reported by the given articles."""
        return self._mapping_in("SELECT mention_id, event_id FROM mentions WHERE article_id IN ({ids})", article_ids)

    def event_mention_articles(self, event_ids: Iterable[str]) -> dict[str, str]:
        """mention → article of every mention of the given events."""
        return self._mapping_in("SELECT mention_id, article_id FROM mentions WHERE event_id IN ({ids})", event_ids)

    def event_members(self, event_ids: Iterable[str]) -> dict[str, list[str]]:
        return self._groups_in("SELECT event_id, mention_id FROM mentions WHERE event_id IN ({ids})", event_ids,
                               group="event_id", member="mention_id")

    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        return self._groups_in("SELECT article_id, story_id FROM articles WHERE story_id IN ({ids})", story_ids,
                               group="story_id", member="article_id")

    def stories_larger_than(self, story_ids: Iterable[str], size: int) -> set[str]:
        """The given stories that hold more than `size` articles (each counted up to size + 1)."""
        return {sid for sid in sorted(set(story_ids)) if self.query(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM articles WHERE story_id = ? LIMIT ?)", (sid, size + 1))[0]["n"] > size}

    def story_sizes(self, story_ids: Iterable[str]) -> dict[str, int]:
        return self._mapping_in("SELECT story_id, COUNT(*) AS n FROM articles WHERE story_id IN ({ids})"
                                " GROUP BY story_id", story_ids)

    def story_article_ids(self, story_id: str, limit: int) -> list[str]:
        """The first `limit` articles of a story by id."""
        rows = self.query("SELECT article_id FROM articles WHERE story_id = ? ORDER BY article_id LIMIT ?",
                          (story_id, limit))
        return [r["article_id"] for r in rows]

    def story_article_dates(self, story_id: str, *, dated_first: int | None = None) -> list[tuple[str, str | None]]:
        """(article, published) of a story's articles; `dated_first`: only the first so many dated
        ones, by date then id."""
        if dated_first is None:
            rows = self.query("SELECT article_id, published FROM articles WHERE story_id = ?", (story_id,))
        else:
            rows = self.query("SELECT article_id, published FROM articles WHERE story_id = ?"
                              " AND published IS NOT NULL AND published != '' ORDER BY published, article_id"
                              " LIMIT ?", (story_id, dated_first))
        return [(r["article_id"], r["published"]) for r in rows]


def _mention_pages(execute: Callable[[str, tuple[Any, ...]], list[sqlite3.Row]], batch: int
                   ) -> Iterator[sqlite3.Row]:
    """Every mention row (mention_id, json) by id, `batch` rows per read (`keyset_pages`)."""
    return keyset_pages(execute, "SELECT mention_id, json FROM mentions WHERE mention_id > ? ORDER BY mention_id"
                        " LIMIT ?", (), ("mention_id",), ("",), batch)
