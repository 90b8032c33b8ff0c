"""The `timex` stage: temporal expressions, their ISO-TimeML values, and the article's own date.

How it works
------------
1. Detection runs compiled regexes (built once per tagger from the lexicon
   `data/fr/timex_lexicon.tsv`) over a folded copy of the text (lower case, accents and curly
   apostrophes removed, same length as `doc.text`, so offsets carry over). Every pattern uses bounded
   quantifiers and no nested repetition, so matching is linear in the text length. Overlapping
   candidates are resolved longest-first.
2. Absolute expressions ("mardi 12 septembre 2023", "September 13, 2023", "12/09/2023", "en 2000")
   resolve on their own. They also feed the article-date inference when no metadata date exists.
3. The article date (`doc.published`): a `metadata` date is kept and is the anchor. Otherwise it is
   inferred from the text: a dateline ("22 mai 2012. -") or a "ce vendredi 15 septembre 2023" cue,
   else the latest full date in the first 500 characters (precision day), else the latest month + year
   there (month), else the latest year in the first 200 characters (year); a full date or month found
   only further down the body gives one step less precision (full date -> month, month -> year); a
   bare year deep in the body is taken as history, not as the article's year. No cue -> published
   stays null.
4. Relative expressions resolve against that anchor, at the anchor's precision: with a year-only anchor
   "l'an dernier" resolves but "hier" does not (value `XXXX-XX-XX`, date None).
5. Tense: a bare weekday, a "ce <weekday>" and a month without a year point to the past unless the
   governing verb is future: spaCy morph Tense=Fut, devoir/aller/pouvoir/prévoir… + infinitive,
   "prévu/programmé"; without a parse, cue words and verb endings of the clause decide. A bare weekday
   equal to the anchor's weekday is the anchor day itself (news style: "a annoncé mardi" in a Tuesday
   dispatch); "mardi dernier" / "mardi prochain" are strictly before / after (one week on a Tuesday).

`date`/`precision`/`end_date` of a Timex: a day (`2023-09-18`, precision day), a week (date = its
Monday, precision week, end_date = its Sunday), a month (`2023-08`), a quarter or season (first
month, end_date last month), a year, a decade or century (first year, end_date last year).
Durations and sets have date None: they never become event dates.

dateparser is not called: every piece the patterns capture (day, month name FR/EN, year, number
words, weekday) is parsed from the lexicon directly, which is faster (no per-token call, no import
cost) and avoids dateparser's false hits on free text; numeric dates are read day-first (French),
month-first only when the day-first reading is impossible ("09/13/2023").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .config import Settings
from .dates import precision_of_iso
from .models import DateValue, Document, Published, Timex, fold
from .regex_source import first_group_end, required_literals, top_level_alternatives
from .resources import read_tsv
from .stages import TimexConfig

LEXICON = ("fr", "timex_lexicon.tsv")
#: how many sentences back the last named day gives its date to a bare clock time
TIME_CARRY_SENTENCES = 2
TOP_REGION = 500  # characters at the top of the body where a dateline or first date is looked for
TOP_REGION_YEAR = 200  # a bare year counts as the article's year only in the title / first lines

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
PART_TIMES = {"MI": "T12:00"}
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


# --------------------------------------------------------------------------- helpers


class WordStartPattern:
    """A compiled rule whose pattern opens with a start-of-word lookbehind, matched faster.

    Python's `re` finds a pattern's literal first characters (and jumps between their occurrences)
    only when the pattern begins with them; a leading lookbehind hides them, so the engine tries
    the whole pattern at every position. When the rest of the pattern begins with a required
    literal or group, it is compiled without the lookbehind and the word-start test is made on
    each hit instead: same matches (the lookbehind consumes nothing), ten times fewer tries.
    """

    def __init__(self, pattern: str, lookbehind: str | None):
        self.pattern = pattern
        self.regex = re.compile(pattern)
        body = pattern[len(lookbehind):] if lookbehind and pattern.startswith(lookbehind) else None
        self.body = re.compile(body) if body and _required_start(body) else None
        # a text holding none of the words every match contains ("siecle", "trimestre") is
        # skipped with a few substring tests instead of a try at every position
        self.required = required_literals(pattern)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.required is not None and not any(s in text for s in self.required):
            return
        if self.body is None:
            yield from self.regex.finditer(text)
            return
        search, pos = self.body.search, 0
        while (mo := search(text, pos)) is not None:
            start = mo.start()
            if start and (text[start - 1].isalnum() or text[start - 1] in "_-"):  # [\w-] before
                pos = start + 1
                continue
            yield mo
            pos = mo.end() if mo.end() > start else start + 1


def _required_start(body: str) -> bool:
    """True when the pattern's first element must match (a literal, or a group not made optional)
    and the pattern has no top-level alternative (the lookbehind must cover the whole of it)."""
    if not body or body[0] in "|)?*+{^$.[" or (body[0] == "\\" and body[1:2] in "dDsSwWbBAZ"):
        return False
    if len(top_level_alternatives(body)) > 1:
        return False
    if body[0] != "(":
        return body[1:2] not in ("?", "*") and not body[1:3].startswith("{")  # "a?b" starts optional
    first_end = first_group_end(body)
    after = body[first_end:first_end + 2] if first_end is not None else "?"
    return not (after[:1] in ("?", "*") or after.startswith("{"))


def fold_same_length(text: str) -> str:
    """`models.fold` character by character, keeping the length (offsets stay valid)."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    out = []
    for ch in text:
        f = fold(ch)
        out.append(f if len(f) == 1 else ch.lower()[:1] or " ")
    return "".join(out)


