"""Stories: articles and events grouped over time, with follow-up links between stories.

Two articles belong to one story when their dates are within `story_window_days` (or one is
undated) and they report a shared event, or when `0.6 · cos(TF-IDF) + 0.4 · Jaccard(actors)`
(cosine alone when one has no actors; across languages, 0.6 · overlap of the main actors)
reaches `story_threshold`. Components of that graph (single link) are the stories. Candidate
article pairs come from an inverted index over actor keys and each article's top terms, swept in
date order, never from all pairs.

A story whose dated articles leave a gap longer than the window (bridged by an undated article) is
split into its episodes; each undated article goes to the episode it is most similar to.

A story that starts more than the window after an earlier one ends, with the same dominant
actors (top 5 by mentions) and vocabulary (`follow_threshold` on the same score over story
centroids, ≥ 1 shared dominant actor), gets `follows` = the most similar earlier story.
"""

from __future__ import annotations

import bisect
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..models import Event, Story, fold, stable_id
from .config import MergeConfig
from .features import ArticleInfo, date_interval
from .unionfind import MinRootForest

_WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]", re.UNICODE)


def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for the language, folded (empty if spaCy has none).

    Read from spaCy's `lang/<lang>/stop_words.py` source without importing `spacy.lang.<lang>`
    (whose tokenizer exceptions take seconds to compile) when the pipeline has not loaded it yet.
    """
    import ast
    import importlib.util
    import sys

    module = f"spacy.lang.{lang}.stop_words"
    if module in sys.modules:
        return frozenset(fold(w) for w in sys.modules[module].STOP_WORDS)
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.origin:
        return frozenset()
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    if not path.is_file():
        return frozenset()
    words: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > 200:
            words |= set(node.value.split())
    return frozenset(fold(w) for w in words)


def terms(text: str, stops: frozenset[str], keep: int) -> Counter:
    words = [w.strip("'-") for w in _WORD.findall(fold(text))]
    counts = Counter(w for w in words if len(w) >= 4 and w not in stops)
    # the terms recur across articles: one shared string each (every article's profile is held at once)
    return Counter({sys.intern(w): c for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]})


@dataclass
class ArticleProfile:
    """What story grouping reads from an article (kept small: top terms and actor keys)."""

    article_id: str
    terms: Counter
    actors: dict[str, str] = field(default_factory=dict)  # actor key → display name
    actor_counts: Counter = field(default_factory=Counter)
    language: str | None = None


def corpus_idf(df: Counter | dict[str, int], n: int) -> dict[str, float]:
    """Smoothed idf from document frequencies over `n` articles."""
    return {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}


def index_keys(profile: ArticleProfile, vec: dict[str, float]) -> set[str]:
    """The inverted-index keys of an article: its actor keys and its 10 heaviest terms."""
    keys = {"a:" + k for k in profile.actors}
    top = sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return keys | {"t:" + t for t, _ in top}


def _vector(tf: Counter, idf: dict[str, float]) -> dict[str, float]:
    """Normalised TF-IDF vector (sublinear tf) over the article's most frequent terms (see `terms`)."""
    weights = [(t, (1.0 + math.log(c)) * idf.get(t, 1.0)) for t, c in tf.items()]
    norm = math.sqrt(sum(x * x for _t, x in weights)) or 1.0
    return {t: x / norm for t, x in weights}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a and b else 0.0


def _centroid(vecs: Iterable[dict[str, float]], keep: int = 200) -> dict[str, float]:
    """Normalised sum of the vectors, cut to its `keep` heaviest terms (cheap comparisons)."""
    acc: dict[str, float] = defaultdict(float)
    for v in vecs:
        add_vector(acc, v)
    return centroid_of(acc, keep)


def add_vector(acc: dict[str, float], vec: Mapping[str, float]) -> None:
    """Add `vec` to the running sum `acc` (a `defaultdict(float)`): `_centroid` a chunk at a time."""
    for t, x in vec.items():
        acc[t] += x


