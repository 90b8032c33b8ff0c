"""The grammar of the `timex` stage: one rule object per family of expressions, and the table of them.

A family ("hier / demain", "il y a N jours", "mardi 12 septembre 2023", a clock time …) is one
`TimexRule` subclass holding everything about it:

- `pattern()`: its regex over the folded text, built from the `Fragments` of the lexicon
  (`veille.timex_lexicon`: weekday names, month names, number words … all read from
  `data/<lang>/timex_lexicon.tsv`);
- `candidates()`: the matches a regex hit gives (a list of days gives one per day, a number + unit
  followed by "plus tard" becomes an `offset`), and `accept()`: the checks made on each;
- `absolute()`: the value when the expression needs no anchor ("12 septembre 2023", "trois jours");
- `relative()`: the value against the article date (`Anchor`), the tense the expression was read
  with (`match.direction`) and, for anaphoric ones, the day the narrative is at (`ref`);
- a few class attributes the tagger reads (does the tense decide it, does it tell the article date …).

`TIMEX_RULES` lists the families in priority order: among overlapping candidates the longest wins,
then the earlier family. Adding a family is one class added to that table; `TimexTagger(rules=…)`
takes another table. Rules are built once per tagger (`rule_class(lexicon)`), then only called.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import ClassVar, Literal

from .timex_lexicon import (
    SEASON_MONTHS,
    Anchor,
    Fragments,
    Match,
    Res,
    TimexLexicon,
    _add_months,
    _alt,
    _day,
    _day_num,
    _in_order,
    _monday,
    _month,
    _period,
    _roman,
    _safe_date,
    _season,
    _unknown,
    _week,
    _week_value,
    _year,
)

# --------------------------------------------------------------------------- the rule object


class TimexRule:
    """One family of temporal expressions. Subclasses set `name` and override what they need."""

    #: the family's name: the `rule` of the timexes it gives
    name: ClassVar[str] = ""
    #: the pattern opens with a start-of-word test the scanner may make on each hit instead (see
    #: `veille.timex.WordStartPattern`); False where the body also matches inside many words ("mai"
    #: in "domaine"), which would make that slower
    word_start: ClassVar[bool] = True
    #: the match starts with a digit: rejected after a letter, a digit or "-" (see `after_dash`)
    digit_start: ClassVar[bool] = False
    #: the span starts at the first of these groups that matched (context words before it excluded)
    span_from: ClassVar[tuple[str, ...]] = ()
    #: its value depends on the tense of the governing verb ("mardi": the last or the next one)
    tense_dependent: ClassVar[bool] = False
    #: "day" / "month" / "year": a resolved value of that precision is evidence for the article date
    article_date: ClassVar[str | None] = None
    #: a day date at the top of the text equal to the anchor is the dateline, not a narrative date
    dateline: ClassVar[bool] = False
    #: a night ("la nuit de vendredi à samedi"): a clock time after it before noon is the next day
    night: ClassVar[bool] = False
    #: which day `relative` gets as `ref`: "sentence" (the last day named in the same sentence),
    #: "narrative" (the last day named before), "clock" (this sentence or the `TIME_CARRY_SENTENCES`
    #: before), "last_date" (the last calendar date of any precision), "last_point" (the last day or
    #: clock time named, its value in `match.extra["ref_point"]`)
    reference: ClassVar[Literal["sentence", "narrative", "clock", "last_date", "last_point"]] = "sentence"

    def __init__(self, lexicon: TimexLexicon):
        self.lex = lexicon

    def pattern(self, f: Fragments) -> str | None:
        """The regex; None for a family whose matches another family's pattern produces."""
        return None

    def candidates(self, hit: re.Match[str], text: str, ftext: str) -> Iterator[Match]:
        """The matches one regex hit gives (each then goes through the `accept` of its family)."""
        start = hit.start()
        if self.digit_start and start > 0:
            prev = ftext[start - 1]
            if prev.isalnum() or prev in "_.,/:":
                return
            if prev == "-" and not self.after_dash(ftext[start - 2] if start > 1 else " "):
                return  # "2014-2015", "18 h-19 h" but not "COP-21"
        m = self.extend(Match(self.name, start, hit.end(), hit.groupdict()), hit, ftext)
        for gname in self.span_from:
            if hit.group(gname) is not None:
                m.start = hit.start(gname)
                break
        yield m

    def after_dash(self, before: str) -> bool:
        """Whether a digit-start match may follow a hyphen preceded by `before`."""
        return False

    def extend(self, m: Match, hit: re.Match[str], ftext: str) -> Match:
        """The match once the words around the hit are read (a cue, a prefix, a tail)."""
        return m

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        return True

    def wants_tense(self, m: Match) -> bool:
        """Whether the tense of the governing verb is read for this match (`match.direction`)."""
        return self.tense_dependent

    def absolute(self, m: Match) -> Res | None:
        """The value when no anchor is needed; None sends the match to `relative`."""
        return None

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        """The value against the article date, read with the tense in `m.direction`."""
        return None


def _valid_day(g: dict) -> bool:
    day = _day_num(g.get("day"))
    return bool(day) and day <= 31


def _resolve_day_month(lex: TimexLexicon, g: dict, anc: Anchor, direction: str | None) -> Res | None:
    """A day and month without a year ("le 15 septembre", "mardi 12 septembre"): the nearest such day
    to the anchor, of the right weekday, before / after it with "dernier" / "prochain"."""
    mon = lex.months[g["mon"]]
    dnum = _day_num(g["day"]) or 0
    wd = lex.weekdays.get(g.get("wd") or "")
    day = anc.day
    if not anc.year:
        return _unknown(f"XXXX-{mon:02d}-{dnum:02d}", direction)
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
    rmod = lex.mods.get(g.get("rmod") or "")
    if rmod and day:
        directional = [d for d in opts if (d < day if rmod < 0 else d > day)]
        opts = directional or opts
    best = min(opts, key=lambda d: abs((d - base).days))
    return _day(best, part=lex.parts.get(g.get("part") or ""), direction=direction)


def _full_date(lex: TimexLexicon, g: dict) -> Res | None:
    """A day, month and year ("12 septembre 2023", "12/09/23")."""
    if not g.get("year"):
        return None
    y = int(g["year"])
    if len(g["year"]) == 2:
        y += 2000 if y < 50 else 1900
    d = _safe_date(y, lex.month(g["mon"]), _day_num(g["day"]) or 0)
    return _day(d, part=lex.parts.get(g.get("part") or "")) if d else None


def _rel_unit(lex: TimexLexicon, g: dict, anc: Anchor) -> Res | None:
    """A calendar unit counted from the anchor's: "la semaine dernière", "ce mois-ci", "l'été prochain"."""
    unit = g.get("unit") or g.get("unit2") or ""
    modw = g.get("mod") or ""
    k = 0 if modw in ("this", "") or g.get("this") else (lex.mods.get(modw) or 0)
    direction = "past" if k < 0 else "future" if k > 0 else None
    day = anc.day
    if unit in ("semaine", "week"):
        if not day:
            return _unknown("XXXX-WXX", direction)
        return _week(day + timedelta(weeks=k), direction)
    if unit in ("week-end", "weekend"):
        if not day:
            return _unknown("XXXX-WXX-WE", direction)
        sat = _monday(day) + timedelta(days=5, weeks=k)
        return Res("DATE", _week_value(sat) + "-WE", sat.isoformat(), "week",
                   (sat + timedelta(days=1)).isoformat(), direction)
    if unit in ("mois", "month"):
        if not (anc.year and anc.month):
            return _unknown("XXXX-XX", direction)
        y, m = _add_months(anc.year, anc.month, k)
        return _month(y, m, direction)
    if unit in ("annee", "an", "year"):
        if not anc.year:
            return _unknown("XXXX", direction)
        return _year(anc.year + k, direction)
    if unit == "trimestre":
        if not (anc.year and anc.month):
            return _unknown("XXXX-QX", direction)
        y, m = _add_months(anc.year, anc.month, 3 * k)
        q = (m - 1) // 3 + 1
        return Res("DATE", f"{y}-Q{q}", f"{y}-{3 * q - 2:02d}", "quarter", f"{y}-{3 * q:02d}", direction)
    if unit in lex.seasons:
        code = lex.seasons[unit]
        if not anc.year:
            return _unknown(f"XXXX-{code}", direction)
        a, b = SEASON_MONTHS[code]
        y = anc.year
        am = anc.month or 7
        if code == "WI" and am <= 2:
            y -= 1  # January 2024 is in winter 2023
        if k < 0 and (code == "WI" or am <= b):
            y -= 1 if not (code == "WI" and am <= 2) else 0
        elif k > 0 and (code == "WI" or am >= a):
            y += 1
        return _season(y, code, direction)
    return None


