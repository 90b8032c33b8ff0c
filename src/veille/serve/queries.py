"""The web app's lists: filtered, paginated views that the store answers (`veille.store.views`).

The filters the UI and the JSON API need (actor, country, type, factuality, date range, full-text
search, story) are the store's read views, on the SQLite store and on a Parquet dataset alike;
this module names them for the pages and the JSON API and writes no SQL of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..models import Event
from ..store import AnyStore
from ..store.views import SEARCH_CAP, EventFilter, Page

MAX_LIMIT = 200


def list_events(store: AnyStore, f: EventFilter, *, limit: int = 50, offset: int = 0) -> Page:
    """Events matching the filter, by date (undated last), then id."""
    return store.events_page(f, limit=limit, offset=offset)


def all_events(store: AnyStore, f: EventFilter, cap: int = 2000) -> list[Event]:
    """Events for a timeline or map (capped: a picture of more dots than this says nothing more)."""
    return list_events(store, f, limit=cap, offset=0).items


def facet_values(store: AnyStore) -> dict[str, list[str]]:
    """Values present in the store for the filter drop-downs."""
    return store.facet_values()


def list_articles(store: AnyStore, *, limit: int = 50, offset: int = 0, story_id: str | None = None) -> Page:
    return store.articles_page(limit=limit, offset=offset, story_id=story_id)


def list_mentions(store: AnyStore, *, limit: int = 50, offset: int = 0, article_id: str | None = None,
                  event_id: str | None = None) -> Page:
    return store.mentions_page(limit=limit, offset=offset, article_id=article_id, event_id=event_id)


def list_actors(store: AnyStore, *, limit: int = 50, offset: int = 0, q: str | None = None,
                country: str | None = None) -> Page:
    return store.actors_page(limit=limit, offset=offset, q=q, country=country)


def list_stories(store: AnyStore, *, limit: int = 50, offset: int = 0) -> Page:
    return store.stories_page(limit=limit, offset=offset)


def search(store: AnyStore, q: str, *, limit: int = 20, offset: int = 0) -> Page:
    """Full-text search; the total is capped at SEARCH_CAP."""
    return store.search_page(q, limit=limit, offset=offset)


def actor_events(store: AnyStore, actor_id: str, cap: int = 2000) -> list[tuple[Event, str]]:
    """Events where the actor is a source or a target, with its side, by date."""
    return store.actor_events(actor_id, cap)


def actor_articles(store: AnyStore, actor_id: str, limit: int = 100) -> list[dict[str, Any]]:
    return store.actor_articles(actor_id, limit)


def article_meta(store: AnyStore, article_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Title, outlet, url and date of some articles, by id."""
    return store.article_meta(article_ids)


def events_of_article(store: AnyStore, article_id: str) -> list[str]:
    return store.events_of_article(article_id)


__all__ = ["MAX_LIMIT", "SEARCH_CAP", "EventFilter", "Page", "PipelinePool", "actor_articles", "actor_events",
           "all_events", "article_meta", "events_of_article", "facet_values", "list_actors", "list_articles",
           "list_events", "list_mentions", "list_stories", "search"]


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
