"""Cross-document dating: an undated article borrows its date from events it shares.

If an undated article's mention was merged with mentions that dated articles place on day D,
the article's own date P follows from how it refers to that event:

| the mention's timex             | P lies in                     | precision |
|---------------------------------|-------------------------------|-----------|
| "mercredi dernier" (weekday, -1) | D+1 … D+7                     | week      |
| "mercredi" (weekday, past tense) | D … D+6                       | week      |
| "mercredi prochain" / future     | D-7 … D-1 / D-6 … D           | week      |
| "hier", "avant-hier", "aujourd'hui", "demain" | D - offset       | day       |
| "il y a N jours"                 | D + N                         | day       |
| "la semaine dernière"            | the ISO week after D's        | week      |
| "le mois dernier"                | the month after D's           | month     |
| "l'année dernière", "l'an passé" | the calendar year after D's   | year      |
| "il y a un an" / "il y a N mois" | D + N years (± 60 days) / D + N months (± 15 days) | month/year |
| "cette année"                    | D … 31 December of D's year   | year      |
| no relative timex (past event)   | D … D+7 (news recency)        | week      |

Evidence from several events is intersected. `Published.value` is then the earliest possible
day (precision "day" or "week": the true date is within the following 7 days) or the month
(`YYYY-MM`, precision "month"); `method` is "cross-document". The article's relative timexes
are then re-resolved against that day and its mentions' dates rebuilt the way ingest dates them
(`veille.dating.redate`, which reads the parse's links kept on the document) before the events are
built again.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..dating import anchor_of, redate
from ..models import DateValue, Document, EventMention, Published, Timex, fold
from .features import ArticleInfo, Interval, MentionView, intersect

if TYPE_CHECKING:
    from ..timex import TimexTagger

log = logging.getLogger("veille.merge")

_WEEKDAY_VALUE = re.compile(r"^XXXX-WXX-([1-7])")
_AGO = re.compile(r"il\s+y\s+a\s+(\d+)\s+jours?|(\d+)\s+days?\s+ago")
_PAST_MOD = ("dernier", "derniere", "passe", "passee", "precedent", "precedente", "last")
_FUTURE_MOD = ("prochain", "prochaine", "suivant", "suivante", "next")
_AGO_LONG = re.compile(r"il\s+y\s+a\s+(\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+"
                       r"(ans?|annees?|mois)\b|(\d+)\s+(years?|months?)\s+ago")
_SMALL_NUMBERS = MappingProxyType({"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
                                   "sept": 7, "huit": 8, "neuf": 9, "dix": 10})
_YEAR_WORDS = ("an", "annee", "year")
DEFAULT_RELDAYS = MappingProxyType({"avant-hier": -2, "hier": -1, "aujourd'hui": 0, "apres-demain": 2, "demain": 1,
                                    "yesterday": -1, "today": 0, "tomorrow": 1})


def load_reldays(lang: str, lexicon_dir: str | None = None) -> dict[str, int]:
    """Day-offset words from the timex lexicon (falls back to a few built-in French/English ones)."""
    try:
        from ..resources import read_tsv

        rows = {r["form"]: int(r["value"]) for r in read_tsv(lang, "timex_lexicon.tsv", lexicon_dir=lexicon_dir)
                if r.get("kind") == "relday"}
    except (FileNotFoundError, KeyError, ValueError):
        rows = {}
    return rows or dict(DEFAULT_RELDAYS)


def _has(words: Sequence[str], text: str) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in words)


def _month_after(d: date) -> Interval:
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def published_interval(t: Timex | None, event_day: date, reldays: dict[str, int]) -> Interval | None:
    """When an article that calls the event of `event_day` by `t` can have been written (None: no clue)."""
    if t is None:
        return None
    text = fold(t.text)
    value = t.value or ""
    m = _WEEKDAY_VALUE.match(value)
    if m or t.rule in ("weekday", "night_span"):
        wd = int(m.group(1)) if m else None
        if wd is not None and event_day.isoweekday() != wd:
            return None  # the weekday does not fit the event's date: no evidence
        if _has(_PAST_MOD, text):
            return event_day + timedelta(days=1), event_day + timedelta(days=7)
        if _has(_FUTURE_MOD, text):
            return event_day - timedelta(days=7), event_day - timedelta(days=1)
        if t.direction == "future":
            return event_day - timedelta(days=6), event_day
        return event_day, event_day + timedelta(days=6)
    for form in sorted(reldays, key=len, reverse=True):
        if _has((form,), text):
            p = event_day - timedelta(days=reldays[form])
            return p, p
    m = _AGO.search(text)
    if m:
        p = event_day + timedelta(days=int(m.group(1) or m.group(2)))
        return p, p
    if "semaine" in text or "week" in text:
        monday = event_day - timedelta(days=event_day.weekday())
        if _has(_PAST_MOD, text):
            return monday + timedelta(days=7), monday + timedelta(days=13)
        if _has(_FUTURE_MOD, text):
            return monday - timedelta(days=7), monday - timedelta(days=1)
    m = _AGO_LONG.search(text)
    if m:
        count, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        n = int(count) if count.isdigit() else _SMALL_NUMBERS.get(count, 0)
        if n:
            if unit.startswith(("mois", "month")):
                centre, slack = _add_months(event_day, n), 15
            else:
                centre, slack = _add_months(event_day, 12 * n), 60
            # "il y a un an": a round figure, a month or two either way
            return centre - timedelta(days=slack), centre + timedelta(days=slack)
    if _has(_YEAR_WORDS, text):
        y = event_day.year
        if _has(_PAST_MOD, text):  # "l'année dernière", "l'an passé": the article is of the next year
            return date(y + 1, 1, 1), date(y + 1, 12, 31)
        if _has(_FUTURE_MOD, text):  # "l'an prochain"
            return date(y - 1, 1, 1), date(y - 1, 12, 31)
        if _has(("cette", "this"), text):  # "cette année": the same year, after the event
            return event_day, date(y, 12, 31)
    if "mois" in text or "month" in text:
        if _has(_PAST_MOD, text):
            return _month_after(event_day)
    return None


def _add_months(d: date, k: int) -> date:
    y, m = divmod(d.month - 1 + k, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def as_published(iv: Interval) -> Published | None:
    lo, hi = iv
    span = (hi - lo).days
    if span == 0:
        return Published(lo.isoformat(), "day", "cross-document")
    if span <= 6:
        return Published(lo.isoformat(), "week", "cross-document")
    if (lo.year, lo.month) == (hi.year, hi.month):
        return Published(f"{lo.year:04d}-{lo.month:02d}", "month", "cross-document")
    if lo.year == hi.year:
        return Published(f"{lo.year:04d}", "year", "cross-document")
    return None


def mention_timex(doc: Document, m: EventMention) -> Timex | None:
    """The temporal expression of the mention's sentence closest to its trigger."""
    lo, hi = m.char_start, m.char_end
    ts = m.trigger_start if m.trigger_start >= 0 else lo
    inside = [t for t in doc.timexes if t.start >= lo and t.end <= hi and t.type in ("DATE", "TIME")]
    if not inside:
        return None
    return min(inside, key=lambda t: (abs(t.start - ts), t.start))