def _count_from(lex: TimexLexicon, m: Match, anc: Anchor, base: date | None, sign: int,
                direction: str | None) -> Res | None:
    """N units before / after `base` ("il y a trois jours", "dans deux semaines", "deux ans plus tard")."""
    g = m.groups
    n = lex.number(g["num"])
    code = lex.units.get(g["unit"]) or lex.units.get(g["unit"].rstrip("s"), "D")
    if n == "X" or n is None:
        return _unknown("PAST_REF" if sign < 0 else "FUTURE_REF", direction)
    if base is None and not (anc.year and code == "Y"):
        return _unknown("XXXX-XX-XX", direction)
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


def _clock(base: date | None, hh: int, mm: int) -> Res:
    t = f"T{hh:02d}:{mm:02d}"
    if not base:
        return Res("TIME", "XXXX-XX-XX" + t)
    return Res("TIME", base.isoformat() + t, base.isoformat(), "day")


# --------------------------------------------------------------------------- absolute dates


class DayList(TimexRule):
    """"du 12 au 15 mars", "les 15 et 16 avril 2021": one timex per day, the first a range when two."""

    name = "range_day"

    def __init__(self, lexicon: TimexLexicon):
        super().__init__(lexicon)
        f = lexicon.fragments
        S = f.S
        self.list_item = re.compile(
            rf"(?P<d1>{f.DAY})(?:{S}(?P<m1>{f.MON}))?(?:{S}(?P<y1>{f.YEAR}))?\s{{0,2}}"
            rf"(?P<sep>,|-|–|et{S}le|et|ou|au|a)\s{{0,3}}")

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:(?P<pre>du|entre{S}le|les|le){S})?(?P<items>(?:{f.DAY}(?:{S}{f.MON})?(?:{S}{f.YEAR})?"
                rf"\s{{0,2}}(?:,|-|–|et{S}le|et|ou|au|a)\s{{0,3}}){{1,8}})"
                rf"(?P<d2>{f.DAY}){S}(?P<m2>{f.MON})(?:{S}(?P<y2>{f.YEAR})|{S}(?P<rmod>{f.MOD}))?{f.E}")

    def candidates(self, hit: re.Match[str], text: str, ftext: str) -> Iterator[Match]:
        g = hit.groupdict()
        items = list(self.list_item.finditer(ftext, hit.start("items"), hit.end("items")))
        pre = (g.get("pre") or "").split(" ")[0]
        for it in items:
            sep = it.group("sep")
            rng = len(items) == 1 and (sep in ("-", "–") or (pre in ("du", "entre") and sep != ","))
            ig = {**g, "d1": it.group("d1"), "m1": it.group("m1"), "y1": it.group("y1"),
                  "rng": "1" if rng else None}
            it_end = max(it.end(x) for x in ("d1", "m1", "y1") if it.group(x) is not None)
            yield Match(self.name, it.start(), it_end, ig)

    def absolute(self, m: Match) -> Res | None:
        g, months = m.groups, self.lex.months
        if not g.get("y2"):
            return None
        d2 = _safe_date(int(g["y2"]), months[g["m2"]], _day_num(g["d2"]) or 0)
        y1 = int(g["y1"] or g["y2"])
        m1 = months[g["m1"]] if g.get("m1") else months[g["m2"]]
        d1 = _safe_date(y1, m1, _day_num(g["d1"]) or 0)
        if d1 and d2:
            return _day(d1, end=d2 if g.get("rng") else None)  # "du 12 au 15": a range; "les 15 et 16": a list
        return None

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        g = m.groups
        # "les 3 et 4 mai derniers": the list's "derniers" places every day of it
        d2 = _resolve_day_month(self.lex, {"day": g["d2"], "mon": g["m2"], "rmod": g.get("rmod")}, anchor, None)
        if d2 is None or not d2.date or len(d2.date) != 10:
            return d2
        e = date.fromisoformat(d2.date)
        d1 = _safe_date(e.year, self.lex.months[g["m1"]] if g.get("m1") else e.month, _day_num(g["d1"]) or 0)
        if d1 and d1 > e:
            d1 = _safe_date(e.year - 1, d1.month, d1.day)
        return _day(d1, end=e if g.get("rng") else None) if d1 else None


class Holiday(TimexRule):
    """A fixed-date holiday: "la fête du travail", "Noël 2019"."""

    name = "holiday"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?P<hol>{f.HOL})(?:{f.S}(?P<year>{f.YEAR}){f.NE})?{f.E}"

    def _month_day(self, m: Match) -> tuple[int, int]:
        mo_, d_ = (int(x) for x in self.lex.holidays[m.groups["hol"]].split("-"))
        return mo_, d_

    def absolute(self, m: Match) -> Res | None:
        if not m.groups.get("year"):
            return None
        mo_, d_ = self._month_day(m)
        d = _safe_date(int(m.groups["year"]), mo_, d_)
        return _day(d) if d else None

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        mo_, d_ = self._month_day(m)
        return _resolve_day_month(self.lex, {"day": str(d_), "mon": self.lex.month_form(mo_)}, anchor, None)


class DayMonthDate(TimexRule):
    """"mardi 12 septembre 2023", "le 15 septembre", "le 19 mars dernier", "le 3 juin au soir"."""

    name = "date_full"
    tense_dependent = True
    article_date = "day"
    dateline = True

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"(?<![\w])(?:(?P<wd>{f.WD}),?{S})?(?P<day>{f.DAY}){S}(?P<mon>{f.MON})(?![\w-])"
                rf"(?:{S}(?P<year>{f.YEAR}){f.NE}|{S}(?P<rmod>{f.MOD}){f.E})?"
                rf"(?:{S}(?:au|dans{S}la|en){S}(?P<part>{f.PART}){f.E})?")

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        g = m.groups
        if not _valid_day(g):
            return False
        # "12 may" without a year: too ambiguous in French text
        return not (g.get("mon") in self.lex.months and g["mon"] in self.lex.english and not g.get("year"))

    def absolute(self, m: Match) -> Res | None:
        return _full_date(self.lex, m.groups)

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        return _resolve_day_month(self.lex, m.groups, anchor, m.direction)


class EnglishDate(DayMonthDate):
    """"September 13, 2023", "Tuesday, May 2"."""

    name = "date_en"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:(?P<wd>{f.WD_EN}),?{S})?(?P<mon>{f.MON_EN}){S}(?P<day>[0-3]?\d)(?:st|nd|rd|th)?{f.E}"
                rf"(?:,?{S}(?P<year>{f.YEAR}){f.NE})?")

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        return _valid_day(m.groups)


