"""What the merge pass compares: date intervals, actor keys, places, article info.

Every mention becomes a `MentionView` (the mention plus precomputed keys) so that the pairwise
tests in `coref` stay cheap. Nothing here touches the store.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from ..dates import normalise_iso_date
from ..models import ActorRef, DateValue, EventMention, Location, fold

Interval = tuple[date, date]

_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(slots=True)
class ArticleInfo:
    """The few article fields the merge pass needs (kept for every article, so small: slots, and
    the full pass leaves `title` out until a story is described)."""

    article_id: str
    published: str | None = None
    precision: str | None = None
    method: str | None = None
    duplicate_of: str | None = None
    outlet: str | None = None
    title: str | None = None
    seq: int = 0

    @property
    def day(self) -> date | None:
        return first_day(self.published)


def first_day(value: str | None) -> date | None:
    iv = value_interval(value, None)
    return iv[0] if iv else None


def value_interval(value: str | None, precision: str | None, end: str | None = None) -> Interval | None:
    """The calendar days an ISO value covers: '2023-09' → (09-01, 09-30), '2023-W37' → Mon..Sun."""
    if not value:
        return None
    m = _WEEK.match(value)
    if m:
        try:
            lo = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return None
        return lo, lo + timedelta(days=6)
    m = _QUARTER.match(value)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        return date(y, 3 * q - 2, 1), date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
    v = normalise_iso_date(value)
    if not v:
        return None
    parts = [int(p) for p in v.split("-")]
    if len(parts) == 3:
        lo = date(*parts)
        hi = lo
        if precision == "week" and not end:
            # attach_date's fallback: "reported that week, on or before this day"
            lo = hi - timedelta(days=6)
    elif len(parts) == 2:
        lo = date(parts[0], parts[1], 1)
        hi = date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    else:
        lo, hi = date(parts[0], 1, 1), date(parts[0], 12, 31)
    if end:
        e = value_interval(end, None)
        if e and e[1] >= lo:
            hi = e[1]
    return lo, hi


def date_interval(d: DateValue | None) -> Interval | None:
    if d is None:
        return None
    return value_interval(d.value, d.precision, d.end)


def gap_days(a: Interval, b: Interval) -> int:
    """0 when the intervals overlap, else the number of days between them."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


def intersect(a: Interval, b: Interval) -> Interval | None:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


# --------------------------------------------------------------------------- actors


def strong_keys(a: ActorRef) -> set[str]:
    """Keys that identify one actor: its id, its Wikidata id, its folded name."""
    keys = set()
    if a.actor_id:
        keys.add("id:" + a.actor_id)
    if a.wikidata:
        keys.add("wd:" + a.wikidata)
    if a.name:
        keys.add("n:" + " ".join(fold(a.name).replace("-", " ").split()))
    return keys


def weak_key(a: ActorRef) -> str | None:
    """Country + sector: 'Moscou' (RUS GOV) and 'Vladimir Poutine' (RUS GOV) share it."""
    if not a.country:
        return None
    return f"cs:{a.country}|{a.sector or ''}"


def is_resolved(a: ActorRef) -> bool:
    """An actor the actor stage recognised (an id, a Wikidata id or a sector), not a bare noun phrase."""
    return bool(a.actor_id or a.wikidata or a.sector)


def actor_group(a: ActorRef) -> str:
    """What makes two participants different actors for the counterpart test (country, else name)."""
    if a.country:
        return "c:" + a.country
    return "n:" + " ".join(fold(a.name or "").split())


# --------------------------------------------------------------------------- places

COARSE = MappingProxyType({"country": 3, "admin1": 2, "city": 1, "site": 0})


def km(a: Location, b: Location) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def place_key(loc: Location) -> str:
    if loc.geonames_id:
        return f"g:{loc.geonames_id}"
    return "p:" + fold(loc.name or "")


def place_relation(a: Location | None, b: Location | None, max_km: float) -> str:
    """'unknown' (one missing), 'same', 'contains' (a country and a place in it), 'near', 'far'."""
    if a is None or b is None:
        return "unknown"
    if place_key(a) == place_key(b):
        return "same"
    ca, cb = COARSE.get(a.precision or "", 1), COARSE.get(b.precision or "", 1)
    if (ca == 3 or cb == 3) and a.country and a.country == b.country:
        return "contains"
    if ca == 3 and cb == 3:
        return "far" if a.country != b.country else "same"
    d = km(a, b)
    if d is None:
        if a.country and b.country and a.country != b.country:
            return "far"
        return "unknown"
    if (ca == 2 or cb == 2) and a.country == b.country and d <= 4 * max_km:
        return "contains"  # a region and a city: coarse coordinates, be lenient
    return "near" if d <= max_km else "far"


