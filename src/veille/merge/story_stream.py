"""The full merge's stories, streamed: no pass holds every article's profile or TF-IDF vector.

`StoryBuilder.build` takes every article's profile and vector at once (≈ 4 KB per article: 4 GB
for a 1M-article store) and every event. `StoryStream.run` gives the same stories, article → story
and event → story maps (the events are staged in the store by the merge: `store.stage_events`),
and writes the same story index, with:

1. one pass over the documents: each article's profile (`Merger.profile`) is written to the story
   index and dropped; only the terms' document frequencies are kept;
2. one pass over the profiles in date order (`store.iter_story_profiles`): each article's vector
   and index keys, its keys written, and the similarity links of `stories.sweep_key` found with,
   per key, the last `story_neighbours` articles (those of a key no later article can reach are
   dropped); the links of the staged events' articles join articles in a union-find, as in
   `StoryBuilder.build`;
3. each staged event's story voted by its articles' stories and staged with it;
4. the profiles and staged events read back story by story (a batch of stories at a time) to
   split episodes and describe each story (`StoryBuilder.describe`), each dated story's centroid
   and dominant actors staged in the store;
5. the follow-up links, the stories read in date order (`StoryStream.follow_ups`).

What a pass still holds: per article its date and story (the union-find), the keys' last
neighbours within the story window, the stories (without their centroids), and the centroids
of the stories that ended within `follow_max_gap_days` of the one being linked.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, NamedTuple

from ..batching import batched
from ..models import Story
from .config import MergeConfig
from .features import ArticleInfo
from .index import profile_from_json, profile_json
from .stories import (
    ArticleProfile,
    StoryBuilder,
    StoryDescriptor,
    _vector,
    add_event_names,
    add_profile_names,
    best_follow,
    corpus_idf,
    dated_episodes,
    describe_members,
    event_day,
    event_links,
    event_story_vote,
    finish_story,
    follow_score,
    follow_window,
    index_keys,
    stop_words,
    story_id,
    title_rank,
)
from .unionfind import MinRootForest

if TYPE_CHECKING:
    from .merger import Merger

WRITE_BATCH = 20_000  # story index rows per write
READ_BATCH = 1_000  # articles' profiles read back per query
PRUNE_EVERY = 5_000  # articles swept between two prunes of the keys' neighbours


class Neighbour(NamedTuple):
    """An article as the sweep compares it: id, day, vector, profile (terms dropped)."""

    article_id: str
    day: date | None
    vec: dict[str, float]
    profile: ArticleProfile


class StoryStream:
    """Stories of a whole store (`run`), configured by the merger whose profiles it reads."""

    def __init__(self, merger: Merger, *, members: bool = True):
        """`members`: the stories returned keep their article and event ids (`StoryBuilder.build`'s
        shape); without, those lists are left empty (the store keeps membership as
        articles.story_id and events.story_id, and a 1M-article store's stories would hold ~3.5M
        ids)."""
        self.merger = merger
        self.cfg: MergeConfig = merger.cfg
        self.builder = StoryBuilder(merger.cfg)
        self.members = members

    def run(self, store, articles: Mapping[str, ArticleInfo]) -> tuple[list[Story], dict[str, str]]:
        """(stories, article → story), as `StoryBuilder.build`, from the events staged in `store`
        (`store.stage_events`), whose stories are staged too; the story index (profiles, keys,
        document frequencies) is written to `store` on the way."""
        day = {a: info.day for a, info in articles.items()}
        df, n = self._write_profiles(store, day)
        idf = corpus_idf(df, n)
        store.add_story_df(dict(df))
        del df
        forest = MinRootForest()  # (an article no link reaches is never stored)
        find, union = forest.find, forest.union
        close = self.builder.closeness(day)
        for _event, reporting in store.iter_staged_event_articles():
            for a, b in event_links(reporting, close):
                union(a, b)
        self._sweep(store, idf, day, find, union)

        groups: dict[str, list[str]] = defaultdict(list)
        for a in sorted(articles):
            groups[find(a)].append(a)
        del forest, find, union
        groups = self._episodes(store, groups, day, idf)
        article_story = {a: sid for members in groups.values() for sid in [story_id(members, day)] for a in members}
        self._stage_event_stories(store, article_story)
        stories = self._describe(store, groups, article_story, articles, day, idf)
        return stories, article_story

    @staticmethod
    def _stage_event_stories(store, article_story: Mapping[str, str]) -> None:
        """Each staged event's story: `event_story_vote` over its articles' stories."""
        rows: list[tuple[str, str]] = []
        for event, reporting in store.iter_staged_event_articles():
            sid = event_story_vote(article_story[a] for a in reporting if a in article_story)
            if sid is not None:
                rows.append((sid, event))
            if len(rows) >= WRITE_BATCH:
                store.set_staged_stories(rows)
                rows = []
        store.set_staged_stories(rows)

    # ------------------------------------------------------------------ profiles and the sweep

    def _write_profiles(self, store, day: Mapping[str, date | None]) -> tuple[Counter, int]:
        """Every document's story profile, written to the story index (cleared first); returns the
        terms' document frequencies and the number of profiles."""
        stops = stop_words(self.merger.settings.lang)
        store.clear_story_index()
        df: Counter = Counter()
        rows: list[tuple[str, str | None, dict]] = []
        n = 0
        for doc in store.iter_documents(fields=self.merger.PROFILE_FIELDS):
            p = self.merger.profile(doc, stops)
            df.update(p.terms.keys())  # document frequency: one per article
            d = day.get(doc.article_id)
            rows.append((doc.article_id, d.isoformat() if d else None, profile_json(p)))
            n += 1
            if len(rows) >= WRITE_BATCH:
                store.add_story_profiles(rows)
                rows = []
        store.add_story_profiles(rows)
        return df, n

    @staticmethod
    def _profile_and_vector(article_id: str, data: dict, idf: dict[str, float]
                            ) -> tuple[ArticleProfile, dict[str, float]]:
        p = profile_from_json(article_id, data)
        vec = _vector(p.terms, idf)
        p.terms = Counter()  # the stories read the vectors, never the terms
        return p, vec

    def _sweep(self, store, idf: dict[str, float], day: Mapping[str, date | None],
               find: Callable[[str], str], union: Callable[[str, str], bool]) -> None:
        """Similarity links (`stories.sweep_key`'s candidates, `StoryBuilder.similarity` ≥ threshold)
        over the profiles in date order; writes each article's story keys."""
        cfg, similarity = self.cfg, self.builder.similarity
        window, k = cfg.story_window_days, cfg.story_neighbours
        # the keys of undated articles (swept last: they reach a key's last neighbours whatever their date)
        undated_keys = {key for aid, _d, data in store.iter_story_profiles(undated_only=True)
                        for key in index_keys(*self._profile_and_vector(aid, data, idf))}
        last: dict[str, deque[Neighbour]] = {}
        last_dated: dict[str, date] = {}  # a key's latest dated article
        key_rows: list[tuple[str, str | None, str]] = []
        for n, (aid, d_iso, data) in enumerate(store.iter_story_profiles()):
            p, vec = self._profile_and_vector(aid, data, idf)
            keys = sorted(index_keys(p, vec))
            d = day.get(aid)
            key_rows.extend((key, d_iso, aid) for key in keys)
            me = Neighbour(aid, d, vec, p)
            seen: set[str] = set()
            for key in keys:
                for x in last.get(key, ()):
                    if x.article_id in seen:
                        continue
                    # sweep_key pairs x with its next `story_neighbours` on the key until one is dated
                    # more than the window after it: for an undated article (swept last), the key's
                    # latest dated one
                    if x.day is not None and ((d if d is not None else last_dated[key]) - x.day).days > window:
                        continue
                    seen.add(x.article_id)
                    if find(x.article_id) != find(aid) and \
                            similarity(x.vec, vec, x.profile, p) >= cfg.story_threshold:
                        union(x.article_id, aid)
                last.setdefault(key, deque(maxlen=k)).append(me)
                if d is not None:
                    last_dated[key] = d
            if len(key_rows) >= WRITE_BATCH:
                store.add_story_keys(key_rows)
                key_rows = []
            if d is not None and n % PRUNE_EVERY == PRUNE_EVERY - 1:
                _prune(last, last_dated, undated_keys, d, window)
        store.add_story_keys(key_rows)

    # ------------------------------------------------------------------ stories

    def _read_profiles(self, store, ids: Iterable[str], idf: dict[str, float]
                       ) -> tuple[dict[str, ArticleProfile], dict[str, dict[str, float]]]:
        profiles: dict[str, ArticleProfile] = {}
        vecs: dict[str, dict[str, float]] = {}
        for aid, data in store.story_profiles(ids).items():
            profiles[aid], vecs[aid] = self._profile_and_vector(aid, data, idf)
        return profiles, vecs

    def _episodes(self, store, groups: dict[str, list[str]], day: dict[str, date | None],
                  idf: dict[str, float]) -> dict[str, list[str]]:
        """`StoryBuilder._episodes`, streamed: a story split by a gap in its dates sends each of its
        undated articles to the episode of its most similar dated article, the dated ones read a
        chunk at a time (one story can hold most of a store)."""
        similarity, window = self.builder.similarity, self.cfg.story_window_days
        out: dict[str, list[str]] = {}
        for root, members in groups.items():
            episodes = dated_episodes(members, day, window)
            if len(episodes) < 2:
                out[root] = members
                continue
            home = {a: i for i, ep in enumerate(episodes) for a in ep}
            undated = sorted(a for a in members if day[a] is None)
            if undated:
                profiles, vecs = self._read_profiles(store, undated, idf)
                best: dict[str, tuple[tuple[float, int, str], str]] = {}
                for chunk in batched([a for ep in episodes for a in ep], READ_BATCH):
                    dated_profiles, dated_vecs = self._read_profiles(store, chunk, idf)
                    for a in undated:
                        for b in chunk:
                            key = (similarity(vecs[a], dated_vecs[b], profiles[a], dated_profiles[b]), -home[b], b)
                            if a not in best or key > best[a][0]:
                                best[a] = (key, b)
                for a in undated:
                    episodes[home[best[a][1]]].append(a)
            for ep in episodes:
                out[min(ep)] = sorted(ep)
        return out

    def _describe_large(self, store, sid: str, members: list[str], day: Mapping[str, date | None],
                        idf: dict[str, float]) -> tuple[Story, dict[str, float], set[str], StoryDescriptor]:
        """`StoryBuilder.describe` for a story too large to hold: its articles' profiles read a chunk
        at a time, twice (the centroid, then the article closest to it), its events by id; with the
        story's descriptor."""
        members = sorted(members)
        desc = StoryDescriptor()
        fallback: Counter = Counter()
        for chunk in batched(members, READ_BATCH):
            profiles, vecs = self._read_profiles(store, chunk, idf)
            for a in chunk:
                desc.add(vecs[a], profiles[a])
                add_profile_names(fallback, profiles[a])
        centroid = desc.centroid()
        best: tuple[tuple, str] | None = None
        for chunk in batched(members, READ_BATCH):
            titles = store.article_titles(chunk)
            _profiles, vecs = self._read_profiles(store, chunk, idf)
            for a in chunk:
                if not titles.get(a):
                    continue
                rank = title_rank(vecs[a], centroid, day[a], a)
                if best is None or rank < best[0]:
                    best = (rank, titles[a])
        days = [d for a in members if (d := day[a]) is not None]
        published = (min(days), max(days)) if days else None
        names: Counter = Counter()
        types: Counter = Counter()
        event_ids: list[str] = []
        for e in store.iter_staged_events_of_story(sid):
            add_event_names(names, e)
            types[e.type] += 1
            event_ids.append(e.event_id)
            if (d := event_day(e, published)) is not None:
                days.append(d)
        story = finish_story(sid, members, event_ids, best[1] if best else None, names or fallback, types, days)
        return story, centroid, desc.actors(), desc

    def _describe(self, store, groups: dict[str, list[str]], article_story: dict[str, str],
                  articles: Mapping[str, ArticleInfo], day: Mapping[str, date | None], idf: dict[str, float]
                  ) -> list[Story]:
        """Every story (`StoryBuilder.describe`), in story id order, its articles' profiles and its
        staged events read back a batch of stories at a time, each dated story's centroid and
        dominant actors staged in the store, the descriptor of each story larger than
        `descriptor_min_articles` written to the story index; then the follow-up links (`follow_ups`)."""
        store.clear_merge_stage(("stage_follow",))
        stories: list[Story] = []
        staged: list[tuple[str, str, str, set[str], dict[str, float]]] = []
        large = self.cfg.descriptor_min_articles
        described: list[tuple[str, dict]] = []  # (story, descriptor json): a few per thousand stories
        ordered = sorted(groups.values(), key=lambda members: article_story[members[0]])
        batch: list[list[str]] = []
        size = 0

        def keep(story: Story, centroid: dict[str, float], actors: set[str]) -> None:
            if not self.members:
                story.article_ids, story.event_ids = [], []
            stories.append(story)
            if story.start and story.end:  # (an undated story neither follows nor is followed)
                staged.append((story.story_id, story.start, story.end, actors, centroid))
                if len(staged) >= WRITE_BATCH // 10:
                    store.stage_follow(staged)
                    staged.clear()

        def flush() -> None:
            ids = [a for m in batch for a in m]
            profiles, vecs = self._read_profiles(store, ids, idf)
            events = store.staged_events_of_stories([article_story[m[0]] for m in batch])
            titles = store.article_titles(ids)
            infos = {a: replace(articles[a], title=titles.get(a)) for a in ids}
            for m in batch:
                sid = article_story[m[0]]
                keep(*self.builder.describe(sid, m, events.get(sid, []), infos, profiles, vecs, day))
                if len(m) > large:
                    described.append((sid, describe_members(m, vecs, profiles).to_json()))

        for members in ordered:
            if len(members) > READ_BATCH:  # a large story: read a chunk of it at a time
                if batch:
                    flush()
                    batch, size = [], 0
                story, centroid, actors, desc = self._describe_large(store, article_story[members[0]], members,
                                                                     day, idf)
                keep(story, centroid, actors)
                if len(members) > large:
                    described.append((story.story_id, desc.to_json()))
                continue
            batch.append(members)
            size += len(members)
            if size >= READ_BATCH:
                flush()
                batch, size = [], 0
        if batch:
            flush()
        store.stage_follow(staged)
        store.add_story_descriptors(described)
        follows = self.follow_ups(store)
        for story in stories:
            story.follows = follows.get(story.story_id) or story.follows
        return stories

    def follow_ups(self, store) -> dict[str, str]:
        """story → the story it follows, as `StoryBuilder._link_follow_ups` finds it, over the
        stories staged by `_describe`, in date order: a story starting on S may follow only those
        that ended in `follow_window(S)`, so the stories are read by start and the candidates by end
        as the window moves, the ones that ended before it dropped. What is held: the centroids of
        the stories that ended within `follow_max_gap_days` of the one being linked."""
        cfg = self.cfg
        held: dict[str, tuple[str, set[str], dict[str, float]]] = {}  # story → (end, actors, centroid)
        order: deque[str] = deque()  # the held stories by (end, id)
        by_actor: dict[str, deque[str]] = defaultdict(deque)  # dominant actor → its held stories, same order
        arriving = store.iter_staged_follow("end")
        nxt = next(arriving, None)
        out: dict[str, str] = {}
        for sid, start, _end, actors, centroid in store.iter_staged_follow("start"):
            earliest, latest = follow_window(start, cfg)
            while nxt is not None and nxt[2] <= latest:
                held[nxt[0]] = (nxt[2], set(nxt[3]), nxt[4])
                order.append(nxt[0])
                for k in nxt[3]:
                    by_actor[k].append(nxt[0])
                nxt = next(arriving, None)
            while order and held[order[0]][0] < earliest:
                gone = order.popleft()
                for k in held.pop(gone)[1]:
                    by_actor[k].popleft()  # (the oldest held story is the oldest of each of its actors)
                    if not by_actor[k]:
                        del by_actor[k]
            cands: set[str] = set()
            for k in actors:
                if k in by_actor:  # its `follow_candidates` most recent stories in the window
                    cands.update(islice(reversed(by_actor[k]), cfg.follow_candidates))
            cands.discard(sid)
            if not cands:
                continue
            mine = set(actors)
            found = best_follow(((c, follow_score(centroid, mine, held[c][2], held[c][1]), held[c][0])
                                 for c in sorted(cands)), cfg)
            if found is not None:
                out[sid] = found
        return out


def _prune(last: dict[str, deque[Neighbour]], last_dated: dict[str, date], keep: set[str], today: date,
           window: int) -> None:
    """Drop the articles that no later dated article can reach (dated more than the window before
    `today`), and the keys left with none, except under the keys an undated article has (swept last,
    it reaches a key's last articles whatever their date)."""
    for key in list(last):
        if key in keep:
            continue
        dq = last[key]
        while dq and dq[0].day is not None and (today - dq[0].day).days > window:
            dq.popleft()
        if not dq:
            del last[key]
            last_dated.pop(key, None)
