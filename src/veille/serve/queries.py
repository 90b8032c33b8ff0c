"""The web app's lists: filtered, paginated views that the store answers (`veille.store.views`).

The filters the UI and the JSON API need (actor, country, type, factuality, date range, full-text
search, story) are the store's read views, on the SQLite store and on a Parquet dataset alike;
this module names them for the pages and the JSON API and writes no SQL of its own.
"""

from __future__ import annotations

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


__all__ = ["MAX_LIMIT", "SEARCH_CAP", "EventFilter", "Page", "PipelineHolder", "actor_articles", "actor_events",
           "all_events", "article_meta", "events_of_article", "facet_values", "list_actors", "list_articles",
           "list_events", "list_mentions", "list_stories", "search"]


class PipelineHolder:
    """One pipeline for the server's lifetime (models load once), used by one request at a time."""

    def __init__(self, settings) -> None:
        import threading

        self.settings = settings
        self._lock = threading.Lock()
        self._pipeline = None

    def __enter__(self):
        from ..pipeline import Pipeline

        self._lock.acquire()
        if self._pipeline is None:
            try:
                self._pipeline = Pipeline(self.settings, freeze_when_loaded=True)
            except BaseException:
                self._lock.release()
                raise
        return self._pipeline

    def __exit__(self, *exc) -> None:
        self._lock.release()
