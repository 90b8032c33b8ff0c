"""Read-side SQL for the web app: filtered, paginated lists over the store's tables.

The store keeps its own list helpers; the filters the UI and the JSON API need (actor,
country, type, factuality, date range, full-text search, story) are built here as SQL so
that a page of 50 events never loads the whole table. The same SQL runs on the SQLite store
and on a Parquet dataset (DuckDB views named like the SQLite tables); the few pieces that
differ come from the store's `dialect`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..models import Actor, Event, EventMention, Story
from ..store import AnyStore

MAX_LIMIT = 200
SEARCH_CAP = 10_000  # articles matched by a text filter on events


def rows(store: AnyStore, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
    """Run a read query through the store's lock and busy-retry (safe while `veille ingest` writes);
    rows are read by column name (`r["n"]`, `dict(r)`)."""
    return store.query(sql, params)


@dataclass
class Page:
    """One page of a list: the items, the total count before paging, and the window."""

    items: list[Any]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total

    @property
    def has_prev(self) -> bool:
        return self.offset > 0


@dataclass
class EventFilter:
    """The event table's filters; every field optional. Dates compare as ISO strings."""

    actor: str | None = None  # actor id, or a piece of an actor's name
    country: str | None = None  # ISO3 of an actor or of the event's place
    type: str | None = None
    factuality: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None  # full-text search over articles (FTS5), events mentioned in the hits
    story_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def query_args(self) -> dict[str, str]:
        """The non-empty filters as URL query arguments (pagination links keep them)."""
        names = ("actor", "country", "type", "factuality", "date_from", "date_to", "q", "story_id")
        return {n: getattr(self, n) for n in names if getattr(self, n)}

    def is_empty(self) -> bool:
        return not self.query_args()


def _event_where(store: AnyStore, f: EventFilter) -> tuple[str, list[Any]] | None:
    """WHERE clause for the filter, or None when a text filter matched no article."""
    clauses: list[str] = []
    params: list[Any] = []
    if f.type:
        clauses.append("e.type = ?")
        params.append(f.type.upper())
    if f.factuality:
        clauses.append("e.factuality = ?")
        params.append(f.factuality.lower())
    if f.story_id:
        clauses.append("e.story_id = ?")
        params.append(f.story_id)
    if f.date_from:
        clauses.append("e.date >= ?")
        params.append(f.date_from)
    if f.date_to:
        # '2023-09' (month precision) sorts before '2023-09-30'; a day bound includes its whole day
        clauses.append("e.date <= ?")
        params.append(f.date_to + "\uffff")
    if f.actor:
        like = "%" + f.actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = e.event_id"
                       f" AND (ea.actor_id = ? OR ea.name {store.dialect.like} ? ESCAPE '\\'))")
        params += [f.actor, like]
    if f.country:
        clauses.append("(EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = e.event_id AND ea.country = ?)"
                       f" OR {store.dialect.location_country('e')} = ?)")
        params += [f.country.upper(), f.country.upper()]
    if f.q and f.q.strip():
        article_ids = store.search_ids(f.q, limit=SEARCH_CAP)
        if not article_ids:
            return None
        marks = ",".join("?" * len(article_ids))
        clauses.append(f"e.event_id IN (SELECT m.event_id FROM mentions m WHERE m.article_id IN ({marks}))")
        params += article_ids
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def list_events(store: AnyStore, f: EventFilter, *, limit: int = 50, offset: int = 0) -> Page:
    """Events matching the filter, by date (undated last), then id."""
    where = _event_where(store, f)
    if where is None:
        return Page([], 0, limit, offset)
    sql, params = where
    total = rows(store, f"SELECT COUNT(*) AS n FROM events e{sql}", params)[0]["n"]
    found = rows(store, f"SELECT e.json FROM events e{sql} ORDER BY e.date IS NULL, e.date, e.event_id"
                        " LIMIT ? OFFSET ?", [*params, limit, offset])
    return Page([Event.from_dict(json.loads(r["json"])) for r in found], total, limit, offset)


def all_events(store: AnyStore, f: EventFilter, cap: int = 2000) -> list[Event]:
    """Events for a timeline or map (capped: a picture of more dots than this says nothing more)."""
    return list_events(store, f, limit=cap, offset=0).items


def facet_values(store: AnyStore) -> dict[str, list[str]]:
    """Values present in the store for the filter drop-downs."""
    place = store.dialect.location_country("e")
    return {
        "type": [r["v"] for r in rows(store, "SELECT DISTINCT type AS v FROM events ORDER BY v")],
        "factuality": [r["v"] for r in rows(store, "SELECT DISTINCT factuality AS v FROM events ORDER BY v")],
        "country": [r["v"] for r in rows(
            store, "SELECT DISTINCT country AS v FROM event_actors WHERE country IS NOT NULL"
                   f" UNION SELECT DISTINCT {place} FROM events e WHERE {place} IS NOT NULL ORDER BY v")],
    }


# --------------------------------------------------------------------------- other lists


def list_articles(store: AnyStore, *, limit: int = 50, offset: int = 0, story_id: str | None = None) -> Page:
    where, params = (" WHERE story_id = ?", [story_id]) if story_id else ("", [])
    total = rows(store, f"SELECT COUNT(*) AS n FROM articles{where}", params)[0]["n"]
    return Page(store.list_articles(limit=limit, offset=offset, story_id=story_id), total, limit, offset)