class NumericDate(TimexRule):
    """"12/09/2023", "12.09.23": day first, month first only when day first is impossible."""

    name = "date_num"
    digit_start = True
    article_date = "day"
    dateline = True

    def pattern(self, f: Fragments) -> str:
        return rf"(?P<day>[0-3]?\d)[/.](?P<mon>[01]?\d)[/.](?P<year>\d{{4}}|\d{{2}}){f.NE}"

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        g = m.groups
        if not _valid_day(g):
            return False
        day = _day_num(g["day"]) or 0
        if int(g["mon"]) > 12 and 1 <= day <= 12 and int(g["mon"]) <= 31:
            g["day"], g["mon"] = g["mon"], g["day"]  # US order "09/13/2023" in a quoted English text
            return True
        return 1 <= int(g["mon"]) <= 12

    def absolute(self, m: Match) -> Res | None:
        return _full_date(self.lex, m.groups)


class IsoDate(TimexRule):
    """"2023-09-14"."""

    name = "date_iso"
    digit_start = True
    article_date = "day"

    def pattern(self, f: Fragments) -> str:
        return rf"(?P<year>{f.YEAR})-(?P<mon>[01]\d)-(?P<day>[0-3]\d){f.NE}"

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        return _valid_day(m.groups) and 1 <= int(m.groups["mon"]) <= 12

    def absolute(self, m: Match) -> Res | None:
        return _full_date(self.lex, m.groups)


class MonthYear(TimexRule):
    """"septembre 2023", "début mai 2012"."""

    name = "month_year"
    article_date = "month"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:(?P<mod>{f.EDGE})(?:{S}|\s{{0,2}}-\s{{0,2}})(?:d'|de{S})?)?"
                rf"(?P<mon>{f.MON})(?![\w-]){S}(?:de{S}l'annee{S})?(?P<year>{f.YEAR}){f.NE}")

    def absolute(self, m: Match) -> Res | None:
        return _month(int(m.groups["year"]), self.lex.months[m.groups["mon"]])


class Month(TimexRule):
    """A French month after a preposition or "début / fin / mi": "en octobre", "fin juin", "mars dernier"."""

    name = "month"
    word_start = False
    span_from = ("mod", "mon")
    tense_dependent = True

    def pattern(self, f: Fragments) -> str:
        return (rf"{f.B}(?:(?P<prep>{f.MONTH_CUE})"
                rf"\s{{0,3}}|(?P<mod>{f.EDGE})(?:\s{{1,3}}|\s{{0,2}}-\s{{0,2}})(?:d'|de\s)?\s{{0,2}})"
                rf"(?P<mon>{f.MON_FR})(?![\w-])(?:{f.S}(?P<rmod>{f.MOD}){f.E})?")

    def extend(self, m: Match, hit: re.Match[str], ftext: str) -> Match:
        m.extra["mon_start"] = hit.start("mon")
        return m

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        i = m.extra.get("mon_start", m.start)
        # French month names are lower case: "Mars" mid-sentence is the planet
        return not (text[i:i + 1].isupper() and not re.search(r"(?:^|[.!?\n]\s{0,3})$", text[max(0, i - 4):i]))

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        g, direction = m.groups, m.direction
        mon = self.lex.months[g["mon"]]
        if not anchor.year:
            return _unknown(f"XXXX-{mon:02d}", direction)
        y = anchor.year
        am = anchor.month
        rmod = self.lex.mods.get(g.get("rmod") or "")
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


class Semester(TimexRule):
    """"le premier semestre 2020"."""

    name = "semester"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?P<ord>premier|1er|second|deuxieme){S}semestre{S}(?:de{S}|d'\s{{0,2}})?"
                rf"(?P<year>{f.YEAR}){f.NE}")

    def absolute(self, m: Match) -> Res | None:
        h = 1 if m.groups["ord"] in ("premier", "1er") else 2
        y = int(m.groups["year"])
        return Res("DATE", f"{y}-H{h}", f"{y}-{6 * h - 5:02d}", "month", f"{y}-{6 * h:02d}")


class Quarter(TimexRule):
    """"le premier trimestre 2019"."""

    name = "quarter"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return rf"{f.B}(?P<ord>{f.ORD}){S}trimestre{S}(?:de{S}|d'\s{{0,2}})?(?P<year>{f.YEAR}){f.NE}"

    def absolute(self, m: Match) -> Res | None:
        q = self.lex.ordinals.get(m.groups["ord"], 0)
        if not 1 <= q <= 4:
            return None
        y = int(m.groups["year"])
        return Res("DATE", f"{y}-Q{q}", f"{y}-{3 * q - 2:02d}", "quarter", f"{y}-{3 * q:02d}")


class SeasonYear(TimexRule):
    """"l'été 2018", "hiver de 2010"."""

    name = "season_year"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?P<season>{f.SEASON}){f.S}(?:de{f.S}|d'\s{{0,2}})?(?P<year>{f.YEAR}){f.NE}"

    def absolute(self, m: Match) -> Res | None:
        return _season(int(m.groups["year"]), self.lex.seasons[m.groups["season"]])


class Decade(TimexRule):
    """"les années 90", "les années 1980"."""

    name = "decade"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?:les{f.S})?annees{f.S}(?P<dec>\d{{2}}|1\d{{3}}|20\d{{2}}){f.NE}"

    def absolute(self, m: Match) -> Res | None:
        d = m.groups["dec"]
        y = int(d) if len(d) == 4 else (1900 + int(d) if int(d) >= 20 else 2000 + int(d))
        y -= y % 10
        return Res("DATE", str(y)[:3], str(y), "decade", str(y + 9))


class Century(TimexRule):
    """"au XXe siècle"."""

    name = "century"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?P<rom>[ivxl]{{1,7}})\s?(?:e|eme|ieme){f.S}siecle{f.E}"

    def absolute(self, m: Match) -> Res | None:
        n = _roman(m.groups["rom"])
        if not n or n > 21:
            return None
        return Res("DATE", f"{n - 1:02d}", f"{(n - 1) * 100:04d}", "century", f"{(n - 1) * 100 + 99:04d}")


class Year(TimexRule):
    """A bare year ("en 2000", "fin 2019", "l'an 2000"), not a count ("2000 personnes", "1 500")."""

    name = "year"
    digit_start = True
    article_date = "year"

    def __init__(self, lexicon: TimexLexicon):
        super().__init__(lexicon)
        S = lexicon.fragments.S
        self.prefix = re.compile(
            rf"(?<![\w-])(?:(?P<mod>{lexicon.fragments.EDGE})(?:{S}|\s{{0,2}}-\s{{0,2}}))?(?:(?P<lan>l'an|l'annee){S})?$")
        self.noun_after = re.compile(r"\s{1,3}([a-z]{4,})")
        self.cue_before = re.compile(
            r"(?:\ben|depuis|\bde|d'|\bdes|jusqu'en|avant|apres|entre|\bet|\ba|\bau|vers|fin|debut|mi-|l'an|annee|"
            r"[(,–-]|\bdu)\s{0,3}$")

    def pattern(self, f: Fragments) -> str:
        return rf"(?P<year>{f.YEAR}){f.NE}"

    def after_dash(self, before: str) -> bool:
        return before.isdigit()

    def extend(self, m: Match, hit: re.Match[str], ftext: str) -> Match:
        pre = self.prefix.search(ftext, max(0, m.start - 24), m.start)
        if pre and pre.group(0):
            m.groups["mod"], m.groups["lan"] = pre.group("mod"), pre.group("lan")
            m.start = pre.start()
        return m

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        g = m.groups
        y = int(g["year"])
        before = ftext[max(0, m.start - 14):m.start]
        if re.search(r"\d[\s\u00a0]$", before):
            return False  # thousands group: "1 500"
        if not g.get("mod") and not g.get("lan"):
            after = ftext[m.end:m.end + 24]
            if re.match(r"\s{0,2}(?:%|€|\$|euros?|dollars?|km|kg|m\b|h\b)", after):
                return False
            nxt = self.noun_after.match(after)
            cue = self.cue_before.search(before)
            if nxt and nxt.group(1).endswith(("s", "x")) and nxt.group(1) not in self.lex.year_next_ok and not cue:
                return False  # "2000 personnes"
            if not (1900 <= y <= 2099) and not cue:
                return False
        return True

    def absolute(self, m: Match) -> Res | None:
        return _year(int(m.groups["year"]))


