"""The words of the `timex` stage and the values its rules build.

`TimexLexicon` reads `data/<lang>/timex_lexicon.tsv` (weekday and month names, number words, units,
modifiers, cue words …) and builds the regex `Fragments` the rule patterns of `veille.timex_grammar`
are written with; `Anchor`, `Match` and `Res` are what those rules read and return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
PART_TIMES = {"MI": "T12:00"}
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


# --------------------------------------------------------------------------- values


def _alt(forms: Iterable[str]) -> str:
    """A regex alternation of literal forms, longest first (so 'avant-hier' beats 'hier')."""
    return "|".join(re.escape(f) for f in sorted(set(forms), key=lambda s: (-len(s), s)))


def _in_order(forms: Iterable[str]) -> str:
    """A regex alternation of literal forms in the lexicon's order (the order they are tried in)."""
    return "|".join(re.escape(f) for f in forms)


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


@dataclass
class Match:
    """A candidate expression: the name of the family that resolves it, its span and regex groups."""

    rule: str
    start: int
    end: int
    groups: dict[str, str | None]
    priority: int = 0
    res: Res | None = None
    direction: str | None = None
    extra: dict = field(default_factory=dict)


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


def _season(y: int, code: str, direction: str | None = None) -> Res:
    a, b = SEASON_MONTHS[code]
    end_y = y + 1 if b < a else y
    return Res("DATE", f"{y}-{code}", f"{y}-{a:02d}", "season", f"{end_y}-{b:02d}", direction)


def _unknown(value: str, direction: str | None = None, type_: str = "DATE") -> Res:
    """A value the anchor is too coarse for ("XXXX-XX-XX"): no calendar date."""
    return Res(type_, value, None, None, None, direction)


def _period(n: str, code: str) -> str:
    if code in ("H", "MIN", "S"):
        return f"PT{n}{'M' if code == 'MIN' else code}"
    if code == "Q":
        return f"P{int(n) * 3 if n != 'X' else 'X'}M"
    return f"P{n}{code}"


def _day_num(s: str | None) -> int | None:
    if not s:
        return None
    s = s.replace(" ", "")
    if s in ("1er", "premier"):
        return 1
    return int(s) if s.isdigit() else None


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Fragments:
    """Regex pieces the rule patterns are written with (all over the folded text)."""

    B: str  # start of a word
    E: str  # end of a word
    S: str  # the space between two words
    NE: str  # not followed by more digits
    WD: str  # a weekday name
    WD_EN: str  # an English weekday name
    MON: str  # a month name or abbreviation
    MON_FR: str  # a French month name
    MON_EN: str  # an English month name
    PART: str  # a part of the day ("matin", "soir")
    REL: str  # a day named from today ("hier", "demain")
    UNIT: str  # a unit of time ("jours", "mois")
    UNITW: str  # a number word from one to nineteen
    NUMW: str  # a number in words, compounds included ("quarante-cinq")
    NUM: str  # a number in digits or words
    ORD: str  # an ordinal ("premier", "3e")
    MOD: str  # "dernier" / "prochain" and their kin
    SEASON: str  # a season name
    HOL: str  # a fixed-date holiday
    DAY: str  # a day of the month
    YEAR: str  # a four-digit year
    CUE: str  # a word that makes the number + unit after it a duration ("pendant") or a point ("a partir de")
    EDGE: str  # a part of a month or year ("debut", "fin")
    MONTH_CUE: str  # a word before a bare month name that makes it a date ("en", "depuis")
    UNITREL: str  # a unit "la … dernière" / "cette …" counts in ("semaine", "trimestre", seasons)


