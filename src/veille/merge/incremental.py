"""Incremental merge: fold newly ingested articles into a merged store without re-merging it all.

    counts = IncrementalMerger(settings).run(store)

Reads only what the new articles can affect, through the index a full merge leaves in the store
(`veille.merge.index`); without that index (an older store, or one never merged) it runs the full
`Merger`, and so it does when the new articles are more than `full_ratio` of the store. The
articles to fold in are those stored after meta `merge_seq` (ingest order), so articles ingested
with `--no-merge` are picked up by the next incremental run.

Events — exact by design, with work bounded by what the new reports change (not by the size of
the store, nor of the link-graph component they land in). For the new mentions:

1. the pairs they form are found through the block index (same type × actor/place key, date
   windows within the tolerance — exactly the pairs of the full pass's sorted sweep) and scored
   with `link`;
2. best-first clustering is replayed around them (`veille.merge.replay`): only the pairs that
   touch a *dirty* cluster (one holding a new report, or shaped by a decision that now comes out
   differently) are visited, in best-first order, each fed in when one of its mentions joins a
   dirty cluster; the clean cluster on the other side is the last pass's cluster at that point
   (its stored event and the merges the last pass made inside it before that pair). A pair
   between two clean clusters keeps its stored decision without being read. Every decision is
   the one a full pass takes, so the dirty clusters are the full pass's clusters;
3. cross-document dating (`dating`) sees the same evidence as in a full merge for every article
   it could date now: the undated articles of the re-decided clusters, and those the last pass
   left pending (meta `dating_pending`: the undated articles whose clusters changed after that
   pass dated articles, `merger.dating_pending`), each with all its clusters (the re-decided
   ones, and the stored events of its other reports: the clusters nothing touched *are* the
   stored events). Any other undated article has the clusters, and co-reporters of the same
   dated status, that the last evaluation found no date with, so a full merge finds none either.
   The articles it dates are rewritten, their reports' pairs recomputed with the new dates, and
   the replay runs again with their reports (and every member of their old events) dirty;
4. events are built (`aggregate`) for the dirty clusters only; they replace the old events of
   those mentions; the changed decisions and the new pairs and block keys go to the index.

So events, their ids, members, dates, places, contradictions and article dates equal those of a
full `Merger.run` on the same store (tests/test_merge_incremental.py checks it, on hand-built,
dense synthetic and pipeline-processed articles, in many batchings, including a dating that
only the next pass can make). What an ingest reads: the new reports' block candidates (recent
windows, plus every report with no date window at all under the same key: undated reports of
undated articles, which may link to anything), the pairs and events of the mentions of the
clusters it re-decides, and the pending undated articles.

Stories — local, not exact. A story's similarity links weigh terms by idf over the whole corpus,
which every new article changes a little, so exact stories need a global pass. The incremental
pass rebuilds only the stories the new articles reach: their event links and similarity links to
the nearest articles under each index key (global idf from `story_df`), the stories of those
articles taken whole and rebuilt with `StoryBuilder` (same ids: the earliest article's). Stories
larger than `story_rebuild_max` articles are not rebuilt: what links to them is appended (they keep
their title, actors and `follows`, gain articles and events, widen their span, change id only when
an earlier article joins). A story's members are its articles' and events' `story_id` in the
store, so appending costs what joins, not the size of the story (only a rename moves every row);
the follow-up links read a large story's descriptor from the index (the full merge's, grown by
what joined: `large_descriptors`), not its articles. Stories elsewhere keep the links the last pass computed. Differences
from a full merge are therefore possible for article pairs whose similarity sits at the threshold
or sees a different idf, for titles and actors of large stories, and for `follows` (recomputed for
the rebuilt stories and for later stories found by actor through the index). `veille merge`
recomputes everything.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..config import Settings
from ..models import Event, EventMention, Story, stable_id
from .aggregate import build_event
from .coref import block_keys, candidate_pairs, link
from .features import ArticleInfo, MentionView, first_day
from .index import INDEX_VERSION, block_rows, profile_from_json, profile_rows
from .merger import Merger, _event_order
from .replay import LastPass, Replay
from .stories import (
    ArticleProfile,
    StoryBuilder,
    StoryDescriptor,
    _vector,
    corpus_idf,
    describe_members,
    follow_window,
    followers_window,
    stop_words,
)
from .unionfind import MinRootForest

log = logging.getLogger("veille.merge")


class StoredArticles(Mapping[str, ArticleInfo]):
    """The merge's article fields, read from the store on first use (only the articles it needs)."""

    def __init__(self, store) -> None:
        self.store = store
        self.cache: dict[str, ArticleInfo] = {}
        self.absent: set[str] = set()

    def load(self, article_ids: Iterable[str]) -> None:
        want = {a for a in article_ids if a not in self.cache and a not in self.absent}
        if not want:
            return
        rows = self.store.article_rows(want)
        for a in want:
            r = rows.get(a)
            if r is None:
                self.absent.add(a)
            else:
                self.cache[a] = ArticleInfo(a, r["published"], r["published_precision"], r["published_method"],
                                            r["duplicate_of"], r["outlet"], r["title"], r["seq"])

    def __getitem__(self, key: str) -> ArticleInfo:
        self.load([key])
        return self.cache[key]

    def __setitem__(self, key: str, value: ArticleInfo) -> None:
        self.cache[key] = value

    def __iter__(self) -> Iterator[str]:
        return iter(self.cache)

    def __len__(self) -> int:
        return len(self.cache)


