"""Stories and follow-ups of the Spark merge: `StoryBuilder.build`'s steps on executors.

    stories, article_story, event_story = SparkStories(spark_merge).run(ingested, docs, events)

Each step calls the local story pass's own function (see `veille.merge.spark`'s module doc):
profiles and TF-IDF vectors per article, links through shared events (`event_links`) and through
the inverted index (`sweep_key` per key, scored by `StoryBuilder.similarity`), connected
components (`SparkMerge.components`), episodes per component (`StoryBuilder._episodes`), the
story of each event (`event_story_vote`), one description per story (`StoryBuilder.describe`),
and the story each one follows (`follow_candidates`, `follow_score`, `best_follow`). The driver
holds only the broadcast idf.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import TYPE_CHECKING, Any

from .merger import Merger
from .stories import (
    StoryBuilder,
    _vector,
    best_follow,
    corpus_idf,
    day_order,
    event_links,
    event_story_vote,
    follow_candidates,
    follow_score,
    index_keys,
    stop_words,
    story_id,
    sweep_key,
)

if TYPE_CHECKING:
    from .spark import SparkMerge


class SparkStories:
    """The story pass of one `SparkMerge` run (its settings, partitions and components job)."""

    def __init__(self, merge: SparkMerge):
        from pyspark import StorageLevel

        self.merge = merge
        self.cfg = merge.cfg
        self.lang = merge.settings.lang
        self.parts = merge.partitions
        self.builder = StoryBuilder(merge.cfg)
        self.disk = StorageLevel.MEMORY_AND_DISK

    def run(self, ingested, docs, events_rdd) -> tuple[Any, Any, Any]:
        """(stories, (article_id, story_id), (event_id, story_id)) as RDDs."""
        recs, idf = self.article_vectors(ingested, docs)
        groups = self.episodes(recs, self.graph(recs, events_rdd)).persist(self.disk)
        recs.unpersist()
        parts = self.parts
        article_story = groups.flatMap(lambda kv: [(a, kv[0]) for a, _r in kv[1]]).persist(self.disk)
        event_story = events_rdd.flatMap(lambda ea: [(a, ea[0].event_id) for a in ea[1]]) \
            .join(article_story, parts).map(lambda kv: kv[1]).groupByKey(parts) \
            .mapValues(event_story_vote).persist(self.disk)
        described = self.describe(groups, events_rdd, event_story).persist(self.disk)
        follows = self.follow_ups(described)

        def put(kv):
            (story, _c, _a), follow = kv[1]
            story.follows = follow or story.follows
            return story

        stories = described.leftOuterJoin(follows, parts).map(put).persist(self.disk)
        stories.count()
        for rdd in (groups, described):
            rdd.unpersist()
        idf.unpersist()
        return stories, article_story, event_story

    def article_vectors(self, ingested, docs):
        """(article_id, (ArticleInfo, ArticleProfile, TF-IDF vector)) and the broadcast idf: profiles
        from the documents as ingested, article dates from the re-dated ones (as locally)."""
        from operator import add

        merger, lang, parts = Merger(self.merge.settings), self.lang, self.parts

        def profiles(part):
            stops = stop_words(lang)
            for article_id, (_order, doc) in part:
                yield article_id, merger.profile(doc, stops)

        base = docs.mapValues(lambda od: Merger.article_info(od[1])) \
            .join(ingested.mapPartitions(profiles), parts).persist(self.disk)
        n = base.count()
        df = base.flatMap(lambda kv: list(kv[1][1].terms)).map(lambda t: (t, 1)).reduceByKey(add, parts)
        idf = self.merge.sc.broadcast(corpus_idf(dict(df.collect()), n))
        recs = base.mapValues(lambda ip: (ip[0], ip[1], _vector(ip[1].terms, idf.value))).persist(self.disk)
        base.unpersist()
        return recs, idf

    def graph(self, recs, events_rdd):
        """(article_id, component label): articles linked by a shared event or a similar vector."""
        cfg, builder, parts = self.cfg, self.builder, self.parts

        def linked(ea):
            _e, arts, days = ea
            for a, b in event_links(arts, builder.closeness(days)):
                yield 0.0, a, b

        def keyed(kv):
            article_id, (info, profile, vec) = kv
            # what `similarity` reads: the vector, the actors and the language (not the raw terms)
            slim = (info.day, article_id, vec, dataclasses.replace(profile, terms=Counter()))
            for k in index_keys(profile, vec):
                yield k, slim

        def similar(kv):
            members = {a: (v, p) for _d, a, v, p in kv[1]}
            day = {a: d for d, a, _v, _p in kv[1]}
            for x, y in sweep_key(sorted(day, key=lambda a: day_order(a, day)), day, cfg):
                (vx, px), (vy, py) = members[x], members[y]
                if builder.similarity(vx, vy, px, py) >= cfg.story_threshold:
                    yield 0.0, x, y

        # each key's articles swept and scored where they are grouped (a pair that several keys
        # share is scored by each; joining every candidate pair to both articles shuffled far more)
        sims = recs.flatMap(keyed).groupByKey(parts).flatMap(similar).distinct(parts)
        return self.merge.components(events_rdd.flatMap(linked).union(sims))

    def episodes(self, recs, comp):
        """(story_id, [(article_id, record)]): each component cut into episodes."""
        builder = self.builder

        def cut(kv):
            members = sorted(kv[1])
            day = {a: r[0].day for a, r in members}
            vecs = {a: r[2] for a, r in members}
            profs = {a: r[1] for a, r in members}
            for group in builder._episodes({kv[0]: sorted(day)}, day, vecs, profs).values():
                keep = set(group)
                yield story_id(group, day), [(a, r) for a, r in members if a in keep]

        return recs.leftOuterJoin(comp, self.parts).map(lambda kv: (kv[1][1] or kv[0], (kv[0], kv[1][0]))) \
            .groupByKey(self.parts).flatMap(cut)

    def describe(self, groups, events_rdd, event_story):
        """(story_id, (Story, centroid, dominant actors)) by `StoryBuilder.describe`."""
        builder, parts = self.builder, self.parts

        def described(kv):
            sid, (members, evs) = kv
            (rows,) = members
            ids = [a for a, _r in rows]
            infos = {a: r[0] for a, r in rows}
            story, centroid, actors = builder.describe(
                sid, ids, sorted(evs, key=lambda e: e.event_id), infos, {a: r[1] for a, r in rows},
                {a: r[2] for a, r in rows}, {a: i.day for a, i in infos.items()})
            return sid, (story, centroid, actors)

        story_events = events_rdd.map(lambda ea: (ea[0].event_id, ea[0])).join(event_story, parts) \
            .map(lambda kv: (kv[1][1], kv[1][0]))
        return groups.cogroup(story_events, parts).map(described)

    def follow_ups(self, described):
        """(story_id, the story it follows): `StoryBuilder._link_follow_ups` with candidates found per
        dominant actor (`follow_candidates`) and chosen by `best_follow`."""
        cfg, parts = self.cfg, self.parts

        def by_actor(kv):
            sid, (story, _centroid, actors) = kv
            for k in actors:
                yield k, (story.end, story.start, sid)

        def candidates(kv):
            stories = list(kv[1])
            items = sorted((end, sid) for end, _start, sid in stories if end)
            for _end, start, sid in stories:
                if start:
                    for c in follow_candidates(items, start, cfg):
                        if c != sid:
                            yield sid, c

        def scored(kv):
            sid, ((c, (centroid_c, actors_c, end_c)), (_story, centroid, actors)) = kv
            return sid, (c, follow_score(centroid, actors, centroid_c, actors_c), end_c or "")

        meta = described.mapValues(lambda d: (d[1], d[2], d[0].end))
        pairs = described.flatMap(by_actor).groupByKey(parts).flatMap(candidates).distinct(parts)
        return pairs.map(lambda sc: (sc[1], sc[0])).join(meta, parts).map(lambda kv: (kv[1][0], (kv[0], kv[1][1]))) \
            .join(described, parts).map(scored).groupByKey(parts) \
            .mapValues(lambda cs: best_follow(sorted(cs), cfg)).filter(lambda kv: kv[1] is not None)