def list_mentions(store: AnyStore, *, limit: int = 50, offset: int = 0, article_id: str | None = None,
                  event_id: str | None = None) -> Page:
    clauses, params = [], []
    if article_id:
        clauses.append("article_id = ?")
        params.append(article_id)
    if event_id:
        clauses.append("event_id = ?")
        params.append(event_id)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    total = rows(store, f"SELECT COUNT(*) AS n FROM mentions{where}", params)[0]["n"]
    found = rows(store, f"SELECT json FROM mentions{where} ORDER BY date IS NULL, date, mention_id"
                        " LIMIT ? OFFSET ?", [*params, limit, offset])
    return Page([EventMention.from_dict(json.loads(r["json"])) for r in found], total, limit, offset)


def list_actors(store: AnyStore, *, limit: int = 50, offset: int = 0, q: str | None = None,
                country: str | None = None) -> Page:
    clauses, params = [], []
    if q:
        # names and aliases only, never the raw JSON ("country", "aliases", "_" matched every actor)
        clauses.append(f"(name {store.dialect.like} ? ESCAPE '\\' OR {store.dialect.alias_like()})")
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [like, like]
    if country:
        clauses.append("country = ?")
        params.append(country.upper())
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    total = rows(store, f"SELECT COUNT(*) AS n FROM actors{where}", params)[0]["n"]
    found = rows(store, f"SELECT json FROM actors{where} ORDER BY n_mentions DESC, name, actor_id"
                        " LIMIT ? OFFSET ?", [*params, limit, offset])
    return Page([Actor.from_dict(json.loads(r["json"])) for r in found], total, limit, offset)


def list_stories(store: AnyStore, *, limit: int = 50, offset: int = 0) -> Page:
    total = rows(store, "SELECT COUNT(*) AS n FROM stories")[0]["n"]
    found = rows(store, f"SELECT json FROM stories ORDER BY {store.dialect.story_end()} DESC, story_id"
                        " LIMIT ? OFFSET ?", [limit, offset])
    return Page([Story.from_dict(json.loads(r["json"])) for r in found], total, limit, offset)


def search(store: AnyStore, q: str, *, limit: int = 20, offset: int = 0) -> Page:
    """Full-text search; the total is capped at SEARCH_CAP."""
    if not q.strip():
        return Page([], 0, limit, offset)
    total = len(store.search_ids(q, limit=SEARCH_CAP))
    return Page(store.search(q, limit=limit, offset=offset), total, limit, offset)


def actor_events(store: AnyStore, actor_id: str, cap: int = 2000) -> list[tuple[Event, str]]:
    """Events where the actor is a source or a target, with its side, by date."""
    found = rows(store, "SELECT e.json, group_concat(DISTINCT ea.side) AS sides FROM events e"
                        " JOIN event_actors ea ON ea.event_id = e.event_id WHERE ea.actor_id = ?"
                        " GROUP BY e.event_id, e.json, e.date ORDER BY e.date IS NULL, e.date, e.event_id LIMIT ?",
                 (actor_id, cap))
    return [(Event.from_dict(json.loads(r["json"])), r["sides"]) for r in found]


def actor_articles(store: AnyStore, actor_id: str, limit: int = 100) -> list[dict[str, Any]]:
    found = rows(store, "SELECT a.article_id, a.title, a.outlet, a.published, aa.n FROM article_actors aa"
                        " JOIN articles a ON a.article_id = aa.article_id WHERE aa.actor_id = ?"
                        " ORDER BY a.published DESC, a.seq LIMIT ?", (actor_id, limit))
    return [dict(r) for r in found]


def article_meta(store: AnyStore, article_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Title, outlet, url and date of some articles, by id."""
    if not article_ids:
        return {}
    marks = ",".join("?" * len(article_ids))
    found = rows(store, f"SELECT article_id, title, outlet, url, published, source_path FROM articles"
                        f" WHERE article_id IN ({marks})", list(article_ids))
    return {r["article_id"]: dict(r) for r in found}


def events_of_article(store: AnyStore, article_id: str) -> list[str]:
    return [r["event_id"] for r in rows(
        store, "SELECT DISTINCT event_id FROM mentions WHERE article_id = ? AND event_id IS NOT NULL", (article_id,))]


class PipelinePool:
    """The web app's pipelines: up to `size` of them for the server's lifetime (each loads its own
    spaCy model once), each used by one request at a time. Requests beyond `size` wait for a free
    one; no lock is held across requests otherwise, and stages are never shared between threads.
    `size` is the `serve_pipelines` setting (each pipeline holds a model: ~0.3 GB with md)."""

    def __init__(self, settings, size: int | None = None) -> None:
        import queue
        import threading

        from ..errors import ConfigError

        self.settings = settings
        self.size = int(size if size is not None else settings.serve_pipelines)
        if self.size < 1:
            raise ConfigError(f"serve_pipelines must be at least 1, not {self.size}", stage="serve")
        self._free: queue.LifoQueue = queue.LifoQueue()  # the most recently used first: warm caches
        self._slots = threading.BoundedSemaphore(self.size)
        self.made = 0

    @contextmanager
    def checkout(self) -> Iterator[Any]:
        """A pipeline for this request alone, back in the pool when the block ends."""
        import queue

        from ..pipeline import Pipeline

        self._slots.acquire()
        try:
            try:
                pipeline = self._free.get_nowait()
            except queue.Empty:
                pipeline = Pipeline(self.settings, freeze_when_loaded=True)
                self.made += 1
        except BaseException:
            self._slots.release()
            raise
        try:
            yield pipeline
        finally:
            self._free.put(pipeline)
            self._slots.release()
