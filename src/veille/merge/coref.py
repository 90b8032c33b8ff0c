"""Cross-document event coreference: blocking, pairwise compatibility, constrained clustering.

Blocking: a mention is filed under (type, key) for each of its actor keys (actor id, Wikidata id,
folded name, country|sector, country) and its place. Inside a block mentions are
sorted by date window and swept: only mentions whose windows come within the date tolerance are
compared, so the cost grows with the density of reports per actor and week, not with the corpus.

Pairs that pass `link` are merged best-first (highest score first) into clusters, refusing any
merge that would put two mentions with a hard `conflict` in one event (different counterpart
countries or sectors, day-precise dates apart — by one day at most for a cooperation event whose
reports name the same two participants at the same place —, a phone call and a visit, reversed
roles, different counts or a background event next to the news in one article),
or a report naming only a place far (> `max_km`) from the event's other places. Single
links therefore cannot chain two different meetings together through an undated mention.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from types import MappingProxyType
from typing import Protocol

from ..models import QUAD_CLASS
from .config import MergeConfig
from .features import MentionView, gap_days, place_key, place_relation
from .unionfind import MinRootForest

SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# conflict types that recur day after day between the same parties at the same place (strikes on a
# city, daily accusations): their day-precise dates must agree exactly, no one-day tolerance
RECURRING = frozenset(t for t, quad in QUAD_CLASS.items() if quad.endswith("conflict"))
IN_PERSON_EXCLUSIVE = MappingProxyType({"CONSULT": frozenset({"phone"})})


def _mode_clash(a: MentionView, b: MentionView) -> bool:
    exclusive = IN_PERSON_EXCLUSIVE.get(a.m.type)
    if not exclusive or not a.m.mode or not b.m.mode:
        return False
    return (a.m.mode in exclusive) != (b.m.mode in exclusive)


def _countries(groups: frozenset[str]) -> set[str]:
    return {g for g in groups if g.startswith("c:")}


def _counterpart_clash(a: MentionView, b: MentionView) -> bool:
    """Each side has a participant country the other lacks: Kim–Poutine vs Kim–Xi."""
    ca, cb = _countries(a.groups), _countries(b.groups)
    return bool(ca - cb) and bool(cb - ca)


def matched_actors(a: MentionView, b: MentionView) -> int:
    """How many of a's participants b names too (by id, Wikidata id or name)."""
    return sum(1 for keys, _w, _c in a.participants if keys & b.strong)


def _exclusive_roles(a: MentionView, b: MentionView) -> set[str]:
    """a's participants of a known country and sector that b has no counterpart for."""
    loose = {c for _k, w, c in b.participants if c and w is None}  # b's actors of that country, sector unknown
    return {w for keys, w, c in a.participants if w and not (keys & b.strong) and w not in b.weak and c not in loose}


def _sector_clash(a: MentionView, b: MentionView) -> bool:
    """Kim meets Poutine (RUS GOV) vs Kim meets Choïgu (RUS MIL): each side has someone the other lacks."""
    return bool(_exclusive_roles(a, b)) and bool(_exclusive_roles(b, a))


def _reversed_roles(a: MentionView, b: MentionView) -> bool:
    """A attacks B vs B attacks A (only for directed types, only when both sides are known)."""
    if a.m.type in SYMMETRIC:
        return False
    sa, ta = _countries(a.source_groups), _countries(a.target_groups)
    sb, tb = _countries(b.source_groups), _countries(b.target_groups)
    if not (sa and ta and sb and tb) or sa == ta:
        return False
    return not (sa & sb) and bool(sa & tb) and bool(ta & sb)


def _same_article_clash(a: MentionView, b: MentionView) -> bool:
    """Within one article: different counts of the same thing, or a background (historical) event
    next to the news event, are two events."""
    na, nb = a.m.numbers, b.m.numbers
    if any(float(na[k]) != float(nb[k]) for k in na.keys() & nb.keys()):
        return True
    return (a.m.factuality == "historical") != (b.m.factuality == "historical")


def _strong_evidence(a: MentionView, b: MentionView) -> bool:
    """Two named participants in common, in both directions."""
    return min(matched_actors(a, b), matched_actors(b, a)) >= 2


def conflict(a: MentionView, b: MentionView, cfg: MergeConfig) -> bool:
    """True when `a` and `b` can never be reports of one event (cluster-level constraint)."""
    if a.m.type != b.m.type or _mode_clash(a, b) or _counterpart_clash(a, b) or _reversed_roles(a, b) \
            or _sector_clash(a, b):
        return True
    if a.m.article_id == b.m.article_id and _same_article_clash(a, b):
        return True
    if a.interval is not None and b.interval is not None:
        g = gap_days(a.interval, b.interval)
        if g > cfg.date_tolerance_days:
            return True
        if g > 0 and not (a.precision == b.precision == "day" and _strong_evidence(a, b)
                          and a.m.type not in RECURRING
                          and place_relation(a.m.location, b.m.location, cfg.max_km) in ("same", "near")):
            return True
    else:
        # a report with no date of its own happened in its article's window: two reports whose
        # windows (or own dates) lie apart are never one event, whatever report could bridge them
        ea, eb = a.interval or a.window, b.interval or b.window
        if ea is not None and eb is not None and gap_days(ea, eb) > cfg.date_tolerance_days:
            return True
    return False


