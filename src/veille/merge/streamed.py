"""The full merge's mention clustering, streamed from the store: no pass holds every mention.

`Merger.run` used to read every mention into memory, score the candidate pairs of all of them,
cluster them and keep the clusters until their events were built (≈ 5 KB per mention: 15 GB and
rising for a 1M-article store). This module gives the same events, index rows and dating with
the mentions read from the store a few times and dropped:

1. One pass over the mentions (paged by id) stages each one's event type and window start in the
   store (`store.stage_sweep_keys`; none for the undated ones, "wild": no window).
2. Blocks never cross event types (a block key starts with the type), so each type is done on its
   own. Its mentions are read back in window order and swept: each one is compared with the
   earlier mentions of its blocks whose windows end within the date tolerance (`active`, pruned as
   the sweep moves on) and with the block's undated ones — exactly the pairs `coref.sweep_block`
   yields, scored once each by `coref.score_pair` (so every pair, and its orientation, is the one
   `coref.candidate_pairs` finds).
3. Clustering never crosses a connected component of the linkable pairs, so the type's
   components (union-find over its pairs) are clustered one at a time by `coref.cluster`, their
   mentions read back by id; singletons become events directly. Each cluster's event is built
   (`aggregate.build_event`) and its mentions dropped.
4. The index's block rows and pairs (with whether clustering merged on them) are written as they
   come, in batches, not kept.

What a pass still holds: per event type, its linkable pairs and the mentions they join; the
mentions of one batch of components at a time and those still in the date window of the sweep;
the events built unless a sink takes them (`Merger` stages them in the store); and the clusters
that report an undated article (cross-document dating reads them, `Merger.redate_articles`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..batching import batched
from ..models import Event, EventMention
from .aggregate import build_event
from .config import MergeConfig
from .coref import block_keys, cluster, pair_order, score_pair
from .features import ArticleInfo, MentionView, mention_window, view
from .index import block_rows
from .unionfind import MinRootForest

READ_BATCH = 500  # mentions read back per query (SQLite's default limit is 32,766 parameters)
WRITE_BATCH = 50_000  # index rows per write


#: where a pass sends each event with its articles (sorted) as it is built
EventSink = Callable[[Event, list[str]], None]


@dataclass
class StreamedPass:
    """One streamed clustering pass: its events (kept here unless a sink takes them), counts, and
    what dating reads."""

    sink: EventSink | None = None
    events: list[Event] = field(default_factory=list)
    event_articles: dict[str, list[str]] = field(default_factory=dict)
    n_mentions: int = 0
    n_events: int = 0
    n_contradictions: int = 0
    # clusters of two or more mentions reporting an undated article (their views: dating reads them)
    undated_clusters: list[list[MentionView]] = field(default_factory=list)
    # every cluster that reports an undated article: its sorted mention ids → their articles
    # (`merger.dating_pending`)
    undated_keys: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)


class IndexWriter:
    """The index's block rows and pairs, written in batches (the first write replaces the index)."""

    def __init__(self, store) -> None:
        self.store = store
        self.blocks: list[tuple[str, int | None, int | None, str]] = []
        self.pairs: list[tuple[float, str, str, bool]] = []
        self.first = True

    def add(self, views: Iterable[MentionView], pairs: Iterable[tuple[float, str, str, bool]] = ()) -> None:
        self.blocks.extend(block_rows(views))
        self.pairs.extend(pairs)
        if len(self.blocks) + len(self.pairs) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if not (self.blocks or self.pairs or self.first):
            return
        self.store.write_mention_index(blocks=self.blocks, pairs=self.pairs, meta={"merge_index": None},
                                       full=self.first)
        self.first = False
        self.blocks, self.pairs = [], []