class YearPair(TimexRule):
    """"la saison 2002/2003", "l'exercice 2001/2002": two years, one timex each (a slash is no part of
    either, as in French TimeBank); found here because a year rule match never touches a slash."""

    name = "year_pair"
    digit_start = True

    def pattern(self, f: Fragments) -> str:
        return rf"(?P<y1>{f.YEAR})\s{{0,1}}/\s{{0,1}}(?P<y2>{f.YEAR}){f.NE}"

    def candidates(self, hit: re.Match[str], text: str, ftext: str) -> Iterator[Match]:
        if int(hit.group("y2")) <= int(hit.group("y1")):
            return
        for _ in super().candidates(hit, text, ftext):  # the digit-start checks
            for g in ("y1", "y2"):
                yield Match("year", hit.start(g), hit.end(g), {"year": hit.group(g)})


# --------------------------------------------------------------------------- relative to the article date


class NamedDay(TimexRule):
    """"hier", "avant-hier", "demain matin", "aujourd'hui"."""

    name = "relday"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return rf"{f.B}(?P<rel>{f.REL})(?:{S}(?:au{S}|dans{S}l'|dans{S}la{S})?(?P<part>{f.PART}))?{f.E}"

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        off = self.lex.reldays[m.groups["rel"]]
        part = self.lex.parts.get(m.groups.get("part") or "")
        direction = "past" if off < 0 else "future" if off > 0 else None
        if not anchor.day:
            return _unknown("XXXX-XX-XX" + (f"T{part}" if part else ""), direction, "TIME" if part else "DATE")
        return _day(anchor.day + timedelta(days=off), part=part, direction=direction)


class ThisPartOfDay(TimexRule):
    """"ce matin", "cet après-midi", "cette nuit"."""

    name = "this_part"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?:ce|cette|cet){f.S}(?P<part>matin|matinee|apres-midi|soir|soiree|nuit){f.E}"

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        part = self.lex.parts.get(m.groups["part"])
        if not anchor.day:
            return Res("TIME", f"XXXX-XX-XXT{part}")
        return _day(anchor.day, part=part)


class LastNight(TimexRule):
    """"la nuit dernière": the night before the article date (TimeML TNI of the day before)."""

    name = "last_night"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}la{f.S}nuit{f.S}derniere{f.E}"

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        if not anchor.day:
            return Res("TIME", "XXXX-XX-XXTNI", direction="past")
        return _day(anchor.day - timedelta(days=1), part="NI", direction="past")


class PeriodEdge(TimexRule):
    """"fin de l'année", "début du mois dernier", "au milieu de la semaine"."""

    name = "period_edge"
    UNITS: ClassVar[dict[str, str]] = {"annee": "an", "mois": "mois", "semaine": "semaine"}

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:(?:la|le|en|au){S})?(?P<pos>fin|debut|milieu){S}(?:de{S}l'|de{S}la{S}|du{S}|d'|de{S})"
                rf"(?P<unit>annee|mois|semaine){f.E}(?:{S}(?P<mod>{f.MOD}){f.E})?(?!{S}(?:de{S}|d'|\d))")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        unit = self.UNITS[m.groups["unit"]]
        if m.groups.get("mod"):
            return _rel_unit(self.lex, {"unit": unit, "mod": m.groups["mod"]}, anchor)
        return _rel_unit(self.lex, {"unit2": unit, "this": "ce"}, anchor)


class NarrativePartOfDay(TimexRule):
    """"dans la soirée", "au cours de la nuit", "le matin même": a part of the day the narrative is at
    (the last day named before, else the article date). The span leaves out the preposition, as French
    TimeBank does ("dans [la soirée]"); "la nuit de vendredi à samedi" is a `night_span`."""

    name = "narrative_part"
    reference = "narrative"
    span_from = ("the", "same")
    #: "la journée" (TimeML DT) is no `part` row of the lexicon, which the other families read too
    DAYTIME: ClassVar[dict[str, str]] = {"journee": "DT"}

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:(?:dans|durant|pendant|au{S}cours{S}de|en{S}(?:debut|fin){S}de){S}"
                rf"(?P<the>(?:la{S}|l'\s{{0,2}})(?P<part>matinee|soiree|nuit|apres-midi|journee))"
                rf"(?!{S}(?:de|du|d'|des|precedente|suivante|derniere|prochaine)(?![\w-]))"
                rf"|(?P<same>le{S}(?P<part2>matin|soir)|la{S}(?P<part3>nuit)){S}meme){f.E}")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        g = m.groups
        word = g.get("part") or g.get("part2") or g.get("part3")
        part = self.lex.parts.get(word) or self.DAYTIME[word]
        base = ref or anchor.day
        if not base:
            return Res("TIME", f"XXXX-XX-XXT{part}")
        return _day(base, part=part)


class GenericSeason(TimexRule):
    """"en été", "au printemps": a season of no year said (TimeML `XXXX-SU`); "au printemps dernier"
    against the article date. "été" alone is a verb form, so only after "en"/"au". The span starts at the
    season word, as in French TimeBank."""

    name = "season"
    span_from = ("season",)

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:en{S}(?P<season>ete|hiver|automne)|au{S}(?P<spring>printemps))"
                rf"(?:{S}(?P<mod>{f.MOD}))?{f.E}(?!{S}(?:\d|de{S}\d|d')(?![\w-]))")

    def candidates(self, hit: re.Match[str], text: str, ftext: str) -> Iterator[Match]:
        for m in super().candidates(hit, text, ftext):
            if hit.group("spring") is not None:
                m.start, m.groups["season"] = hit.start("spring"), hit.group("spring")
            yield m

    def absolute(self, m: Match) -> Res | None:
        if m.groups.get("mod"):
            return None  # "au printemps dernier": against the article date
        return Res("DATE", f"XXXX-{self.lex.seasons[m.groups['season']]}")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        return _rel_unit(self.lex, {"unit": m.groups["season"], "mod": m.groups["mod"]}, anchor)


class SeasonPair(TimexRule):
    """"été comme hiver": two seasons of no year, one timex each (`season` matches), as French TimeBank
    marks them; "comme" is in neither."""

    name = "season_pair"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?P<s1>{f.SEASON}){f.S}comme{f.S}(?P<s2>{f.SEASON}){f.E}"

    def candidates(self, hit: re.Match[str], text: str, ftext: str) -> Iterator[Match]:
        for g in ("s1", "s2"):
            yield Match("season", hit.start(g), hit.end(g), {"season": hit.group(g), "mod": None})


class SeasonMonths(TimexRule):
    """"les mois d'été", "pendant les mois d'hiver": a season of no year (TimeML `XXXX-SU`), the whole
    noun phrase in the span as in French TimeBank."""

    name = "season_months"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return rf"{f.B}(?:les{S})?mois{S}(?:d'\s{{0,2}}|de{S})(?P<season>{f.SEASON}){f.E}"

    def absolute(self, m: Match) -> Res | None:
        return Res("DATE", f"XXXX-{self.lex.seasons[m.groups['season']]}")