class Views:
    """Mention views read from the store on demand (an incremental run reads few of them)."""

    def __init__(self, store, merger: Merger, arts: StoredArticles):
        self.store = store
        self.merger = merger
        self.arts = arts
        self.views: dict[str, MentionView] = {}

    def add(self, mentions: list[EventMention], replace: bool = False) -> None:
        for m in mentions:
            m.sentence = ""
        self.arts.load({m.article_id for m in mentions})
        for v in self.merger.views(mentions, self.arts):
            if replace or v.id not in self.views:
                self.views[v.id] = v

    def load(self, ids: Iterable[str]) -> None:
        want = [i for i in ids if i not in self.views]
        if want:
            self.add(self.store.mentions_by_id(want))

    def __getitem__(self, mention_id: str) -> MentionView:
        if mention_id not in self.views:
            self.load([mention_id])
        return self.views[mention_id]

    def __contains__(self, mention_id: str) -> bool:
        return mention_id in self.views


def first_article(store, story_id: str) -> tuple[date, str]:
    """(day, id) of a stored story's earliest article — its key (`StoryBuilder`: earliest by date, then id)."""
    cands = [(first_day(pub) or date.max, aid) for aid, pub in store.story_article_dates(story_id, dated_first=50)]
    cands += [(date.max, aid) for aid in store.story_article_ids(story_id, 1)]
    best = min(cands) if cands else (date.max, "")
    if stable_id("st", best[1]) != story_id:  # dates of mixed precisions sort apart: read them all
        best = min(((first_day(pub) or date.max, aid) for aid, pub in store.story_article_dates(story_id)),
                   default=best)
    return best


@dataclass
class _Pass:
    """What one incremental run has found so far (its steps fill it in)."""

    arts: StoredArticles
    views: Views
    last: LastPass
    changed: set[str]  # reports whose pairs were computed now (new, re-dated)
    replay: Replay
    clusters: list[list[str]]  # the dirty clusters: decided again, their events rebuilt
    old_event: dict[str, str] = field(default_factory=dict)  # mention → its event before this run
    redated: list[str] = field(default_factory=list)
    redated_n: int = 0
    first_articles: set[str] = field(default_factory=set)  # the articles of the first replay's dirty clusters

    def dirty_ids(self) -> set[str]:
        return {i for c in self.clusters for i in c}

    def dating_pending(self) -> list[str]:
        """meta `dating_pending` after this run (see `merger.dating_pending`): when it dated
        articles, the undated articles of the clusters decided in either replay."""
        if not self.redated:
            return []
        reached = self.first_articles | {self.views[m].m.article_id for m in self.dirty_ids()}
        return sorted(a for a in reached if a in self.arts and not self.arts[a].published)


