"""Best-first clustering replayed only where something changed (the incremental merge's event step).

`coref.cluster` walks every linkable pair in best-first order (`coref.pair_order`) and merges two
clusters when `coref.can_merge` allows it. The store keeps the decision the last pass took on each
pair (`merge_pairs.merged`) and that pass's clusters (the events). A replay of the same walk after
new reports arrive only has to decide again where a cluster differs from the last pass's:

- a cluster is *clean* while it is exactly the cluster the last pass had at the same point of the
  pair order; a pair between two clean clusters takes its stored decision, so nothing about it
  needs to be read;
- a cluster is *dirty* once it holds a changed report (a new one, or one whose date changed) or
  was shaped by a decision that came out differently; a pair that touches a dirty cluster is
  tested as `coref.cluster` tests it, and when a stored merge is refused both sides turn dirty.

So only the pairs that touch a dirty cluster need to be visited, in best-first order: `Replay`
keeps them in a heap, fed with the pairs of each mention when it joins a dirty cluster (those
later in the order than that point; the earlier ones were decided while it was clean). The clean
cluster on the other side of such a pair is the last pass's cluster at that point: the mention's
stored event restricted to the merges the last pass made inside it before that point
(`LastPass.cluster_at`). Every decision equals the one a walk over the whole connected component
(or over the whole store) takes, so the dirty clusters, and thus the events, are exactly those of
a full merge; the work is bounded by the dirty clusters and the pairs of their members, not by the
size of the component or of the store.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable

from .coref import can_merge
from .unionfind import MinRootForest

Key = tuple[float, str, str]  # (-score, a, b): best-first order, as `coref.pair_order`
FIRST: Key = (float("-inf"), "", "")  # before every pair


class LastPass:
    """The last pass's clusters at any point of its pair order, from the store: a mention's stored
    event and the pairs on which that pass merged two clusters inside it."""

    def __init__(self, store) -> None:
        self.store = store
        self.event_of: dict[str, str | None] = {}
        self.members: dict[str, list[str]] = {}
        self.merges: dict[str, list[Key]] = {}

    def prefetch(self, mention_ids: Iterable[str]) -> None:
        """Read the events of these mentions, their members and their merges (batched lookups)."""
        want = {m for m in mention_ids if m not in self.event_of}
        if not want:
            return
        found = self.store.mention_events(want)
        for m in want:
            self.event_of[m] = found.get(m)
        events = {e for m in want if (e := self.event_of[m]) and e not in self.members}
        if not events:
            return
        members = self.store.event_members(events)
        owner = {}
        for e in events:
            ids = members.get(e, [])
            self.members[e] = ids
            self.merges[e] = []
            for x in ids:
                self.event_of.setdefault(x, e)
                owner[x] = e
        for score, a, b in self.store.merged_pairs(owner):
            e = owner.get(a)
            if e is not None and owner.get(b) == e:
                self.merges[e].append((-score, a, b))
        for e in events:
            self.merges[e].sort()

    def cluster_at(self, mention_id: str, key: Key) -> list[str]:
        """The sorted members of the last pass's cluster of `mention_id` just before pair `key`."""
        self.prefetch([mention_id])
        e = self.event_of.get(mention_id)
        if e is None:
            return [mention_id]
        forest = MinRootForest([*self.members[e], mention_id])
        for k in self.merges[e]:
            if k >= key:
                break
            forest.union(k[1], k[2])
        root = forest.find(mention_id)
        return sorted(x for x in forest if forest.find(x) == root)