def _alt(forms) -> str:
    """A regex alternation of literal forms, longest first (so 'avant-hier' beats 'hier')."""
    return "|".join(re.escape(f) for f in sorted(set(forms), key=lambda s: (-len(s), s)))


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _week_value(d: date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def _monday(d: date) -> date:
    return d - timedelta(days=d.isoweekday() - 1)


def _roman(s: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(s):
        v = ROMAN.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total or None


@dataclass
class Anchor:
    """The date relative expressions are resolved against, at whatever precision is known."""

    value: str | None = None
    day: date | None = None
    year: int | None = None
    month: int | None = None

    @classmethod
    def of(cls, value: str | None) -> Anchor:
        if not value:
            return cls()
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
        if not m:
            return cls()
        y = int(m.group(1))
        mo = int(m.group(2)) if m.group(2) else None
        d = _safe_date(y, mo, int(m.group(3))) if mo and m.group(3) else None
        return cls(value=value, day=d, year=y, month=mo)


@dataclass
class Res:
    """A resolution: the Timex fields other than the span."""

    type: str = "DATE"
    value: str | None = None
    date: str | None = None
    precision: str | None = None
    end_date: str | None = None
    direction: str | None = None
    relative: bool = False


def _day(d: date, *, part: str | None = None, direction: str | None = None, end: date | None = None) -> Res:
    value = d.isoformat() + (PART_TIMES.get(part, f"T{part}") if part else "")
    return Res("TIME" if part else "DATE", value, d.isoformat(), "day",
               end.isoformat() if end else None, direction)


def _month(y: int, m: int, direction: str | None = None) -> Res:
    v = f"{y:04d}-{m:02d}"
    return Res("DATE", v, v, "month", None, direction)


def _year(y: int, direction: str | None = None) -> Res:
    return Res("DATE", f"{y:04d}", f"{y:04d}", "year", None, direction)


def _week(d: date, direction: str | None = None) -> Res:
    mon = _monday(d)
    return Res("DATE", _week_value(d), mon.isoformat(), "week", (mon + timedelta(days=6)).isoformat(), direction)


@dataclass
class Match:
    rule: str
    start: int
    end: int
    groups: dict[str, str | None]
    priority: int = 0
    res: Res | None = None
    direction: str | None = None
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- the tagger


class TimexTagger:
    """The `timex` stage: fills `doc.timexes` and, when no metadata gives it, `doc.published`."""

    name = "timex"

    def __init__(self, settings: Settings | None = None, **kw):
        self.settings = settings or Settings()
        self.config = TimexConfig.from_settings(self.settings)
        lang = self.settings.lang or "fr"
        rows = list(read_tsv(lang, LEXICON[1], lexicon_dir=self.settings.lexicon_dir))
        lex: dict[str, dict[str, str]] = {}
        langs: dict[tuple[str, str], str] = {}
        for r in rows:
            lex.setdefault(r["kind"], {})[r["form"]] = r.get("value", "")
            langs[(r["kind"], r["form"])] = r.get("lang", "fr")
        self.lex = lex
        self.weekdays = {k: int(v) for k, v in lex["weekday"].items()}
        self.months = {k: int(v) for k, v in lex["month"].items()}
        self.reldays = {k: int(v) for k, v in lex["relday"].items()}
        self.parts = dict(lex["part"])
        self.units = dict(lex["unit"])
        self.numbers = dict(lex["number"])
        self.ordinals = {k: int(v) for k, v in lex["ordinal"].items()}
        self.mods = {**{k: -1 for k in lex["before"]}, **{k: 1 for k in lex["after"]}}
        self.seasons = dict(lex["season"])
        # longest first: "mois de" before "de"
        self.span_prefixes = sorted(lex.get("span_prefix", {}).items(), key=lambda kv: -len(kv[0]))
        self.future_lemmas = set(lex.get("cue_lemma_future", {}))
        en = {f for (k, f), lg in langs.items() if lg == "en"}

        B = r"(?<![\w-])"  # start of word
        E = r"(?![\w-])"  # end of word
        WD = f"(?:{_alt(self.weekdays)})"
        WD_EN = f"(?:{_alt(f for f in self.weekdays if f in en)})"
        MON = f"(?:{_alt(self.months)})"
        MON_FR = f"(?:{_alt(f for f in self.months if f not in en)})"
        MON_EN = f"(?:{_alt(f for f in self.months if f in en)})"
        PART = f"(?:{_alt(self.parts)})"
        REL = f"(?:{_alt(self.reldays)})"
        UNIT = f"(?:{_alt(self.units)})"
        tens = [f for f, v in self.numbers.items() if v in ("20", "30", "40", "50", "60")]
        units = [f for f, v in self.numbers.items() if v.isdigit() and 1 <= int(v) <= 19]
        UNITW = f"(?:{_alt(units)})"
        COMPOUND = (rf"(?:(?:{_alt(tens)})(?:[- ]et[- ](?:un|une|onze)|[- ]{UNITW})"
                    rf"|quatre-vingts?(?:-{UNITW})?)(?![\w-])")
        NUMW = f"(?:{COMPOUND}|{_alt(self.numbers)})"
        NUM = rf"(?:\d{{1,4}}(?:[.,]\d{{1,2}})?|{NUMW})"
        ORD = f"(?:{_alt(self.ordinals)})"
        MOD = f"(?:{_alt(self.mods)})"
        SEASON = f"(?:{_alt(self.seasons)})"
        self.holidays = dict(lex.get("holiday", {}))
        HOL = f"(?:{_alt(self.holidays)})"
        DAY = r"(?:1\s?er|[0-3]?\d|premier)"
        YEAR = r"(?:1\d{3}|20\d{2})"
        NE = r"(?![\d]|[.,/:]\d)"  # not before more digits
        word_cues = [c for c in lex.get("cue_duration", {}) if not c.endswith("'")]
        apos_cues = [c for c in lex.get("cue_duration", {}) if c.endswith("'")]
        CUE = rf"(?:(?:{_alt(word_cues)})\s{{1,3}}|(?:{_alt(apos_cues)})\s{{0,2}})"
        UNITREL = r"(?:semaine|mois|annee|an|week-end|weekend|trimestre|" + _alt(self.seasons) + ")"

        S = r"\s{1,3}"
        rules: list[tuple[str, str]] = [
            ("range_day", rf"{B}(?:(?P<pre>du|entre{S}le|les|le){S})?(?P<items>(?:{DAY}(?:{S}{MON})?(?:{S}{YEAR})?"
                          rf"\s{{0,2}}(?:,|-|–|et{S}le|et|ou|au|a)\s{{0,3}}){{1,8}})"
                          rf"(?P<d2>{DAY}){S}(?P<m2>{MON})(?:{S}(?P<y2>{YEAR}))?{E}"),
            ("holiday", rf"{B}(?P<hol>{HOL})(?:{S}(?P<year>{YEAR}){NE})?{E}"),
            ("date_full", rf"(?<![\w])(?:(?P<wd>{WD}),?{S})?(?P<day>{DAY}){S}(?P<mon>{MON})(?![\w-])(?:{S}(?P<year>{YEAR}){NE}|{S}(?P<rmod>{MOD}){E})?"
                          rf"(?:{S}(?:au|dans{S}la|en){S}(?P<part>{PART}){E})?"),
            ("date_en", rf"{B}(?:(?P<wd>{WD_EN}),?{S})?(?P<mon>{MON_EN}){S}(?P<day>[0-3]?\d)(?:st|nd|rd|th)?{E}"
                        rf"(?:,?{S}(?P<year>{YEAR}){NE})?"),
            ("date_num", rf"(?P<day>[0-3]?\d)[/.](?P<mon>[01]?\d)[/.](?P<year>\d{{4}}|\d{{2}}){NE}"),
            ("date_iso", rf"(?P<year>{YEAR})-(?P<mon>[01]\d)-(?P<day>[0-3]\d){NE}"),
            ("month_year", rf"{B}(?:(?P<mod>debut|fin|mi|courant)(?:{S}|\s{{0,2}}-\s{{0,2}})(?:d'|de{S})?)?"
                           rf"(?P<mon>{MON})(?![\w-]){S}(?:de{S}l'annee{S})?(?P<year>{YEAR}){NE}"),
            ("month", rf"{B}(?:(?P<prep>en|d'|de|depuis|des|jusqu'en|jusqu'a|au mois d'|au mois de|avant|apres|"
                      rf"entre|et|ou|a partir d'|a partir de|d'ici|pour|ce mois d'|ce mois de|le mois d'|le mois de)"
                      rf"\s{{0,3}}|(?P<mod>debut|fin|mi|courant)(?:\s{{1,3}}|\s{{0,2}}-\s{{0,2}})(?:d'|de\s)?\s{{0,2}})"
                      rf"(?P<mon>{MON_FR})(?![\w-])(?:{S}(?P<rmod>{MOD}){E})?"),
            ("semester", rf"{B}(?P<ord>premier|1er|second|deuxieme){S}semestre{S}(?:de{S}|d'\s{{0,2}})?"
                         rf"(?P<year>{YEAR}){NE}"),
            ("quarter", rf"{B}(?P<ord>{ORD}){S}trimestre{S}(?:de{S}|d'\s{{0,2}})?(?P<year>{YEAR}){NE}"),
            ("season_year", rf"{B}(?P<season>{SEASON}){S}(?:de{S}|d'\s{{0,2}})?(?P<year>{YEAR}){NE}"),
            ("decade", rf"{B}(?:les{S})?annees{S}(?P<dec>\d{{2}}|1\d{{3}}|20\d{{2}}){NE}"),
            ("century", rf"{B}(?P<rom>[ivxl]{{1,7}})\s?(?:e|eme|ieme){S}siecle{E}"),
            ("year", rf"(?P<year>{YEAR}){NE}"),
            ("relday", rf"{B}(?P<rel>{REL})(?:{S}(?:au{S}|dans{S}l'|dans{S}la{S})?(?P<part>{PART}))?{E}"),
            ("this_part", rf"{B}(?:ce|cette|cet){S}(?P<part>matin|matinee|apres-midi|soir|soiree|nuit){E}"),
            ("period_edge", rf"{B}(?:(?:la|le|en|au){S})?(?P<pos>fin|debut|milieu){S}(?:de{S}l'|de{S}la{S}|du{S}|d'|de{S})"
                            rf"(?P<unit>annee|mois|semaine){E}(?:{S}(?P<mod>{MOD}){E})?(?!{S}(?:de{S}|d'|\d))"),
            ("midday", rf"{B}la{S}mi-journee{E}"),
            ("anaphoric", rf"{B}(?:la{S}(?P<veille>veille)|le{S}(?P<lendemain>lendemain))(?:{S}(?:au{S})?(?P<part>{PART}))?{E}"
                          rf"(?:(?={S}(?:de|du|des|d')(?![\w-]))(?P<of>))?"),
            ("night_span", rf"{B}la{S}nuit{S}(?:de|du){S}(?P<wd>{WD}){S}(?:a|au){S}(?P<wd2>{WD}){E}"),
            ("weekday_day", rf"{B}(?P<wd>{WD}){S}(?P<day>1\s?er|[0-3]?\d){NE}(?!\s{{0,3}}(?:{MON}|\d|h\b|heures?\b|%|[.,]\d))"),
            ("weekday", rf"{B}(?:(?P<this>ce){S})?(?P<wd>{WD}){E}(?:{S}(?P<mod>{MOD}){E})?(?:{S}(?:au{S})?(?P<part>{PART}){E})?"
                        rf"(?:{S}(?P<mod2>{MOD}){E})?"),
            ("rel_unit", rf"{B}(?:plus{S}(?P<early>tot|tard){S})?(?:(?P<det>la|le|l')\s{{0,3}}(?P<unit>{UNITREL}){S}(?P<mod>{MOD})"
                         rf"|(?P<this>cette|cet|ce){S}(?P<unit2>{UNITREL})(?:-ci)?){E}"),
            ("rel_unit_en", rf"{B}(?P<mod>last|next|this){S}(?P<unit>week|month|year){E}"),
            ("ago", rf"{B}il{S}y{S}a{S}(?:(?:plus{S}de|moins{S}de|pres{S}de|environ|plus{S}d'|moins{S}d'|pres{S}d')\s{{0,3}})?"
                    rf"(?P<num>{NUM}){S}(?P<unit>{UNIT}){E}"),
            ("in", rf"{B}(?:dans|d'ici){S}(?P<num>{NUM}){S}(?P<unit>{UNIT}){E}"),
            ("set", rf"{B}(?:chaque|tous{S}les|toutes{S}les)(?:{S}(?P<num>{NUM}))?{S}(?P<wd>{WD})?(?P<unit>{UNIT}|matin|soir)?s?{E}"),
            ("ordinal_period", rf"{B}(?:la|le|l')\s{{0,3}}(?P<ord>{ORD}){S}(?P<unit>annee|semaine|jour|journee|mois|an)"
                               rf"(?={S}(?:de|du|d'|des){E}|{S}d')"),
            ("time", rf"(?P<h>\d{{1,2}})(?:\s{{0,2}}(?:h|heures?)(?:\s{{0,2}}(?P<m>[0-5]\d))?(?![\w]|-(?!\d))|:(?P<m2>[0-5]\d)(?!:?\d))"
                     rf"(?:\s{{0,2}}(?P<tz>\(?(?:utc|gmt)(?:\s?[+-]\s?\d{{1,2}})?\)?|heure{S}locale|heure{S}de{S}paris|"
                     rf"heure{S}francaise)(?![\w-]))?"),
            ("midnoon", rf"{B}(?:(?:a|vers|avant|apres|des|jusqu'a|de|et){S}(?P<mm>midi|minuit)|(?P<mn>minuit)){E}"),
            ("duration", rf"(?P<num>\d{{1,4}}(?:[.,]\d{{1,2}})?){S}(?:(?:derniers|dernieres|prochains|prochaines|premiers|"
                         rf"premieres){S})?(?P<unit>{UNIT}){E}"),
            ("duration_w", rf"{B}(?P<num>{NUMW}){S}(?:(?:derniers|dernieres|prochains|prochaines|premiers|"
                           rf"premieres){S})?(?P<unit>{UNIT}){E}"),
            ("duration_vague", rf"{B}(?:pendant|durant|depuis|pour|en){S}(?P<num>des|plusieurs|quelques){S}(?P<unit>jours|semaines|mois|annees|heures|decennies|siecles){E}"),
        ]
        # rules whose body, without the lookbehind, also matches inside many words ("mai" in
        # "domaine", "un" in "aucun"): each such hit would cost a Python-level test (measured slower)
        in_word_hits = {"month", "duration_w", "midnoon"}
        self.rules: list[tuple[str, WordStartPattern, int]] = [
            (name, WordStartPattern(rx, B if name not in in_word_hits else None), i)
            for i, (name, rx) in enumerate(rules)]
        # span group for rules whose span is narrower than the match (context words excluded)
        self.list_item = re.compile(
            rf"(?P<d1>{DAY})(?:{S}(?P<m1>{MON}))?(?:{S}(?P<y1>{YEAR}))?\s{{0,2}}(?P<sep>,|-|–|et{S}le|et|ou|au|a)\s{{0,3}}")
        self.clock_before = re.compile(r"(?<![\w-])(?:a|vers|des|jusqu'a|avant|apres)\s{1,3}$")
        self.pm_after = re.compile(r"\s{1,3}(?:de\s{1,3}l'apres-midi|du\s{1,3}soir)(?![\w-])")
        self.cue_before = re.compile(rf"(?<![\w-])(?P<cue>{CUE})$")
        self.year_prefix = re.compile(
            rf"(?<![\w-])(?:(?P<mod>debut|fin|mi|courant)(?:{S}|\s{{0,2}}-\s{{0,2}}))?(?:(?P<lan>l'an|l'annee){S})?$")
        self.duration_tail = re.compile(
            rf"{S}(?:(?P<dir>plus{S}tard|plus{S}tot|auparavant|(?:apres|avant)(?!{S}(?:le|la|les|l'|un|une|des|du|de|d'|"
            rf"son|sa|ses|leur|leurs|ce|cet|cette|ces|que|qu'|notre|votre|mon|ma|mes|minuit|midi)(?![\w-])|\s{{0,2}}\d)"
            rf")|(?P<ago>ago)){E}")
        self.digit_start = {"year", "time", "duration", "date_num", "date_iso"}
        self.span_starts = {"month": ("mod", "mon"), "midnoon": ("mm", "mn"),
                            "duration_vague": ("num",)}
        self.year_noun = re.compile(r"\s{1,3}([a-z]{4,})")
        self.year_ok_next = {"apres", "depuis", "dans", "sous", "sans", "vers", "mais", "puis", "alors", "lors",
                             "plus", "moins", "tous", "toutes", "nous", "vous", "jamais", "toujours", "ainsi",
                             "selon", "pres", "chez", "jusqu", "tres", "pendant", "contre", "entre", "avec", "pour",
                             "dont"}
        self.year_cue_before = re.compile(
            r"(?:\ben|depuis|\bde|d'|\bdes|jusqu'en|avant|apres|entre|\bet|\ba|\bau|vers|fin|debut|mi-|l'an|annee|"
            r"[(,–-]|\bdu)\s{0,3}$")
        # tense fallback on the clause
        fut = _alt(lex.get("cue_future", {}))
        self.future_rx = re.compile(rf"(?<![\w'-])(?:{fut})(?![\w-])|\b\w{{3,}}(?:eront|iront|dront|era|ira|dra)\b")
        aux = r"a|ont|avait|avaient|est|sont|était|étaient|fut|furent|s'est|se sont|had|was|were"
        part = r"\w+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|it|ite|its|te|tes|ts|int|inte|ert|erte|ort)"
        self.past_rx = re.compile(rf"(?<![\w'-])(?:{aux})\s{{1,3}}(?:\w+\s{{1,3}})?{part}\b|\b\w{{2,}}(?:ait|aient|èrent|irent)\b")
        self.clause_rx = re.compile(r"[.;:!?\n]|,\s{1,3}(?:mais|alors|tandis|et|qui|que|dont|ou)\b")
        self.dateline_rx = re.compile(r"^[\s(]*$")
        self.after_dateline_rx = re.compile(r"^(?:,?\s{0,3}(?:a\s{1,3})?\d{1,2}\s?h\s?\d{0,2})?\s{0,3}\.?\s{0,3}[-–—]")

    # ------------------------------------------------------------------ stage API

    def __call__(self, doc: Document) -> Document:
        self.tag(doc)
        return doc

    def tag(self, doc: Document, anchor: str | None = None) -> list[Timex]:
        """Find and resolve the timexes of `doc` (and infer `doc.published`); returns doc.timexes.

        `anchor` forces the anchor date (used by `resolve_relative`); published is then left alone.
        """
        text = doc.text or ""
        ftext = fold_same_length(text)
        matches = self._detect(text, ftext)
        for m in matches:
            m.res = self._resolve_absolute(m)
        if anchor is None:
            pub = doc.published
            if pub.method == "metadata" and pub.value:
                anchor = pub.value
            else:
                inferred = self._infer_published(text, ftext, matches)
                if inferred is not None:
                    doc.published = inferred
                    anchor = inferred.value
                elif pub.value and pub.method != "text":
                    anchor = pub.value
                else:
                    doc.published = Published()
        anc = Anchor.of(anchor)
        sdoc = getattr(doc, "spacy_doc", None)
        bounds = self._sentence_bounds(doc, text)
        out: list[Timex] = []
        last_prec: str | None = None
        last_day: tuple[int, date, bool] | None = None  # (sentence, date, is a night) of the last day timex
        last_date: date | None = None  # the last resolved calendar date of any precision (offset reference)
        for m in matches:
            sent = self._sentence_index(bounds, m.start)
            if m.res is None:
                m.direction = self._direction(m, text, sdoc)
                # a clock time with no day of its own is on the day the narrative is at: the last day
                # named in this sentence or the one or two before ("arrivé hier … Il a atterri vers 12 h 30")
                ref = last_day[1] if last_day and (m.rule == "anaphoric" or last_day[0] == sent or (
                    m.rule == "time" and 0 < sent - last_day[0] <= TIME_CARRY_SENTENCES)) else None
                if ref is not None and m.rule == "time" and last_day[2]:
                    m.extra["after_night"] = True
                if m.rule == "offset":
                    ref = last_date
                    m.extra["ref_precision"] = last_prec
                m.res = self._resolve_relative(m, anc, ref)
                if m.res is not None:
                    m.res.relative = True
            if m.res is None:
                continue
            r = m.res
            if r.date and r.type in ("DATE", "TIME") and r.precision in ("day", "month", "year"):
                parts = [int(x) for x in r.date.split("-")] + [1, 1]
                d = _safe_date(*parts[:3])
                if d and r.precision == "day":
                    last_day = (sent, d, m.rule == "night_span")
                if d and (m.start >= TOP_REGION or m.rule not in ("date_full", "date_num", "date_en")
                          or r.date != anc.value):
                    last_date, last_prec = d, r.precision
            out.append(Timex(m.start, m.end, text[m.start:m.end], r.type, r.value, r.date, r.precision,
                             r.end_date, anc.value if r.relative else None, m.rule, r.direction))
        doc.timexes = [self.timeml_span(t, text, ftext) for t in out]
        return doc.timexes

    def timeml_span(self, t: Timex, text: str, ftext: str) -> Timex:
        """The span by the French TimeBank convention (ISO-TimeML-fr): the article of a day date ("le
        27 mai 1998"), "mois de" before a month, an approximator before a time or a duration ("vers
        15 h 30", "environ deux mois") belong to the expression (`span_prefix` rows of the lexicon)."""
        head = ftext[t.start:t.end].split(" ", 1)[0]
        for form, scope in self.span_prefixes:
            start = t.start - len(form) - 1
            if start < 0 or ftext[start:t.start] != form + " " or (start and ftext[start - 1].isalnum()):
                continue
            if scope == "day" and t.precision == "day" and t.type == "DATE" and (
                    head[:1].isdigit() or head in self.weekdays and any(c.isdigit() for c in t.text)) \
                    or scope == "month" and t.precision == "month" and head in self.months \
                    or scope == "approx" and t.type in ("TIME", "DURATION"):
                return replace(t, start=start, text=text[start:t.end])
        return t

    # ------------------------------------------------------------------ detection

    def _detect(self, text: str, ftext: str) -> list[Match]:
        cands: list[Match] = []
        for name, rx, prio in self.rules:
            for mo in rx.finditer(ftext):
                g = mo.groupdict()
                start, end = mo.start(), mo.end()
                rule = name
                if name in self.digit_start and start > 0:
                    prev = ftext[start - 1]
                    if prev.isalnum() or prev in "_.,/:" or (prev == "-" and name not in ("year", "time")):
                        continue
                    before = ftext[start - 2] if start > 1 else " "
                    if prev == "-" and not (before.isdigit() or (name == "time" and before in "h ")):
                        continue  # "2014-2015", "18 h-19 h" but not "COP-21"
                if name in ("time", "duration", "duration_w"):
                    cue = self.cue_before.search(ftext, max(0, start - 24), start)
                    g["cue"] = cue.group("cue").strip() if cue else None
                if name == "duration_w" and self.units.get(g["unit"]) == "H" and self.clock_before.search(
                        ftext, max(0, start - 16), start):
                    hour = self._num(g["num"])
                    if hour and hour.isdigit() and int(hour) <= 24:
                        rule, g = "time", {"h": hour, "m": None, "m2": None, "tz": None, "cue": None}
                if name in ("duration", "duration_w") and rule != "time":
                    rule = "duration"
                    tail = self.duration_tail.match(ftext, end)
                    if tail and not (tail.group("dir") and g.get("cue") in ("pendant", "durant", "pour", "en")):
                        rule = "ago_en" if tail.group("ago") else "offset"
                        g["dir"] = tail.group("dir")
                        end = tail.end()
                elif name == "year":
                    pre = self.year_prefix.search(ftext, max(0, start - 24), start)
                    if pre and pre.group(0):
                        g["mod"], g["lan"] = pre.group("mod"), pre.group("lan")
                        start = pre.start()
                for gname in self.span_starts.get(name, ()):
                    if mo.group(gname) is not None:
                        start = mo.start(gname)
                        break
                if name == "range_day":
                    items = list(self.list_item.finditer(ftext, mo.start("items"), mo.end("items")))
                    pre = (g.get("pre") or "").split(" ")[0]
                    for it in items:
                        sep = it.group("sep")
                        rng = len(items) == 1 and (sep in ("-", "–") or (pre in ("du", "entre") and sep != ","))
                        ig = {**g, "d1": it.group("d1"), "m1": it.group("m1"), "y1": it.group("y1"),
                              "rng": "1" if rng else None}
                        it_end = max(it.end(x) for x in ("d1", "m1", "y1") if it.group(x) is not None)
                        im = Match(name, it.start(), it_end, ig, prio)
                        if self._accept(im, text, ftext):
                            cands.append(im)
                    continue
                m = Match(rule, start, end, g, prio)
                if name == "month":
                    m.extra["mon_start"] = mo.start("mon")
                if self._accept(m, text, ftext):
                    cands.append(m)
        cands.sort(key=lambda m: (-(m.end - m.start), m.priority, m.start))
        chosen: list[Match] = []
        taken = bytearray(len(ftext) + 1)
        for m in cands:
            if any(taken[m.start:m.end]):
                continue
            taken[m.start:m.end] = b"\x01" * (m.end - m.start)
            chosen.append(m)
        chosen.sort(key=lambda m: m.start)
        return chosen

    def _accept(self, m: Match, text: str, ftext: str) -> bool:
        g = m.groups
        name = m.rule
        if name in ("date_full", "date_en", "date_num", "date_iso", "weekday_day"):
            day = self._day_num(g.get("day"))
            if not day or day > 31:
                return False
            if name == "date_num" and int(g["mon"]) > 12 and 1 <= day <= 12 and int(g["mon"]) <= 31:
                g["day"], g["mon"] = g["mon"], g["day"]  # US order "09/13/2023" in a quoted English text
            elif name in ("date_num", "date_iso") and not 1 <= int(g["mon"]) <= 12:
                return False
            if name == "date_full" and g.get("mon") in self.months and self._is_en_month(g["mon"]) and not g.get("year"):
                return False  # "12 may" without a year: too ambiguous in French text
        if name == "year":
            y = int(g["year"])
            before = ftext[max(0, m.start - 14):m.start]
            if re.search(r"\d[\s\u00a0]$", before):
                return False  # thousands group: "1 500"
            if not g.get("mod") and not g.get("lan"):
                after = ftext[m.end:m.end + 24]
                if re.match(r"\s{0,2}(?:%|€|\$|euros?|dollars?|km|kg|m\b|h\b)", after):
                    return False
                nxt = self.year_noun.match(after)
                cue = self.year_cue_before.search(before)
                if nxt and nxt.group(1).endswith(("s", "x")) and nxt.group(1) not in self.year_ok_next and not cue:
                    return False  # "2000 personnes"
                if not (1900 <= y <= 2099) and not cue:
                    return False
        if name in ("duration", "ago", "in", "offset", "set"):
            num = g.get("num")
            if name == "duration":
                unit = self.units.get(g["unit"], "")
                if num and num.isdigit() and unit == "H" and int(num) <= 24:
                    return False  # digits + heures: handled by the time rule
                if num in ("un", "une", "sept") and not g.get("cue"):
                    return False  # "un jour" (someday), "sept ans" is fine with a cue only
            if name == "set" and not (g.get("wd") or g.get("unit")):
                return False
        if name == "time":
            if int(g["h"]) > 24:
                return False
            if self.pm_after.match(ftext, m.end):
                m.extra["pm"] = True
            if g.get("cue") and self._time_is_duration(g, ftext, m):
                m.extra["duration"] = True
        if name == "month":
            i = m.extra.get("mon_start", m.start)
            if text[i:i + 1].isupper() and not re.search(r"(?:^|[.!?\n]\s{0,3})$", text[max(0, i - 4):i]):
                return False  # French month names are lower case: "Mars" mid-sentence is the planet
        return True

    def _time_is_duration(self, g: dict, ftext: str, m: Match) -> bool:
        pre = (g.get("cue") or "").strip()
        if pre in ("de", "d'"):
            return not re.match(r"(?:\s{1,3}(?:a|jusqu'a)\s{1,3}|\s{0,2}[-–]\s{0,2})\d", ftext[m.end:m.end + 16])
        return pre not in ("des", "les", "ces", "quelque")

    def _is_en_month(self, form: str) -> bool:
        return form in ("may", "march", "june", "july", "august", "april", "january", "february",
                        "september", "october", "november", "december", "jan.", "feb.", "apr.", "aug.", "sep.")

    @staticmethod
    def _day_num(s: str | None) -> int | None:
        if not s:
            return None
        s = s.replace(" ", "")
        if s in ("1er", "premier"):
            return 1
        return int(s) if s.isdigit() else None

    # ------------------------------------------------------------------ resolution

    def _resolve_absolute(self, m: Match) -> Res | None:
        """Values that need no anchor; None for anchor-dependent expressions."""
        g, name = m.groups, m.rule
        if name in ("date_full", "date_en", "date_num", "date_iso") and g.get("year"):
            y = int(g["year"])
            if len(g["year"]) == 2:
                y += 2000 if y < 50 else 1900
            mon = self.months[g["mon"]] if g["mon"] in self.months else int(g["mon"])
            d = _safe_date(y, mon, self._day_num(g["day"]) or 0)
            return _day(d, part=self.parts.get(g.get("part") or "")) if d else None
        if name == "range_day" and g.get("y2"):
            d2 = _safe_date(int(g["y2"]), self.months[g["m2"]], self._day_num(g["d2"]) or 0)
            y1 = int(g["y1"] or g["y2"])
            m1 = self.months[g["m1"]] if g.get("m1") else self.months[g["m2"]]
            d1 = _safe_date(y1, m1, self._day_num(g["d1"]) or 0)
            if d1 and d2:
                return _day(d1, end=d2 if g.get("rng") else None)  # "du 12 au 15": a range; "les 15 et 16": a list
            return None
        if name == "month_year":
            return _month(int(g["year"]), self.months[g["mon"]])
        if name == "holiday" and g.get("year"):
            mo_, d_ = (int(x) for x in self.holidays[g["hol"]].split("-"))
            d = _safe_date(int(g["year"]), mo_, d_)
            return _day(d) if d else None
        if name == "year":
            return _year(int(g["year"]))
        if name == "quarter":
            q = self.ordinals.get(g["ord"], 0)
            if not 1 <= q <= 4:
                return None
            y = int(g["year"])
            return Res("DATE", f"{y}-Q{q}", f"{y}-{3 * q - 2:02d}", "quarter", f"{y}-{3 * q:02d}")
        if name == "semester":
            h = 1 if g["ord"] in ("premier", "1er") else 2
            y = int(g["year"])
            return Res("DATE", f"{y}-H{h}", f"{y}-{6 * h - 5:02d}", "month", f"{y}-{6 * h:02d}")
        if name == "season_year":
            y = int(g["year"])
            return self._season(y, self.seasons[g["season"]])
        if name == "decade":
            d = g["dec"]
            y = int(d) if len(d) == 4 else (1900 + int(d) if int(d) >= 20 else 2000 + int(d))
            y -= y % 10
            return Res("DATE", str(y)[:3], str(y), "decade", str(y + 9))
        if name == "century":
            n = _roman(g["rom"])
            if not n or n > 21:
                return None
            return Res("DATE", f"{n - 1:02d}", f"{(n - 1) * 100:04d}", "century", f"{(n - 1) * 100 + 99:04d}")
        if name in ("duration", "duration_vague"):
            return self._duration(g.get("num"), g["unit"])
        if name == "set":
            if g.get("wd"):
                return Res("SET", f"XXXX-WXX-{self.weekdays[g['wd']]}")
            unit = g.get("unit") or ""
            if unit in ("matin", "soir"):
                return Res("SET", f"XXXX-XX-XXT{'MO' if unit == 'matin' else 'EV'}")
            n = self._num(g.get("num")) or "1"
            code = self.units.get(unit, "D")
            return Res("SET", self._period(n, code))
        if name == "ordinal_period":
            code = self.units.get(g["unit"], "Y")
            return Res("DURATION", self._period("1", code))
        if name == "time" and m.extra.get("duration"):
            return Res("DURATION", self._period(g["h"] + (f".{int(g['m']) * 100 // 60:02d}" if g.get("m") else ""), "H"))
        return None

    def _month_form(self, month: int) -> str:
        return next(f for f, v in self.months.items() if v == month)

    def _season(self, y: int, code: str) -> Res:
        a, b = SEASON_MONTHS[code]
        end_y = y + 1 if b < a else y
        return Res("DATE", f"{y}-{code}", f"{y}-{a:02d}", "season", f"{end_y}-{b:02d}")

    def _num(self, s: str | None) -> str | None:
        if s is None:
            return None
        if s[:1].isdigit():
            return s.replace(",", ".")
        if s in self.numbers:
            return self.numbers[s]
        total = 0  # compound number words: "quarante cinq", "vingt et un", "quatre-vingt-dix"
        for part in re.split(r"[- ]", s.replace("quatre-vingt", "quatrevingt")):
            if part in ("et", ""):
                continue
            if part in ("quatrevingt", "quatrevingts"):
                total += 80
            elif self.numbers.get(part, "").isdigit():
                total += int(self.numbers[part])
            else:
                return None
        return str(total) if total else None

    @staticmethod
    def _period(n: str, code: str) -> str:
        if code in ("H", "MIN", "S"):
            return f"PT{n}{'M' if code == 'MIN' else code}"
        if code == "Q":
            return f"P{int(n) * 3 if n != 'X' else 'X'}M"
        return f"P{n}{code}"

    def _duration(self, num: str | None, unit: str) -> Res | None:
        n = self._num(num) if num not in ("des",) else "X"
        if n is None:
            return None
        code = self.units.get(unit) or self.units.get(unit.rstrip("s")) or "D"
        return Res("DURATION", self._period(n, code))

    def _resolve_relative(self, m: Match, anc: Anchor, ref: date | None) -> Res | None:
        g, name = m.groups, m.rule
        direction = m.direction
        day = anc.day
        if name in ("date_full", "date_en"):
            mon = self.months[g["mon"]]
            dnum = self._day_num(g["day"]) or 0
            wd = self.weekdays.get(g.get("wd") or "")
            if not anc.year:
                return Res("DATE", f"XXXX-{mon:02d}-{dnum:02d}", None, None, None, direction)
            base = day or date(anc.year, anc.month or 7, 1 if anc.month else 1)
            opts = [d for y in (anc.year - 1, anc.year, anc.year + 1) if (d := _safe_date(y, mon, dnum))]
            if not opts:
                return None
            if wd:
                good = [d for d in opts if d.isoweekday() == wd]
                opts = good or opts
            if not day and not wd:
                d = _safe_date(anc.year, mon, dnum)
                return _day(d) if d else None
            rmod = self.mods.get(g.get("rmod") or "")
            if rmod and day:
                directional = [d for d in opts if (d < day if rmod < 0 else d > day)]
                opts = directional or opts
            best = min(opts, key=lambda d: abs((d - base).days))
            return _day(best, part=self.parts.get(g.get("part") or ""), direction=direction)
        if name == "holiday":
            mo_, d_ = (int(x) for x in self.holidays[g["hol"]].split("-"))
            return self._resolve_relative(Match("date_full", 0, 0, {"day": str(d_), "mon": self._month_form(mo_)}),
                                          anc, ref)
        if name == "range_day":
            d2 = self._resolve_relative(Match("date_full", 0, 0, {"day": g["d2"], "mon": g["m2"]}), anc, ref)
            if d2 is None or not d2.date or len(d2.date) != 10:
                return d2
            e = date.fromisoformat(d2.date)
            d1 = _safe_date(e.year, self.months[g["m1"]] if g.get("m1") else e.month, self._day_num(g["d1"]) or 0)
            if d1 and d1 > e:
                d1 = _safe_date(e.year - 1, d1.month, d1.day)
            return _day(d1, end=e if g.get("rng") else None) if d1 else None
        if name == "month":
            mon = self.months[g["mon"]]
            if not anc.year:
                return Res("DATE", f"XXXX-{mon:02d}", None, None, None, direction)
            y = anc.year
            am = anc.month
            rmod = self.mods.get(g.get("rmod") or "")
            if rmod and am:
                direction = "past" if rmod < 0 else "future"
                if rmod < 0 and mon >= am:
                    y -= 1
                elif rmod > 0 and mon <= am:
                    y += 1
                return _month(y, mon, direction)
            if am:
                if direction == "past" and mon > am:
                    y -= 1
                elif direction == "future" and mon < am:
                    y += 1
            return _month(y, mon, direction)
        if name == "weekday_day":
            dnum = self._day_num(g["day"]) or 0
            wd = self.weekdays[g["wd"]]
            if not day:
                return Res("DATE", f"XXXX-XX-{dnum:02d}", None, None, None, direction)
            opts = []
            for k in (-1, 0, 1):
                y, mo = _add_months(day.year, day.month, k)
                d = _safe_date(y, mo, dnum)
                if d:
                    opts.append(d)
            good = [d for d in opts if d.isoweekday() == wd] or opts
            if not good:
                return None
            return _day(min(good, key=lambda d: abs((d - day).days)))
        if name in ("weekday", "night_span"):
            wd = self.weekdays[g["wd"]]
            part = self.parts.get(g.get("part") or "") if name == "weekday" else "NI"
            mod = self.mods.get(g.get("mod") or g.get("mod2") or "")
            if mod:
                direction = "past" if mod < 0 else "future"
            if not day:
                return Res("TIME" if part else "DATE", f"XXXX-WXX-{wd}" + (f"T{part}" if part else ""),
                           None, None, None, direction)
            aw = day.isoweekday()
            if mod == -1:
                d = day - timedelta(days=(aw - wd) % 7 or 7)
            elif mod == 1:
                d = day + timedelta(days=(wd - aw) % 7 or 7)
            elif direction == "future":
                d = day + timedelta(days=(wd - aw) % 7)
            else:
                d = day - timedelta(days=(aw - wd) % 7)
                direction = direction or "past"
            return _day(d, part=part, direction=direction)
        if name == "relday":
            off = self.reldays[g["rel"]]
            part = self.parts.get(g.get("part") or "")
            direction = "past" if off < 0 else "future" if off > 0 else None
            if not day:
                return Res("TIME" if part else "DATE", "XXXX-XX-XX" + (f"T{part}" if part else ""), None, None, None,
                           direction)
            return _day(day + timedelta(days=off), part=part, direction=direction)
        if name in ("period_edge", "midday"):
            if name == "midday":
                return _day(day, part="MI") if day else Res("TIME", "XXXX-XX-XXT12:00")
            unit = {"annee": "an", "mois": "mois", "semaine": "semaine"}[g["unit"]]
            if g.get("mod"):
                return self._rel_unit({"unit": unit, "mod": g["mod"]}, anc)
            return self._rel_unit({"unit2": unit, "this": "ce"}, anc)
        if name == "this_part":
            part = self.parts.get(g["part"])
            if not day:
                return Res("TIME", f"XXXX-XX-XXT{part}")
            return _day(day, part=part)
        if name == "anaphoric":
            base = ref or day
            off = -1 if g.get("veille") else 1
            part = self.parts.get(g.get("part") or "")
            if not base or g.get("of") is not None:  # "la veille du sommet": relative to an event
                return Res("TIME" if part else "DATE", "XXXX-XX-XX", None, None, None, None)
            return _day(base + timedelta(days=off), part=part)
        if name in ("rel_unit", "rel_unit_en"):
            return self._rel_unit(g, anc)
        if name in ("ago", "ago_en", "in", "offset"):
            n = self._num(g["num"])
            code = self.units.get(g["unit"]) or self.units.get(g["unit"].rstrip("s"), "D")
            if name == "offset":
                sign = -1 if g["dir"].replace(" ", "").startswith(("avant", "auparavant", "plustot")) else 1
                base = ref or day
                direction = None
                prec = m.extra.get("ref_precision") if ref else "day"
                if n == "X" or n is None:
                    return Res("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", None, None, None, direction)
                if ref and prec != "day" and code in ("D", "W", "H", "MIN", "S"):
                    return Res("DATE", "XXXX-XX-XX", None, None, None, None)  # no day to count from
                if ref and prec == "year" and code == "M":
                    return Res("DATE", "XXXX-XX", None, None, None, None)
            else:
                sign = -1 if name.startswith("ago") else 1
                base = day
                direction = "past" if sign < 0 else "future"
            if n == "X" or n is None:
                return Res("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", None, None, None, direction)
            if base is None and not (anc.year and code == "Y"):
                return Res("DATE", "XXXX-XX-XX", None, None, None, direction)
            k = sign * int(float(n))
            if code == "Y":
                return _year((base.year if base else anc.year) + k, direction)
            if base is None:
                return None
            if code == "D":
                return _day(base + timedelta(days=k), direction=direction)
            if code == "W":
                return _week(base + timedelta(weeks=k), direction)
            if code == "M":
                y, mo = _add_months(base.year, base.month, k)
                return _month(y, mo, direction)
            if code in ("H", "MIN", "S"):
                return _day(base, direction=direction)
            return None
        if name == "time" or name == "midnoon":
            if name == "midnoon":
                hh, mm = (12, 0) if g.get("mm") == "midi" else (24, 0)
            else:
                hh, mm = int(g["h"]), int(g.get("m") or g.get("m2") or 0)
                if hh < 12 and m.extra.get("pm"):
                    hh += 12
            base = ref or day
            if base and ref and m.extra.get("after_night") and hh < 12:
                base = base + timedelta(days=1)  # "la nuit de vendredi à samedi à trois heures": Saturday
            t = f"T{hh:02d}:{mm:02d}"
            if not base:
                return Res("TIME", "XXXX-XX-XX" + t)
            return Res("TIME", base.isoformat() + t, base.isoformat(), "day")
        return None

    def _rel_unit(self, g: dict, anc: Anchor) -> Res | None:
        unit = g.get("unit") or g.get("unit2") or ""
        modw = g.get("mod") or ""
        k = 0 if modw in ("this", "") or g.get("this") else (self.mods.get(modw) or 0)
        direction = "past" if k < 0 else "future" if k > 0 else None
        day = anc.day
        if unit in ("semaine", "week"):
            if not day:
                return Res("DATE", "XXXX-WXX", None, None, None, direction)
            return _week(day + timedelta(weeks=k), direction)
        if unit in ("week-end", "weekend"):
            if not day:
                return Res("DATE", "XXXX-WXX-WE", None, None, None, direction)
            sat = _monday(day) + timedelta(days=5, weeks=k)
            return Res("DATE", _week_value(sat) + "-WE", sat.isoformat(), "week",
                       (sat + timedelta(days=1)).isoformat(), direction)
        if unit in ("mois", "month"):
            if not (anc.year and anc.month):
                return Res("DATE", "XXXX-XX", None, None, None, direction)
            y, m = _add_months(anc.year, anc.month, k)
            return _month(y, m, direction)
        if unit in ("annee", "an", "year"):
            if not anc.year:
                return Res("DATE", "XXXX", None, None, None, direction)
            return _year(anc.year + k, direction)
        if unit == "trimestre":
            if not (anc.year and anc.month):
                return Res("DATE", "XXXX-QX", None, None, None, direction)
            y, m = _add_months(anc.year, anc.month, 3 * k)
            q = (m - 1) // 3 + 1
            return Res("DATE", f"{y}-Q{q}", f"{y}-{3 * q - 2:02d}", "quarter", f"{y}-{3 * q:02d}", direction)
        if unit in self.seasons:
            code = self.seasons[unit]
            if not anc.year:
                return Res("DATE", f"XXXX-{code}", None, None, None, direction)
            a, b = SEASON_MONTHS[code]
            y = anc.year
            am = anc.month or 7
            if code == "WI" and am <= 2:
                y -= 1  # January 2024 is in winter 2023
            if k < 0 and (code == "WI" or am <= b):
                y -= 1 if not (code == "WI" and am <= 2) else 0
            elif k > 0 and (code == "WI" or am >= a):
                y += 1
            return Res(**{**self._season(y, code).__dict__, "direction": direction})
        return None

    # ------------------------------------------------------------------ tense

    def _direction(self, m: Match, text: str, sdoc) -> str | None:
        """past | future for expressions whose resolution depends on the tense, else None."""
        if m.rule not in ("weekday", "month", "date_full", "date_en", "night_span"):
            return None
        if m.rule == "weekday" and (m.groups.get("mod") or m.groups.get("mod2")):
            return None
        if sdoc is not None:
            d = self._direction_parse(sdoc, m.start, m.end)
            if d:
                return d
        return self._direction_regex(text, m.start, m.end)

    def _direction_parse(self, sdoc, start: int, end: int) -> str | None:
        span = sdoc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        tok = span.root
        verb = None
        seen = 0
        t = tok.head
        while seen < 12:
            seen += 1
            if t.pos_ in ("VERB", "AUX") or (t.pos_ == "ADJ" and t.lemma_ in ("prévu", "programmé")):
                verb = t
                break
            if t.head is t:
                break
            t = t.head
        if verb is None:
            return None
        return self._verb_direction(verb)

    def _verb_direction(self, v) -> str | None:
        lemma = fold(v.lemma_)
        if fold(v.text) in ("prevu", "prevue", "prevus", "prevues", "programme", "programmee", "attendu", "attendue"):
            return "future"
        tense = v.morph.get("Tense")
        form = v.morph.get("VerbForm")
        aux = [c for c in v.children if c.dep_.startswith("aux")]
        for a in aux:
            if "Fut" in a.morph.get("Tense"):
                return "future"
            if fold(a.lemma_) in self.future_lemmas and fold(a.lemma_) != "pouvoir" and "Inf" in form:
                return "future"
        if "Fut" in tense:
            return "future"
        if "Inf" in form:
            h = v.head
            hops = 0
            while h is not v and hops < 3:
                hl = fold(h.lemma_)
                if hl in self.future_lemmas or "Fut" in h.morph.get("Tense"):
                    return "future"
                if h.pos_ not in ("VERB", "AUX") or h.head is h:
                    break
                v, h = h, h.head
                hops += 1
            return None
        if lemma in self.future_lemmas and lemma in ("devoir", "aller", "prevoir") and "Pres" in tense:
            return "future" if any("Inf" in c.morph.get("VerbForm") for c in v.children) else None
        if "Part" in form and aux:
            return "past"
        if "Past" in tense or "Imp" in tense:
            return "past"
        return None

    def _direction_regex(self, text: str, start: int, end: int) -> str | None:
        lo = max(0, start - 160)
        hi = min(len(text), end + 80)
        window = text[lo:hi].lower().replace("\u2019", "'")
        rel_s, rel_e = start - lo, end - lo
        cut = 0
        for mo in self.clause_rx.finditer(window, 0, rel_s):
            cut = mo.end()
        nxt = self.clause_rx.search(window, rel_e)
        stop = nxt.start() if nxt else len(window)
        clause = window[cut:stop]
        fclause = fold_same_length(clause)
        pos = rel_s - cut
        best: tuple[int, str] | None = None
        for mo in self.future_rx.finditer(fclause):
            dist = abs(mo.start() - pos)
            if best is None or dist < best[0]:
                best = (dist, "future")
        for mo in self.past_rx.finditer(clause):
            dist = abs(mo.start() - pos)
            if best is None or dist < best[0]:
                best = (dist, "past")
        return best[1] if best else None

    # ------------------------------------------------------------------ article date

    def _infer_published(self, text: str, ftext: str, matches: list[Match]) -> Published | None:
        full, months, years = [], [], []
        for m in matches:
            r = m.res
            if r is None or r.type != "DATE" or not r.date:
                continue
            if r.precision == "day" and m.rule in ("date_full", "date_en", "date_num", "date_iso"):
                line_start = ftext.rfind("\n", 0, m.start) + 1
                before = ftext[line_start:m.start]
                after = ftext[m.end:m.end + 20]
                if re.search(r"(?<![\w])ce\s{1,3}$", ftext[max(0, m.start - 5):m.start]) or (
                        self.dateline_rx.match(before) and self.after_dateline_rx.match(after)):
                    return Published(r.date, "day", "text")
                full.append((m.start, r.date))
            elif r.precision == "month" and m.rule == "month_year":
                months.append((m.start, r.date))
            elif r.precision == "year" and m.rule == "year":
                years.append((m.start, r.date))
        for items, prec, region in ((full, "day", TOP_REGION), (months, "month", TOP_REGION),
                                    (years, "year", TOP_REGION_YEAR)):
            top = [v for s, v in items if s < region]
            if top:
                return Published(max(top), prec, "text")
        for items, coarse in ((full, "month"), (months, "year")):  # a bare year deep in the body is history
            if items:
                best = max(v for _s, v in items)
                value = best[:7] if coarse == "month" else best[:4]
                return Published(value, coarse, "text")
        return None

    # ------------------------------------------------------------------ sentences

    @staticmethod
    def _sentence_bounds(doc: Document, text: str) -> list[int]:
        if doc.sentences:
            return [s.start for s in doc.sentences]
        starts = [0]
        for mo in re.finditer(r"[.!?]\s{1,5}(?=[A-ZÀ-Ý«\"\d])|\n", text):
            starts.append(mo.end())
        return starts

    @staticmethod
    def _sentence_index(bounds: list[int], offset: int) -> int:
        import bisect

        return bisect.bisect_right(bounds, offset) - 1


# --------------------------------------------------------------------------- module functions


def resolve_relative(doc: Document, anchor: str, tagger: TimexTagger | None = None) -> list[Timex]:
    """Re-resolve the timexes of `doc` against a new anchor date (e.g. a cross-document date).

    Re-runs the tagger on the text with the anchor forced; `doc.published` is left as it is.
    """
    tagger = tagger or TimexTagger()
    return tagger.tag(doc, anchor=anchor)


_CLAUSE_BREAK = re.compile(
    r"[;:()«»\n]|\b(?:mais|alors que|tandis que|car|puis|lorsque|quand|après que|avant que|bien que|si bien que)\b"
    r"|,\s{0,3}(?:qui|que|dont|où|et|selon|a-t-il|a-t-elle)\b")


def timex_date(t: Timex) -> DateValue | None:
    """The event date a timex gives (None for durations, sets and unresolved values)."""
    if t.type not in ("DATE", "TIME") or not t.date:
        return None
    return DateValue(value=t.date, precision=t.precision or precision_of_iso(t.date), end=t.end_date)


def attach_date(doc: Document, start: int, end: int) -> DateValue | None:
    """The date of an event whose trigger is `doc.text[start:end]`.

    1. A timex whose dependency head chain reaches the trigger (same clause), the closest in the chain
       (through a noun only when it agrees with the trigger's tense);
    2. else the nearest timex of the same sentence with no clause boundary between it and the trigger
       and whose time agrees with the trigger's tense (a past verb is not dated by a coming day, nor a
       future one by a past day);
    3. else the date the paragraph's narrative is at: the last day-precise timex of the one or two
       sentences before it in the same paragraph, when it is a day of the article's week ("Hier,
       l'armée a frappé Kiev. Les frappes ont visé …", "ont-ils souligné" after the dated sentence);
    4. else the article date, marked as a fallback by a coarser precision: a day-precise publication
       date becomes `DateValue(value=<published day>, precision="week")` (the event is reported that
       week, on or before that day); month/year-precise publication dates keep their precision;
       its `basis` is "reported" (the text gives no date), where 1–2 give "text" and 3 "context";
    5. None when the article has no date.
    Durations and sets never become event dates.
    """
    usable = [t for t in doc.timexes if timex_date(t) is not None]
    sent = doc.sentence_at(start)
    s_lo, s_hi = (sent.start, sent.end) if sent else _fallback_sentence(doc.text, start)
    in_sent = [t for t in usable if t.start >= s_lo and t.end <= s_hi and not (t.start < end and start < t.end)]
    sdoc = getattr(doc, "spacy_doc", None)
    # the trigger's tense is read only when a timex of its sentence could date it
    tense = _trigger_tense(sdoc, start, end) if sdoc is not None and in_sent else None
    pub_day = _iso_day(doc.published.value if doc.published else None)
    if in_sent and sdoc is not None:
        found = _attached_by_parse(sdoc, start, end, in_sent, lambda t: _tense_agrees(tense, t, pub_day))
        if found is not None:
            return _based(timex_date(found), "text")
    best: tuple[int, Timex] | None = None
    for t in in_sent:
        lo, hi = (t.end, start) if t.end <= start else (end, t.start)
        if _CLAUSE_BREAK.search(doc.text[lo:hi]):
            continue
        if not _tense_agrees(tense, t, pub_day):
            continue  # "a annoncé qu'il se rendra à Moscou le 20": a past act is not dated by a coming day
        dist = hi - lo
        if best is None or dist < best[0]:
            best = (dist, t)
    if best is not None:
        return _based(timex_date(best[1]), "text")
    carried = _paragraph_date(doc, usable, s_lo)
    if carried is not None:
        return _based(carried, "context")
    pub = doc.published
    if not pub or not pub.value:
        return None
    precision = pub.precision or precision_of_iso(pub.value)
    return DateValue(value=pub.value, precision="week" if precision == "day" else precision, end=None,
                     basis="reported")


def _based(dv: DateValue | None, basis: str) -> DateValue | None:
    return None if dv is None else replace(dv, basis=basis)


#: how many sentences back a paragraph's date carries over to an undated event
CARRY_SENTENCES = 2


def _paragraph_date(doc: Document, usable: list[Timex], sent_start: int) -> DateValue | None:
    """The last day-precise date of the previous sentences of the same paragraph (none across a line
    break), if one of the `CARRY_SENTENCES` sentences just before holds one."""
    before = [s for s in doc.sentences if s.end <= sent_start]
    for s in reversed(before[-CARRY_SENTENCES:]):
        if "\n" in doc.text[s.end:sent_start]:
            return None  # another paragraph
        dated = [t for t in usable if s.start <= t.start < s.end]
        if dated:
            # the nearest dated sentence decides: "Depuis 2000, le pays a changé." stops "mardi" before it
            if dated[-1].precision != "day" or dated[-1].type not in ("DATE", "TIME"):
                return None
            dv = timex_date(dated[-1])
            # only the news cycle's own days carry over: a background date ("où Merah a tué le 19 mars
            # dernier") or a coming one ("auront lieu du 27 juillet …") frames its own clause only
            return dv if dv is not None and _recent(dv, doc) else None
    return None


#: days before the article date within which a narrative date carries to the next sentences
CARRY_DAYS = 7


def _recent(dv: DateValue, doc: Document) -> bool:
    pub, day = _iso_day(doc.published.value if doc.published else None), _iso_day(dv.value)
    return pub is not None and day is not None and 0 <= (pub - day).days <= CARRY_DAYS


def _fallback_sentence(text: str, offset: int) -> tuple[int, int]:
    lo = max(text.rfind(".", 0, offset), text.rfind("\n", 0, offset)) + 1
    hi_candidates = [i for i in (text.find(".", offset), text.find("\n", offset)) if i >= 0]
    return lo, (min(hi_candidates) + 1 if hi_candidates else len(text))


def _iso_day(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _trigger_tense(sdoc, start: int, end: int) -> str | None:
    """"past" or "future" for the verb of the trigger's clause (the trigger itself, or the verb a
    nominal trigger depends on), from the parse's morphology; None when it says nothing."""
    trig = sdoc.char_span(start, end, alignment_mode="expand")
    if trig is None or len(trig) == 0:
        return None
    verb = trig.root
    if verb.pos_ not in ("VERB", "AUX") and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    forms = [verb, *(c for c in verb.children if c.dep_ in ("aux:tense", "aux:pass"))]
    tenses = {t for f in forms for t in f.morph.get("Tense")}
    if "Fut" in tenses:
        return "future"
    if any(c.dep_ == "aux:tense" for c in verb.children) or tenses & {"Past", "Imp"} and "Part" not in \
            verb.morph.get("VerbForm"):
        return "past"
    return None


def _tense_agrees(tense: str | None, t: Timex, pub: date | None) -> bool:
    day = _iso_day(t.date)
    if tense is None or pub is None or day is None or t.precision != "day":
        return True
    return not (tense == "past" and day > pub or tense == "future" and day < pub)


def _attached_by_parse(sdoc, start: int, end: int, timexes: list[Timex],
                       agrees: Callable[[Timex], bool] = lambda t: True) -> Timex | None:
    """The timex whose head chain reaches the trigger, closest first; one reached through a noun
    (depth 2 or more: "a quitté Moscou pour le sommet de dimanche prochain") must agree with the
    trigger's tense."""
    trig = sdoc.char_span(start, end, alignment_mode="expand")
    if trig is None or len(trig) == 0:
        return None
    trig_tok = trig.root
    best: tuple[int, Timex] | None = None
    for t in timexes:
        span = sdoc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        tok = span.root
        depth = 0
        while depth < 10:
            if tok.i == trig_tok.i:
                break
            if tok.head is tok:
                depth = -1
                break
            tok = tok.head
            depth += 1
        if depth <= 0 or depth >= 10 or tok.i != trig_tok.i:
            continue
        if depth > 1 and not agrees(t):
            continue
        if best is None or depth < best[0]:
            best = (depth, t)
    return best[1] if best else None