class Midday(TimexRule):
    """"la mi-journée"."""

    name = "midday"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}la{f.S}mi-journee{f.E}"

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        return _day(anchor.day, part="MI") if anchor.day else Res("TIME", "XXXX-XX-XXT12:00")


class ThatMoment(TimexRule):
    """"à ce moment-là", "à cet instant-là": the last day or clock time the text named, value and all
    ("vers 15 h 30, hier … à ce moment-là" is 15:30 of that day); the preposition stays out of the span,
    as in French TimeBank."""

    name = "that_moment"
    reference = "last_point"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?:ce{f.S}moment|cet{f.S}instant)(?:-|\s{{1,2}})la{f.E}"

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        point = m.extra.get("ref_point")
        if point is None:
            return _unknown("XXXX-XX-XX")
        return Res(point.type, point.value, point.date, point.precision, point.end_date)


class DayBeforeAfter(TimexRule):
    """"la veille", "le lendemain matin": from the day the narrative is at; "la veille du sommet" is
    relative to an event, left unresolved."""

    name = "anaphoric"
    reference = "narrative"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:la{S}(?P<veille>veille)|le{S}(?P<lendemain>lendemain))(?:{S}(?:au{S})?(?P<part>{f.PART}))?"
                rf"{f.E}(?:(?={S}(?:de|du|des|d')(?![\w-]))(?P<of>))?")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        g = m.groups
        base = ref or anchor.day
        off = -1 if g.get("veille") else 1
        part = self.lex.parts.get(g.get("part") or "")
        if not base or g.get("of") is not None:  # "la veille du sommet": relative to an event
            return _unknown("XXXX-XX-XX", None, "TIME" if part else "DATE")
        return _day(base + timedelta(days=off), part=part)


class SameDay(TimexRule):
    """"le même jour", "le jour même", "ce jour-là", "le surlendemain", "l'avant-veille": the day the
    narrative is at (the last day named before, else the article date), or two days after or before
    it; "le surlendemain du scrutin" is relative to an event, left unresolved."""

    name = "same_day"
    reference = "narrative"
    #: day offsets of the words that count from the narrative's day
    OFFSETS: ClassVar[dict[str, int]] = {"surlendemain": 2, "avant-veille": -2}

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:(?:le|la|ce|cette){S}meme{S}(?:jour|journee)|(?:le|la){S}(?:jour|journee){S}meme"
                rf"|(?:ce|cette){S}(?:jour|journee)-la|le{S}(?P<off>surlendemain)|l'\s{{0,2}}(?P<off2>avant-veille))"
                rf"{f.E}(?:(?={S}(?:de|du|des|d')(?![\w-]))(?P<of>))?")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        g = m.groups
        base = ref or anchor.day
        if not base or g.get("of") is not None:
            return _unknown("XXXX-XX-XX")
        return _day(base + timedelta(days=self.OFFSETS.get(g.get("off") or g.get("off2") or "", 0)))


class SamePeriod(TimexRule):
    """"la même semaine", "le même mois", "cette année-là": the week, month or year of the last date
    the text named (of that precision or finer: "en 1914 … le même mois" has no month)."""

    name = "same_period"
    reference = "last_date"
    UNITS: ClassVar[dict[str, str]] = {"semaine": "week", "mois": "month", "annee": "year"}
    #: the precisions of a date that know each unit
    KNOWN: ClassVar[dict[str, tuple[str, ...]]] = {"week": ("day", "week"), "month": ("day", "month"),
                                                   "year": ("day", "week", "month", "season", "quarter", "year")}

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:(?:le|la|ce|cette){S}meme{S}(?P<unit>semaine|mois|annee)"
                rf"|(?:ce|cette){S}(?P<unit2>semaine|mois|annee)-la){f.E}")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        unit = self.UNITS[m.groups.get("unit") or m.groups.get("unit2") or "annee"]
        precision = m.extra.get("ref_precision")
        if ref is None or precision not in self.KNOWN[unit]:
            return _unknown({"week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX"}[unit])
        if unit == "week":
            return _week(ref)
        return _month(ref.year, ref.month) if unit == "month" else _year(ref.year)


def _weekday(lex: TimexLexicon, wd: int, part: str | None, mod: int | None, anc: Anchor,
             direction: str | None) -> Res:
    """A weekday: "mardi dernier" / "mardi prochain" strictly before / after the anchor; a bare one
    the last (past tense, the anchor's own weekday included) or the next (future tense)."""
    if mod:
        direction = "past" if mod < 0 else "future"
    day = anc.day
    if not day:
        return _unknown(f"XXXX-WXX-{wd}" + (f"T{part}" if part else ""), direction, "TIME" if part else "DATE")
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


class NightSpan(TimexRule):
    """"la nuit de vendredi à samedi": the first day's night."""

    name = "night_span"
    tense_dependent = True
    night = True

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return rf"{f.B}la{S}nuit{S}(?:de|du){S}(?P<wd>{f.WD}){S}(?:a|au){S}(?P<wd2>{f.WD}){f.E}"

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        return _weekday(self.lex, self.lex.weekdays[m.groups["wd"]], "NI", None, anchor, m.direction)


class WeekdayAndDay(TimexRule):
    """"samedi 14": the nearest 14th (this month, the one before or after) that is a Saturday."""

    name = "weekday_day"

    def pattern(self, f: Fragments) -> str:
        return (rf"{f.B}(?P<wd>{f.WD}){f.S}(?P<day>1\s?er|[0-3]?\d){f.NE}"
                rf"(?!\s{{0,3}}(?:{f.MON}|\d|h\b|heures?\b|%|[.,]\d))")

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        return _valid_day(m.groups)

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        dnum = _day_num(m.groups["day"]) or 0
        wd = self.lex.weekdays[m.groups["wd"]]
        day = anchor.day
        if not day:
            return _unknown(f"XXXX-XX-{dnum:02d}", m.direction)
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


class Weekday(TimexRule):
    """"mardi", "ce vendredi", "lundi dernier", "dimanche matin", "jeudi prochain au soir"."""

    name = "weekday"
    tense_dependent = True

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:(?P<this>ce){S})?(?P<wd>{f.WD}){f.E}(?:{S}(?P<mod>{f.MOD}){f.E})?"
                rf"(?:{S}(?:au{S})?(?P<part>{f.PART}){f.E})?(?:{S}(?P<mod2>{f.MOD}){f.E})?")

    def wants_tense(self, m: Match) -> bool:
        return not (m.groups.get("mod") or m.groups.get("mod2"))  # "dernier" / "prochain" decide

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        g = m.groups
        return _weekday(self.lex, self.lex.weekdays[g["wd"]], self.lex.parts.get(g.get("part") or ""),
                        self.lex.mods.get(g.get("mod") or g.get("mod2") or ""), anchor, m.direction)


class UnitFromNow(TimexRule):
    """"la semaine dernière", "le mois prochain", "cette année", "l'été dernier", "ce week-end"."""

    name = "rel_unit"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:plus{S}(?P<early>tot|tard){S})?(?:(?P<det>la|le|l')\s{{0,3}}(?P<unit>{f.UNITREL}){S}"
                rf"(?P<mod>{f.MOD})|(?P<this>cette|cet|ce){S}(?P<unit2>{f.UNITREL})(?:-ci)?){f.E}")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        return _rel_unit(self.lex, m.groups, anchor)


class NewYear(TimexRule):
    """"la nouvelle année", "entrer dans la nouvelle année": the calendar year that begins around the
    article date (the next one from July on); not "la nouvelle année scolaire" (`year_qualifier` rows)."""

    name = "new_year"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}la{S}nouvelle{S}annee{f.E}"
                rf"(?!{S}(?:{_alt(self.lex.year_qualifiers)}){f.E})")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        if not anchor.year:
            return _unknown("XXXX")
        return _year(anchor.year + (1 if (anchor.month or 1) >= 7 else 0))