class Replay:
    """One replay of best-first clustering around the changed reports (see the module doc).

    `changed`: mentions whose stored pairs are stale (new or re-dated reports; their pairs are in
    `new_pairs`, scored now); `start`: the mentions that start dirty (`changed` and every member of
    an old event that must be decided again)."""

    def __init__(self, store, views, cfg, last: LastPass, changed: set[str],
                 new_pairs: Iterable[tuple[float, str, str]]) -> None:
        self.store, self.views, self.cfg, self.last = store, views, cfg, last
        self.changed = changed
        self.new_by: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
        for p in new_pairs:
            self.new_by[p[1]].append(p)
            self.new_by[p[2]].append(p)
        self.heap: list[tuple[Key, bool | None]] = []
        self.queued: set[tuple[str, str]] = set()
        self.root: dict[str, str] = {}  # dirty mention → the root (smallest id) of its cluster
        self.members: dict[str, list[str]] = {}  # dirty root → sorted members
        self.decisions: dict[Key, tuple[bool | None, bool]] = {}  # visited pair → (stored, now)
        self.read: set[str] = set()  # mentions whose pairs were read

    # ------------------------------------------------------------------ the walk

    def run(self, start: Iterable[str]) -> list[list[str]]:
        """The dirty clusters at the end of the walk (sorted member ids, sorted by first id)."""
        for m in sorted(set(start)):
            if m not in self.root:
                self.root[m] = m
                self.members[m] = [m]
        self.activate(list(self.members), FIRST)
        while self.heap:
            key, stored = heapq.heappop(self.heap)
            self.step(key, stored)
        return sorted(self.members.values())

    def activate(self, ids: list[str], key: Key) -> None:
        """Queue the pairs of mentions that just joined a dirty cluster, those after `key`."""
        ids = [i for i in ids if i not in self.read]
        if not ids:
            return
        self.read.update(ids)
        partners: set[str] = set()
        for score, a, b, merged in self.store.pairs_of(ids):
            if a not in self.changed and b not in self.changed:  # a changed report's pairs are new_pairs
                partners.update((a, b))
                self.push((-score, a, b), merged, key)
        for i in ids:
            for score, a, b in self.new_by.get(i, ()):
                partners.update((a, b))
                self.push((-score, a, b), None, key)
        self.last.prefetch(p for p in partners if p not in self.root)

    def push(self, k: Key, stored: bool | None, key: Key) -> None:
        if k > key and (k[1], k[2]) not in self.queued:
            self.queued.add((k[1], k[2]))
            heapq.heappush(self.heap, (k, stored))

    def cluster(self, mention_id: str, key: Key) -> tuple[str, list[str], bool]:
        """(root, sorted members, dirty) of the mention's cluster at `key`."""
        r = self.root.get(mention_id)
        if r is not None:
            return r, self.members[r], True
        ids = self.last.cluster_at(mention_id, key)
        if any(x in self.root for x in ids):  # a clean cluster is the last pass's: never holds a dirty report
            raise RuntimeError(f"replay: the last pass's cluster of {mention_id} holds a re-decided report")
        return ids[0], ids, False

    def step(self, key: Key, stored: bool | None) -> None:
        """Decide one pair that touches a dirty cluster, as `coref.cluster` does."""
        _s, a, b = key
        ra, ma, da = self.cluster(a, key)
        rb, mb, db = self.cluster(b, key)
        if ra == rb:
            self.decisions[key] = (stored, False)
            return
        n = self.cfg.conflict_sample
        views = self.views
        views.load([*ma[:n], *mb[:n], a, b])
        ok = can_merge([views[x] for x in ma[:n]], [views[y] for y in mb[:n]], views[a], views[b], self.cfg)
        self.decisions[key] = (stored, ok)
        if ok:
            self.join(ra, ma, da, rb, mb, db, key)
        elif stored:  # the last pass merged here: both sides now differ from its clusters
            for r, m, d in ((ra, ma, da), (rb, mb, db)):
                if not d:
                    self.make_dirty(r, m, key)

    def make_dirty(self, root: str, ids: list[str], key: Key) -> None:
        self.members[root] = list(ids)
        for x in ids:
            self.root[x] = root
        self.activate(ids, key)

    def join(self, ra: str, ma: list[str], da: bool, rb: str, mb: list[str], db: bool, key: Key) -> None:
        for r, m, d in ((ra, ma, da), (rb, mb, db)):
            if not d:
                self.make_dirty(r, m, key)
        root, other = (ra, rb) if ra < rb else (rb, ra)
        moved = self.members.pop(other)
        for x in moved:
            self.root[x] = root
        self.members[root] = sorted(self.members[root] + moved)

    # ------------------------------------------------------------------ results

    def pair_rows(self) -> list[tuple[float, str, str, bool]]:
        """Index rows (score, a, b, merged) of the visited pairs whose decision is not the stored one
        (every new pair is visited: a changed report starts dirty)."""
        return [(-k[0], k[1], k[2], now) for k, (stored, now) in sorted(self.decisions.items()) if stored != now]