class _Profiles:
    """Story profiles (the new articles' computed, the others' read from the index) and the idf
    of their terms over the whole store (`story_df` plus the new articles' terms)."""

    def __init__(self, store, arts: StoredArticles, merger: Merger, lang: str, fresh: list[str]) -> None:
        self.store, self.arts = store, arts
        stops = stop_words(lang)
        self.profiles: dict[str, ArticleProfile] = {}
        for a in fresh:
            doc = store.get_document(a)
            if doc is not None:
                self.profiles[a] = merger.profile(doc, stops)
        self.df_delta = Counter(t for p in self.profiles.values() for t in p.terms)
        self.n = store.count("articles")
        self.idf: dict[str, float] = {}

    def load(self, ids: Iterable[str]) -> None:
        ids = set(ids)
        self.arts.load(ids)
        for a, data in self.store.story_profiles([a for a in ids if a not in self.profiles]).items():
            self.profiles[a] = profile_from_json(a, data)
        terms = {t for a in ids if a in self.profiles for t in self.profiles[a].terms if t not in self.idf}
        df = Counter(self.store.story_df(terms))
        df.update({t: c for t, c in self.df_delta.items() if t in terms})
        self.idf.update(corpus_idf(df, self.n))


def _descriptor_of(ids: list[str], profiles: dict[str, ArticleProfile], idf: dict[str, float]) -> StoryDescriptor:
    """The descriptor of a story of `ids` (those with a profile), from their vectors under `idf`."""
    return describe_members(ids, {a: _vector(profiles[a].terms, idf) for a in ids if a in profiles}, profiles)


def _absorbed(stories: list[Story], large: set[str], old_story: dict[str, str | None]):
    """(rebuilt story → a large story it joins, the root finder of the large stories that the
    rebuilt stories join together)."""
    forest = MinRootForest(large)
    absorbed: dict[str, str] = {}
    for st in stories:
        hits = sorted(large & {old_story.get(a) for a in st.article_ids})
        for h in hits[1:]:
            forest.union(hits[0], h)
        if hits:
            absorbed[st.story_id] = hits[0]
    return absorbed, forest.find