class EnglishUnitFromNow(UnitFromNow):
    """"last week", "next month", "this year"."""

    name = "rel_unit_en"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?P<mod>last|next|this){f.S}(?P<unit>week|month|year){f.E}"


class Ago(TimexRule):
    """"il y a trois jours", "il y a plus de dix ans"."""

    name = "ago"
    sign: ClassVar[int] = -1

    def pattern(self, f: Fragments) -> str | None:
        S = f.S
        return (rf"{f.B}il{S}y{S}a{S}(?:(?:plus{S}de|moins{S}de|pres{S}de|environ|plus{S}d'|moins{S}d'|pres{S}d')"
                rf"\s{{0,3}})?(?P<num>{f.NUM}){S}(?P<unit>{f.UNIT}){f.E}{Duration.HALF}")

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        direction = "past" if self.sign < 0 else "future"
        g = m.groups
        n = self.lex.number(g["num"])
        if g.get("half") and self.lex.units.get(g["unit"]) == "Y" and anchor.day and n and n != "X":
            # "il y a deux ans et demi": thirty months before, a month
            y, mo = _add_months(anchor.day.year, anchor.day.month, self.sign * (int(float(n) * 12) + 6))
            return _month(y, mo, direction)
        return _count_from(self.lex, m, anchor, anchor.day, self.sign, direction)


class InFromNow(Ago):
    """"dans deux semaines", "d'ici 3 mois"."""

    name = "in"
    sign = 1

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?:dans|d'ici){f.S}(?P<num>{f.NUM}){f.S}(?P<unit>{f.UNIT}){f.E}{Duration.HALF}"


class EnglishAgo(Ago):
    """"5 years ago": found by the duration families (a number + unit followed by "ago")."""

    name = "ago_en"

    def pattern(self, f: Fragments) -> None:
        return None


class Offset(TimexRule):
    """"trois jours plus tard", "deux semaines auparavant": from the last date the narrative gave.
    Found by the duration families (a number + unit followed by "plus tard", "avant" …)."""

    name = "offset"
    reference = "last_date"

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        g = m.groups
        sign = -1 if g["dir"].replace(" ", "").startswith(("avant", "auparavant", "plustot")) else 1
        n = self.lex.number(g["num"])
        code = self.lex.units.get(g["unit"]) or self.lex.units.get(g["unit"].rstrip("s"), "D")
        prec = m.extra.get("ref_precision") if ref else "day"
        if n is not None and n != "X":
            if ref and prec != "day" and code in ("D", "W", "H", "MIN", "S"):
                return _unknown("XXXX-XX-XX")  # no day to count from
            if ref and prec == "year" and code == "M":
                return _unknown("XXXX-XX")
        return _count_from(self.lex, m, anchor, ref or anchor.day, sign, None)


# --------------------------------------------------------------------------- clock times, durations, sets


class _AfterCue(TimexRule):
    """A family whose meaning depends on a cue word just before it ("pendant", "de", "depuis")."""

    def __init__(self, lexicon: TimexLexicon):
        super().__init__(lexicon)
        self.cue_before = re.compile(rf"(?<![\w-])(?P<cue>{lexicon.fragments.CUE})$")

    def _read_cue(self, m: Match, ftext: str) -> None:
        cue = self.cue_before.search(ftext, max(0, m.start - 24), m.start)
        m.groups["cue"] = cue.group("cue").strip() if cue else None


class ClockTime(_AfterCue):
    """"14h30", "vers 15 h 30", "9:45 UTC", "à 8 heures du soir"; after "pendant" a duration ("pendant
    2 h"). Without a day of its own it is on the day the narrative is at; a day named just after it
    ("vers 15 h 30, hier", "à 8 h 30 demain") or just before it with "à" ("hier à 10 h") is its day and
    in its span, one TIMEX3 as in French TimeBank ("hier vers 18 h" stays two). French time said after it
    ("20 h 30 en France", "heure de Paris") is in the span and gives the value its offset ("+1")."""

    name = "time"
    digit_start = True
    reference = "clock"

    def __init__(self, lexicon: TimexLexicon):
        super().__init__(lexicon)
        self.pm_after = re.compile(r"\s{1,3}(?:de\s{1,3}l'apres-midi|du\s{1,3}soir)(?![\w-])")
        f = lexicon.fragments
        # "vers 15 h 30, hier": the day named just after the time is its day, and in its span (one
        # TIMEX3 in French TimeBank); so is one named just before it with "à": "hier à 10 h"
        self.day_after = re.compile(rf",?\s{{1,3}}(?P<rel>{f.REL}){f.E}")
        self.day_before = re.compile(rf"(?<![\w'-])(?P<rel>{f.REL})(?:\s{{1,3}}{f.PART})?\s{{1,3}}a\s{{1,3}}$")

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"(?P<h>\d{{1,2}})(?:\s{{0,2}}(?:h|heures?)(?:\s{{0,2}}(?P<m>[0-5]\d)|{S}(?P<half>et{S}demie))?(?![\w]|-(?!\d))"
                rf"|:(?P<m2>[0-5]\d)(?!:?\d))"
                rf"(?:\s{{0,2}}(?P<tz>\(?(?:utc|gmt)(?:\s?[+-]\s?\d{{1,2}})?\)?|heures?{S}locales?|locales?|heure{S}de{S}paris|"
                rf"heure{S}francaise|en{S}france)(?![\w-]))?")

    def after_dash(self, before: str) -> bool:
        return before.isdigit() or before in "h "

    def extend(self, m: Match, hit: re.Match[str], ftext: str) -> Match:
        self._read_cue(m, ftext)
        day = self.day_after.match(ftext, m.end)
        if day:
            m.extra["day_after"] = self.lex.reldays[day.group("rel")]
            m.end = day.end()
        elif not m.groups.get("cue"):
            before = self.day_before.search(ftext, max(0, m.start - 40), m.start)
            if before:
                m.extra["day_after"] = self.lex.reldays[before.group("rel")]
                m.start = before.start()
        return m

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        g = m.groups
        if int(g["h"]) > 24:
            return False
        if g.get("half"):
            g["m"] = "30"  # "8 heures et demie"
        if self.pm_after.match(ftext, m.end):
            m.extra["pm"] = True
        if g.get("cue") and self._is_duration(g, ftext, m):
            m.extra["duration"] = True
        return True

    def _is_duration(self, g: dict, ftext: str, m: Match) -> bool:
        pre = (g.get("cue") or "").strip()
        if pre in self.lex.point_cues:
            return False  # "à partir de 14 h"
        if pre in ("de", "d'"):
            return not re.match(r"(?:\s{1,3}(?:a|jusqu'a)\s{1,3}|\s{0,2}[-–]\s{0,2})\d", ftext[m.end:m.end + 16])
        return pre not in ("des", "les", "ces", "quelque")

    def absolute(self, m: Match) -> Res | None:
        g = m.groups
        if not m.extra.get("duration"):
            return None
        if g.get("half"):
            return Res("DURATION", f"PT{int(g['h'])}H30M")  # "pendant 2 heures et demie"
        return Res("DURATION", _period(g["h"] + (f".{int(g['m']) * 100 // 60:02d}" if g.get("m") else ""), "H"))

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        g = m.groups
        hh, mm = int(g["h"]), int(g.get("m") or g.get("m2") or 0)
        if hh < 12 and m.extra.get("pm"):
            hh += 12
        base = ref or anchor.day
        if "day_after" in m.extra and anchor.day:
            base, ref = anchor.day + timedelta(days=m.extra["day_after"]), None
        if base and ref and m.extra.get("after_night") and hh < 12:
            base = base + timedelta(days=1)  # "la nuit de vendredi à samedi à trois heures": Saturday
        res = _clock(base, hh, mm)
        tz = g.get("tz") or ""
        if res.date and ("france" in tz or "paris" in tz):
            res.value += _paris_offset(date.fromisoformat(res.date))  # "20 h 30 en France": +1
        return res


