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
        dated = self.redate_articles(store, clusters, articles)
        pending: list[str] = []
        if dated:
            first = {tuple(v.id for v in c) for c in clusters}
            mentions = self.read_mentions(store)
            views = self.views(mentions, articles)
            pairs = candidate_pairs(views, self.cfg)
            merged = set()
            clusters = cluster(views, self.cfg, pairs, merged)
            pending = dating_pending(clusters, first, set(dated), articles)
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
            write_full(store, views, pairs, merged, articles, profiles, pending)
        return {
            "events": len(events),
            "mentions": len(mentions),
            "stories": len(stories),
            "contradictions": sum(len(e.contradictions) for e in events),
            "redated": len(dated),
        }

    def redate(self, store, clusters: list[list[MentionView]],
               articles: dict[str, ArticleInfo] | StoredArticles) -> int:
        """Date undated articles from shared events; returns how many were dated."""
        return len(self.redate_articles(store, clusters, articles))

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