class TimexLexicon:
    """The word lists of `data/<lang>/timex_lexicon.tsv` (rows kind / form / value / lang), the
    regex `Fragments` built from them, and the readers of the words the patterns capture."""

    def __init__(self, rows: Iterable[dict[str, str]]):
        lex: dict[str, dict[str, str]] = {}
        langs: dict[tuple[str, str], str] = {}
        for r in rows:
            lex.setdefault(r["kind"], {})[r["form"]] = r.get("value", "")
            langs[(r["kind"], r["form"])] = r.get("lang", "fr")
        self.weekdays = {k: int(v) for k, v in lex["weekday"].items()}
        self.months = {k: int(v) for k, v in lex["month"].items()}
        self.reldays = {k: int(v) for k, v in lex["relday"].items()}
        self.parts = dict(lex["part"])
        self.units = dict(lex["unit"])
        self.numbers = dict(lex["number"])
        self.ordinals = {k: int(v) for k, v in lex["ordinal"].items()}
        self.mods = {**{k: -1 for k in lex["before"]}, **{k: 1 for k in lex["after"]}}
        self.seasons = dict(lex["season"])
        self.holidays = dict(lex.get("holiday", {}))
        # longest first: "mois de" before "de"
        self.span_prefixes = sorted(lex.get("span_prefix", {}).items(), key=lambda kv: -len(kv[0]))
        self.future_lemmas = set(lex.get("cue_lemma_future", {}))
        self.future_cues = set(lex.get("cue_future", {}))
        self.duration_cues = list(lex.get("cue_duration", {}))
        # "à partir de 14 h": a clock time although "de" is a duration cue
        self.point_cues = list(lex.get("cue_point", {}))
        self.english = {f for (_k, f), lg in langs.items() if lg == "en"}
        self.month_edges = list(lex["month_edge"])
        self.month_cues = list(lex["month_cue"])
        self.year_next_ok = frozenset(lex["year_next_ok"])
        self.after_before_objects = list(lex["after_before_object"])
        # "une fillette de 6 ans", "âgé de 54 ans": an age is no temporal expression
        self.age_nouns = frozenset(lex.get("age_noun", {}))
        # "désormais", "actuellement": the present (PRESENT_REF)
        self.present_refs = list(lex.get("present_ref", {}))
        # "puis", "ensuite", "dans la foulée": an event that continues the narrative takes its date
        self.continuations = frozenset(lex.get("continuation", {}))
        self.own_times = frozenset(lex.get("own_time", {}))
        # "quinquennat", "un quart de siècle": a length of time in one noun (TimeML duration for one)
        self.period_nouns = dict(lex.get("period_noun", {}))
        # "la nouvelle année scolaire": no calendar year
        self.year_qualifiers = list(lex.get("year_qualifier", {}))
        self.fragments = self._fragments()

    def _fragments(self) -> Fragments:
        en = self.english
        tens = [f for f, v in self.numbers.items() if v in ("20", "30", "40", "50", "60")]
        units = [f for f, v in self.numbers.items() if v.isdigit() and 1 <= int(v) <= 19]
        unitw = f"(?:{_alt(units)})"
        compound = (rf"(?:(?:{_alt(tens)})(?:[- ]et[- ](?:un|une|onze)|[- ]{unitw})"
                    rf"|quatre-vingts?(?:-{unitw})?)(?![\w-])")
        numw = f"(?:{compound}|{_alt(self.numbers)})"
        cues = self.duration_cues + self.point_cues
        word_cues = [c for c in cues if not c.endswith("'")]
        apos_cues = [c for c in cues if c.endswith("'")]
        return Fragments(
            B=r"(?<![\w-])", E=r"(?![\w-])", S=r"\s{1,3}", NE=r"(?![\d]|[.,/:]\d)",
            WD=f"(?:{_alt(self.weekdays)})",
            WD_EN=f"(?:{_alt(f for f in self.weekdays if f in en)})",
            MON=f"(?:{_alt(self.months)})",
            MON_FR=f"(?:{_alt(f for f in self.months if f not in en)})",
            MON_EN=f"(?:{_alt(f for f in self.months if f in en)})",
            PART=f"(?:{_alt(self.parts)})",
            REL=f"(?:{_alt(self.reldays)})",
            UNIT=f"(?:{_alt(self.units)})",
            UNITW=unitw, NUMW=numw,
            NUM=rf"(?:\d{{1,4}}(?:[.,]\d{{1,2}})?|{numw})",
            ORD=f"(?:{_alt(self.ordinals)})",
            MOD=f"(?:{_alt(self.mods)})",
            SEASON=f"(?:{_alt(self.seasons)})",
            HOL=f"(?:{_alt(self.holidays)})",
            DAY=r"(?:1\s?er|[0-3]?\d|premier)",
            YEAR=r"(?:1\d{3}|20\d{2})",
            CUE=rf"(?:(?:{_alt(word_cues)})\s{{1,3}}|(?:{_alt(apos_cues)})\s{{0,2}})",
            UNITREL=r"(?:semaine|mois|annee|an|week-end|weekend|trimestre|" + _alt(self.seasons) + ")",
            EDGE=f"(?:{_in_order(self.month_edges)})",
            MONTH_CUE=f"(?:{_in_order(self.month_cues)})",
        )

    def number(self, s: str | None) -> str | None:
        """The value of a number in digits or words ("2,5" -> "2.5", "quarante-cinq" -> "45")."""
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

    def month(self, form: str) -> int:
        return self.months[form] if form in self.months else int(form)

    def month_form(self, month: int) -> str:
        return next(f for f, v in self.months.items() if v == month)

    def unit_code(self, unit: str, default: str = "D") -> str:
        """The TimeML letter of a unit word, singular or plural ("jours" -> "D")."""
        return self.units.get(unit) or self.units.get(unit.rstrip("s")) or default

    def duration(self, num: str | None, unit: str) -> Res | None:
        n = self.number(num) if num not in ("des",) else "X"
        if n is None:
            return None
        return Res("DURATION", _period(n, self.unit_code(unit)))
