"""SQLite store: WAL journal, one transaction per document, FTS5 full-text search.

Each document (article row, its search entry, signature, sources, mentions, quotes,
actor counts) is written in one `BEGIN IMMEDIATE … COMMIT`: a killed ingest leaves
either the whole document or nothing, and re-running skips what is already there
(the article id is a content hash, so re-ingesting the same input changes nothing).
Merge output (events, stories) is replaced as a whole in one transaction.

`SQLiteStore` is composed of one part per concern, each owning its tables (`SCHEMA`) and the
queries on them: `documents` (articles, sources, search, mentions, quotes, actors), `dedup_index`
(MinHash signatures, LSH bands), `merge_output` (events, stories), `merge_index` (the incremental
merge's blocks and pairs) and `story_index` (story profiles, keys, term frequencies);
`views` adds the web app's filtered lists, shared with the Parquet dataset store.
The writes that span several parts (a new document and its signature; the merge's output and the
links to it; the merge index and the story index) are one transaction each, here.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..batching import batched
from ..errors import StoreError
from ..models import Document, Event, Story
from . import dedup_index, documents, merge_index, merge_output, sqlite_base, story_index
from .dedup_index import DedupIndex
from .documents import DocumentTables, _mention_pages
from .merge_index import MergeIndex, Pair
from .merge_output import MergeOutput
from .merge_stage import MergeStage
from .sqlite_base import drop_indexes, keyset_pages, loads, rows_of
from .story_index import ProfileRow, Profiles, StoryIndex
from .views import ReadViews

SCHEMA_VERSION = 1

SCHEMA = "".join(part.SCHEMA for part in (sqlite_base, documents, dedup_index, merge_output, merge_index,
                                         story_index))

#: meta key written in the same transaction as an ingest's articles and removed once the merge ran:
#: a run killed in between leaves it, and the next command that opens the store finishes the merge
MERGE_PENDING = "merge_pending"


class SQLiteDialect:
    """The SQL pieces that differ between the store backends (`views.ReadViews` builds the rest)."""

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


class SQLiteStore(DocumentTables, DedupIndex, MergeOutput, MergeIndex, StoryIndex, MergeStage, ReadViews):
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

    @contextmanager
    def index_lookups_rebuilt(self) -> Iterator[None]:
        """For a full merge, which rewrites the merge index's tables row by row: their lookups are
        dropped first (and the index marked incomplete) and built once at the end, a sort each,
        instead of tens of millions of inserts at random places of B-trees larger than the cache.
        Built again when the merge fails, and by the schema at the next open were it killed."""
        with self.transaction() as c:
            c.execute("DELETE FROM meta WHERE key = 'merge_index'")
            lookups = drop_indexes(c, (*merge_index.LOOKUPS, *story_index.LOOKUPS))
        try:
            yield
        finally:
            with self.transaction() as c:
                for statement in lookups:
                    c.execute(statement)

    # ------------------------------------------------------------------ documents

    def add_document(self, doc: Document, signature: bytes | None = None,
                     bands: list[tuple[int, int]] | None = None) -> bool:
        """Write a processed document and everything derived from it; False if it was there already.

        `signature` is its MinHash (bytes) and `bands` its LSH band keys (see `Deduplicator.band_keys`).
        """
        with self.transaction() as c:
            if not self._insert_document(c, doc):
                return False
            self._index_signature(c, doc.article_id, signature, bands)
            return True

    def add_documents(self, docs: Iterable[Document]) -> int:
        """Write many processed documents in one transaction (bulk loads, benchmarks); how many were new."""
        with self.transaction() as c:
            return sum(self._insert_document(c, doc) for doc in docs)

    def count(self, table: str) -> int:
        if table not in {"articles", "mentions", "quotes", "actors", "events", "stories", "sources"}:
            raise StoreError(f"unknown table {table}", stage="store")
        if table == "articles":  # kept by triggers (`documents.SCHEMA`); a read-only store may predate them
            try:
                rows = self.query("SELECT n FROM row_counts WHERE name = 'articles'")
            except sqlite3.OperationalError:
                rows = []
            if rows:
                return rows[0]["n"]
        return self.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]

    def stats(self) -> dict[str, int]:
        return {t: self.count(t) for t in ("articles", "sources", "mentions", "events", "actors", "quotes", "stories")}

    def merge_pending(self) -> bool:
        """Articles were committed by an ingest whose cross-document merge has not finished."""
        return self.get_meta(MERGE_PENDING) is not None

    # ------------------------------------------------------------------ merge output

    def replace_merge_output(self, events: list[Event], stories: list[Story],
                             mention_events: dict[str, str], article_stories: dict[str, str]) -> None:
        """Store the merge pass's result atomically: events, stories and the links to them."""
        with self.transaction() as c:
            self._clear_output(c)
            for e in events:
                self._write_event(c, e, replace=False)
            for s in stories:
                self._write_story(c, s, replace=False)
            self._set_mention_events(c, mention_events, every=True)
            self._set_article_stories(c, article_stories, every=True)

    def replace_merge_output_staged(self, stories: list[Story], article_stories: dict[str, str]) -> None:
        """`replace_merge_output` with the staged events (each with its staged story), in one
        transaction; the stage is emptied."""
        with self.transaction() as c:
            self._clear_output(c)
            # the lookups of the tables written whole, at random places (event and actor ids): built
            # once at the end of the transaction (readers see the old output, lookups included, until then)
            lookups = drop_indexes(c, ("events_story", "event_actors_event", "event_actors_actor"))
            # (order key, id) pages: the events in date order, as a full merge writes them
            for r in keyset_pages(rows_of(c),
                                  "SELECT event_id, sort_key, story_id, json FROM stage_events INDEXED BY stage_events_order"
                                  " WHERE (sort_key, event_id) > (?, ?) ORDER BY sort_key, event_id LIMIT ?",
                                  (), ("sort_key", "event_id"), ("", ""), 2000):
                e = Event.from_dict(loads(r["json"]))
                e.story_id = r["story_id"]
                self._write_event(c, e, replace=False)
            for s in stories:
                self._write_story(c, s, replace=False)
            for page in batched(_mention_pages(rows_of(c), 1000), 1000):
                marks = ",".join("?" * len(page))
                events = dict(c.execute(f"SELECT mention_id, event_id FROM stage_mentions WHERE mention_id IN ({marks})",
                                        [r["mention_id"] for r in page]).fetchall())
                for r in page:
                    self._set_mention_event(c, r["mention_id"], loads(r["json"]), events.get(r["mention_id"]))
            self._set_article_stories(c, article_stories, every=True)
            for statement in lookups:
                c.execute(statement)
            c.execute("DELETE FROM stage_events")
            c.execute("DELETE FROM stage_mentions")

    def replace_merge_part(self, *, old_events: Iterable[str], events: list[Event], mention_events: dict[str, str],
                           old_stories: Iterable[str], stories: list[Story], article_stories: dict[str, str],
                           event_stories: dict[str, str | None], renamed_stories: dict[str, str] | None = None
                           ) -> None:
        """Replace some events and stories in one transaction (the incremental merge's output).

        old_events / old_stories are deleted, `events` / `stories` written; mention → event and
        article → story links are set for the given ids; `event_stories` re-points kept events;
        `renamed_stories` (old → new id) moves every article and event of a story first."""
        with self.transaction() as c:
            self._delete_output(c, old_events, old_stories)
            self._rename_stories(c, renamed_stories or {})
            for e in events:
                self._write_event(c, e, replace=True)
            self._set_event_stories(c, event_stories)
            for s in stories:
                self._write_story(c, s, replace=True)
            self._set_mention_events(c, mention_events, every=False)
            self._set_article_stories(c, article_stories, every=False)

    def write_merge_index(self, *, full: bool, blocks: Iterable[tuple[str, int | None, int | None, str]],
                          block_mentions: Iterable[str],
                          profiles: Profiles, df_delta: dict[str, int], meta: dict[str, str],
                          pairs: Iterable[Pair] = (), pair_mentions: Iterable[str] = (),
                          descriptors: Mapping[str, dict[str, Any] | None] | None = None) -> None:
        """Write (full: replace) the incremental-merge index in one transaction.

        blocks: (key, lo, hi, mention_id) rows replacing those of `block_mentions`; profiles: article → (day, profile json, story keys); df_delta: term →
        increment of its document frequency (full: the frequencies); pairs: linkable pairs
        (score, a, b, merged) written over those stored, after the pairs of `pair_mentions` are dropped;
        descriptors: story → its `StoryDescriptor` json, or None (dropped)."""
        with self.transaction() as c:
            self._write_mention_index(c, full=full, blocks=blocks, block_mentions=block_mentions,
                                      pairs=pairs, pair_mentions=pair_mentions)
            self._write_story_index(c, full=full, profiles=profiles, df_delta=df_delta, descriptors=descriptors)
            for k, v in sorted(meta.items()):
                c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (k, v))

    def write_mention_index(self, *, blocks: Iterable[tuple[str, int | None, int | None, str]],
                            pairs: Iterable[Pair], meta: dict[str, str | None], full: bool = True) -> None:
        """Write blocks and pairs of the index in one transaction (a full merge streams them in,
        batch by batch, before its stories, then `write_story_index`); `full`: replace every row
        (the first batch), else add to them; meta: keys set, or removed (None)."""
        with self.transaction() as c:
            self._write_mention_index(c, full=full, blocks=blocks, block_mentions=(), pairs=pairs, pair_mentions=())
            for k, v in sorted(meta.items()):
                self.set_meta(k, v)

    def write_story_index(self, *, profiles: Iterable[tuple[str, ProfileRow]], df: dict[str, int],
                          meta: dict[str, str | None]) -> None:
        """Replace the story part of the index in one transaction: `profiles` (article, row), in
        article order, streamed; `df` the document frequencies; meta: keys set, or removed (None)."""
        with self.transaction() as c:
            self._write_story_index(c, full=True, profiles=profiles, df_delta=df)
            for k, v in sorted(meta.items()):
                self.set_meta(k, v)
