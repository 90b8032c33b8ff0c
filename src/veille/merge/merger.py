"""The merge pass over a whole store: events, contradictions, cross-document dates, stories.

    counts = Merger(settings).run(store)

1. Read the article fields the clustering needs (dates, outlets, duplicates: row columns, no
   document decoded).
2. Cluster mentions into events (`streamed`: `coref`'s blocking on type × actor × date window and
   best-first clustering, one event type and one connected component at a time, the mentions read
   back from the store and dropped; the index's blocks and pairs written as they come).
3. Date undated articles from the events they share with dated ones (`dating`), save them with
   `store.update_document`, and cluster again with their re-resolved mention dates.
4. Build stories (`story_stream`: `stories`' grouping with the documents' profiles streamed to the
   story index and read back in date order, then story by story) and store everything with
   `store.replace_merge_output`. Same store in → same ids and output out (everything sorted, ids
   are content hashes of sorted member ids / a canonical article).
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import StoreError
from ..models import Document, Event, EventMention
from .config import MergeConfig
from .dating import CrossDocDater
from .features import ArticleInfo, MentionView, date_interval, view
from .index import mark_complete
from .stories import ArticleProfile, stop_words, terms
from .story_stream import StoryStream
from .streamed import StreamedCoref, StreamedPass

if TYPE_CHECKING:
    from .incremental import StoredArticles

log = logging.getLogger("veille.merge")


class Merger:
    """Cross-document pass. Configured once; `run(store)` may be called on any store."""

    def __init__(self, settings: Settings | None = None, **overrides):
        self.settings = settings or Settings()
        cfg = MergeConfig.from_settings(self.settings)
        if overrides:
            cfg = MergeConfig(**{**cfg.__dict__, **overrides})
        self.cfg = cfg

    # ------------------------------------------------------------------ reading

    @staticmethod
    def read_infos(store) -> dict[str, ArticleInfo]:
        """Every article's info, from the article rows' columns (no document is decoded), without
        its title (the stories read titles story by story: `StoryStream`)."""
        out = {}
        for seq, r in enumerate(store.iter_article_rows()):
            aid = r["article_id"]  # (one string for the key and the info)
            out[aid] = ArticleInfo(aid, r["published"], _interned(r["published_precision"]),
                                   _interned(r["published_method"]), r["duplicate_of"], _interned(r["outlet"]),
                                   None, seq)
        return out

    def read_profiles(self, store) -> dict[str, ArticleProfile]:
        """Every article's story profile, the documents streamed in ingest order."""
        stops = stop_words(self.settings.lang)
        return {doc.article_id: self.profile(doc, stops) for doc in store.iter_documents()}

    @staticmethod
    def article_info(doc: Document, seq: int = 0) -> ArticleInfo:
        p = doc.published
        return ArticleInfo(doc.article_id, p.value, p.precision, p.method, doc.duplicate_of, doc.outlet,
                           doc.title, seq)

    #: the document fields `profile` reads (a full merge decodes only those)
    PROFILE_FIELDS = ("title", "language", "actors", "actor_mentions", "mentions")

    def profile(self, doc: Document, stops: frozenset[str]) -> ArticleProfile:
        text = f"{doc.title or ''}\n{doc.text}"
        counts = Counter(m.actor_id for m in doc.actor_mentions)
        actors = {sys.intern(aid): a.name for aid, a in sorted(doc.actors.items())}
        # resolved actors that only events name (no actor layer): use the mentions' actor references
        for m in doc.mentions:
            for a in (*m.source, *m.target):
                key = a.actor_id or a.wikidata
                if key and key not in actors:
                    actors[sys.intern(key)] = a.name
                    counts[key] += 1
        return ArticleProfile(doc.article_id, terms(text, stops, self.cfg.terms_per_article), actors,
                              Counter({k: counts.get(k, 1) for k in actors}), doc.language)

    def views(self, mentions: list[EventMention], articles: Mapping[str, ArticleInfo]) -> list[MentionView]:
        cfg = self.cfg
        shared: dict = {}  # equal key sets and windows: one object each (memory)
        return [view(m, articles.get(m.article_id), cfg.before_days, cfg.after_days, cfg.planned_days, shared)
                for m in mentions]

    # ------------------------------------------------------------------ the pass

    def coref(self, store, articles: dict[str, ArticleInfo]) -> tuple[StreamedPass, list[str], list[str]]:
        """Cluster every mention into events, streamed from the store (`veille.merge.streamed`), the
        events staged in the store (`store.stage_events`) and the index's blocks and pairs written;
        date undated articles from the clusters and cluster again when some were dated. Returns
        (the final pass, the articles dated, `dating_pending`)."""
        streamed = StreamedCoref(self.cfg)
        first = self._staged_pass(streamed, store, articles)
        dated = self.redate_articles(store, first.undated_clusters, articles)
        if not dated:
            return first, [], []
        final = self._staged_pass(streamed, store, articles)
        pending = dating_pending(final.undated_keys, first.undated_keys.keys(), set(dated), articles)
        return final, dated, pending

    @staticmethod
    def _staged_pass(streamed: StreamedCoref, store, articles: dict[str, ArticleInfo]) -> StreamedPass:
        stage = EventStage(store)
        done = streamed.run(store, articles, write_index=True, sink=stage)
        stage.flush()
        return done

    def run(self, store) -> dict[str, int]:
        """The full pass, one phase at a time, nothing held for every mention, event or article
        profile: the mentions are clustered into events a type and a component at a time (events
        staged in the store, the index's blocks and pairs written as they come); the story
        profiles are streamed from the documents to the story index, stories built from it; then
        the whole output is written in one transaction."""
        if not hasattr(store, "stage_events"):
            raise StoreError("a full merge needs a writable SQLite store", stage="merge")
        articles = self.read_infos(store)
        with store.index_lookups_rebuilt():  # (the pass only writes the index: its lookups come after)
            co, dated, pending = self.coref(store, articles)
            stories, article_story = StoryStream(self, members=False).run(store, articles)
        store.replace_merge_output_staged(stories, article_story)
        counts = {"events": co.n_events, "mentions": co.n_mentions, "stories": len(stories),
                  "contradictions": co.n_contradictions, "redated": len(dated)}
        mark_complete(store, pending)
        return counts

    def redate_articles(self, store, clusters: list[list[MentionView]],
                        articles: dict[str, ArticleInfo] | StoredArticles,
                        only: set[str] | None = None) -> list[str]:
        """Date undated articles (of `only`, when given) from shared events; returns those dated."""
        undated = sorted({v.m.article_id for c in clusters if len(c) > 1 for v in c
                          if (a := articles.get(v.m.article_id)) is not None and not a.published
                          and (only is None or v.m.article_id in only)})
        if not undated:
            return []
        docs = {a: d for a in undated if (d := store.get_document(a)) is not None}
        dater = CrossDocDater(self.settings.lang, lexicon_dir=self.settings.lexicon_dir)
        found = dater.infer(clusters, articles, docs)
        for article_id, (published, days) in sorted(found.items()):
            doc = dater.apply(docs[article_id], published, days, self.settings)
            store.update_document(doc)
            articles[article_id] = self.article_info(doc, articles[article_id].seq)
            log.info("dated %s as %s (%s) from shared events", article_id, published.value, published.precision)
        return sorted(found)


