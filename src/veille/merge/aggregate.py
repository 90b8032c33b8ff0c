"""One Event from a cluster of mentions: fields by vote, factuality by rule, contradictions.

Factuality rule (documented in the README of eval/merge and in `event_factuality`): mentions
below `min_confidence` do not vote unless all do; a speculation (hypothetical) merged with reports
of fact keeps the event hypothetical (merging never upgrades a reading); otherwise the first of
asserted > historical > claimed > negated > planned > hypothetical present wins. An affirmative report (asserted,
historical, claimed, planned) together with a denial (negated) is never resolved silently: both
mentions stay on the event and a `factuality` contradiction lists each mention's reading.

Contradictions list one value per mention: `values[i]` is what `mention_ids[i]` reported,
earliest report first.

Source counting: a near-duplicate article (`duplicate_of`) counts as its original, and two
articles of the same outlet count once, so syndicated wire copies do not inflate corroboration.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from ..models import ActorRef, Contradiction, DateValue, Event, Location, fold, stable_id
from .config import MergeConfig
from .features import ArticleInfo, MentionView, first_day, gap_days, place_key, place_relation

FACTUALITY_ORDER = ("asserted", "historical", "claimed", "negated", "planned", "hypothetical")
AFFIRMATIVE = frozenset({"asserted", "historical", "claimed", "planned"})
#: a date's basis, best-founded first (veille.models.DateValue.basis)
BASIS_ORDER = ("text", "cross-document", "context", "reported")
PRECISION_RANK = MappingProxyType({"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "year": 4, "decade": 5,
                                   "century": 6})
PLACE_RANK = MappingProxyType({"site": 0, "city": 1, "admin1": 2, "country": 3})


def source_key(article: ArticleInfo | None, articles: Mapping[str, ArticleInfo], article_id: str) -> str:
    """The independent source behind an article: its outlet, else its original (duplicate_of chain)."""
    seen = set()
    a = article
    while a is not None and a.duplicate_of and a.duplicate_of not in seen and a.duplicate_of in articles:
        seen.add(a.article_id)
        a = articles[a.duplicate_of]
    if a is None:
        return "art:" + article_id
    return original_key(a)


def original_key(original: ArticleInfo) -> str:
    """The source key of an article at the end of its duplicate_of chain: its outlet, else itself."""
    if original.outlet:
        return "out:" + " ".join(fold(original.outlet).split())
    return "art:" + original.article_id


def event_factuality(views: Sequence[MentionView], cfg: MergeConfig) -> str:
    """The reading the event's reports share, never upgraded by merging: a speculation merged with
    facts stays a speculation ("pourrait livrer des armes" + "a livré des armes" → hypothetical, with
    a factuality contradiction); a claim merged with facts stays claimed unless an outlet asserts it
    on its own. A plan is the exception: the reports of it having happened supersede it."""
    voters = [v for v in views if v.m.confidence >= cfg.min_confidence] or list(views)
    present = {v.m.factuality for v in voters}
    if "hypothetical" in present and present & {"asserted", "historical", "claimed", "planned"}:
        return "hypothetical"
    for f in FACTUALITY_ORDER:
        if f in present:
            return f
    return "asserted"


def _actor_key(a: ActorRef) -> str:
    return a.actor_id or "n:" + " ".join(fold(a.name or "").split())


def _actors(views: Sequence[MentionView]) -> tuple[list[ActorRef], list[ActorRef]]:
    """Union of the mentions' actors; an actor on both sides goes where it appears most (source on ties)."""
    counts: dict[str, Counter] = {}
    refs: dict[str, ActorRef] = {}
    for v in views:
        for side, items in (("source", v.m.source), ("target", v.m.target)):
            for a in items:
                k = _actor_key(a)
                counts.setdefault(k, Counter())[side] += 1
                best = refs.get(k)
                # keep the most informative reference (most filled fields, then shortest name… stable)
                if best is None or _filled(a) > _filled(best):
                    refs[k] = a
    source: list[ActorRef] = []
    target: list[ActorRef] = []
    order = sorted(counts, key=lambda k: (-sum(counts[k].values()), refs[k].name or "", k))
    for k in order:
        c = counts[k]
        (source if c["source"] >= c["target"] else target).append(refs[k])
    return source, target


def _filled(a: ActorRef) -> int:
    return sum(1 for x in (a.actor_id, a.country, a.sector, a.role, a.wikidata) if x)


def _date(views: Sequence[MentionView], articles: Mapping[str, ArticleInfo]) -> DateValue | None:
    own = [(v.m.factuality, d) for v in views if v.interval is not None and (d := v.m.date) is not None]
    affirm = [(f, d) for f, d in own if f in ("asserted", "historical", "claimed")]
    pool = affirm or own
    if pool:
        best_rank = min(PRECISION_RANK.get(d.precision or "", 9) for _, d in pool)
        finest = [d for _, d in pool if PRECISION_RANK.get(d.precision or "", 9) == best_rank]
        votes = Counter((d.value, d.precision, d.end) for d in finest)
        (value, precision, end), _ = min(votes.items(), key=lambda kv: (-kv[1], kv[0][0] or "", kv[0][2] or ""))
        # the best-founded basis among the mentions that gave the winning date
        bases = {d.basis for d in finest if (d.value, d.precision, d.end) == (value, precision, end)}
        basis = next((b for b in BASIS_ORDER if b in bases), None)
        return DateValue(value=value, precision=precision, end=end, basis=basis)
    fallback = [v.m.date for v in views if v.m.date is not None and v.m.date.value]
    if fallback:
        d = min(fallback, key=lambda d: (first_day(d.value) or first_day("9999"), d.value))
        return DateValue(value=d.value, precision=d.precision, end=d.end, basis=d.basis)
    return None