def link(a: MentionView, b: MentionView, cfg: MergeConfig) -> float | None:
    """A positive score when `a` and `b` may report the same event, else None."""
    if conflict(a, b, cfg):
        return None
    s = len(a.strong & b.strong)
    w = len(a.weak & b.weak)
    rel = place_relation(a.m.location, b.m.location, cfg.max_km)
    intervals = (a.interval, b.interval) if a.interval is not None and b.interval is not None else None
    both_dated = intervals is not None
    if not a.groups or not b.groups:
        # no actors on one side: only the same place on overlapping own dates (or the same article)
        same_mode = bool(a.m.mode) and a.m.mode == b.m.mode  # "demonstrate" in France / in Paris
        if rel not in ("same", "near") and not (rel == "contains" and same_mode) \
                and not (a.m.article_id == b.m.article_id and rel != "far"):
            return None
        undated_article = a.window is None or b.window is None  # the cross-document dating case
        same_place_and_mode = rel == "same" and same_mode  # "killing" in Tillabéri, both reports
        if not both_dated and a.m.article_id != b.m.article_id and not undated_article \
                and not same_place_and_mode:
            return None
        score = 0.6
    elif s == 0 and w == 0:
        # only a country in common ("la Russie" vs "l'armée russe"): same place, same own dates
        if not (a.countries & b.countries) or intervals is None or rel not in ("same", "near") \
                or gap_days(*intervals) > 0:
            return None
        score = 0.4
    else:
        score = 1.0 * min(matched_actors(a, b), matched_actors(b, a)) + 0.3 * min(w, 2) + (0.1 if s else 0.0)
    strong = _strong_evidence(a, b)
    denial = (a.m.factuality == "negated") != (b.m.factuality == "negated")
    if not both_dated and a.groups and b.groups and a.m.article_id != b.m.article_id and not strong \
            and rel not in ("same", "near") and not denial:
        # a report without a date of its own joins another article's report only on two shared
        # participants or the same place (one shared actor in a 10-day window is too little);
        # a denial names its speaker rather than the parties, and is always flagged when merged
        return None
    if intervals is not None:
        g = gap_days(*intervals)
        if g == 0:
            exact = a.precision == b.precision == "day" and a.interval == b.interval
            score += 1.0 if exact else 0.4
        else:
            score += 0.1  # within tolerance on strong evidence: merged, flagged as a date contradiction
    elif a.window is not None and b.window is not None:
        if gap_days(a.window, b.window) > 0:
            return None
        score += 0.1
    if rel == "far":
        # two named participants in common, and the same day or one report without a date of its own
        exact_day = both_dated and a.precision == b.precision == "day" and a.interval == b.interval
        if not (strong and (exact_day or not both_dated)):
            return None
        score -= 0.3  # merged, flagged as a place contradiction
    elif rel == "same":
        score += 0.5
    elif rel in ("near", "contains"):
        score += 0.3
    if a.m.mode == b.m.mode:
        score += 0.2 if a.m.mode else 0.05
    if a.m.article_id == b.m.article_id and (a.interval is None) != (b.interval is None):
        # an undated repeat ("les deux hommes se sont entretenus") refers back to a dated report before it
        dated, undated = (a, b) if a.interval is not None else (b, a)
        if dated.m.char_start < undated.m.char_start:
            score += 0.1 + 0.1 / (1 + (undated.m.char_start - dated.m.char_start) / 200)
    if a.m.factuality == b.m.factuality:
        score += 0.1
    return round(score, 6)


def block_keys(v: MentionView) -> list[tuple[str, str]]:
    t = v.m.type
    keys = [(t, k) for k in sorted(v.strong | v.weak | {"c:" + c for c in v.countries})]
    if v.m.location is not None:
        keys.append((t, "loc:" + place_key(v.m.location)))
        if v.m.location.country and v.m.location.country not in v.countries:
            keys.append((t, "c:" + v.m.location.country))
    if not keys:
        keys.append((t, "none:" + v.m.article_id))
    return keys


def sweep_block(members: Iterable[MentionView], tol: int) -> Iterator[tuple[MentionView, MentionView]]:
    """The pairs of one block worth scoring: every undated mention with every other, dated ones
    whose windows come within `tol` days (a sorted sweep). The same pair may come from several
    blocks; callers keep the first."""
    wild = sorted((v for v in members if v.window is None), key=lambda v: v.id)
    dated = sorted(((v.window, v) for v in members if v.window is not None), key=lambda wv: (wv[0][0], wv[1].id))
    for i, a in enumerate(wild):
        for b in wild[i + 1:]:
            yield a, b
        for _, b in dated:
            yield a, b
    for i, (wa, a) in enumerate(dated):
        for wb, b in dated[i + 1:]:
            if (wb[0] - wa[1]).days > tol:
                break
            yield a, b