def _interned(value: str | None) -> str | None:
    """One string for the values many articles share (precision, method, outlet)."""
    return sys.intern(value) if value is not None else None


class EventStage:
    """A pass's events staged in the store as they are built, a batch at a time (the pass's sink:
    `streamed.EventSink`); the stage is emptied first."""

    BATCH = 5000

    def __init__(self, store) -> None:
        store.clear_merge_stage()
        self.store = store
        self.rows: list[tuple[Event, str, list[str]]] = []

    def __call__(self, event: Event, articles: list[str]) -> None:
        self.rows.append((event, _event_order(event)[0], articles))
        if len(self.rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        self.store.stage_events(self.rows)
        self.rows = []


def dating_pending(final: Mapping[tuple[str, ...], tuple[str, ...]], first: Iterable[tuple[str, ...]],
                   dated: set[str], articles: Mapping[str, ArticleInfo]) -> list[str]:
    """The undated articles whose dating evidence differs from what this pass dated them with:
    those in a final cluster that the first clustering did not have, or that holds a report of an
    article this pass dated. Every other undated article has the clusters, and co-reporters of
    the same dated status, it was just evaluated with (and found no date), so the next pass,
    incremental, can leave it out (`veille.merge.incremental`).

    `final`, `first`: the clusters of each pass that report an undated article (no other cluster
    can add one), as their sorted mention ids (`final`: mapped to their mentions' articles)."""
    first = set(first)
    out = set()
    for ids, arts in final.items():
        if ids not in first or any(a in dated for a in arts):
            out |= {a for a in arts if (info := articles.get(a)) is not None and not info.published}
    return sorted(out)


def _event_order(e: Event) -> tuple:
    iv = date_interval(e.date)
    return (iv[0].isoformat() if iv else "9999", e.event_id)
