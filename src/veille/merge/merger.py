"""The merge pass over a whole store: events, contradictions, cross-document dates, stories.

    counts = Merger(settings).run(store)

1. Stream the documents once (article dates, outlets, duplicates, top terms, actors) and the
   mentions (`store.iter_mentions`).
2. Cluster mentions into events (`coref`: blocking on type × actor × date window).
3. Date undated articles from the events they share with dated ones (`dating`), save them with
   `store.update_document`, and cluster again with their re-resolved mention dates.
4. Build events (`aggregate`), stories (`stories`) and store everything with
   `store.replace_merge_output`. Same store in → same ids and output out (everything sorted,
   ids are content hashes of sorted member ids / a canonical article).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..config import Settings
from ..models import Document, Event, EventMention
from .aggregate import build_event
from .config import MergeConfig
from .coref import candidate_pairs, cluster
from .dating import CrossDocDater
from .features import ArticleInfo, MentionView, date_interval, view
from .index import write_full
from .stories import ArticleProfile, StoryBuilder, stop_words, terms

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

    def read_articles(self, store) -> tuple[dict[str, ArticleInfo], dict[str, ArticleProfile]]:
        stops = stop_words(self.settings.lang)
        articles: dict[str, ArticleInfo] = {}
        profiles: dict[str, ArticleProfile] = {}
        for seq, doc in enumerate(store.iter_documents()):
            articles[doc.article_id] = self.article_info(doc, seq)
            profiles[doc.article_id] = self.profile(doc, stops)
        return articles, profiles

    @staticmethod
    def article_info(doc: Document, seq: int = 0) -> ArticleInfo:
        p = doc.published
        return ArticleInfo(doc.article_id, p.value, p.precision, p.method, doc.duplicate_of, doc.outlet,
                           doc.title, seq)

    def profile(self, doc: Document, stops: frozenset[str]) -> ArticleProfile:
        text = f"{doc.title or ''}\n{doc.text}"
        counts = Counter(m.actor_id for m in doc.actor_mentions)
        actors = {aid: a.name for aid, a in sorted(doc.actors.items())}
        # resolved actors that only events name (no actor layer): use the mentions' actor references
        for m in doc.mentions:
            for a in (*m.source, *m.target):
                key = a.actor_id or a.wikidata
                if key and key not in actors:
                    actors[key] = a.name
                    counts[key] += 1
        return ArticleProfile(doc.article_id, terms(text, stops, self.cfg.terms_per_article), actors,
                              Counter({k: counts.get(k, 1) for k in actors}), doc.language)

    def views(self, mentions: list[EventMention], articles: Mapping[str, ArticleInfo]) -> list[MentionView]:
        cfg = self.cfg
        return [view(m, articles.get(m.article_id), cfg.before_days, cfg.after_days, cfg.planned_days)
                for m in mentions]

    # ------------------------------------------------------------------ the pass

    @staticmethod
    def read_mentions(store) -> list[EventMention]:
        """All mentions, sorted, without their sentence text (the merge never reads it: less memory)."""
        out = []
        for m in store.iter_mentions():
            m.sentence = ""
            out.append(m)
        out.sort(key=lambda m: m.mention_id)
        return out

    def run(self, store) -> dict[str, int]:
        articles, profiles = self.read_articles(store)
        mentions = self.read_mentions(store)
        views = self.views(mentions, articles)
        pairs = candidate_pairs(views, self.cfg)
        merged: set[tuple[str, str]] = set()
        clusters = cluster(views, self.cfg, pairs, merged)
        redated = self.redate(store, clusters, articles)
        if redated:
            mentions = self.read_mentions(store)
            views = self.views(mentions, articles)
            pairs = candidate_pairs(views, self.cfg)
            merged = set()
            clusters = cluster(views, self.cfg, pairs, merged)
        events = [build_event(c, articles, self.cfg) for c in clusters]
        mention_article = {m.mention_id: m.article_id for m in mentions}
        stories, article_story, event_story = StoryBuilder(self.cfg).build(articles, profiles, events,
                                                                          mention_article)
        for e in events:
            e.story_id = event_story.get(e.event_id)
        events.sort(key=_event_order)
        mention_events = {mid: e.event_id for e in events for mid in e.mention_ids}
        store.replace_merge_output(events, stories, mention_events, article_story)
        if hasattr(store, "write_merge_index"):  # the incremental merge's index (veille.merge.index)
            write_full(store, views, pairs, merged, articles, profiles)
        return {
            "events": len(events),
            "mentions": len(mentions),
            "stories": len(stories),
            "contradictions": sum(len(e.contradictions) for e in events),
            "redated": redated,
        }

    def redate(self, store, clusters: list[list[MentionView]],
               articles: dict[str, ArticleInfo] | StoredArticles) -> int:
        """Date undated articles from shared events; returns how many were dated."""
        undated = sorted({v.m.article_id for c in clusters if len(c) > 1 for v in c
                          if (a := articles.get(v.m.article_id)) is not None and not a.published})
        if not undated:
            return 0
        docs = {a: d for a in undated if (d := store.get_document(a)) is not None}
        dater = CrossDocDater(self.settings.lang, lexicon_dir=self.settings.lexicon_dir)
        found = dater.infer(clusters, articles, docs)
        for article_id, (published, days) in sorted(found.items()):
            doc = dater.apply(docs[article_id], published, days, self.settings)
            store.update_document(doc)
            articles[article_id] = self.article_info(doc, articles[article_id].seq)
            log.info("dated %s as %s (%s) from shared events", article_id, published.value, published.precision)
        return len(found)


def _event_order(e: Event) -> tuple:
    iv = date_interval(e.date)
    return (iv[0].isoformat() if iv else "9999", e.event_id)
