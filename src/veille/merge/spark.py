"""The cross-document pass as Spark jobs (`veille run --engine spark`): same decisions, same export.

    counts = SparkMerge(settings, spark).run(shard_files, out_dir, fmt)

Every decision is the local merge's own function, called on executors over plain records; only
the data movement differs:

| step | local (`Merger`, store) | here (executors) |
|---|---|---|
| exact duplicates | `store.has_article` | the first copy of each article id (shard, line order) |
| near duplicates | `link_near_duplicates` (band lookups) | LSH band join: signatures grouped by band key, each article's earliest candidate whose `MinHash.jaccard` reaches the threshold (`Deduplicator.choose_original`'s rule) |
| actors | `store._upsert_actor` | grouped by actor id, folded in article order with `fold_actor` |
| mention views | `features.view` | the same, per document |
| candidate pairs | `coref.candidate_pairs` | grouped by block key (`coref.block_keys`), swept with `coref.sweep_block`, scored with `coref.score_pair`, distinct |
| components | `coref.components` | large-star/small-star on DataFrames (label = the smallest mention id) |
| clusters | `coref.cluster` over all pairs | `coref.cluster` per component (clustering never crosses one) |
| cross-document dates | `CrossDocDater.infer` / `apply` | `dating.cluster_evidence` per cluster, `dating.resolve_article` per article, `apply` per document; then views, pairs, components and clusters again |
| duplicate_of chains | `aggregate.source_key` | pointer jumping over duplicate_of, `aggregate.original_key` at the end |
| events | `aggregate.build_event` | the same, per cluster |
| stories | `StoryBuilder.build` | its steps (`spark_stories.SparkStories`), each through the same function: event links (`event_links`) and inverted-index sweeps (`sweep_key`, per key) scored with `StoryBuilder.similarity` → components (as above) → `StoryBuilder._episodes` per component → `story_id`, `event_story_vote` per event, `StoryBuilder.describe` per story |
| follow-ups | `StoryBuilder._link_follow_ups` | candidates per dominant actor (`follow_candidates`), `follow_score`, `best_follow` per story |

The local story pass skips scoring a candidate pair whose articles are already in one story (which
changes no component); here every candidate pair is scored, the same components come out.

What the driver holds: no document, mention, event or story. It streams each exported table, sorted
by id, through `toLocalIterator` (one partition at a time) into the exporter's writers, and it
broadcasts one table that grows with the corpus — the idf of every term among the articles' top
terms (`corpus_idf`: one float per distinct term; the vocabulary grows far slower than the
articles). Executors hold a partition at a time, except where a group must be whole: a block of
mentions (`coref.block_keys`), a component of mentions or of articles (the largest event or
story), an inverted-index key's articles (their TF-IDF vectors and actors), and a dominant actor's
stories.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..config import Settings
from ..models import Actor, Document, fold_actor
from .aggregate import build_event, original_key
from .config import MergeConfig
from .coref import block_keys, cluster, pair_order, score_pair, sweep_block
from .dating import CrossDocDater, cluster_evidence, mention_timex, resolve_article
from .features import MentionView, view
from .merger import Merger
from .spark_stories import SparkStories

log = logging.getLogger("veille.merge")

#: a mention as the Spark jobs carry it: its view, the timex that dates an undated article from it
#: (None for a dated article), its article's source key (`aggregate.source_key`)
Item = tuple[MentionView, Any, str]


def _read_shard(item: tuple[int, str]) -> Iterator[tuple[str, tuple[tuple[int, int], Document]]]:
    index, path = item
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh):
            doc = Document.from_dict(json.loads(line))
            yield doc.article_id, ((index, line_no), doc)


def _first(a: tuple[tuple[int, int], Document], b: tuple[tuple[int, int], Document]):
    return a if a[0] <= b[0] else b


class SparkMerge:
    """The merge and export of a `veille run` on a Spark session (see the module doc)."""

    def __init__(self, settings: Settings, spark, cc_method: str = "stars"):
        self.settings = settings
        self.cc_method = cc_method  # how `components` runs: "stars" or "min-label"
        self.cfg = MergeConfig.from_settings(settings)
        self.spark = spark
        self.sc = spark.sparkContext
        self.partitions = max(2, self.sc.defaultParallelism)
        self.cc_rounds: list[int] = []  # rounds of each `components` call

    # ------------------------------------------------------------------ documents

    def documents(self, files: list[str]):
        """(article_id, (order, Document)): the first copy of each article, in (shard, line) order."""
        rdd = self.sc.parallelize(list(enumerate(files)), max(1, len(files)))
        return rdd.flatMap(_read_shard).reduceByKey(_first, self.partitions)

    def near_duplicates(self, docs):
        """(article_id, duplicate_of): each article's earliest near duplicate among earlier ones."""
        settings = self.settings

        def bands(part):
            from ..dedup import Deduplicator

            dedup = Deduplicator(settings)
            for article_id, (order, doc) in part:
                m = dedup.signature(doc.text)
                sig = dedup.signature_bytes(m)
                for key in dedup.band_keys(m):
                    yield key, (order, article_id, sig)

        def originals(part):
            from ..dedup import Deduplicator

            dedup = Deduplicator(settings)
            for _key, members in part:
                members = sorted(members)
                if len(members) < 2:
                    continue
                sigs = {aid: dedup.from_bytes(sig) for _o, aid, sig in members}
                for i, (_order, aid, _sig) in enumerate(members):
                    m = sigs[aid]
                    # the threshold test of Deduplicator.choose_original, on this band's earlier articles
                    found = dedup.choose_original(m, ((bid, border, sigs[bid]) for border, bid, _s in members[:i]
                                                      if bid != aid))
                    if found is not None:
                        border = next(o for o, b, _s in members[:i] if b == found)
                        yield aid, (border, found)

        pairs = docs.mapPartitions(bands).groupByKey(self.partitions).mapPartitions(originals)
        return pairs.reduceByKey(min).mapValues(lambda x: x[1])

    def link_duplicates(self, docs):
        dups = self.near_duplicates(docs)

        def put(kv):
            article_id, ((order, doc), dup) = kv
            doc.duplicate_of = dup
            return article_id, (order, doc)

        return docs.leftOuterJoin(dups, self.partitions).map(put)

    def source_keys(self, docs):
        """(article_id, source key): `aggregate.source_key`, following duplicate_of chains one
        link per round (a near duplicate points to an earlier article: no cycles; chains are short)."""
        info = docs.mapValues(lambda od: Merger.article_info(od[1])).cache()
        # (article, its original), where the original is in the corpus (else the chain ends)
        nxt = info.filter(lambda kv: kv[1].duplicate_of is not None) \
            .map(lambda kv: (kv[1].duplicate_of, kv[0])).join(info.mapValues(lambda i: None)) \
            .map(lambda kv: (kv[1][0], kv[0])).cache()
        state = info.map(lambda kv: (kv[0], kv[0]))  # (article, the end of its chain so far)
        while True:
            step = state.map(lambda kv: (kv[1], kv[0])).leftOuterJoin(nxt, self.partitions) \
                .map(lambda kv: (kv[1][0], kv[1][1] or kv[0], kv[1][1] is not None)).cache()
            state = step.map(lambda x: (x[0], x[1]))
            if step.filter(lambda x: x[2]).isEmpty():
                break
        ends = state.map(lambda kv: (kv[1], kv[0])).join(info, self.partitions)
        keys = ends.map(lambda kv: (kv[1][0], original_key(kv[1][1])))
        info.unpersist()
        return keys

    # ------------------------------------------------------------------ events

    def items(self, docs, keys):
        """(mention_id, Item) for every mention, from (article_id, (order, doc)) joined with source keys."""
        cfg = self.cfg

        def make(kv):
            _aid, ((order, doc), key) = kv
            info = Merger.article_info(doc, order[0] << 32 | order[1])
            for m in doc.mentions:
                timex = mention_timex(doc, m) if not info.published else None
                m = copy.copy(m)
                m.sentence = ""  # the merge never reads it: less to shuffle
                v = view(m, info, cfg.before_days, cfg.after_days, cfg.planned_days)
                yield v.id, (v, timex, key)

        return docs.join(keys, self.partitions).flatMap(make)

    def pairs(self, items):
        """Scored candidate pairs (score, a, b), a < b: blocks swept and scored on executors."""
        cfg = self.cfg

        def keyed(kv):
            v = kv[1][0]
            for t, k in block_keys(v):
                yield (t, k), v

        def scored(kv):
            members = list(kv[1])
            if len(members) < 2:
                return
            for a, b in sweep_block(members, cfg.date_tolerance_days):
                found = score_pair(a, b, cfg)
                if found is not None:
                    yield found

        return items.flatMap(keyed).groupByKey(self.partitions).flatMap(scored).distinct(self.partitions)

    def components(self, pairs, method: str | None = None):
        """(mention_id, component) for every mention of a pair, the component named by its smallest
        mention id (`coref.components`): large-star/small-star (`stars`, Kiveris et al. 2014: rounds
        grow with the log of a component's size) or iterative min-label propagation (`min-label`:
        rounds grow with its diameter; default: the merge's `cc_method`). The pairs link two different
        mentions. Appends the rounds taken to `self.cc_rounds`."""
        edges = self.spark.createDataFrame(pairs.map(lambda p: (p[1], p[2])), "a string, b string")
        method = method or self.cc_method
        labels = self._stars(edges) if method == "stars" else self._min_label(edges)
        return labels.rdd.map(lambda r: (r[0], r[1]))

    def _stars(self, edges):
        """Alternate large-star and small-star on edges (hi, lo), hi > lo, until the graph is a forest
        of stars: every node but a centre has one edge, to its centre, and a centre is no one's leaf.
        Both steps keep the components, and the centre a star ends with is its smallest node."""
        from pyspark.sql import functions as F

        hi, lo = F.col("hi"), F.col("lo")
        e = edges.where("a != b").select(F.greatest("a", "b").alias("hi"), F.least("a", "b").alias("lo")) \
            .distinct().localCheckpoint()
        self.cc_rounds.append(0)
        while True:
            self.cc_rounds[-1] += 1
            # large-star: each node's larger neighbours are linked to the smallest of its neighbourhood
            nb = e.select(hi.alias("u"), lo.alias("v")).union(e.select(lo.alias("u"), hi.alias("v")))
            low = nb.groupBy("u").agg(F.min("v").alias("mv")).select("u", F.least("u", "mv").alias("m"))
            large = nb.join(low, "u").where(F.col("v") > F.col("u")) \
                .select(F.col("v").alias("hi"), F.col("m").alias("lo")).distinct()
            # small-star: a node and its smaller neighbours are linked to the smallest of those
            low = large.groupBy("hi").agg(F.min("lo").alias("m"))
            e = large.join(low, "hi").where(lo != F.col("m")).select(lo.alias("hi"), F.col("m").alias("lo")) \
                .union(low.select("hi", F.col("m").alias("lo"))).distinct().localCheckpoint()
            leaves = e.groupBy("hi").agg(F.count("lo").alias("n"))
            centres = e.select(lo.alias("hi")).distinct()
            if leaves.where("n > 1").isEmpty() and leaves.join(centres, "hi").isEmpty():
                break
        return e.select(hi.alias("v"), lo.alias("label")).union(e.select(lo.alias("v"), lo.alias("label"))).distinct()

    def _min_label(self, edges):
        """Each mention takes the smallest label among its own and its neighbours' until none moves."""
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        both = edges.union(edges.select(F.col("b").alias("a"), F.col("a").alias("b"))) \
            .persist(StorageLevel.MEMORY_AND_DISK)
        labels = both.groupBy("a").agg(F.min("b").alias("m")) \
            .select(F.col("a").alias("v"), F.least("a", "m").alias("label")).localCheckpoint()
        self.cc_rounds.append(0)
        while True:
            self.cc_rounds[-1] += 1
            seen = both.join(labels.withColumnRenamed("v", "b"), "b").groupBy("a") \
                .agg(F.min("label").alias("n")).withColumnRenamed("a", "v")
            new = labels.join(seen, "v", "left") \
                .select("v", F.least("label", F.coalesce("n", "label")).alias("label"),
                        (F.coalesce("n", "label") < F.col("label")).alias("moved")).localCheckpoint()
            labels = new.select("v", "label")
            if new.where("moved").isEmpty():
                break
        both.unpersist()
        return labels

    def clusters(self, items):
        """Lists of Items, one per event, by `coref.cluster` on each component."""
        cfg = self.cfg
        pairs = self.pairs(items).cache()
        comp = self.components(pairs)
        by_comp = items.leftOuterJoin(comp, self.partitions).map(lambda kv: (kv[1][1] or kv[0], kv[1][0]))
        pairs_by_comp = pairs.map(lambda p: (p[1], p)).join(comp, self.partitions).map(lambda kv: (kv[1][1], kv[1][0]))

        def run(kv):
            members, ps = kv[1]
            its = {it[0].id: it for it in members}
            for c in cluster([it[0] for it in members], cfg, sorted(ps, key=pair_order)):
                yield [its[v.id] for v in c]

        out = by_comp.cogroup(pairs_by_comp, self.partitions).flatMap(run)
        pairs.unpersist()
        return out

    def redate(self, docs, clusters):
        """(docs, how many articles were dated) after cross-document dating (`Merger.redate`)."""
        settings = self.settings
        reldays = CrossDocDater(settings.lang, lexicon_dir=settings.lexicon_dir).reldays

        def evidence(c):
            if len(c) < 2:
                return
            dated = {it[0].m.article_id: bool(it[0].article and it[0].article.published) for it in c}
            timex = {it[0].id: it[1] for it in c}
            yield from cluster_evidence([it[0] for it in c], dated.__getitem__, lambda v: timex[v.id],
                                        lambda a: not dated[a], reldays)

        found = clusters.flatMap(evidence).groupBy(lambda ev: ev[0], self.partitions) \
            .mapValues(resolve_article).filter(lambda kv: kv[1] is not None).cache()
        n = found.count()
        if not n:
            return docs, 0

        def apply(part):
            dater = None
            for article_id, ((order, doc), hit) in part:
                if hit is not None:
                    dater = dater or CrossDocDater(settings.lang, lexicon_dir=settings.lexicon_dir)
                    doc = dater.apply(doc, hit[0], hit[1], settings)
                yield article_id, (order, doc)

        return docs.leftOuterJoin(found, self.partitions).mapPartitions(apply), n

    def events(self, clusters):
        """(Event, its articles sorted, their days) per cluster, by `aggregate.build_event`."""
        cfg = self.cfg

        def make(c):
            views = [it[0] for it in c]
            articles = {v.m.article_id: v.article for v in views if v.article is not None}
            keys = {it[0].m.article_id: it[2] for it in c}
            e = build_event(views, articles, cfg, source_of=keys.__getitem__)
            return e, sorted(keys), {a: info.day for a, info in articles.items()}

        return clusters.map(make)

    # ------------------------------------------------------------------ the pass

    def run(self, files: list[str], out_dir: Path, fmt: str = "jsonl") -> dict[str, int]:
        """Merge the documents of `files` (shard outputs, in shard order) and export into `out_dir`."""
        # shuffles keep partitions near a thousand documents (sixteen shards of 64) or more
        self.partitions = max(self.partitions, len(files) // 16)
        # the DataFrame joins of `components` shuffle into as many partitions as the RDD jobs
        conf = self.spark.conf
        before = conf.get("spark.sql.shuffle.partitions")
        conf.set("spark.sql.shuffle.partitions", str(self.partitions))
        try:
            return self._run(files, out_dir, fmt)
        finally:
            conf.set("spark.sql.shuffle.partitions", before)

    def _run(self, files: list[str], out_dir: Path, fmt: str) -> dict[str, int]:
        from pyspark import StorageLevel

        from ..export import write_tables

        disk = StorageLevel.MEMORY_AND_DISK
        docs = self.link_duplicates(self.documents(files)).persist(disk)
        keys = self.source_keys(docs).persist(disk)
        clusters = self.clusters(self.items(docs, keys)).persist(disk)
        # as locally, actors and story profiles are read from the documents as ingested, article
        # dates and the exported layers from the re-dated ones
        ingested = docs
        docs, redated = self.redate(docs, clusters)
        if redated:
            docs = docs.persist(disk)
            clusters.unpersist()
            clusters = self.clusters(self.items(docs, keys)).persist(disk)
        events_rdd = self.events(clusters).persist(disk)
        stories, article_story, event_story = SparkStories(self).run(ingested, docs, events_rdd)
        mention_events = events_rdd.flatMap(lambda ea: [(m, ea[0].event_id) for m in ea[0].mention_ids])

        def article_rows():
            def row(kv):
                _aid, ((_order, doc), sid) = kv
                doc.story_id = sid
                return doc.article_dict()

            return docs.leftOuterJoin(article_story, self.partitions).map(row) \
                .sortBy(lambda r: r["article_id"], numPartitions=self.partitions)

        def mention_rows():
            def rows(od):
                for m in od[1].mentions:
                    yield m.mention_id, m

            def put(kv):
                m, event_id = kv[1]
                m.event_id = event_id
                return m.to_dict()

            return docs.values().flatMap(rows).leftOuterJoin(mention_events, self.partitions).map(put) \
                .sortBy(lambda r: r["mention_id"], numPartitions=self.partitions)

        def event_rows():
            def put(kv):
                e, sid = kv[1]
                e.story_id = sid
                return e.to_dict()

            return events_rdd.map(lambda ea: (ea[0].event_id, ea[0])).leftOuterJoin(event_story, self.partitions) \
                .map(put).sortBy(lambda r: r["event_id"], numPartitions=self.partitions)

        def rows_of(table: str) -> Iterable[dict[str, Any]]:
            if table == "articles":
                return article_rows().toLocalIterator()
            if table == "mentions":
                return mention_rows().toLocalIterator()
            if table == "events":
                return event_rows().toLocalIterator()
            if table == "actors":
                return self.actors(ingested).toLocalIterator()
            if table == "quotes":
                return docs.values().flatMap(lambda od: [q.to_dict() for q in od[1].quotes]) \
                    .sortBy(lambda r: r["quote_id"], numPartitions=self.partitions).toLocalIterator()
            return stories.map(lambda s: s.to_dict()).sortBy(lambda r: r["story_id"], numPartitions=self.partitions) \
                .toLocalIterator()

        counts = write_tables(rows_of, out_dir, fmt)
        for rdd in (ingested, docs, keys, clusters, events_rdd, stories, article_story, event_story):
            rdd.unpersist()
        log.info("spark merge: %d events, %d stories, %d articles dated from shared events",
                 counts.get("events", 0), counts.get("stories", 0), redated)
        return counts

    def actors(self, docs):
        """actors.jsonl rows: each actor folded with `fold_actor` over its articles in ingest order."""
        from ..models import actor_counts

        def named(od):
            order, doc = od
            counts = actor_counts(doc)
            for actor_id, actor in doc.actors.items():
                yield actor_id, (order, actor, counts[actor_id])

        def folded(kv):
            data = None
            for _order, actor, n in sorted(kv[1], key=lambda x: x[0]):
                data = fold_actor(data, actor, n)
            return Actor.from_dict(data).to_dict()

        return docs.values().flatMap(named).groupByKey(self.partitions).map(folded) \
            .sortBy(lambda r: r["actor_id"], numPartitions=self.partitions)