def consensus_day(views: Sequence[MentionView], dated: Callable[[str], bool]) -> date | None:
    """The day the dated articles' mentions of an event agree on most (earliest on ties);
    `dated(article_id)`: whether the article has a date of its own."""
    days = Counter(v.interval[0] for v in views
                   if dated(v.m.article_id) and v.interval is not None and v.precision == "day")
    if not days:
        return None
    return min(days, key=lambda d: (-days[d], d))


#: what one cluster says about an undated article: (article, mention, event day, the interval its
#: timex places the article in or None, the news-recency interval when there is no timex or None)
Evidence = tuple[str, str, date, Interval | None, Interval | None]


def cluster_evidence(views: Sequence[MentionView], dated: Callable[[str], bool],
                     timex_of: Callable[[MentionView], Timex | None], wanted: Callable[[str], bool],
                     reldays: dict[str, int]) -> Iterator[Evidence]:
    """The dating evidence one cluster gives the undated articles it reports (`wanted`)."""
    day = consensus_day(views, dated)
    if day is None:
        return
    for v in views:
        if not wanted(v.m.article_id):
            continue
        iv = published_interval(timex_of(v), day, reldays)
        weak = None
        if iv is None and v.m.factuality in ("asserted", "negated", "claimed", "historical"):
            weak = (day, day + timedelta(days=7))
        yield v.m.article_id, v.id, day, iv, weak


def resolve_article(evidence: Iterable[Evidence]) -> tuple[Published, dict[str, date]] | None:
    """An undated article's date from all the evidence about it (any order), with the day of each
    of its mentions' events; None when the evidence fixes no date."""
    ivs: list[Interval] = []
    lows: list[date] = []
    days: dict[str, date] = {}
    for _article, mention_id, day, iv, weak in evidence:
        days[mention_id] = day
        if iv is not None:
            ivs.append(iv)
        elif weak is not None:
            lows.append(weak[0])
    found = _intersect_all(ivs) if ivs else None
    if found is None and ivs:
        found = min(ivs, key=lambda iv: (-ivs.count(iv), iv))
    if found is None and lows:
        found = (max(lows), max(lows) + timedelta(days=7))
    if found is None:
        return None
    published = as_published(found)
    return (published, days) if published is not None else None


class CrossDocDater:
    """Finds dates for undated articles from the clusters of a first merge pass."""

    def __init__(self, lang: str = "fr", *, lexicon_dir: str | None = None):
        self.reldays = load_reldays(lang, lexicon_dir)
        self._tagger: TimexTagger | None = None

    def infer(self, clusters: Sequence[Sequence[MentionView]], articles: Mapping[str, ArticleInfo],
              docs: dict[str, Document]) -> dict[str, tuple[Published, dict[str, date]]]:
        """article_id → (Published, {mention_id: event day}) for the undated articles in `docs`."""
        dated = {a for a, info in articles.items() if info.published}
        evidence: dict[str, list[Evidence]] = {}
        for views in clusters:
            for ev in cluster_evidence(views, dated.__contains__, lambda v: mention_timex(docs[v.m.article_id], v.m),
                                       docs.__contains__, self.reldays):
                evidence.setdefault(ev[0], []).append(ev)
        out: dict[str, tuple[Published, dict[str, date]]] = {}
        for article_id in sorted(evidence):
            found = resolve_article(evidence[article_id])
            if found is not None:
                out[article_id] = found
        return out

    def apply(self, doc: Document, published: Published, event_days: dict[str, date], settings=None) -> Document:
        """Set the article's date and date its events as ingest would (`veille.dating.redate`); with no
        anchor to resolve against (a year), events take the day their cluster agrees on."""
        if anchor_of(published):
            if self._tagger is None:
                from ..timex import TimexTagger  # (built on the first article the merge dates)

                self._tagger = TimexTagger(settings)
            return redate(doc, published, self._tagger)
        doc.published = published
        for m in doc.mentions:
            if m.mention_id in event_days and (m.date is None or not m.date.value):
                m.date = DateValue(event_days[m.mention_id].isoformat(), "day", basis="cross-document")
        return doc


def _intersect_all(ivs: Sequence[Interval]) -> Interval | None:
    cur: Interval | None = ivs[0]
    for iv in ivs[1:]:
        cur = intersect(cur, iv) if cur else None
    return cur