def _location(views: Sequence[MentionView]) -> Location | None:
    located = [v.m.location for v in views if v.m.location is not None]
    if not located:
        return None
    votes = Counter(place_key(loc) for loc in located)
    by_key: dict[str, Location] = {}
    for loc in located:
        by_key.setdefault(place_key(loc), loc)
    key = min(votes, key=lambda k: (-votes[k], PLACE_RANK.get(by_key[k].precision or "", 1), k))
    return by_key[key]


def report_order(v: MentionView) -> tuple:
    """Earliest report first: article date, article, position in the text."""
    day = v.article.day if v.article is not None else None
    return (day.isoformat() if day else "9999", v.m.article_id, v.m.char_start, v.m.trigger_start, v.id)


def contradictions(views: Sequence[MentionView], cfg: MergeConfig) -> list[Contradiction]:
    """Disagreements between the mentions of one event, earliest report first."""
    out: list[Contradiction] = []
    views = sorted(views, key=report_order)
    # place: mentions whose locations fall into more than one group of compatible places
    located = [(v, loc) for v in views if (loc := v.m.location) is not None]
    groups: list[list[MentionView]] = []
    for v, _ in located:
        for g in groups:
            if all(place_relation(v.m.location, w.m.location, cfg.max_km) != "far" for w in g):
                g.append(v)
                break
        else:
            groups.append([v])
    if len(groups) > 1:
        out.append(Contradiction("location", [loc.name for _, loc in located], [v.id for v, _ in located]))
    # date: own dates that cannot all hold (an own interval is read from the mention's date: both are set)
    dated = [(v, iv, d) for v in views if (iv := v.interval) is not None and (d := v.m.date) is not None]
    if any(gap_days(ia, ib) > 0 for i, (_, ia, _) in enumerate(dated) for _, ib, _ in dated[i + 1:]):
        out.append(Contradiction("date", [d.value for _, _, d in dated], [v.id for v, _, _ in dated]))
    # numbers: the same count reported differently (killed 12 vs 15)
    keys = sorted({k for v in views for k in v.m.numbers})
    for k in keys:
        having = [v for v in views if k in v.m.numbers]
        if len({float(v.m.numbers[k]) for v in having}) > 1:
            out.append(Contradiction(f"numbers.{k}", [v.m.numbers[k] for v in having], [v.id for v in having]))
    # factuality: reported as happening (or planned) and denied
    facts = {v.m.factuality for v in views}
    if "negated" in facts and facts & AFFIRMATIVE:
        involved = [v for v in views if v.m.factuality == "negated" or v.m.factuality in AFFIRMATIVE]
        out.append(Contradiction("factuality", [v.m.factuality for v in involved], [v.id for v in involved]))
    elif "hypothetical" in facts and facts & (AFFIRMATIVE - {"planned"}):
        # a speculation and a report of fact: kept apart in the record, the event stays hypothetical
        involved = [v for v in views if v.m.factuality == "hypothetical" or v.m.factuality in AFFIRMATIVE]
        out.append(Contradiction("factuality", [v.m.factuality for v in involved], [v.id for v in involved]))
    return out


def build_event(views: Sequence[MentionView], articles: Mapping[str, ArticleInfo], cfg: MergeConfig,
                source_of: Callable[[str], str] | None = None) -> Event:
    """The event of one cluster. `source_of(article_id)`: the article's `source_key`, when the caller
    has it already (the Spark merge resolves duplicate_of chains with joins); else read from
    `articles`, which must then hold the chains' articles too."""
    views = sorted(views, key=lambda v: v.id)
    if source_of is None:
        def source_of(article_id: str) -> str:
            return source_key(articles.get(article_id), articles, article_id)
    ids = [v.id for v in views]
    first = views[0].m
    modes = Counter(v.m.mode for v in views if v.m.mode)
    mode = min(modes, key=lambda k: (-modes[k], k)) if modes else None
    contexts = sorted({c for v in views for c in v.m.contexts})
    factuality = event_factuality(views, cfg)
    # the participants are those of the reports that carry the event's factuality (a denial's
    # speaker is not a party to the deal it denies); all reports when those name nobody
    deciding = [v for v in views if v.m.factuality == factuality and (v.m.source or v.m.target)]
    source, target = _actors(deciding or views)
    claimed = Counter(_actor_key(v.m.claimed_by) for v in views
                      if v.m.claimed_by is not None and v.m.factuality == factuality)
    claimed_by = None
    if claimed:
        k = min(claimed, key=lambda k: (-claimed[k], k))
        claimed_by = next(v.m.claimed_by for v in views if v.m.claimed_by and _actor_key(v.m.claimed_by) == k)
    sources = {source_of(v.m.article_id) for v in views}
    per_source: dict[str, float] = {}
    for v in views:
        s = source_of(v.m.article_id)
        per_source[s] = max(per_source.get(s, 0.0), float(v.m.confidence or 0.0))
    miss = 1.0
    for c in per_source.values():
        miss *= 1.0 - min(max(c, 0.0), 1.0)
    found = contradictions(views, cfg)
    confidence = 1.0 - miss
    if any(c.field == "factuality" for c in found):
        confidence *= 0.7
    published = [(d, a.published) for a in (articles.get(v.m.article_id) for v in views)
                 if a is not None and (d := first_day(a.published)) is not None]
    first_reported = min(published)[1] if published else None
    return Event(
        event_id=stable_id("ev", *ids), type=first.type, mode=mode, contexts=contexts,
        source=source, target=target, date=_date(views, articles), location=_location(views),
        factuality=factuality, claimed_by=claimed_by, confidence=round(min(confidence, 0.99), 3),
        n_mentions=len(views), n_sources=len(sources), first_reported=first_reported,
        contradictions=found, mention_ids=ids,
    )
