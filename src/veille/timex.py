"""The `timex` stage: temporal expressions, their ISO-TimeML values, and the article's own date.

How it works
------------
1. Detection runs compiled regexes (one per family of expressions of `veille.timex_grammar`, built
   once per tagger from the lexicon `data/fr/timex_lexicon.tsv`) over a folded copy of the text
   (lower case, accents and curly apostrophes removed, same length as `doc.text`, so offsets carry
   over). Every pattern uses bounded quantifiers and no nested repetition, so matching is linear in
   the text length. Overlapping candidates are resolved longest-first, then by the family's rank.
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

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from .config import Settings

# event dating lives in veille.dating (one owner of dates); kept importable from here
from .dating import attach_date, timex_date  # noqa: E402,F401  (re-exported)
from .errors import ConfigError
from .models import DateValue, Document, Published, Timex, fold
from .regex_source import first_group_end, required_literals, top_level_alternatives
from .resources import read_tsv
from .stages import TimexConfig
from .timex_grammar import TIMEX_RULES, TimexRule
from .timex_lexicon import Anchor, Match, Res, TimexLexicon, _alt, _safe_date

LEXICON = ("fr", "timex_lexicon.tsv")
#: how many sentences back the last named day gives its date to a bare clock time
TIME_CARRY_SENTENCES = 2
TOP_REGION = 500  # characters at the top of the body where a dateline or first date is looked for
TOP_REGION_YEAR = 200  # a bare year counts as the article's year only in the title / first lines


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




# --------------------------------------------------------------------------- the tagger


@dataclass
class Narrative:
    """Where the text is at, as its timexes are read in order: the last day and the last date named."""

    day_sentence: int = -1
    day: date | None = None
    day_is_night: bool = False
    #: the last resolved calendar date of any precision (what "trois jours plus tard" counts from)
    any_date: date | None = None
    any_date_precision: str | None = None
    #: the last resolved day or clock time, value included (what "à ce moment-là" points back to)
    last_point: Res | None = None

    def reference(self, rule: TimexRule, m: Match, sentence: int) -> date | None:
        """The day an anaphoric expression of `rule` counts from (see `TimexRule.reference`): a clock
        time with no day of its own is on the day the narrative is at, the last day named in this
        sentence or the one or two before ("arrivé hier … Il a atterri vers 12 h 30")."""
        if rule.reference == "last_date":
            m.extra["ref_precision"] = self.any_date_precision
            return self.any_date
        if rule.reference == "last_point":
            m.extra["ref_point"] = self.last_point
            return self.day if self.last_point is not None else None
        if self.day is None:
            return None
        if rule.reference == "narrative" or self.day_sentence == sentence or (
                rule.reference == "clock" and 0 < sentence - self.day_sentence <= TIME_CARRY_SENTENCES):
            if rule.reference == "clock" and self.day_is_night:
                m.extra["after_night"] = True
            return self.day
        return None


class TimexTagger:
    """The `timex` stage: fills `doc.timexes` and, when no metadata gives it, `doc.published`.

    The grammar is `veille.timex_grammar`: one rule object per family of expressions, listed in
    `TIMEX_RULES` (another table can be given as `rules`); the tagger loads the lexicon, builds each
    rule once and compiles its pattern."""

    name = "timex"

    def __init__(self, settings: Settings | None = None, *, rules: Sequence[type[TimexRule]] = TIMEX_RULES,
                 **kw):
        self.settings = settings or Settings()
        self.config = TimexConfig.from_settings(self.settings)
        lang = self.settings.lang or "fr"
        self.lexicon = TimexLexicon(read_tsv(lang, LEXICON[1], lexicon_dir=self.settings.lexicon_dir))
        self.rules: list[TimexRule] = [rule(self.lexicon) for rule in rules]
        self.by_name: dict[str, TimexRule] = {}
        for rule in self.rules:
            if rule.name in self.by_name:
                raise ConfigError(f"two timex rules named {rule.name!r}")
            self.by_name[rule.name] = rule
        fragments = self.lexicon.fragments
        #: (priority, rule, compiled pattern) for every rule with a pattern of its own
        self.scanners: list[tuple[int, TimexRule, WordStartPattern]] = [
            (priority, rule, WordStartPattern(pattern, fragments.B if rule.word_start else None))
            for priority, rule in enumerate(self.rules) if (pattern := rule.pattern(fragments)) is not None]
        # tense fallback on the clause
        fut = _alt(self.lexicon.future_cues)
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
        doc.lookups.event_date = self.event_date  # later stages date their events with it
        return doc

    def event_date(self, doc: Document, start: int, end: int) -> DateValue | None:
        """`attach_date` with this lexicon's continuation words ("puis", "ensuite")."""
        return attach_date(doc, start, end, continuations=self.lexicon.continuations,
                           own_times=self.lexicon.own_times)

    def tag(self, doc: Document, anchor: str | None = None) -> list[Timex]:
        """Find and resolve the timexes of `doc` (and infer `doc.published`); returns doc.timexes.

        `anchor` forces the anchor date (used by `resolve_relative`); published is then left alone.
        """
        text = doc.text or ""
        ftext = fold_same_length(text)
        matches = self._detect(text, ftext)
        for m in matches:
            m.res = self.by_name[m.rule].absolute(m)
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
        narrative = Narrative()
        for m in matches:
            rule = self.by_name[m.rule]
            sent = self._sentence_index(bounds, m.start)
            if m.res is None:
                m.direction = self._direction(m, text, sdoc)
                m.res = rule.relative(m, anc, narrative.reference(rule, m, sent))
                if m.res is not None:
                    m.res.relative = True
            if m.res is None:
                continue
            r = m.res
            if r.date and r.type in ("DATE", "TIME") and r.precision in ("day", "month", "year"):
                parts = [int(x) for x in r.date.split("-")] + [1, 1]
                d = _safe_date(*parts[:3])
                if d and r.precision == "day":
                    narrative.day_sentence, narrative.day, narrative.day_is_night = sent, d, rule.night
                    last = narrative.last_point
                    # "vers 15 h 30, hier": the day after its own time is no later point
                    if not (last and last.date == r.date and "T" in (last.value or "") and "T" not in (r.value or "")):
                        narrative.last_point = r
                if d and (m.start >= TOP_REGION or not rule.dateline or r.date != anc.value):
                    narrative.any_date, narrative.any_date_precision = d, r.precision
            out.append(Timex(m.start, m.end, text[m.start:m.end], r.type, r.value, r.date, r.precision,
                             r.end_date, anc.value if r.relative else None, m.rule, r.direction))
        doc.timexes = [self.timeml_span(t, text, ftext) for t in out]
        return doc.timexes

    def timeml_span(self, t: Timex, text: str, ftext: str) -> Timex:
        """The span by the French TimeBank convention (ISO-TimeML-fr): the article of a day date ("le
        27 mai 1998", "les 6 et 13 avril": the first day of a list), "mois de" before a month, an approximator before a time or a duration ("vers
        15 h 30", "environ deux mois") belong to the expression (`span_prefix` rows of the lexicon)."""
        head = ftext[t.start:t.end].split(" ", 1)[0]
        lexicon = self.lexicon
        for form, scope in lexicon.span_prefixes:
            start = t.start - len(form) - 1
            if start < 0 or ftext[start:t.start] != form + " " or (start and ftext[start - 1].isalnum()):
                continue
            if scope == "day" and t.precision == "day" and t.type == "DATE" and (
                    head[:1].isdigit() or head in lexicon.weekdays and any(c.isdigit() for c in t.text)) \
                    or scope == "month" and t.precision == "month" and head in lexicon.months \
                    or scope == "approx" and t.type in ("TIME", "DURATION"):
                return replace(t, start=start, text=text[start:t.end])
        return t

    # ------------------------------------------------------------------ detection

    def _detect(self, text: str, ftext: str) -> list[Match]:
        cands: list[Match] = []
        by_name = self.by_name
        for priority, rule, rx in self.scanners:
            for hit in rx.finditer(ftext):
                for m in rule.candidates(hit, text, ftext):
                    m.priority = priority
                    if by_name[m.rule].accept(m, text, ftext):
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


    # ------------------------------------------------------------------ tense

    def _direction(self, m: Match, text: str, sdoc) -> str | None:
        """past | future for expressions whose resolution depends on the tense, else None."""
        if not self.by_name[m.rule].wants_tense(m):
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
            if fold(a.lemma_) in self.lexicon.future_lemmas and fold(a.lemma_) != "pouvoir" and "Inf" in form:
                return "future"
        if "Fut" in tense:
            return "future"
        if "Inf" in form:
            h = v.head
            hops = 0
            while h is not v and hops < 3:
                hl = fold(h.lemma_)
                if hl in self.lexicon.future_lemmas or "Fut" in h.morph.get("Tense"):
                    return "future"
                if h.pos_ not in ("VERB", "AUX") or h.head is h:
                    break
                v, h = h, h.head
                hops += 1
            return None
        if lemma in self.lexicon.future_lemmas and lemma in ("devoir", "aller", "prevoir") and "Pres" in tense:
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
            evidence = self.by_name[m.rule].article_date
            if r.precision == "day" and evidence == "day":
                line_start = ftext.rfind("\n", 0, m.start) + 1
                before = ftext[line_start:m.start]
                after = ftext[m.end:m.end + 20]
                if re.search(r"(?<![\w])ce\s{1,3}$", ftext[max(0, m.start - 5):m.start]) or (
                        self.dateline_rx.match(before) and self.after_dateline_rx.match(after)):
                    return Published(r.date, "day", "text")
                full.append((m.start, r.date))
            elif r.precision == "month" and evidence == "month":
                months.append((m.start, r.date))
            elif r.precision == "year" and evidence == "year":
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
        return bisect.bisect_right(bounds, offset) - 1


# --------------------------------------------------------------------------- module functions


def resolve_relative(doc: Document, anchor: str, tagger: TimexTagger | None = None) -> list[Timex]:
    """Re-resolve the timexes of `doc` against a new anchor date (e.g. a cross-document date).

    Re-runs the tagger on the text with the anchor forced; `doc.published` is left as it is.
    """
    tagger = tagger or TimexTagger()
    return tagger.tag(doc, anchor=anchor)