def _last_sunday(y: int, month: int) -> date:
    d = date(y, month + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.isoweekday() % 7)


def _paris_offset(d: date) -> str:
    """French time's UTC offset on day `d`, as French TimeBank writes it ("+1", "+2" in summer time:
    from the last Sunday of March to the last Sunday of October, of September before 1996)."""
    if d.year < 1976:
        return "+1"
    end = _last_sunday(d.year, 10 if d.year >= 1996 else 9)
    return "+2" if _last_sunday(d.year, 3) <= d < end else "+1"


class NoonMidnight(TimexRule):
    """"à midi", "vers minuit", "minuit"."""

    name = "midnoon"
    word_start = False
    span_from = ("mm", "mn")

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return rf"{f.B}(?:(?:a|vers|avant|apres|des|jusqu'a|de|et){S}(?P<mm>midi|minuit)|(?P<mn>minuit)){f.E}"

    def relative(self, m: Match, anchor: Anchor, ref: date | None) -> Res | None:
        hh, mm = (12, 0) if m.groups.get("mm") == "midi" else (24, 0)
        return _clock(ref or anchor.day, hh, mm)


class Duration(_AfterCue):
    """"trois jours", "2,5 heures", "les 10 derniers jours"; followed by "plus tard" / "avant" it is an
    `offset`, by "ago" an `ago_en`."""

    name = "duration"
    digit_start = True
    DIRECTIONS: ClassVar[str] = r"(?:(?:derniers|dernieres|prochains|prochaines|premiers|premieres)\s{1,3})?"

    def __init__(self, lexicon: TimexLexicon):
        super().__init__(lexicon)
        S, E = lexicon.fragments.S, lexicon.fragments.E
        # "apres la chute", "apres l'altercation": a preposition (an elided article runs into its noun)
        words = _in_order(w for w in lexicon.after_before_objects if not w.endswith("'"))
        elided = _in_order(w for w in lexicon.after_before_objects if w.endswith("'"))
        objects = rf"(?:{words})(?![\w-])" + (rf"|(?:{elided})" if elided else "")
        self.tail = re.compile(
            rf"{S}(?:(?P<dir>plus{S}tard|plus{S}tot|auparavant|(?:apres|avant)(?!{S}(?:{objects})|"
            rf"\s{{0,2}}\d))|(?P<ago>ago)){E}")

    #: "quatre ans et demi", "une heure et demie": half a unit more, in the span
    HALF: ClassVar[str] = r"(?:\s{1,3}(?P<half>et\s{1,3}demie?)(?![\w-]))?"

    def pattern(self, f: Fragments) -> str:
        return rf"(?P<num>\d{{1,4}}(?:[.,]\d{{1,2}})?){f.S}{self.DIRECTIONS}(?P<unit>{f.UNIT}){f.E}{self.HALF}"

    def extend(self, m: Match, hit: re.Match[str], ftext: str) -> Match:
        self._read_cue(m, ftext)
        return self._with_tail(m, ftext)

    def _with_tail(self, m: Match, ftext: str) -> Match:
        m.rule = "duration"
        tail = self.tail.match(ftext, m.end)
        if tail and not (tail.group("dir") and m.groups.get("cue") in ("pendant", "durant", "pour", "en")):
            m.rule = "ago_en" if tail.group("ago") else "offset"
            m.groups["dir"] = tail.group("dir")
            m.end = tail.end()
        return m

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        num, g = m.groups.get("num"), m.groups
        if num and num.isdigit() and self.lex.units.get(g["unit"], "") == "H" and int(num) <= 24:
            return False  # digits + heures: handled by the time rule
        if self.lex.units.get(g["unit"], "") == "Y" and m.rule == "duration" and self._is_age(m, text, ftext):
            return False
        # "un jour" (someday), but "une heure et demie"
        return not (num in ("un", "une", "sept") and not g.get("cue") and not g.get("half"))

    #: up to four words, then "de" just before the number: "un chauffeur de bus de 38 ans"
    AGE_BEFORE: ClassVar[re.Pattern[str]] = re.compile(
        r"((?:[\w'-]+\s{1,3}){1,4})(?:de\s{1,3}|d')(?:environ\s{1,3}|pres\s{1,3}de\s{1,3}|quelque\s{1,3})?$")
    #: "une Alsacienne de 6 ans": a demonym (a capitalised noun after un/une) before "de"
    DEMONYM_BEFORE: ClassVar[re.Pattern[str]] = re.compile(r"\b(?:un|une|Un|Une)\s{1,3}[A-Z]\w+\s{1,3}de\s{1,3}$")
    #: a capitalised word (a name) and a comma just before: ", 53 ans," is an apposition
    APPOSITION: ClassVar[re.Pattern[str]] = re.compile(r"[A-Z][\w.-]*\s{0,2},\s{0,3}$")

    def _is_age(self, m: Match, text: str, ftext: str) -> bool:
        """"une fillette de 6 ans", "âgé de 54 ans", "Alain Parmentier, 53 ans, employé": an age."""
        if m.groups.get("cue") not in (None, "de", "d'", "environ", "pres de", "pres d'", "quelque"):
            return False  # "depuis 10 ans", "pendant 38 ans", "plus de 10 ans"
        words = self.AGE_BEFORE.search(ftext[max(0, m.start - 60):m.start])
        if words and words.group(1).split()[-1] in ("plus", "moins", "pres", "environ", "autour"):
            return False  # "depuis plus de 10 ans"
        if words and any(w.split("'")[-1] in self.lex.age_nouns for w in words.group(1).split()):
            return True
        if self.DEMONYM_BEFORE.search(text[max(0, m.start - 40):m.start]):
            return True
        # an apposition after a name, closed by a comma or the sentence's end (not ", 53 ans plus tard")
        return bool(self.APPOSITION.search(text[max(0, m.start - 40):m.start])) and \
            text[m.end:m.end + 1] in (",", ".", ")")

    def absolute(self, m: Match) -> Res | None:
        res = self.lex.duration(m.groups.get("num"), m.groups["unit"])
        if res is not None and m.groups.get("half"):
            res.value = _plus_half(res.value)
        return res


def _plus_half(value: str) -> str:
    """A duration and a half of its unit: P4Y -> P4Y6M, PT1H -> PT1H30M, PT2M -> PT2M30S, P3D -> P3.5D."""
    mo = re.fullmatch(r"(PT?)(\d+)([A-Z]+)", value)
    if mo is None:
        return value
    lead, n, code = mo.groups()
    smaller = {("P", "Y"): "6M", ("PT", "H"): "30M", ("PT", "M"): "30S"}.get((lead, code))
    return f"{lead}{n}{code}{smaller}" if smaller else f"{lead}{n}.5{code}"


