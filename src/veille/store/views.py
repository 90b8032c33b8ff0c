"""Read views for the web app: filtered, paginated lists over the store's tables.

The filters the UI and the JSON API need (actor, country, type, factuality, date range, full-text
search, story) are built here as SQL so that a page of 50 events never loads the whole table. The
same SQL runs on the SQLite store and on a Parquet dataset (DuckDB views named like the SQLite
tables): both stores take these methods from `ReadViews`, and the few SQL pieces that differ come
from the store's `dialect`. The web app (`veille.serve.queries`) calls these methods and writes no
SQL of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..models import Actor, Event, EventMention, Story

SEARCH_CAP = 10_000  # articles matched by a text filter on events


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


class Dialect(Protocol):
    """The SQL pieces that differ between the store backends."""

    like: str

    def location_country(self, alias: str) -> str: ...
    def story_end(self) -> str: ...
    def alias_like(self) -> str: ...


class _Readable(Protocol):
    """What `ReadViews` needs of the store it is mixed into."""

    @property
    def dialect(self) -> Dialect: ...
    def query(self, sql: str, params: Iterable[Any] = ()) -> list[Any]: ...
    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]: ...
    def search_ids(self, query: str, limit: int = 10_000) -> list[str]: ...
    def list_articles(self, *, limit: int = 50, offset: int = 0, story_id: str | None = None
                      ) -> list[dict[str, Any]]: ...


def _like(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching `text` anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(clauses: list[str]) -> str:
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def _event_where(store: _Readable, f: EventFilter) -> tuple[str, list[Any]] | None:
    """WHERE clause for the filter, or None when a text filter matched no article."""
    clauses: list[str] = []
    params: list[Any] = []
    for value, clause in ((f.type and f.type.upper(), "e.type = ?"),
                          (f.factuality and f.factuality.lower(), "e.factuality = ?"),
                          (f.story_id, "e.story_id = ?"), (f.date_from, "e.date >= ?"),
                          # '2023-09' (month precision) sorts before '2023-09-30'; a day bound
                          # includes its whole day
                          (f.date_to and f.date_to + "\uffff", "e.date <= ?")):
        if value:
            clauses.append(clause)
            params.append(value)
    if f.actor:
        clauses.append("EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = e.event_id"
                       f" AND (ea.actor_id = ? OR ea.name {store.dialect.like} ? ESCAPE '\\'))")
        params += [f.actor, _like(f.actor)]
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
    return _where(clauses), params


class ReadViews:
    """The web app's lists; mixed into SQLiteStore and DatasetStore."""

    def events_page(self: _Readable, f: EventFilter, *, limit: int = 50, offset: int = 0) -> Page:
        """Events matching the filter, by date (undated last), then id."""
        where = _event_where(self, f)
        if where is None:
            return Page([], 0, limit, offset)
        sql, params = where
        total = self.query(f"SELECT COUNT(*) AS n FROM events e{sql}", params)[0]["n"]
        found = self.query(f"SELECT e.json FROM events e{sql} ORDER BY e.date IS NULL, e.date, e.event_id"
                           " LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page([Event.from_dict(json.loads(r["json"])) for r in found], total, limit, offset)

    def facet_values(self: _Readable) -> dict[str, list[str]]:
        """Values present in the store for the filter drop-downs."""
        place = self.dialect.location_country("e")
        return {
            "type": [r["v"] for r in self.query("SELECT DISTINCT type AS v FROM events ORDER BY v")],
            "factuality": [r["v"] for r in self.query("SELECT DISTINCT factuality AS v FROM events ORDER BY v")],
            "country": [r["v"] for r in self.query(
                "SELECT DISTINCT country AS v FROM event_actors WHERE country IS NOT NULL"
                f" UNION SELECT DISTINCT {place} FROM events e WHERE {place} IS NOT NULL ORDER BY v")],
        }

    def articles_page(self: _Readable, *, limit: int = 50, offset: int = 0, story_id: str | None = None) -> Page:
        where, params = (" WHERE story_id = ?", [story_id]) if story_id else ("", [])
        total = self.query(f"SELECT COUNT(*) AS n FROM articles{where}", params)[0]["n"]
        return Page(self.list_articles(limit=limit, offset=offset, story_id=story_id), total, limit, offset)

    def mentions_page(self: _Readable, *, limit: int = 50, offset: int = 0, article_id: str | None = None,
                      event_id: str | None = None) -> Page:
        clauses, params = [], []
        if article_id:
            clauses.append("article_id = ?")
            params.append(article_id)
        if event_id:
            clauses.append("event_id = ?")
            params.append(event_id)
        where = _where(clauses)
        total = self.query(f"SELECT COUNT(*) AS n FROM mentions{where}", params)[0]["n"]
        found = self.query(f"SELECT json FROM mentions{where} ORDER BY date IS NULL, date, mention_id"
                           " LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page([EventMention.from_dict(json.loads(r["json"])) for r in found], total, limit, offset)

    def actors_page(self: _Readable, *, limit: int = 50, offset: int = 0, q: str | None = None,
                    country: str | None = None) -> Page:
        clauses, params = [], []
        if q:
            # names and aliases only, never the raw JSON ("country", "aliases", "_" matched every actor)
            clauses.append(f"(name {self.dialect.like} ? ESCAPE '\\' OR {self.dialect.alias_like()})")
            params += [_like(q), _like(q)]
        if country:
            clauses.append("country = ?")
            params.append(country.upper())
        where = _where(clauses)
        total = self.query(f"SELECT COUNT(*) AS n FROM actors{where}", params)[0]["n"]
        found = self.query(f"SELECT json FROM actors{where} ORDER BY n_mentions DESC, name, actor_id"
                           " LIMIT ? OFFSET ?", [*params, limit, offset])
        return Page([Actor.from_dict(json.loads(r["json"])) for r in found], total, limit, offset)

    def stories_page(self: _Readable, *, limit: int = 50, offset: int = 0) -> Page:
        total = self.query("SELECT COUNT(*) AS n FROM stories")[0]["n"]
        found = self.query(f"SELECT json FROM stories ORDER BY {self.dialect.story_end()} DESC, story_id"
                           " LIMIT ? OFFSET ?", [limit, offset])
        items = [Story.from_dict(json.loads(r["json"])) for r in found]
        fill = getattr(self, "_with_members", None)  # the SQLite store keeps members as articles/events' story_id
        return Page(fill(items) if fill else items, total, limit, offset)

    def search_page(self: _Readable, q: str, *, limit: int = 20, offset: int = 0) -> Page:
        """Full-text search; the total is capped at SEARCH_CAP."""
        if not q.strip():
            return Page([], 0, limit, offset)
        total = len(self.search_ids(q, limit=SEARCH_CAP))
        return Page(self.search(q, limit=limit, offset=offset), total, limit, offset)

    def actor_events(self: _Readable, actor_id: str, cap: int = 2000) -> list[tuple[Event, str]]:
        """Events where the actor is a source or a target, with its side, by date."""
        found = self.query("SELECT e.json, group_concat(DISTINCT ea.side) AS sides FROM events e"
                           " JOIN event_actors ea ON ea.event_id = e.event_id WHERE ea.actor_id = ?"
                           " GROUP BY e.event_id, e.json, e.date ORDER BY e.date IS NULL, e.date, e.event_id LIMIT ?",
                           (actor_id, cap))
        return [(Event.from_dict(json.loads(r["json"])), r["sides"]) for r in found]

    def actor_articles(self: _Readable, actor_id: str, limit: int = 100) -> list[dict[str, Any]]:
        found = self.query("SELECT a.article_id, a.title, a.outlet, a.published, aa.n FROM article_actors aa"
                           " JOIN articles a ON a.article_id = aa.article_id WHERE aa.actor_id = ?"
                           " ORDER BY a.published DESC, a.seq LIMIT ?", (actor_id, limit))
        return [dict(r) for r in found]

    def article_meta(self: _Readable, article_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Title, outlet, url and date of some articles, by id."""
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        found = self.query(f"SELECT article_id, title, outlet, url, published, source_path FROM articles"
                           f" WHERE article_id IN ({marks})", list(article_ids))
        return {r["article_id"]: dict(r) for r in found}

    def mentions_listed(self: _Readable, mention_ids: list[str]) -> list[EventMention]:
        """The mentions of the given ids that the store holds (an event may list mentions no longer
        linked to it: older merge output)."""
        if not mention_ids:
            return []
        marks = ",".join("?" * len(mention_ids))
        found = self.query(f"SELECT json FROM mentions WHERE mention_id IN ({marks})", list(mention_ids))
        return [EventMention.from_dict(json.loads(r["json"])) for r in found]

    def events_of_article(self: _Readable, article_id: str) -> list[str]:
        return [r["event_id"] for r in self.query(
            "SELECT DISTINCT event_id FROM mentions WHERE article_id = ? AND event_id IS NOT NULL", (article_id,))]