def centroid_of(acc: dict[str, float], keep: int = 200) -> dict[str, float]:
    """The normalised centroid of a running sum of vectors (`add_vector`), cut to `keep` terms."""
    top = sorted(acc.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    norm = math.sqrt(sum(x * x for _t, x in top)) or 1.0
    return {t: x / norm for t, x in top}


def title_rank(vec: dict[str, float], centroid: dict[str, float], day: date | None, article_id: str) -> tuple:
    """The most central article lends a story its title: the smallest rank (closest to the centroid,
    then earliest, then id)."""
    return -round(cosine(vec, centroid), 9), day or date.max, article_id


def add_event_names(names: Counter, e: Event) -> None:
    """A story's actors: each event's participants, weighted by its reports."""
    for ref in (*e.source, *e.target):
        names[ref.name] += e.n_mentions


def add_profile_names(names: Counter, p: ArticleProfile) -> None:
    """A story's actors when its events name none: its articles' actors by mentions."""
    for k, c in p.actor_counts.items():
        names[p.actors.get(k, k)] += c


def event_day(e: Event, published: tuple[date, date] | None) -> date | None:
    """The day an event adds to its story's span: dated to the day, asserted, claimed or negated,
    and within 30 days of the story's articles (a report's "that week" fallback would stretch it)."""
    iv = date_interval(e.date) if e.date is not None and e.date.precision == "day" else None
    if iv is None or e.factuality not in ("asserted", "claimed", "negated"):
        return None
    if published is not None and not (published[0] - timedelta(days=30) <= iv[0] <= published[1] + timedelta(days=30)):
        return None
    return iv[0]


def finish_story(sid: str, members: list[str], event_ids: list[str], title: str | None, names: Counter,
                 types: Counter, days: list[date]) -> Story:
    """The story record from what its articles and events gave: a title (else "actors: kind"), its
    five main actors, its span."""
    actors = [nm for nm, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
    if not title:
        kind = min(types, key=lambda t: (-types[t], t)) if types else "events"
        title = f"{' – '.join(actors[:2]) or 'Story'}: {kind}"
    return Story(story_id=sid, title=title, article_ids=members, event_ids=event_ids,
                 start=min(days).isoformat() if days else None, end=max(days).isoformat() if days else None,
                 actors=actors)


def follow_window(start: str, cfg: MergeConfig) -> tuple[str, str]:
    """(earliest, latest) end date, ISO, of a story that a story starting on `start` may follow:
    ended more than the story window before it, less than the follow-up gap before it."""
    day = date.fromisoformat(start)
    return ((day - timedelta(days=cfg.follow_max_gap_days)).isoformat(),
            (day - timedelta(days=cfg.story_window_days + 1)).isoformat())


def followers_window(end: str, cfg: MergeConfig) -> tuple[str, str]:
    """(earliest, latest) start date, ISO, of a story that may follow one ending on `end`."""
    day = date.fromisoformat(end)
    return ((day + timedelta(days=cfg.story_window_days + 1)).isoformat(),
            (day + timedelta(days=cfg.follow_max_gap_days)).isoformat())


def event_article_ids(event: Event, mention_article: Mapping[str, str]) -> list[str]:
    """The articles that report an event, sorted."""
    return sorted({mention_article[m] for m in event.mention_ids if m in mention_article})


def dated_episodes(members: Iterable[str], day: Mapping[str, date | None], window: int) -> list[list[str]]:
    """A story's dated articles in date order (then id), cut where two follow each other more than
    `window` days apart (`StoryBuilder._episodes`)."""
    dated_day = {a: d for a in members if (d := day[a]) is not None}
    episodes: list[list[str]] = []
    for a in sorted(dated_day, key=lambda a: (dated_day[a], a)):
        if episodes and (dated_day[a] - dated_day[episodes[-1][-1]]).days <= window:
            episodes[-1].append(a)
        else:
            episodes.append([a])
    return episodes


def event_links(arts: Sequence[str], close: Callable[[str, str], bool]) -> Iterator[tuple[str, str]]:
    """The article pairs one event's reports link into a story: each of its articles (`arts`,
    sorted) with the first one when `close` (within the story window), else with the first other
    article that is."""
    for a in arts[1:]:
        if close(arts[0], a):
            yield arts[0], a
        else:
            for b in arts:
                if b != a and close(a, b):
                    yield a, b
                    break


def sweep_key(members: Sequence[str], day: Mapping[str, date | None], cfg: MergeConfig
              ) -> Iterator[tuple[str, str]]:
    """The candidate pairs (smaller id first) of one inverted-index key: `members` sorted by
    (day, id), each compared with the next `story_neighbours` within the story window."""
    window = cfg.story_window_days
    for i, x in enumerate(members):
        for y in members[i + 1:i + 1 + cfg.story_neighbours]:
            dx, dy = day[x], day[y]
            if dx is not None and dy is not None and (dy - dx).days > window:
                break
            yield (x, y) if x < y else (y, x)


def day_order(a: str, day: Mapping[str, date | None]) -> tuple[date, str]:
    """Date order of articles (undated last, then id): index sweeps and a story's canonical article."""
    return day[a] or date.max, a


def story_id(members: Iterable[str], day: Mapping[str, date | None]) -> str:
    """A story's id: a content hash of its earliest article (date, then id)."""
    return stable_id("st", min(members, key=lambda a: day_order(a, day)))


def event_story_vote(stories: Iterable[str]) -> str | None:
    """The story of an event: the one most of its articles belong to (smallest id on ties)."""
    votes = Counter(stories)
    return min(votes, key=lambda s: (-votes[s], s)) if votes else None


def event_stories(events: Iterable[Event], event_articles: Mapping[str, list[str]], article_story: Mapping[str, str]
                  ) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(event → story, story → its events in `events` order): each event's story by
    `event_story_vote` over its articles' stories."""
    event_story: dict[str, str] = {}
    story_events: dict[str, list[str]] = defaultdict(list)
    for e in events:
        sid = event_story_vote(article_story[a] for a in event_articles[e.event_id] if a in article_story)
        if sid is not None:
            event_story[e.event_id] = sid
            story_events[sid].append(e.event_id)
    return event_story, story_events


def dominant_actors(profiles: Iterable[ArticleProfile], top: int = 5) -> set[str]:
    """A story's dominant actors: the `top` actor keys by mentions over its articles."""
    counts: Counter = Counter()
    for p in profiles:
        add_actor_counts(counts, p)
    return top_keys(counts, top)


def add_actor_counts(counts: Counter, p: ArticleProfile) -> None:
    """Add an article's actor keys, by mentions, to a story's `counts` (`dominant_actors`)."""
    counts.update({k: p.actor_counts.get(k, 1) for k in p.actors})


def top_keys(counts: Counter, top: int = 5) -> set[str]:
    return {k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]}


@dataclass
class StoryDescriptor:
    """What the follow-up links read of a story, kept in the story index for the stories too large
    for an incremental merge to re-read (`story_rebuild_max`): the running sum of its articles'
    TF-IDF vectors and its actors' mention counts, each cut to its heaviest entries when stored.
    `centroid()` and `actors()` equal `_centroid` and `dominant_actors` over the same articles
    while the cut keeps every entry they rank (the top 200 terms, the top 5 actors)."""

    vector_sum: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    actor_counts: Counter = field(default_factory=Counter)
    n_articles: int = 0

    #: entries kept when stored: twice what `centroid()` and `actors()` rank, so that what joins a
    #: story later can still move a term or an actor into the ranked part
    KEEP_TERMS = 400
    KEEP_ACTORS = 30

    def add(self, vec: Mapping[str, float], profile: ArticleProfile) -> None:
        """Add one article (its vector and profile)."""
        add_vector(self.vector_sum, vec)
        add_actor_counts(self.actor_counts, profile)
        self.n_articles += 1

    def absorb(self, other: StoryDescriptor) -> None:
        """Add another story's articles (two stories joined into one)."""
        add_vector(self.vector_sum, other.vector_sum)
        self.actor_counts.update(other.actor_counts)
        self.n_articles += other.n_articles

    def centroid(self) -> dict[str, float]:
        return centroid_of(self.vector_sum)

    def actors(self) -> set[str]:
        return top_keys(self.actor_counts)

    def to_json(self) -> dict:
        terms = sorted(self.vector_sum.items(), key=lambda kv: (-kv[1], kv[0]))[:self.KEEP_TERMS]
        actors = sorted(self.actor_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:self.KEEP_ACTORS]
        return {"terms": dict(terms), "actors": dict(actors), "n": self.n_articles}

    @classmethod
    def from_json(cls, data: Mapping) -> StoryDescriptor:
        return cls(defaultdict(float, data.get("terms") or {}), Counter(data.get("actors") or {}),
                   int(data.get("n") or 0))


def describe_members(members: Iterable[str], vecs: Mapping[str, dict[str, float]],
                     profiles: Mapping[str, ArticleProfile]) -> StoryDescriptor:
    """The descriptor of a story of `members` (those with a vector and a profile)."""
    desc = StoryDescriptor()
    for a in sorted(members):
        if a in vecs and a in profiles:
            desc.add(vecs[a], profiles[a])
    return desc


def follow_candidates(items: Sequence[tuple[str, str]], start: str, cfg: MergeConfig) -> list[str]:
    """Among `items` ((end, story id), sorted: the stories naming one dominant actor), those a story
    starting on `start` may follow: the `follow_candidates` most recent ones in `follow_window`."""
    earliest, latest = follow_window(start, cfg)
    hi = bisect.bisect_right(items, (latest, "\uffff"))
    lo = max(bisect.bisect_left(items, (earliest, "")), hi - cfg.follow_candidates)
    return [sid for _end, sid in items[lo:hi]]


def follow_score(centroid: dict[str, float], actors: set[str], other_centroid: dict[str, float],
                 other_actors: set[str]) -> float:
    """How much a story resembles a candidate earlier one (centroid cosine, dominant-actor Jaccard)."""
    return 0.6 * cosine(centroid, other_centroid) + 0.4 * jaccard(actors, other_actors)


def best_follow(scored: Iterable[tuple[str, float, str]], cfg: MergeConfig) -> str | None:
    """The story followed, among the candidates (story id, `follow_score`, end) in id order: the
    highest score reaching `follow_threshold`, the latest end on ties, then the smallest id."""
    best: tuple[float, str, str] | None = None
    for sid, score, end in scored:
        if score >= cfg.follow_threshold and (best is None or (score, end) > (best[0], best[1])):
            best = (score, end, sid)
    return best[2] if best is not None else None


class StoryBuilder:
    def __init__(self, cfg: MergeConfig):
        self.cfg = cfg

    def build(self, articles: dict[str, ArticleInfo], profiles: dict[str, ArticleProfile],
              events: Sequence[Event], mention_article: Mapping[str, str], idf: dict[str, float] | None = None,
              event_articles: dict[str, list[str]] | None = None, vecs: dict[str, dict[str, float]] | None = None
              ) -> tuple[list[Story], dict[str, str], dict[str, str]]:
        """(stories, article → story, event → story); `idf`: the corpus's (default: these articles');
        `event_articles`: each event's articles, sorted, when the caller has them (else read from
        `mention_article`); `vecs`: each article's `_vector` under `idf`, when the caller has them
        (then the profiles' terms are not read)."""
        cfg = self.cfg
        ids = sorted(articles)
        if vecs is None:
            if idf is None:
                idf = corpus_idf(Counter(t for a in ids for t in profiles[a].terms), len(ids))
            vecs = {a: _vector(profiles[a].terms, idf) for a in ids}
        if event_articles is None:
            event_articles = {e.event_id: event_article_ids(e, mention_article) for e in events}
        day = {a: articles[a].day for a in ids}

        forest = MinRootForest(ids)
        find, union = forest.find, forest.union
        close = self.closeness(day)
        for e in events:
            for a, b in event_links(event_articles[e.event_id], close):
                union(a, b)

        # similarity links, candidates from an inverted index swept in date order
        index: dict[str, list[str]] = defaultdict(list)
        for a in ids:
            for k in index_keys(profiles[a], vecs[a]):
                index[k].append(a)
        pos = {a: i for i, a in enumerate(ids)}
        # the pairs found too far apart, as one int each (a pair already in one story is skipped by find)
        apart: set[int] = set()
        for k in sorted(index):
            for x, y in sweep_key(sorted(index[k], key=lambda a: day_order(a, day)), day, cfg):
                if find(x) == find(y) or (pair := pos[x] * len(ids) + pos[y]) in apart:
                    continue
                if self.similarity(vecs[x], vecs[y], profiles[x], profiles[y]) >= cfg.story_threshold:
                    union(x, y)
                else:
                    apart.add(pair)

        groups: dict[str, list[str]] = defaultdict(list)
        for a in ids:
            groups[find(a)].append(a)
        groups = self._episodes(groups, day, vecs, profiles)
        article_story = {a: sid for members in groups.values() for sid in [story_id(members, day)] for a in members}

        event_story, story_events = event_stories(events, event_articles, article_story)

        by_event = {e.event_id: e for e in events}
        stories: list[Story] = []
        centroids: dict[str, dict[str, float]] = {}
        actor_sets: dict[str, set[str]] = {}
        for _root, members in sorted(groups.items(), key=lambda kv: article_story[kv[1][0]]):
            sid = article_story[members[0]]
            evs = [by_event[x] for x in sorted(story_events.get(sid, []))]
            story, centroids[sid], actor_sets[sid] = self.describe(sid, members, evs, articles, profiles, vecs, day)
            stories.append(story)
        self._link_follow_ups(stories, centroids, actor_sets)
        return stories, article_story, event_story

    def closeness(self, day: Mapping[str, date | None]) -> Callable[[str, str], bool]:
        """Whether two articles lie within the story window (or one is undated)."""
        window = self.cfg.story_window_days

        def close(x: str, y: str) -> bool:
            dx, dy = day[x], day[y]
            return dx is None or dy is None or abs((dx - dy).days) <= window

        return close

    def describe(self, sid: str, members: list[str], evs: list[Event], articles: Mapping[str, ArticleInfo],
                 profiles: Mapping[str, ArticleProfile], vecs: Mapping[str, dict[str, float]],
                 day: Mapping[str, date | None]) -> tuple[Story, dict[str, float], set[str]]:
        """(the story, its centroid, its dominant actors) from its articles (`members`, sorted) and
        its events (sorted by id); `follows` is left to `_link_follow_ups`."""
        centroid = _centroid([vecs[a] for a in members])
        story = self._story(sid, members, evs, articles, profiles, vecs, day, centroid)
        return story, centroid, dominant_actors(profiles[a] for a in members)

    def _episodes(self, groups: dict[str, list[str]], day: dict[str, date | None], vecs: dict[str, dict[str, float]],
                  profiles: dict[str, ArticleProfile]) -> dict[str, list[str]]:
        """Split a story where its dated articles leave a gap longer than the story window: only an
        undated article can have bridged it (dated ones link within the window), and one bare text
        must not make a 2023 summit and a 2024 visit one story. Each undated article goes to the
        episode of the dated article it is most similar to."""
        out: dict[str, list[str]] = {}
        for root, members in groups.items():
            episodes = dated_episodes(members, day, self.cfg.story_window_days)
            dated = [a for ep in episodes for a in ep]
            if len(episodes) < 2:
                out[root] = members
                continue
            home = {a: i for i, ep in enumerate(episodes) for a in ep}
            for a in sorted(a for a in members if day[a] is None):
                best = max(dated, key=lambda b: (self.similarity(vecs[a], vecs[b], profiles[a], profiles[b]),
                                                 -home[b], b))
                episodes[home[best]].append(a)
            for ep in episodes:
                out[min(ep)] = sorted(ep)
        return out

    def similarity(self, va: dict[str, float], vb: dict[str, float], pa: ArticleProfile,
                   pb: ArticleProfile) -> float:
        if pa.language and pb.language and pa.language != pb.language:
            return self._cross_language(pa, pb)
        if not pa.actors or not pb.actors:  # no actor layer to compare: vocabulary alone
            return cosine(va, vb)
        return 0.6 * cosine(va, vb) + 0.4 * jaccard(pa.actors, pb.actors)

    @staticmethod
    def _cross_language(pa: ArticleProfile, pb: ArticleProfile, top: int = 5) -> float:
        """No shared vocabulary across languages: 0.6 × overlap of the two articles' main actors
        (top 5 by mentions), and only when at least two of them are shared."""
        def main(p: ArticleProfile) -> set[str]:
            return {k for k, _ in sorted(p.actor_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]}

        ma, mb = main(pa), main(pb)
        shared = len(ma & mb)
        return 0.6 * shared / min(len(ma), len(mb)) if shared >= 2 else 0.0

    def _story(self, sid: str, members: list[str], evs: list[Event], articles: Mapping[str, ArticleInfo],
               profiles: Mapping[str, ArticleProfile], vecs, day, centroid: dict[str, float]) -> Story:
        members = sorted(members)
        titled = [a for a in members if articles[a].title]
        title = None
        if titled:
            best = min(titled, key=lambda a: title_rank(vecs[a], centroid, day[a], a))
            title = articles[best].title
        names: Counter = Counter()
        for e in evs:
            add_event_names(names, e)
        if not names:
            for a in members:
                add_profile_names(names, profiles[a])
        days = [d for a in members if (d := day[a]) is not None]
        published = (min(days), max(days)) if days else None
        days += [d for e in evs if (d := event_day(e, published)) is not None]
        return finish_story(sid, members, [e.event_id for e in evs], title, names, Counter(e.type for e in evs), days)

    def _link_follow_ups(self, stories: list[Story], centroids, actor_sets) -> None:
        """`follows` = the most similar earlier story sharing a dominant actor (ended > window before)."""
        cfg = self.cfg
        by_actor: dict[str, list[tuple[str, str]]] = defaultdict(list)
        by_id = {s.story_id: s for s in stories}
        for s in stories:
            if s.end:
                for k in actor_sets[s.story_id]:
                    by_actor[k].append((s.end, s.story_id))
        for items in by_actor.values():
            items.sort()
        for s in stories:
            if not s.start:
                continue
            cands: set[str] = set()
            for k in actor_sets[s.story_id]:
                cands.update(sid for sid in follow_candidates(by_actor[k], s.start, cfg) if sid != s.story_id)
            sid = s.story_id
            s.follows = best_follow(((c, follow_score(centroids[sid], actor_sets[sid], centroids[c], actor_sets[c]),
                                      by_id[c].end or "") for c in sorted(cands)), cfg) or s.follows