class DurationInWords(Duration):
    """"quarante-cinq jours", "deux semaines plus tard"; "à huit heures" is a clock time."""

    name = "duration_w"
    word_start = False
    digit_start = False

    def __init__(self, lexicon: TimexLexicon):
        super().__init__(lexicon)
        self.clock_before = re.compile(r"(?<![\w-])(?:a|vers|des|jusqu'a|avant|apres)\s{1,3}$")

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?P<num>{f.NUMW}){f.S}{self.DIRECTIONS}(?P<unit>{f.UNIT}){f.E}{self.HALF}"

    def extend(self, m: Match, hit: re.Match[str], ftext: str) -> Match:
        self._read_cue(m, ftext)
        if self.lex.units.get(m.groups["unit"]) == "H" and self.clock_before.search(
                ftext, max(0, m.start - 16), m.start):
            hour = self.lex.number(m.groups["num"])
            if hour and hour.isdigit() and int(hour) <= 24:
                m.rule, m.groups = "time", {"h": hour, "m": None, "m2": None, "tz": None, "cue": None}
                return m
        return self._with_tail(m, ftext)


class VagueDuration(TimexRule):
    """"pendant des jours", "depuis quelques semaines"."""

    name = "duration_vague"
    span_from = ("num",)

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:pendant|durant|depuis|pour|en){S}(?P<num>des|plusieurs|quelques){S}"
                rf"(?P<unit>jours|semaines|mois|annees|heures|decennies|siecles){f.E}")

    def absolute(self, m: Match) -> Res | None:
        return self.lex.duration(m.groups.get("num"), m.groups["unit"])


class WholeUnit(TimexRule):
    """"toute la nuit", "toute l'année", "tout le mois": one whole unit of time, a DURATION of one (P1D,
    P1Y, P1M); "toutes les semaines" is a `set`."""

    name = "whole_unit"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        # not "tout le mois de mai", "toute l'année 2002": the unit is then that month or year's
        return (rf"{f.B}(?:toute|tout){S}(?:la{S}|le{S}|l'\s{{0,2}})(?P<unit>{f.UNIT}){f.E}"
                rf"(?!{S}(?:de|du|des|d'|\d)(?![\w-]))")

    def absolute(self, m: Match) -> Res | None:
        unit = m.groups["unit"]
        if unit.endswith(("s", "x")) and unit != "mois":
            return None  # a plural after a singular article is no unit of time
        return self.lex.duration("1", unit)


class PeriodNoun(TimexRule):
    """"un quinquennat", "deux septennats", "un quart de siècle", "une demi-heure": a noun that names a
    length of time of its own (`period_noun` rows: the TimeML duration of one), times the number before
    it, which is in the span as in any duration ("un quart de siècle" in French TimeBank), as is a
    "précédent" / "dernier" / "prochain" before or after it ("le précédent quinquennat")."""

    name = "period_noun"
    VALUE: ClassVar[re.Pattern[str]] = re.compile(r"(PT?)(\d+)([A-Z]+)")

    def pattern(self, f: Fragments) -> str:
        return (rf"{f.B}(?:(?P<num>{f.NUM}){f.S}|(?P<mod>{f.MOD}){f.S})?(?P<noun>{_alt(self.lex.period_nouns)}){f.E}"
                rf"(?:{f.S}(?P<mod2>{f.MOD}){f.E})?")

    def absolute(self, m: Match) -> Res | None:
        one = self.VALUE.fullmatch(self.lex.period_nouns[m.groups["noun"]])
        if one is None:
            return None
        n = self.lex.number(m.groups.get("num")) if m.groups.get("num") else "1"
        if n is None:
            return None
        count = "X" if n == "X" else f"{float(n) * int(one.group(2)):g}"
        return Res("DURATION", f"{one.group(1)}{count}{one.group(3)}")


class PresentReference(TimexRule):
    """"désormais", "actuellement", "à présent": the present, with no calendar date (TimeML
    `PRESENT_REF`, as French TimeBank marks them); never an event date."""

    name = "present_ref"

    def pattern(self, f: Fragments) -> str:
        return rf"{f.B}(?:{_alt(self.lex.present_refs)}){f.E}"

    def absolute(self, m: Match) -> Res | None:
        return Res("DATE", "PRESENT_REF")


class RecentPeriod(TimexRule):
    """"ces derniers jours", "ces dernières années": a stretch of time up to now, of no stated
    length (TimeML `PXD`, `PXY` …)."""

    name = "recent_period"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return rf"{f.B}ces{S}(?:derniers|dernieres){S}(?P<unit>jours|semaines|mois|annees){f.E}"

    def absolute(self, m: Match) -> Res | None:
        return self.lex.duration("des", m.groups["unit"])


class Recurrence(TimexRule):
    """"chaque semaine", "tous les lundis", "chaque matin", "tous les 3 mois"."""

    name = "set"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:chaque|tous{S}les|toutes{S}les)(?:{S}(?P<num>{f.NUM}))?{S}(?P<wd>{f.WD})?"
                rf"(?P<unit>{f.UNIT}|matin|soir)?s?{f.E}")

    def accept(self, m: Match, text: str, ftext: str) -> bool:
        return bool(m.groups.get("wd") or m.groups.get("unit"))

    def absolute(self, m: Match) -> Res | None:
        g = m.groups
        if g.get("wd"):
            return Res("SET", f"XXXX-WXX-{self.lex.weekdays[g['wd']]}")
        unit = g.get("unit") or ""
        if unit in ("matin", "soir"):
            return Res("SET", f"XXXX-XX-XXT{'MO' if unit == 'matin' else 'EV'}")
        n = self.lex.number(g.get("num")) or "1"
        return Res("SET", _period(n, self.lex.units.get(unit, "D")))


class Frequency(TimexRule):
    """"deux fois par semaine", "une fois par an": a number of times per unit, a `set` of that unit
    (TimeML value P1W; the count is its `freq`, which veille does not keep)."""

    name = "frequency"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return rf"{f.B}(?P<num>{f.NUM}|une){S}fois{S}par{S}(?P<unit>{f.UNIT}){f.E}"

    def absolute(self, m: Match) -> Res | None:
        code = self.lex.units.get(m.groups["unit"])
        return Res("SET", _period("1", code)) if code else None


class OrdinalPeriod(TimexRule):
    """"la première année du mandat": one unit (P1Y) of something else's time."""

    name = "ordinal_period"

    def pattern(self, f: Fragments) -> str:
        S = f.S
        return (rf"{f.B}(?:la|le|l')\s{{0,3}}(?P<ord>{f.ORD}){S}(?P<unit>annee|semaine|jour|journee|mois|an)"
                rf"(?={S}(?:de|du|d'|des){f.E}|{S}d')")

    def absolute(self, m: Match) -> Res | None:
        return Res("DURATION", _period("1", self.lex.units.get(m.groups["unit"], "Y")))


#: every family, in priority order (among same-length overlapping candidates the earlier wins)
TIMEX_RULES: tuple[type[TimexRule], ...] = (
    DayList, Holiday, DayMonthDate, EnglishDate, NumericDate, IsoDate, MonthYear, Month, Semester, Quarter,
    SeasonYear, GenericSeason, SeasonPair, SeasonMonths, Decade, Century, Year, YearPair,
    NamedDay, ThisPartOfDay, LastNight, NarrativePartOfDay, PeriodEdge, Midday, ThatMoment, DayBeforeAfter, SameDay, SamePeriod,
    NightSpan, WeekdayAndDay, Weekday,
    UnitFromNow, NewYear, EnglishUnitFromNow, Ago, InFromNow, Recurrence, Frequency, OrdinalPeriod,
    ClockTime, NoonMidnight, Duration, DurationInWords, VagueDuration, RecentPeriod, WholeUnit, PeriodNoun, PresentReference,
    Offset, EnglishAgo,
)