class StreamedCoref:
    """Cluster a store's mentions into events, one event type and one component at a time."""

    PRUNE_EVERY = 10_000  # block entries added to the sweep's window between two prunes (at least)

    def __init__(self, cfg: MergeConfig):
        self.cfg = cfg

    def run(self, store, articles: Mapping[str, ArticleInfo], write_index: bool,
            sink: EventSink | None = None) -> StreamedPass:
        """Every mention of `store` clustered into events; `write_index`: the index's blocks and
        pairs are written; `sink`: takes each event as it is built (else the pass keeps them)."""
        out = StreamedPass(sink=sink)
        writer = IndexWriter(store) if write_index else None
        self._sort_keys(store, articles, out)
        for t in store.staged_sweep_types():
            pairs = self._pairs(store, articles, store.iter_staged_sweep(t, dated=True),
                                store.iter_staged_sweep(t, dated=False))
            self._cluster_type(store, articles, t, pairs, out, writer)
        store.clear_merge_stage(("stage_sweep",))
        if writer is not None:
            writer.flush()
        return out

    # ------------------------------------------------------------------ reading

    def _view(self, m: EventMention, articles: Mapping[str, ArticleInfo], shared: dict) -> MentionView:
        m.sentence = ""  # the merge never reads it (less memory)
        cfg = self.cfg
        return view(m, articles.get(m.article_id), cfg.before_days, cfg.after_days, cfg.planned_days, shared)

    def _sort_keys(self, store, articles: Mapping[str, ArticleInfo], out: StreamedPass) -> None:
        """Stage each mention's type and window start (a day ordinal; None: no window) in the store
        (`store.stage_sweep_keys`): the order the types are swept in."""
        store.clear_merge_stage(("stage_sweep",))
        cfg = self.cfg
        rows: list[tuple[str, int | None, str]] = []
        for m in store.iter_mentions(batch=1000):
            _own, window = mention_window(m, articles.get(m.article_id), cfg.before_days, cfg.after_days,
                                          cfg.planned_days)
            rows.append((m.type, window[0].toordinal() if window is not None else None, m.mention_id))
            out.n_mentions += 1
            if len(rows) >= WRITE_BATCH:
                store.stage_sweep_keys(rows)
                rows = []
        store.stage_sweep_keys(rows)

    def _read(self, store, ids: Iterable[str], articles: Mapping[str, ArticleInfo], shared: dict
              ) -> Iterator[MentionView]:
        """The views of `ids`, in that order, read back `READ_BATCH` at a time."""
        for chunk in batched(ids, READ_BATCH):
            by_id = {m.mention_id: m for m in store.mentions_listed(chunk)}
            for mid in chunk:
                yield self._view(by_id[mid], articles, shared)

    # ------------------------------------------------------------------ pairs

    def _pairs(self, store, articles: Mapping[str, ArticleInfo], dated: Iterable[str],
               wild_ids: Iterable[str]) -> list[tuple[float, str, str]]:
        """The scored linkable pairs of one event type (`dated`: its mentions with a window, by
        window start and id; `wild_ids`: the others, by id), in best-first order (`coref.pair_order`)."""
        cfg = self.cfg
        tol = cfg.date_tolerance_days
        shared: dict = {}
        out: list[tuple[float, str, str]] = []
        wild_by_key: dict[tuple[str, str], list[MentionView]] = defaultdict(list)
        wild_pairs: set[tuple[str, str]] = set()
        wild_views = list(self._read(store, wild_ids, articles, shared))
        for v in wild_views:  # id order: `sweep_block` pairs undated mentions in id order
            for key in dict.fromkeys(block_keys(v)):
                for a in wild_by_key[key]:
                    if (a.id, v.id) not in wild_pairs:
                        wild_pairs.add((a.id, v.id))
                        if (scored := score_pair(a, v, cfg)) is not None:
                            out.append(scored)
                wild_by_key[key].append(v)
        del wild_pairs
        # per block key, the earlier dated mentions (with their window's end) still within reach
        active: dict[tuple[str, str], list[tuple[date, MentionView]]] = defaultdict(list)
        n_active = last_prune = 0
        for b in self._read(store, dated, articles, shared):
            if b.window is None:
                raise ValueError(f"mention {b.id} read back without its date window")
            lo, hi = b.window
            if n_active > 2 * last_prune + self.PRUNE_EVERY:
                n_active = last_prune = _prune(active, lo, tol)
            keys = list(dict.fromkeys(block_keys(b)))
            seen: set[str] = set()
            for key in keys:
                for w in wild_by_key.get(key, ()):
                    if w.id not in seen:
                        seen.add(w.id)
                        if (scored := score_pair(w, b, cfg)) is not None:
                            out.append(scored)
                for end, a in active.get(key, ()):
                    # sweep_block: an earlier mention pairs with b when b starts within `tol` days of its end
                    if a.id not in seen and (lo - end).days <= tol:
                        seen.add(a.id)
                        if (scored := score_pair(a, b, cfg)) is not None:
                            out.append(scored)
            for key in keys:
                active[key].append((hi, b))
            n_active += len(keys)
        out.sort(key=pair_order)
        return out

    # ------------------------------------------------------------------ clusters and events

    def _cluster_type(self, store, articles: Mapping[str, ArticleInfo], event_type: str,
                      pairs: list[tuple[float, str, str]], out: StreamedPass, writer: IndexWriter | None) -> None:
        """Cluster one event type component by component (its mentions in no pair: one event
        each); build each cluster's event."""
        forest = MinRootForest()
        for _score, a, b in pairs:
            forest.union(a, b)
        members: dict[str, list[str]] = defaultdict(list)
        for mid in sorted(forest):
            members[forest.find(mid)].append(mid)
        comp_pairs: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
        for p in pairs:  # (best-first order kept within each component)
            comp_pairs[forest.find(p[1])].append(p)
        del pairs
        alone = (mid for mid in store.iter_staged_type_ids(event_type) if mid not in forest)
        for chunk in batched(alone, READ_BATCH):
            views = list(self._read(store, chunk, articles, {}))
            for v in views:
                self._event([v], articles, out)
            if writer is not None:
                writer.add(views)
        # components in id order, read back in batches of whole components
        batch: list[str] = []
        size = 0
        for root in sorted(members):
            batch.append(root)
            size += len(members[root])
            if size >= READ_BATCH:
                self._cluster_batch(store, articles, batch, members, comp_pairs, out, writer)
                batch, size = [], 0
        if batch:
            self._cluster_batch(store, articles, batch, members, comp_pairs, out, writer)

    def _cluster_batch(self, store, articles: Mapping[str, ArticleInfo], roots: list[str],
                       members: dict[str, list[str]], comp_pairs: dict[str, list[tuple[float, str, str]]],
                       out: StreamedPass, writer: IndexWriter | None) -> None:
        ids = [mid for r in roots for mid in members[r]]
        views = {v.id: v for v in self._read(store, ids, articles, {})}
        for root in roots:
            comp = [views[mid] for mid in members.pop(root)]
            ps = comp_pairs.pop(root, [])
            merged: set[tuple[str, str]] = set()
            clusters = cluster(comp, self.cfg, ps, merged)
            for c in clusters:
                self._event(c, articles, out)
            if writer is not None:
                writer.add(comp, ((score, a, b, (a, b) in merged) for score, a, b in ps))

    def _event(self, c: list[MentionView], articles: Mapping[str, ArticleInfo], out: StreamedPass) -> None:
        e = build_event(c, articles, self.cfg)
        reporting = sorted({v.m.article_id for v in c})
        out.n_events += 1
        out.n_contradictions += len(e.contradictions)
        if out.sink is not None:
            out.sink(e, reporting)
        else:
            out.events.append(e)
            out.event_articles[e.event_id] = reporting
        if any((a := articles.get(v.m.article_id)) is not None and not a.published for v in c):
            out.undated_keys[tuple(v.id for v in c)] = tuple(v.m.article_id for v in c)
            if len(c) > 1:
                out.undated_clusters.append(c)


def _prune(active: dict[tuple[str, str], list[tuple[date, MentionView]]], lo: date, tol: int) -> int:
    """Drop the mentions that no later one (starting on `lo` or after) can pair with; returns how
    many block entries are left."""
    left = 0
    for key in list(active):
        kept = [(end, a) for end, a in active[key] if (lo - end).days <= tol]
        if kept:
            active[key] = kept
            left += len(kept)
        else:
            del active[key]
    return left