def score_pair(a: MentionView, b: MentionView, cfg: MergeConfig) -> tuple[float, str, str] | None:
    """(score, smaller id, larger id) when `link` accepts the pair, else None."""
    if a.id == b.id:
        return None
    score = link(a, b, cfg)
    if score is None:
        return None
    return (score, a.id, b.id) if a.id < b.id else (score, b.id, a.id)


def pair_order(pair: tuple[float, str, str]) -> tuple[float, str, str]:
    """Best-first order of scored pairs: highest score first, then ids."""
    return -pair[0], pair[1], pair[2]


def candidate_pairs(views: list[MentionView], cfg: MergeConfig) -> list[tuple[float, str, str]]:
    """Scored candidate pairs found by blocking + a sorted sweep over date windows."""
    blocks: dict[tuple[str, str], list[MentionView]] = defaultdict(list)
    keys_of: dict[str, tuple[tuple[str, str], ...]] = {}  # each view's distinct keys
    canon: dict[tuple[str, str], tuple[str, str]] = {}  # one object per key
    for v in views:
        keys = tuple(dict.fromkeys(canon.setdefault(k, k) for k in block_keys(v)))
        keys_of[v.id] = keys
        for key in keys:
            blocks[key].append(v)
    out: list[tuple[float, str, str]] = []
    for key in sorted(blocks):
        members = blocks[key]
        if len(members) < 2:
            continue
        for a, b in sweep_block(members, cfg.date_tolerance_days):
            # whether the sweep yields a pair does not depend on the block (dates and ids only): the
            # pair is scored in the first block (key order) the two share, never again
            other = keys_of[b.id]
            if any(k < key and k in other for k in keys_of[a.id]):
                continue
            scored = score_pair(a, b, cfg)
            if scored is not None:
                out.append(scored)
    out.sort(key=pair_order)
    return out


class Identified(Protocol):
    """What `components` reads of a view: its mention id (a MentionView, or the incremental merge's stub)."""

    @property
    def id(self) -> str: ...


def components(views: Iterable[Identified], pairs: Iterable[tuple[float, str, str]]) -> dict[str, str]:
    """mention id → its connected component in the graph of linkable pairs (named by its smallest id).

    Clustering never crosses these components, so each can be clustered on its own (the
    incremental merge re-clusters only the components that new reports touch)."""
    forest = MinRootForest(v.id for v in views)
    for _score, a, b in pairs:
        forest.union(a, b)
    return {x: forest.find(x) for x in forest}


def can_merge(ma: list[MentionView], mb: list[MentionView], a: MentionView, b: MentionView,
              cfg: MergeConfig) -> bool:
    """May the clusters `ma` and `mb` (sorted by id) become one, linked by the pair (a, b)?"""
    n = cfg.conflict_sample
    if any(conflict(x, y, cfg) for x in ma[:n] for y in mb[:n]):
        return False
    # a report that names no actor, only a place, never joins an event placed far from there
    # (unless the linking pair names the same two participants)
    return _strong_evidence(a, b) or not any(
        (not x.groups or not y.groups) and place_relation(x.m.location, y.m.location, cfg.max_km) == "far"
        for x in ma[:n] for y in mb[:n])


def cluster(views: Iterable[MentionView], cfg: MergeConfig,
            pairs: list[tuple[float, str, str]] | None = None,
            merged: set[tuple[str, str]] | None = None) -> list[list[MentionView]]:
    """Best-first constrained clustering; clusters and their members are sorted by mention id.

    `pairs`: the views' `candidate_pairs`, when the caller has them already; `merged` collects the
    pairs that joined two clusters (the incremental merge replays the others' decisions)."""
    views = sorted(views, key=lambda v: v.id)
    by_id = {v.id: v for v in views}
    forest = MinRootForest(by_id)
    members: dict[str, list[MentionView]] = {v.id: [v] for v in views}
    for _score, a_id, b_id in (candidate_pairs(views, cfg) if pairs is None else pairs):
        ra, rb = forest.find(a_id), forest.find(b_id)
        if ra == rb:
            continue
        if not can_merge(members[ra], members[rb], by_id[a_id], by_id[b_id], cfg):
            continue
        if merged is not None:
            merged.add((a_id, b_id))
        forest.union(ra, rb)
        root, other = (ra, rb) if ra < rb else (rb, ra)
        members[root] = sorted(members[root] + members.pop(other), key=lambda v: v.id)
    return sorted(members.values(), key=lambda c: c[0].id)
