"""The merge pass over a whole store: events, contradictions, cross-document dates, stories.

    counts = Merger(settings).run(store)

1. Read the article fields the clustering needs (dates, outlets, duplicates: row columns, no
   document decoded) and the mentions (`store.iter_mentions`).
2. Cluster mentions into events (`coref`: blocking on type × actor × date window).
3. Date undated articles from the events they share with dated ones (`dating`), save them with
   `store.update_document`, and cluster again with their re-resolved mention dates.
4. Build events (`aggregate`); write the index's blocks and pairs (`index.write_mentions`) and
   drop the mentions; stream the documents for their story profiles (top terms, actors); build
   stories (`stories`), store everything with `store.replace_merge_output`, then the index's story
   part (`index.write_stories`). Same store in → same ids and output out (everything sorted, ids
   are content hashes of sorted member ids / a canonical article).
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from ..config import Settings
from ..models import Document, Event, EventMention
from .aggregate import build_event
from .config import MergeConfig
from .coref import candidate_pairs, cluster
from .dating import CrossDocDater
from .features import ArticleInfo, MentionView, date_interval, view
from .index import mark_complete, write_mentions, write_stories
from .stories import ArticleProfile, StoryBuilder, corpus_idf, stop_words, terms

if TYPE_CHECKING:
    from .incremental import StoredArticles

log = logging.getLogger("veille.merge")


class Coref(NamedTuple):
    """The mention clustering of a full pass (`Merger.coref`)."""

    views: list[MentionView]
    pairs: list[tuple[float, str, str]]
    merged: set[tuple[str, str]]
    clusters: list[list[MentionView]]
    dated: list[str]
    pending: list[str]


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
        """Every article's info, from the article rows' columns (no document is decoded)."""
        return {r["article_id"]: ArticleInfo(r["article_id"], r["published"], r["published_precision"],
                                             r["published_method"], r["duplicate_of"], r["outlet"], r["title"], seq)
                for seq, r in enumerate(store.iter_article_rows())}

    def read_profiles(self, store) -> dict[str, ArticleProfile]:
        """Every article's story profile, the documents streamed in ingest order."""
        stops = stop_words(self.settings.lang)
        return {doc.article_id: self.profile(doc, stops) for doc in store.iter_documents()}

    @staticmethod
    def article_info(doc: Document, seq: int = 0) -> ArticleInfo:
        p = doc.published
        return ArticleInfo(doc.article_id, p.value, p.precision, p.method, doc.duplicate_of, doc.outlet,
                           doc.title, seq)

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

    @staticmethod
    def read_mentions(store) -> list[EventMention]:
        """All mentions, sorted, without their sentence text (the merge never reads it: less memory)."""
        out = []
        for m in store.iter_mentions(batch=1000):
            m.sentence = ""
            out.append(interned(m))
        out.sort(key=lambda m: m.mention_id)
        return out

    def coref(self, store, articles: dict[str, ArticleInfo]) -> Coref:
        """Cluster every mention, date undated articles from the clusters and cluster again when
        some were dated (`pending`: `dating_pending`)."""
        views = self.views(self.read_mentions(store), articles)
        pairs = candidate_pairs(views, self.cfg)
        merged: set[tuple[str, str]] = set()
        clusters = cluster(views, self.cfg, pairs, merged)
        dated = self.redate_articles(store, clusters, articles)
        pending: list[str] = []
        if dated:
            first = {tuple(v.id for v in c) for c in clusters}
            views = self.views(self.read_mentions(store), articles)
            pairs = candidate_pairs(views, self.cfg)
            merged = set()
            clusters = cluster(views, self.cfg, pairs, merged)
            pending = dating_pending(clusters, first, set(dated), articles)
        return Coref(views, pairs, merged, clusters, dated, pending)

    def run(self, store) -> dict[str, int]:
        """The full pass, one phase at a time: each frees what the next does not read (the
        mentions and their pairs go, once written to the index, before the story profiles come)."""
        articles = self.read_infos(store)
        co = self.coref(store, articles)
        events = [build_event(c, articles, self.cfg) for c in co.clusters]
        mention_article = {v.id: v.m.article_id for v in co.views}
        n_mentions, n_dated, pending = len(co.views), len(co.dated), co.pending
        indexed = hasattr(store, "write_merge_index")  # the incremental merge's index (veille.merge.index)
        if indexed:
            write_mentions(store, co.views, co.pairs, co.merged)
        del co
        profiles = self.read_profiles(store)
        df = Counter(t for p in profiles.values() for t in p.terms)
        idf = corpus_idf(df, len(profiles))
        vecs = write_stories(store, articles, profiles, df, idf) if indexed else None  # (drops the terms)
        del df
        stories, article_story, event_story = StoryBuilder(self.cfg).build(articles, profiles, events,
                                                                          mention_article, idf=idf, vecs=vecs)
        del mention_article
        for e in events:
            e.story_id = event_story.get(e.event_id)
        events.sort(key=_event_order)
        mention_events = {mid: e.event_id for e in events for mid in e.mention_ids}
        store.replace_merge_output(events, stories, mention_events, article_story)
        counts = {"events": len(events), "mentions": n_mentions, "stories": len(stories),
                  "contradictions": sum(len(e.contradictions) for e in events), "redated": n_dated}
        del events, stories, mention_events, article_story, event_story
        if indexed:
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


def interned(record):
    """The record, its strings (and those of its nested records, lists and dict keys) interned in
    place: the same actors, places, types and dates recur over the mentions held at once."""
    for name in record.__dataclass_fields__:
        v = getattr(record, name)
        if type(v) is str:
            setattr(record, name, sys.intern(v))
        elif hasattr(v, "__dataclass_fields__"):
            interned(v)
        elif type(v) is list:
            v[:] = [sys.intern(x) if type(x) is str else interned(x) if hasattr(x, "__dataclass_fields__") else x
                    for x in v]
        elif type(v) is dict:
            setattr(record, name, {sys.intern(k) if type(k) is str else k: x for k, x in v.items()})
    return record


def dating_pending(final: list[list[MentionView]], first: set[tuple[str, ...]], dated: set[str],
                   articles: Mapping[str, ArticleInfo]) -> list[str]:
    """The undated articles whose dating evidence differs from what this pass dated them with:
    those in a final cluster that the first clustering did not have, or that holds a report of an
    article this pass dated. Every other undated article has the clusters, and co-reporters of
    the same dated status, it was just evaluated with (and found no date), so the next pass,
    incremental, can leave it out (`veille.merge.incremental`)."""
    out = set()
    for c in final:
        if tuple(v.id for v in c) not in first or any(v.m.article_id in dated for v in c):
            out |= {v.m.article_id for v in c if (a := articles.get(v.m.article_id)) is not None and not a.published}
    return sorted(out)


def _event_order(e: Event) -> tuple:
    iv = date_interval(e.date)
    return (iv[0].isoformat() if iv else "9999", e.event_id)