# --------------------------------------------------------------------------- mention view


@dataclass
class MentionView:
    """A mention with the keys the merge compares, computed once."""

    m: EventMention
    article: ArticleInfo | None
    interval: Interval | None  # the event's own date (None: undated mention)
    window: Interval | None  # interval, else the article's window; None = compatible with any date
    precision: str | None
    strong: frozenset[str] = field(default_factory=frozenset)
    weak: frozenset[str] = field(default_factory=frozenset)
    groups: frozenset[str] = field(default_factory=frozenset)
    source_groups: frozenset[str] = field(default_factory=frozenset)
    target_groups: frozenset[str] = field(default_factory=frozenset)
    # per participant: (its strong keys, its country|sector key or None, its country or None)
    participants: tuple[tuple[frozenset[str], str | None, str | None], ...] = ()
    countries: frozenset[str] = field(default_factory=frozenset)  # of every actor with a country

    @property
    def id(self) -> str:
        return self.m.mention_id


_SHARED = ("interval", "window", "strong", "weak", "groups", "source_groups", "target_groups", "countries")


def share_keys(v: MentionView, shared: dict) -> MentionView:
    """`v` with each of its key sets and date windows replaced by the equal one first seen among the
    views built with `shared` (the same keys recur over thousands of mentions: one object each)."""
    for name in _SHARED:
        x = getattr(v, name)
        if x is not None:
            setattr(v, name, shared.setdefault(x, x))
    parts = tuple((shared.setdefault(k, k), w, c) for k, w, c in v.participants)
    v.participants = shared.setdefault(parts, parts)
    return v


def mention_window(m: EventMention, article: ArticleInfo | None, before_days: int, after_days: int,
                   planned_days: int) -> tuple[tuple[date, date] | None, tuple[date, date] | None]:
    """(the mention's own date interval, the window it may have happened in): its own date, else
    days around its article's publication (after it for a plan)."""
    interval = date_interval(m.date)
    # attach_date's publication fallback is not the event's own date
    own = interval
    if m.date is not None and m.date.precision == "week" and not m.date.end and article is not None \
            and article.published and m.date.value == article.published:
        own = None
    window = own
    if window is None and article is not None and article.day is not None:
        pub = article.day
        if m.factuality == "planned":  # still to come when the article was written
            window = (pub, pub + timedelta(days=planned_days))
        elif m.factuality == "hypothetical":
            window = (pub - timedelta(days=before_days), pub + timedelta(days=planned_days))
        else:
            window = (pub - timedelta(days=before_days), pub + timedelta(days=after_days))
    return own, window


def view(m: EventMention, article: ArticleInfo | None, before_days: int, after_days: int,
         planned_days: int, shared: dict | None = None) -> MentionView:
    """The mention's view; `shared`: a dict kept over many calls to share equal keys (`share_keys`)."""
    own, window = mention_window(m, article, before_days, after_days, planned_days)
    strong: set[str] = set()
    for a in (*m.source, *m.target):
        strong |= strong_keys(a)
    # only resolved participants (an actor id or a country) count for overlap and clashes;
    # "les deux hommes", "12 civils" stay out
    actors = [a for a in (*m.source, *m.target) if is_resolved(a)]
    weak = {w for a in actors if (w := weak_key(a))}
    v = MentionView(
        m=m, article=article, interval=own, window=window,
        precision=m.date.precision if own is not None and m.date else None,
        strong=frozenset(strong), weak=frozenset(weak),
        groups=frozenset(actor_group(a) for a in actors),
        source_groups=frozenset(actor_group(a) for a in m.source if is_resolved(a)),
        target_groups=frozenset(actor_group(a) for a in m.target if is_resolved(a)),
        countries=frozenset(a.country for a in (*m.source, *m.target) if a.country),
        participants=tuple((frozenset(strong_keys(a)), weak_key(a) if a.sector else None, a.country)
                           for a in actors),
    )
    return v if shared is None else share_keys(v, shared)