class IncrementalMerger:
    """Folds the articles stored since the last merge into the merge output (see the module doc)."""

    def __init__(self, settings: Settings | None = None, *, full_ratio: float | None = None,
                 story_rebuild_max: int | None = None, **overrides):
        self.merger = Merger(settings, **overrides)
        self.settings = self.merger.settings
        self.cfg = self.merger.cfg
        # more new articles than this share of the store: a full merge is faster
        self.full_ratio = self.cfg.incremental_full_ratio if full_ratio is None else full_ratio
        # larger stories are appended to, not rebuilt
        self.story_rebuild_max = self.cfg.story_rebuild_max if story_rebuild_max is None else story_rebuild_max
        # stories described by their stored descriptor (never more than the large ones)
        self.descriptor_min = min(self.cfg.descriptor_min_articles, self.story_rebuild_max)

    def run(self, store) -> dict[str, int]:
        """Fold the new articles in; one run at a time per store object (the web app's upload threads)."""
        if not hasattr(store, "exclusive"):
            return self.merger.run(store)
        with store.exclusive():
            return self._run(store)

    def _run(self, store) -> dict[str, int]:
        if store.get_meta("merge_index") == "2":  # version 3 is version 2 without its (unread) components
            store.set_meta("merge_index", INDEX_VERSION)
        if store.get_meta("merge_index") != INDEX_VERSION:
            log.info("no incremental merge index in the store: full merge")
            return self.merger.run(store)
        fresh = store.articles_after(int(store.get_meta("merge_seq") or 0))
        if not fresh:
            return {"events": 0, "mentions": 0, "stories": 0, "contradictions": 0, "redated": 0, "incremental": 1}
        if len(fresh) > self.full_ratio * store.count("articles"):
            return self.merger.run(store)
        p = self.cluster_new(store, fresh)
        self.redate(store, p)
        events = [build_event([p.views[i] for i in c], p.arts, self.cfg) for c in p.clusters]
        dirty_ids = p.dirty_ids()
        p.old_event.update({m: e for m, e in store.mention_events(dirty_ids - p.old_event.keys()).items() if e})
        new_event = {mid: e.event_id for e in events for mid in e.mention_ids}
        removed = {p.old_event[m] for m in dirty_ids if m in p.old_event} - set(new_event.values())
        touched = set(fresh) | set(p.redated) | {p.views[m].m.article_id for m in dirty_ids
                                                 if p.old_event.get(m) != new_event.get(m)}
        loaded = {m: p.views[m].m for m in dirty_ids}
        stories = self.update_stories(store, p.arts, fresh, p.redated, sorted(touched), events, loaded, removed)
        redated_ids = {m for m in p.changed if p.views[m].m.article_id in set(p.redated)}
        store.write_merge_index(
            full=False, blocks=block_rows([p.views[m] for m in sorted(p.changed)]), block_mentions=redated_ids,
            profiles=stories["profile_rows"], df_delta=stories["df_delta"],
            meta={"merge_seq": str(max(p.arts[a].seq for a in fresh)), "dating_pending": json.dumps(p.dating_pending())},
            pairs=p.replay.pair_rows(), pair_mentions=redated_ids, descriptors=stories["descriptors"])
        return {
            "events": len(events),
            "mentions": len(dirty_ids),
            "read_mentions": len(p.last.event_of),
            "new_articles": len(fresh),
            "stories": len(stories["stories"]),
            "contradictions": sum(len(e.contradictions) for e in events),
            "redated": p.redated_n,
            "incremental": 1,
        }

    def cluster_new(self, store, fresh: list[str]) -> _Pass:
        """First replay: the new articles' reports, their pairs, and the clusters they make dirty."""
        arts = StoredArticles(store)
        arts.load(fresh)
        views = Views(store, self.merger, arts)
        new_mentions = store.mentions_of_articles(fresh)
        views.add(new_mentions)
        changed = {m.mention_id for m in new_mentions}  # mentions whose pairs are (re)computed
        last = LastPass(store)
        replay = Replay(store, views, self.cfg, last, changed, self.discover(store, views, changed))
        clusters = replay.run(changed)
        p = _Pass(arts, views, last, changed, replay, clusters)
        p.old_event = {k: v for k, v in store.mention_events(p.dirty_ids()).items() if v}  # clean clusters keep theirs
        return p

    def redate(self, store, p: _Pass) -> None:
        """Cross-document dating as a full merge does it, then (when it dated articles) the replay
        again with their reports' new dates and pairs."""
        # the undated articles whose evidence may have changed: those in a re-decided cluster, and
        # those the last pass left pending (`merger.dating_pending`); each is dated from all its
        # clusters, as in a full merge: the re-decided ones and its other reports' stored events
        dirty_ids = p.dirty_ids()
        pending = json.loads(store.get_meta("dating_pending") or "[]")
        p.arts.load(pending)
        p.first_articles = {p.views[m].m.article_id for m in dirty_ids}
        reach = p.first_articles | set(pending)
        only = {a for a in reach if a in p.arts and not p.arts[a].published}
        undated = {mid: eid for mid, eid in store.article_mention_events(only).items()
                   if eid and mid not in dirty_ids}
        others = self.stored_clusters(store, set(undated.values()), p.views)
        first = [[p.views[i] for i in c] for c in p.clusters]
        p.redated = self.merger.redate_articles(store, first + others, p.arts, only=only)
        p.redated_n = len(p.redated)
        if not p.redated:
            return
        again = store.mentions_of_articles(p.redated)
        p.old_event.update({m: e for m, e in undated.items() if m not in p.old_event})
        p.old_event.update({m: e for m, e in store.mention_events(m.mention_id for m in again).items()
                            if e and m not in p.old_event})
        p.views.add(again, replace=True)
        p.changed |= {m.mention_id for m in again}
        # an old event that held a re-dated report is re-evaluated whole
        hit = {p.old_event[m] for m in p.changed if m in p.old_event}
        start = set(p.changed) | {m for ids in store.event_members(hit).values() for m in ids}
        start |= {m for m, e in p.old_event.items() if e in hit}
        p.replay = Replay(store, p.views, self.cfg, p.last, p.changed, self.discover(store, p.views, p.changed))
        p.clusters = p.replay.run(start)

    # ------------------------------------------------------------------ events

    def discover(self, store, views: Views, changed: set[str]) -> list[tuple[float, str, str]]:
        """The linkable pairs that involve a changed mention.

        A pair is considered when the two share a block key and their date windows come within the
        tolerance (or one is undated): exactly the pairs of `coref.candidate_pairs`'s sweep."""
        cfg = self.cfg
        tol = cfg.date_tolerance_days
        mine = [views[i] for i in sorted(changed)]
        pairs = {(a, b): s_ for s_, a, b in candidate_pairs(mine, cfg)}
        cands: dict[str, set[str]] = {}
        for v in mine:
            lo, hi = (v.window[0].toordinal(), v.window[1].toordinal()) if v.window is not None else (None, None)
            for t, k in block_keys(v):
                for mid in store.block_candidates(f"{t}|{k}", lo, hi, tol):
                    if mid not in changed:
                        cands.setdefault(mid, set()).add(v.id)
        views.load(cands)
        for uid in sorted(cands):
            u = views[uid]
            for vid in sorted(cands[uid]):
                score = link(views[vid], u, cfg)
                if score is not None:
                    pairs[(vid, uid) if vid < uid else (uid, vid)] = score
        return [(s_, a, b) for (a, b), s_ in pairs.items()]

    def stored_clusters(self, store, event_ids: set[str], views: Views) -> list[list[MentionView]]:
        members = store.event_members(event_ids)
        multi = {e: ids for e, ids in members.items() if len(ids) > 1}
        views.load(i for ids in multi.values() for i in ids)
        return [[views[i] for i in ids if i in views] for _e, ids in sorted(multi.items())]

    # ------------------------------------------------------------------ stories

    def update_stories(self, store, arts: StoredArticles, fresh: list[str], redated: list[str],
                       touched: list[str], events: list[Event], loaded: dict, removed: set[str]) -> dict:
        """Rebuild the stories the touched articles reach and store them with the new events."""
        prof = _Profiles(store, arts, self.merger, self.settings.lang, fresh)
        sources = sorted(set(fresh) | set(redated))  # articles whose terms or day are new to the index
        prof.load([*touched, *sources])
        reach = set(touched) | set(sources) | self.similar_neighbours(store, prof, sources)
        old_story = {a: r["story_id"] for a, r in store.article_rows(reach).items()}
        affected = {s for s in old_story.values() if s}
        # large stories are not rebuilt: what joins them is appended (see `append_to_large`)
        large = store.stories_larger_than(affected, self.story_rebuild_max)
        small = affected - large
        stories, article_story, event_story, kept = self.rebuild_small(store, prof, reach, small, events, loaded,
                                                                       removed)
        stories, grown, gone, renamed = self.append_to_large(store, stories, article_story, event_story, large,
                                                             old_story, arts)
        gone |= small
        vanished = gone - {st.story_id for st in (*stories, *grown)}
        rebuilt = {st.story_id: _descriptor_of(st.article_ids, prof.profiles, prof.idf) for st in stories}
        descriptors = self.updated_descriptors(store, prof, stories, rebuilt, grown, large, old_story, renamed, gone)
        later = self.link_follow_ups(store, stories, rebuilt, prof.profiles, prof.idf, affected, prof.load, vanished)
        stories = [*stories, *grown]
        outside = [e.event_id for e in events if e.event_id not in event_story]
        stored_story = {e.event_id: e.story_id for e in store.events_by_id(outside)}
        for e in events:
            sid = event_story[e.event_id] if e.event_id in event_story else stored_story.get(e.event_id)
            e.story_id = renamed.get(sid, sid) if sid else sid
        event_stories = {e.event_id: event_story.get(e.event_id) for e in kept}
        store.replace_merge_part(
            old_events=removed, events=sorted(events, key=_event_order),
            mention_events={mid: e.event_id for e in events for mid in e.mention_ids},
            old_stories=gone, stories=[*stories, *later], article_stories=article_story,
            event_stories=event_stories, renamed_stories=renamed)
        return {"stories": stories, "df_delta": dict(prof.df_delta), "descriptors": descriptors,
                "profile_rows": profile_rows({a: prof.profiles[a] for a in sources if a in prof.profiles}, arts,
                                             prof.idf)}

    def similar_neighbours(self, store, prof: _Profiles, sources: list[str]) -> set[str]:
        """Articles near each source under one of its story index keys whose similarity reaches
        the story threshold (the nearest `story_neighbours` on each side, within the window)."""
        cfg = self.cfg
        arts, profiles, idf = prof.arts, prof.profiles, prof.idf
        builder = StoryBuilder(cfg)
        linked: set[str] = set()
        for a in sources:
            p = profiles.get(a)
            if p is None:
                continue
            day = arts[a].day
            cands: set[str] = set()
            for k in profile_rows({a: p}, arts, idf)[a][2]:
                cands.update(store.story_key_neighbours(k, day.isoformat() if day else None,
                                                        cfg.story_window_days, cfg.story_neighbours))
            cands.discard(a)
            prof.load(cands)
            va = _vector(p.terms, idf)
            for c in sorted(cands):
                if c not in profiles or c not in arts:
                    continue
                dc = arts[c].day
                if day is not None and dc is not None and abs((day - dc).days) > cfg.story_window_days:
                    continue
                if builder.similarity(va, _vector(profiles[c].terms, idf), p, profiles[c]) >= cfg.story_threshold:
                    linked.add(c)
        return linked

    def rebuild_small(self, store, prof: _Profiles, reach: set[str], small: set[str], events: list[Event],
                      loaded: dict, removed: set[str]) -> tuple[list[Story], dict[str, str], dict[str, str], list[Event]]:
        """`StoryBuilder.build` over the reached articles and the small stories they belong to, with
        the events they report (just built, or stored in those stories). Returns (stories,
        article → story, event → story, the stored events kept)."""
        members = store.story_members(small)
        subset_all = reach | {a for sid in small for a in members.get(sid, [])}
        prof.load(subset_all)
        arts, profiles = prof.arts, prof.profiles
        subset = sorted(a for a in subset_all if a in arts and a in profiles)
        in_subset = set(subset)
        new_ids = {e.event_id for e in events}
        kept = [e for e in store.events_of_stories(small) if e.event_id not in new_ids and e.event_id not in removed]
        mention_article = {mid: m.article_id for mid, m in loaded.items() if m.article_id in in_subset}
        mention_article.update({mid: aid for mid, aid in store.event_mention_articles(e.event_id for e in kept).items()
                                if aid in in_subset})
        evs = [e for e in sorted([*events, *kept], key=lambda e: e.event_id)
               if any(mid in mention_article for mid in e.mention_ids)]
        stories, article_story, event_story = StoryBuilder(self.cfg).build(
            {a: arts[a] for a in subset}, {a: profiles[a] for a in subset}, evs, mention_article, idf=prof.idf)
        return stories, article_story, event_story, kept

    @staticmethod
    def append_to_large(store, stories: list[Story], article_story: dict[str, str], event_story: dict[str, str],
                        large: set[str], old_story: dict[str, str | None],
                        arts) -> tuple[list[Story], list[Story], set[str], dict[str, str]]:
        """Rebuilt stories that hold an article of a large story join it (large stories they join
        together become one): the large story keeps its title, actors and `follows`, gains the
        articles and events, widens its span, and is renamed only when an earlier article joins.

        Work bounded by what joins: a story's members are its articles' and events' story_id
        (`store.replace_merge_part`), so nothing reads or rewrites a large story's member lists;
        the grown story's lists hold only what joined. Updates `article_story` / `event_story`;
        returns (rebuilt stories left, grown large stories, story ids to delete, renamed stories
        old → new id, whose articles and events the store moves)."""
        absorbed, find = _absorbed(stories, large, old_story)
        if not absorbed:
            return stories, [], set(), {}
        groups: dict[str, list[str]] = {}
        for sid in sorted(large):
            groups.setdefault(find(sid), []).append(sid)
        olds = {st.story_id: st for st in store.stories_by_id(large, members=False)}
        by_built = {st.story_id: st for st in stories}
        grown: list[Story] = []
        gone: set[str] = set()
        rename: dict[str, str] = {}
        moved: dict[str, str] = {}
        for root, sids in sorted(groups.items()):
            joined = [by_built[b] for b, g in sorted(absorbed.items()) if find(g) == root]
            if not joined and len(sids) == 1:
                continue
            firsts = [first_article(store, sid) for sid in sids]
            firsts += [(arts[a].day or date.max, a) for st in joined for a in st.article_ids if a in arts]
            new_sid = stable_id("st", min(firsts)[1])
            sizes = store.story_sizes(sids) if len(sids) > 1 else {}
            base = max((olds[sid] for sid in sids if sid in olds), key=lambda st: (sizes.get(st.story_id, 0),
                                                                                    st.story_id))
            joined_ids = {st.story_id for st in joined}
            bounds = [x for st in (*[olds[sid] for sid in sids if sid in olds], *joined) for x in (st.start, st.end)
                      if x]
            grown.append(Story(story_id=new_sid, title=base.title,
                               article_ids=sorted(a for st in joined for a in st.article_ids),
                               event_ids=sorted(e for e, sid in event_story.items() if sid in joined_ids),
                               start=min(bounds) if bounds else None, end=max(bounds) if bounds else None,
                               actors=base.actors, follows=base.follows))
            rename.update({sid: new_sid for sid in joined_ids})
            for sid in sids:
                if sid != new_sid:
                    gone.add(sid)
                    rename[sid] = moved[sid] = new_sid
        for a, sid in list(article_story.items()):
            article_story[a] = rename.get(sid, sid)
        for e, sid in list(event_story.items()):
            event_story[e] = rename.get(sid, sid)
        return [st for st in stories if st.story_id not in absorbed], grown, gone, moved

    def updated_descriptors(self, store, prof: _Profiles, stories: list[Story], rebuilt: dict[str, StoryDescriptor],
                            grown: list[Story], large: set[str], old_story: dict[str, str | None],
                            renamed: dict[str, str], gone: set[str]) -> dict[str, dict | None]:
        """The story index's descriptors after this pass (story → json, None: dropped): a rebuilt
        story larger than `descriptor_min_articles`, its descriptor (`rebuilt`); a grown large story's
        stored descriptors (of the large stories it joins) plus the articles that joined it; the
        stories gone, dropped. A grown story whose parts lack one (an index written before
        descriptors, a story that grew large by appends) keeps none: it is sampled instead."""
        out: dict[str, dict | None] = dict.fromkeys(sorted(gone))
        for st in stories:
            if len(st.article_ids) > self.descriptor_min:
                out[st.story_id] = rebuilt[st.story_id].to_json()
        if not grown:
            return out
        parts: dict[str, list[str]] = {}
        for sid in sorted(large):
            parts.setdefault(renamed.get(sid, sid), []).append(sid)
        stored = store.story_descriptors(sid for st in grown for sid in parts.get(st.story_id, []))
        for st in grown:
            srcs = parts.get(st.story_id, [])
            if not srcs or any(sid not in stored for sid in srcs):
                out[st.story_id] = None
                continue
            desc = StoryDescriptor()
            for sid in srcs:
                desc.absorb(StoryDescriptor.from_json(stored[sid]))
            joined = [a for a in st.article_ids if old_story.get(a) not in srcs]  # (rebuilt: members already)
            prof.load(joined)
            for a in joined:
                if a in prof.profiles:
                    desc.add(_vector(prof.profiles[a].terms, prof.idf), prof.profiles[a])
            out[st.story_id] = desc.to_json()
        return out

    def stored_descriptors(self, store, story_ids: list[str], profiles: dict[str, ArticleProfile],
                           idf: dict[str, float], load) -> dict[str, StoryDescriptor]:
        """The descriptor of each stored story: one larger than `descriptor_min_articles` read from
        the story index where it has one (every article it holds), else made from its members, a
        large story's sampled (`sampled_members`), their profiles loaded first."""
        described = store.stories_larger_than(story_ids, self.descriptor_min)
        out = {sid: StoryDescriptor.from_json(data) for sid, data in store.story_descriptors(described).items()}
        rest = [sid for sid in story_ids if sid not in out]
        members = self.sampled_members(store, rest)
        load({a for ids in members.values() for a in ids})
        for sid in rest:
            out[sid] = _descriptor_of(members.get(sid, []), profiles, idf)
        return out

    def sampled_members(self, store, story_ids: list[str]) -> dict[str, list[str]]:
        """Story members for centroids and dominant actors; a large story is described by its
        `story_rebuild_max` first articles by id (a deterministic sample: bounded work per ingest)."""
        large = store.stories_larger_than(story_ids, self.story_rebuild_max)
        small = [sid for sid in story_ids if sid not in large]
        out = store.story_members(small)
        for sid in sorted(set(story_ids) - set(small)):
            out[sid] = store.story_article_ids(sid, self.story_rebuild_max)
        return out

    def link_follow_ups(self, store, stories: list[Story], rebuilt: dict[str, StoryDescriptor],
                        profiles: dict[str, ArticleProfile], idf: dict[str, float], replaced: set[str], load,
                        vanished: set[str]) -> list[Story]:
        """`follows` of the rebuilt stories (`rebuilt`: their descriptors), against the other rebuilt
        stories and the earlier stories that the index finds by the rebuilt story's dominant actors,
        and of the later stories found the same way (approximates the full pass). Returns the later
        stories whose link changed."""
        cfg = self.cfg
        centroids: dict[str, dict[str, float]] = {}
        actor_sets: dict[str, set[str]] = {}

        def describe(descriptors: dict[str, StoryDescriptor]) -> None:
            for sid, desc in descriptors.items():
                centroids[sid], actor_sets[sid] = desc.centroid(), desc.actors()

        describe(rebuilt)
        rebuilt_ids = set(rebuilt)
        wanted: set[str] = set()
        for s in stories:
            if not s.start:
                continue
            lo, hi = follow_window(s.start, cfg)
            for k in sorted(actor_sets[s.story_id]):
                ids = store.story_key_between("a:" + k, lo, hi, cfg.follow_candidates)
                wanted |= {r["story_id"] for r in store.article_rows(ids).values() if r["story_id"]}
        context = store.stories_by_id(wanted - rebuilt_ids - replaced, members=False)
        describe(self.stored_descriptors(store, [st.story_id for st in context], profiles, idf, load))
        keep = {st.story_id: st.follows for st in context}
        for s in stories:
            s.follows = None
        builder = StoryBuilder(cfg)
        builder._link_follow_ups([*stories, *context], centroids, actor_sets)
        for st in context:  # only the rebuilt stories' links change here
            st.follows = keep[st.story_id]

        # later stories that may now follow a rebuilt story (or followed a story that is gone):
        # their link is re-chosen among the rebuilt stories and the story they followed
        wanted = {st.story_id for st in store.stories_following(vanished, members=False)}
        for s in stories:
            if not s.end:
                continue
            lo, hi = followers_window(s.end, cfg)
            for k in sorted(actor_sets[s.story_id]):
                ids = store.story_key_after("a:" + k, lo, hi, cfg.follow_candidates)
                wanted |= {r["story_id"] for r in store.article_rows(ids).values() if r["story_id"]}
        later = store.stories_by_id(wanted - rebuilt_ids - replaced, members=False)
        followed = {st.follows for st in later if st.follows} - rebuilt_ids - replaced - set(centroids)
        extra = store.stories_by_id(followed, members=False)
        describe(self.stored_descriptors(store, [st.story_id for st in (*later, *extra)], profiles, idf, load))
        by_id = {st.story_id: st for st in (*stories, *context, *extra)}
        changed = []
        for st in later:
            cands = [*stories, *([by_id[st.follows]] if st.follows in by_id and st.follows not in rebuilt else [])]
            before = st.follows
            st.follows = None
            probe = [st, *(Story(**{**c.to_dict(), "follows": None}) for c in cands)]
            builder._link_follow_ups(probe, centroids, actor_sets)
            if st.follows != before:
                changed.append(st)
        return changed
