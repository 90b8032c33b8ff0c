"""The `quotes` stage: direct and indirect quotes with their speaker.

Direct quotes are the text between « … », “ … ” or "…" (top level only: ‹ › and inner quotes stay
inside; a quote may run over several sentences, not over a blank line). Short fragments quoted
inside narration (« vive inquiétude ») are dropped unless a reporting clause introduces them.

Indirect quotes are
- "X a déclaré que …" / "X estime qu'…": a reporting verb (data file `reporting_verbs.tsv`) with a
  "que" clause; the clause runs to the end of the sentence, or to a colon/semicolon;
- "…, a indiqué le Kremlin dans un communiqué" / "…, dit-il": an inverted reporting clause after
  a comma closes the sentence; the quote is what precedes it;
- "Selon X, …" / "D'après X, …" / "…, selon X".
A clause that holds a direct quote is not repeated as an indirect one (the direct quote gets the
speaker).

Speakers of direct quotes come from, in order: an incise inside the quote ("« Moi, dit-il, … »"),
the clause after it ("», a-t-il ajouté", "», affirme un manifestant, Abdel Nasser"), a reporting
verb before it in the same sentence ("X a déclaré : « … »", "X précise que « … »"), "Selon/Pour/
D'après X, « … »", the subject of a clause ending in a colon, and finally the previous quote's
speaker when the quote simply continues it in the next sentence.

A speaker phrase becomes an actor with the actors stage's lookup, `Document.lookups.actor_at` (a
named person in apposition is preferred to the role noun: "le porte-parole du Kremlin, Dmitri
Peskov"); without the actor layer, a spaCy PER/ORG entity, else the phrase itself. Subject pronouns ("a-t-il ajouté", "il confie",
"selon eux") resolve to the previous quote's speaker when it is in the same or the previous
sentence, else to a subject earlier in the sentence, else to the subject of one of the two previous
sentences, else to the nearest preceding person.

In code: `read_quotes` builds one document's state (`_DocState`: text, parse, quoted spans, quotes
found so far) and runs the rules over it: `_DirectQuotes`, then `_IndirectQuotes`, both asking
`_Speakers` (who speaks), which reads noun phrases through `_Phrases`.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .config import Settings
from .dating import attach_date
from .models import Actor, ActorRef, Document, Quote, fold, fold_each_char, stable_id
from .resources import read_tsv
from .stages import QuotesConfig

log = logging.getLogger("veille.quotes")

PAIRS = {"«": "»", "“": "”"}
SUBJECT_PRONOUNS = {"il", "elle", "ils", "elles", "eux", "lui"}
SUBJ_DEPS = ("nsubj", "nsubj:pass", "expl:subj")
NP_LINKS = {"de", "du", "des", "d'", "d’"}
NP_STOP_POS = {"VERB", "AUX", "SCONJ", "CCONJ", "PUNCT", "ADV"}
MIN_WORDS = 3  # a free-standing quote needs a finite verb below EMBEDDED_WORDS words, or a reporting clause
EMBEDDED_WORDS = 8  # a quote inside a clause ("accusé X de « … »") shorter than this is a fragment
TITLES = {"m.", "mme", "mlle", "me", "dr", "mgr", "m", "pr"}
_ER_ENDINGS = ("e", "es", "ent", "é", "ée", "és", "ées", "ait", "aient", "era", "eront", "erait",
               "eraient", "a", "ant", "ons", "ez", "er")
_WORD = re.compile(r"\w+")
_SPACES = " \t\u00a0\u202f\u2009"


@dataclass
class _Span:
    start: int  # content start (after the opening mark and spaces)
    end: int  # content end (before the closing mark)
    open_at: int  # index of the opening mark
    close_at: int  # index of the closing mark


@dataclass
class _Found:
    start: int
    end: int
    direct: bool
    speaker: ActorRef | None
    anchor: tuple[int, int]  # the reporting clause (for the date)


def find_direct_spans(text: str) -> list[_Span]:
    """Top-level quoted spans: « » (nesting counted), “ ”, and paired straight quotes, per paragraph."""
    spans: list[_Span] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        p0, chunk = para.start(), para.group()
        i, n = 0, len(chunk)
        straight_open: int | None = None
        while i < n:
            c = chunk[i]
            if c in PAIRS:
                close = _matching_close(chunk, i, c, PAIRS[c])
                if close is None:
                    i += 1
                    continue
                spans.append(_make_span(text, p0 + i, p0 + close))
                i = close + 1
                continue
            if c == '"':
                if straight_open is None:
                    straight_open = i
                else:
                    spans.append(_make_span(text, p0 + straight_open, p0 + i))
                    straight_open = None
            i += 1
    return [s for s in spans if s.end > s.start]


def _matching_close(chunk: str, i: int, opener: str, closer: str) -> int | None:
    depth = 0
    for j in range(i, len(chunk)):
        if chunk[j] == opener:
            depth += 1
        elif chunk[j] == closer:
            depth -= 1
            if depth == 0:
                return j
    return None


def _make_span(text: str, open_at: int, close_at: int) -> _Span:
    s, e = open_at + 1, close_at
    while s < e and text[s] in _SPACES:
        s += 1
    while e > s and text[e - 1] in _SPACES:
        e -= 1
    return _Span(s, e, open_at, close_at)


class QuoteExtractor:
    """The `quotes` stage: fills `Document.quotes`."""

    name = "quotes"

    def __init__(self, settings: Settings | None = None, *, lang: str | None = None,
                 actor_at: Callable[[Document, int, int], Actor | None] | None = None,
                 use_actors: bool | None = None):
        """`use_actors` (default: the `[stage.quotes]` setting) overrides the config."""
        self.settings = settings or Settings()
        self.config = QuotesConfig.from_settings(self.settings)
        if use_actors is not None:
            self.config = replace(self.config, use_actors=use_actors)
        use_actors = self.config.use_actors
        self.lang = lang or self.settings.lang
        self.verbs: dict[str, str] = {}  # folded lemma -> use
        self.forms: dict[str, str] = {}  # folded inflected form -> folded lemma
        for row in read_tsv(self.lang, "reporting_verbs.tsv", lexicon_dir=self.settings.lexicon_dir):
            lemma = fold(row["lemma"]).removeprefix("s'")
            self.verbs[lemma] = row.get("use") or "any"
            forms = [f.strip() for f in (row.get("forms") or "").split(",") if f.strip()]
            if lemma.endswith("er") and not forms:
                forms = [lemma[:-2] + end for end in _ER_ENDINGS]
            for form in forms:
                self.forms.setdefault(fold(form), lemma)
        self.speaker_nouns: dict[str, str] = {}
        self.noun_sectors: dict[str, str] = {}
        for row in read_tsv(self.lang, "speaker_nouns.tsv", lexicon_dir=self.settings.lexicon_dir):
            self.speaker_nouns[fold(row["noun"])] = row.get("kind") or "speaker"
            if row.get("sector"):
                self.noun_sectors[fold(row["noun"])] = row["sector"]
        # the actor layer (the actors stage's `Document.lookups.actor_at`, or the `actor_at` given)
        # turns speaker phrases into actors; without it (use_actors=False, or the actors stage has not
        # run) spaCy PER/ORG entities and the phrases themselves do
        self.use_actors = use_actors
        self._actor_at = actor_at

    def __call__(self, doc: Document) -> Document:
        sdoc = doc.spacy_doc
        if sdoc is None:
            log.warning("quotes: no spaCy parse on %s; only unattributed direct quotes", doc.article_id)
        actor_at = self._actor_at or (doc.lookups.actor_at if self.use_actors else None)
        date_of = doc.lookups.event_date or attach_date  # (the reporting week when no timex stage ran)
        found = read_quotes(self, doc, sdoc, actor_at)
        published = doc.published.value if doc.published else None
        quotes = []
        for f in found:
            date = published
            if date_of is not None and f.anchor[1] > f.anchor[0]:
                try:
                    dv = date_of(doc, *f.anchor)
                except Exception:  # noqa: BLE001 - a date is a nicety; never lose the quote over it
                    dv = None
                if dv is not None and dv.value and dv.precision == "day" and self._said_on(doc, f, dv.value):
                    date = dv.value
            quotes.append(Quote(
                quote_id=stable_id("quo", doc.article_id, f.start), article_id=doc.article_id,
                text=doc.text[f.start:f.end], direct=f.direct, char_start=f.start, char_end=f.end,
                speaker=f.speaker, date=date))
        doc.quotes = quotes
        return doc

    @staticmethod
    def _said_on(doc: Document, f: _Found, value: str) -> bool:
        """The date comes from a temporal expression of the reporting clause: outside the quote
        ("jeudi" in "… tués jeudi, a annoncé X" dates the killing) and near the verb."""
        for t in doc.timexes:
            if t.date != value or (f.start <= t.start < f.end):
                continue
            if min(abs(t.start - f.anchor[1]), abs(f.anchor[0] - t.end)) <= 60:
                return True
        return False

    def verb_use(self, tok, *, any_pos: bool = False) -> str | None:
        """'any' / 'quote' / 'faire' when the token is a reporting verb, else None.

        `any_pos`: also when the tagger took the form for a noun ("», juge le ministère"), used
        where only a verb can stand (right after a closing quote or a comma, before its subject).
        """
        if tok.pos_ not in ("VERB", "AUX") and not (any_pos and tok.pos_ in ("NOUN", "PROPN", "ADJ")):
            return None
        lemma = fold(tok.lemma_).removeprefix("s'")
        use = self.verbs.get(lemma)
        if use is None:
            lemma = self.forms.get(fold(tok.text), "")
            use = self.verbs.get(lemma)
        if use is None:
            return None
        if use == "faire":
            prev = tok.nbor(-1) if tok.i > 0 else None
            return "any" if prev is not None and fold(prev.lemma_) == "faire" else None
        return use


ActorAt = Callable[[Document, int, int], Actor | None]
CharSpan = tuple[int, int]


@dataclass
class _DocState:
    """What one document's reading builds and shares between the rules: the text, its parse, the
    direct spans, the quotes found so far (speakers of earlier quotes resolve later pronouns)."""

    doc: Document
    sdoc: Any  # the spaCy parse, None without one
    actor_at: ActorAt | None
    text: str = field(init=False)
    sent_starts: list[int] = field(init=False)
    spans: list[_Span] = field(init=False)  # every top-level quoted span
    span_opens: list[int] = field(init=False)
    spans_kept: list[_Span] = field(default_factory=list)  # the spans kept as direct quotes
    found: list[_Found] = field(default_factory=list)
    _folded: str | None = None

    def __post_init__(self) -> None:
        self.text = self.doc.text
        self.sent_starts = [s.start for s in self.doc.sentences]
        self.spans = find_direct_spans(self.doc.text)
        self.span_opens = [sp.open_at for sp in self.spans]

    @property
    def folded(self) -> str:
        """`fold(text)` one character at a time, so offsets stay those of the text."""
        if self._folded is None:
            self._folded = fold_each_char(self.text)
        return self._folded

    def sent_index(self, pos: int) -> int:
        return max(0, bisect_right(self.sent_starts, pos) - 1)

    def sent_bounds(self, pos: int) -> CharSpan:
        if not self.doc.sentences:
            return 0, len(self.text)
        s = self.doc.sentences[self.sent_index(pos)]
        return s.start, s.end

    def in_quote(self, pos: int) -> bool:
        k = bisect_right(self.span_opens, pos) - 1  # top-level spans do not overlap
        return k >= 0 and pos <= self.spans[k].close_at

    def tok_at(self, pos: int) -> Any:
        """The token starting at or covering char `pos` (None without a parse)."""
        if self.sdoc is None:
            return None
        span = self.sdoc.char_span(pos, pos + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def tokens_between(self, start: int, end: int) -> list[Any]:
        if self.sdoc is None or end <= start:
            return []
        span = self.sdoc.char_span(start, end, alignment_mode="contract")
        return list(span) if span is not None else []


def read_quotes(ex: QuoteExtractor, doc: Document, sdoc: Any, actor_at: ActorAt | None) -> list[_Found]:
    """One document's quotes (direct, then indirect where a parse is there), in text order."""
    st = _DocState(doc, sdoc, actor_at)
    speakers = _Speakers(st, ex, _Phrases(st, ex))
    _DirectQuotes(st, ex, speakers).read()
    if sdoc is not None:
        _IndirectQuotes(st, ex, speakers).read()
    st.found.sort(key=lambda f: f.start)
    return st.found


class _Phrases:
    """Noun phrases in the parse: after a verb, in apposition, before a relative "qui", and the
    kind of their head noun (speaker_nouns.tsv)."""

    def __init__(self, st: _DocState, ex: QuoteExtractor):
        self.st = st
        self.ex = ex

    def np_after(self, k: int) -> list[CharSpan] | None:
        """Character spans of the noun phrase starting at token k (plus a name in apposition)."""
        sdoc = self.st.sdoc
        n = len(sdoc)
        while k < n and sdoc[k].pos_ == "ADV":
            k += 1
        if k >= n or sdoc[k].pos_ not in ("DET", "PROPN", "NOUN", "ADJ", "NUM", "PRON"):
            return None
        j = k
        while j < n:
            t = sdoc[j]
            if t.lower_ in NP_LINKS or t.pos_ in ("DET", "PROPN", "NOUN", "ADJ", "NUM", "X") \
                    or (t.pos_ == "PRON" and j == k):
                j += 1
                continue
            break
        if j == k:
            return None
        spans = [(sdoc[k].idx, sdoc[j - 1].idx + len(sdoc[j - 1]))]
        appos = self.apposition_after(j)
        if appos:
            spans.insert(0, appos)
        return spans

    def apposition_after(self, j: int) -> CharSpan | None:
        """A name in apposition after a phrase ending at token j, past a short complement:
        "l'ambassadeur de France en Afghanistan, Bernard Bajolet"."""
        sdoc = self.st.sdoc
        n = len(sdoc)
        c = j
        while c < min(n, j + 5) and sdoc[c].text != "," and sdoc[c].pos_ not in ("VERB", "AUX", "PUNCT"):
            c += 1
        return self.apposition_name(c) if c < n else None

    def apposition_name(self, j: int) -> CharSpan | None:
        """", Dmitri Peskov" at token j: the name's character span."""
        sdoc = self.st.sdoc
        if j + 1 >= len(sdoc) or sdoc[j].text != ",":
            return None
        b = j + 1
        while b < len(sdoc) and (sdoc[b].lower_ in TITLES or (sdoc[b].pos_ == "DET" and b == j + 1)):
            b += 1
        if b >= len(sdoc) or sdoc[b].pos_ != "PROPN":
            return None
        e = b
        while e < len(sdoc) and sdoc[e].pos_ == "PROPN":
            e += 1
        return sdoc[b].idx, sdoc[e - 1].idx + len(sdoc[e - 1])

    def subject_phrase(self, subj: Any) -> list[CharSpan]:
        """The subject phrase up to its first comma ("de X" complements kept), then a name in
        apposition if any (first)."""
        sdoc = self.st.sdoc
        left = subj.left_edge.i
        right = subj.i
        while right + 1 < len(sdoc) and sdoc[right + 1].dep_ == "flat:name":
            right += 1
        spans = [(sdoc[left].idx, sdoc[right].idx + len(sdoc[right]))]
        # tokens of the subject's subtree after the head: keep "de X" complements, stop at a comma
        k = right + 1
        while k <= subj.right_edge.i and sdoc[k].text != "," and (
                sdoc[k].lower_ in NP_LINKS or sdoc[k].pos_ in ("DET", "NOUN", "PROPN", "ADJ", "NUM", "X")):
            k += 1
        if k > right + 1:
            last = sdoc[k - 1]
            spans = [(sdoc[left].idx, last.idx + len(last))]
        appos = self.apposition_after(k) if k < len(sdoc) else None
        if appos is None:
            for c in subj.children:
                if c.dep_ in ("appos", "conj") and c.pos_ == "PROPN" and c.i > subj.i:
                    e = c.i
                    while e + 1 < len(sdoc) and sdoc[e + 1].dep_ == "flat:name":
                        e += 1
                    appos = (c.idx, sdoc[e].idx + len(sdoc[e]))
                    break
        if appos:
            spans.insert(0, appos)
        return spans

    def relative_antecedent(self, qui: Any) -> list[CharSpan]:
        """The phrase before "(,) qui", and a name in apposition before it:
        "Bernard Bonnet, le successeur de Claude Erignac, qui …" -> [Bernard Bonnet, le successeur …]."""
        sdoc = self.st.sdoc
        j = qui.i - 1
        if j >= 0 and sdoc[j].text == ",":
            j -= 1
        end = j
        while j >= 0 and (sdoc[j].lower_ in NP_LINKS or sdoc[j].pos_ in ("DET", "NOUN", "PROPN", "ADJ", "NUM")):
            j -= 1
        if end <= j:
            return []
        spans = [(sdoc[j + 1].idx, sdoc[end].idx + len(sdoc[end]))]
        if j >= 1 and sdoc[j].text == "," and sdoc[j - 1].pos_ == "PROPN":
            k = j - 1
            while k > 0 and sdoc[k - 1].pos_ == "PROPN":
                k -= 1
            spans.insert(0, (sdoc[k].idx, sdoc[j - 1].idx + len(sdoc[j - 1])))
        return spans

    def head_noun(self, s: int, e: int) -> Any:
        for t in self.st.tokens_between(s, e):
            if t.pos_ in ("NOUN", "PROPN"):
                return t
        return None

    def head_kind(self, s: int, e: int) -> str | None:
        """The speaker_nouns.tsv kind of the phrase's first (one or two) words past a determiner,
        else of its head noun."""
        words = fold(self.st.text[s:e]).replace("’", "'").split()
        while words and (words[0] in ("le", "la", "les", "un", "une", "des", "du", "de", "ce", "ces", "cet", "cette")
                         or words[0].startswith(("l'", "d'"))):
            if words[0].startswith(("l'", "d'")) and len(words[0]) > 2:
                words[0] = words[0][2:]
                break
            words = words[1:]
        if words:
            for n in (2, 1):
                kind = self.ex.speaker_nouns.get(" ".join(words[:n]))
                if kind:
                    return kind
        head = self.head_noun(s, e)
        if head is None:
            return None
        return self.ex.speaker_nouns.get(fold(head.text)) or self.ex.speaker_nouns.get(fold(head.lemma_))

    def through_document(self, s: int, e: int) -> CharSpan | None:
        """"un communiqué de la police londonienne" -> "la police londonienne"; a bare document -> None."""
        if self.head_kind(s, e) != "document":
            return (s, e)
        head = self.head_noun(s, e)
        if head is None:
            return None
        toks = self.st.tokens_between(head.idx + len(head), e)
        if toks and toks[0].lower_ in NP_LINKS and len(toks) > 1:
            return (toks[1].idx, e)
        return None


class _Speakers:
    """Who speaks: a phrase made an actor, the subject of a reporting verb, an inverted or
    introductory clause, a pronoun resolved against earlier quotes and sentences."""

    def __init__(self, st: _DocState, ex: QuoteExtractor, phrases: _Phrases):
        self.st = st
        self.ex = ex
        self.phrases = phrases

    def subject_speaker(self, verb: Any, *, need_actor: bool = False) -> ActorRef | None:
        st = self.st
        # inverted subject after the verb: "comme le rappelle HRW", "comme le précise X"
        k = verb.i - 1
        while k >= 0 and st.sdoc[k].lower_ in ("le", "l'", "l’", "nous", "vous", "l", "-t"):
            k -= 1
        if k >= 0 and st.sdoc[k].lower_ == "comme":
            np = self.phrases.np_after(verb.i + 1)
            if np:
                return self.from_spans(np, need_actor=need_actor)
        subj = _subject_of(verb)
        if subj is None:
            s0, _ = st.sent_bounds(verb.idx)
            for tok in reversed(st.tokens_between(s0, verb.idx)):
                if tok.dep_ in SUBJ_DEPS and not st.in_quote(tok.idx):
                    subj = tok
                    break
        if subj is None:
            return None
        return self.from_subject(subj, need_actor=need_actor)

    def from_subject(self, subj: Any, *, need_actor: bool = False) -> ActorRef | None:
        low = subj.lower_.lstrip("-")
        if low in SUBJECT_PRONOUNS:
            return self.resolve_pronoun(subj.idx)
        if low in ("qui", "lequel", "laquelle"):
            spans = self.phrases.relative_antecedent(subj)
            return self.from_spans(spans, need_actor=need_actor) if spans else None
        if subj.pos_ == "PRON" and low in ("on", "je", "j'", "j’", "nous", "vous", "tu", "ce", "c'", "cela", "ça"):
            return None
        return self.from_spans(self.phrases.subject_phrase(subj), need_actor=need_actor)

    def from_spans(self, spans: list[CharSpan], *, need_actor: bool = False) -> ActorRef | None:
        """The best speaker among candidate spans: a person actor, any actor, an entity, the phrase."""
        st, doc = self.st, self.st.doc
        through = [self.phrases.through_document(s, e) for s, e in spans]
        spans = [sp for sp in through if sp is not None]
        if not spans:
            return None
        actors: list[Actor] = []
        # a named person first, in candidate order (a name in apposition comes first)
        for s, e in spans:
            a = st.actor_at(doc, s, e) if st.actor_at is not None else None
            if a is not None:
                actors.append(a)
                if a.kind == "person":
                    return a.ref()
            for ent in doc.entities:
                if ent.label == "PER" and ent.start < e and s < ent.end:
                    return ActorRef(name=_untitled(ent.text))
        if actors:
            return actors[0].ref()
        for s, e in spans:
            for ent in doc.entities:
                if ent.label == "ORG" and ent.start < e and s < ent.end:
                    return ActorRef(name=_untitled(ent.text))
        for s, e in spans:
            ref = self.coreferent(s, e)
            if ref is not None:
                return ref
        s, e = spans[-1]
        head = self.phrases.head_noun(s, e)
        if need_actor and self.phrases.head_kind(s, e) != "speaker" and (head is None or head.pos_ != "PROPN"):
            return None
        phrase = _untitled(st.text[s:e].strip(" ,.;:"))
        return ActorRef(name=phrase) if phrase else None

    def coreferent(self, s: int, e: int) -> ActorRef | None:
        """A definite description with no actor of its own, read against what came before:
        "l'ancien porte-parole de la mission onusienne" named earlier in apposition ("…, Timor
        Goksel,") is that person; "le quotidien" / "l'ONG" is the nearest preceding actor of the
        noun's sector (MED, NGO)."""
        phrase = self.st.text[s:e]
        m = re.match(r"(?i)(le|la|l['’]|les)\s*", phrase)
        if not m:
            return None
        body = phrase[m.end():].strip()
        key = " ".join(fold(body).split())
        if not key:
            return None
        at = self.st.folded.rfind(key, 0, s) if len(key.split()) >= 2 else -1
        if at >= 0:
            named = self._named_in_apposition(at, at + len(key))
            if named is not None:
                return named
        sector = self.ex.noun_sectors.get(key.split()[0])
        if sector and self.st.doc.actor_mentions:
            return self._of_sector(key.split()[0], sector, s)
        return None

    def _named_in_apposition(self, at: int, end: int) -> ActorRef | None:
        """The person named in apposition to the description's earlier occurrence at `at`-`end`."""
        st, doc, text = self.st, self.st.doc, self.st.text
        names = [(ent.start, ent.end) for ent in doc.entities if ent.label == "PER"]
        for mention in doc.actor_mentions:
            a = doc.actors.get(mention.actor_id)
            if a is not None and a.kind == "person" and mention.how in ("name", "surname", "alias", "known"):
                names.append((mention.start, mention.end))
        for n0, n1 in sorted(names):
            gap_after = text[end:n0]
            gap_before = text[n1:at]
            if (n0 >= end and len(gap_after) <= 20 and re.fullmatch(r"[^,.;]*,\s*(?:\w+\.?\s+)?", gap_after)) \
                    or (n1 <= at and re.fullmatch(r",\s*(?:le|la|l['’])?\s*", gap_before, re.I)):
                a = st.actor_at(doc, n0, n1) if st.actor_at is not None else None
                return a.ref() if a is not None else ActorRef(name=_untitled(text[n0:n1]))
        return None

    def _of_sector(self, noun: str, sector: str, s: int) -> ActorRef | None:
        """The actor the article introduced with this very noun ("le quotidien français Le Figaro
        … indique le quotidien"), else the nearest preceding non-person actor of the sector."""
        doc = self.st.doc
        nearest = None
        for mention in reversed(doc.actor_mentions):
            if mention.end > s:
                continue
            a = doc.actors.get(mention.actor_id)
            if a is not None and a.kind != "person" and a.sector == sector:
                if noun in self.st.folded[max(0, mention.start - 30):mention.start]:
                    return a.ref()
                nearest = nearest or a.ref()
        return nearest

    def resolve_pronoun(self, pos: int, exclude: CharSpan | None = None) -> ActorRef | None:
        """A subject pronoun at `pos`: previous speaker, earlier subject, previous sentences' subject."""
        st = self.st
        here = st.sent_index(pos)
        # 1. the previous quote's speaker, in this sentence or the previous one
        for f in reversed(st.found):
            if f.start >= pos or (exclude and f.start == exclude[0]):
                continue
            if f.speaker is not None and here - st.sent_index(f.end) <= 1:
                return f.speaker
            break
        if st.sdoc is None:
            return None
        # 2. a subject earlier in this sentence, outside quotes
        s0, _ = st.sent_bounds(pos)
        for tok in reversed(st.tokens_between(s0, pos)):
            if tok.dep_ in SUBJ_DEPS and tok.lower_ not in SUBJECT_PRONOUNS and tok.pos_ != "PRON" \
                    and not st.in_quote(tok.idx):
                ref = self.from_subject(tok)
                if ref is not None:
                    return ref
        # 3. the subject of one of the two previous sentences (main clause first)
        for k in (here - 1, here - 2):
            if k < 0:
                break
            sent = st.doc.sentences[k]
            toks = [t for t in st.tokens_between(sent.start, sent.end) if not st.in_quote(t.idx)]
            subjects = [t for t in toks if t.dep_ in SUBJ_DEPS and t.pos_ != "PRON"
                        and t.lower_ not in SUBJECT_PRONOUNS]
            subjects.sort(key=lambda t: (t.head.dep_ != "ROOT", t.i))
            for subj in subjects:
                ref = self.from_subject(subj)
                if ref is not None and self.is_named(ref):
                    return ref
        # 4. the nearest preceding person
        return self.nearest_person(pos)

    def is_named(self, ref: ActorRef) -> bool:
        return ref.actor_id is not None or any(
            e.label in ("PER", "ORG") and e.text in ref.name for e in self.st.doc.entities) \
            or bool(re.search(r"\b(?:gouvernement|minist|ONG|organisation|président|porte-parole|"
                              r"direction|armée|police|agence)", ref.name, re.I))

    def nearest_person(self, pos: int) -> ActorRef | None:
        st, doc = self.st, self.st.doc
        if doc.actor_mentions and doc.actors:
            for m in reversed(doc.actor_mentions):
                if m.end <= pos and not st.in_quote(m.start):
                    a = doc.actors.get(m.actor_id)
                    if a is not None and a.kind == "person":
                        return a.ref()
        for ent in reversed(doc.entities):
            if ent.end <= pos and ent.label == "PER" and not st.in_quote(ent.start):
                return ActorRef(name=ent.text)
        return None

    def inverted_clause(self, tok: Any, *, need_actor: bool = False) -> tuple[ActorRef | None, CharSpan] | None:
        """A clause starting at `tok` of the form [aux] [-t-il] verb [-il|NP]: its speaker."""
        sdoc = self.st.sdoc
        i, pronoun, verb = tok.i, None, None
        for k in range(i, min(i + 5, len(sdoc))):
            t = sdoc[k]
            low = t.lower_
            if low.startswith("-") and low.lstrip("-") in SUBJECT_PRONOUNS:
                pronoun = t
                continue
            if low in ("-on", "-t-on"):
                return None
            if low in ("-t", "t", "-"):
                continue
            if verb is None and self.ex.verb_use(t, any_pos=True):
                verb = t
                continue
            if verb is None and (t.pos_ in ("AUX", "ADV") or low in ("ne", "n'", "n’")):
                continue
            break
        if verb is None:
            return None
        anchor = (verb.idx, verb.idx + len(verb))
        if pronoun is not None:
            return self.resolve_pronoun(verb.idx), anchor
        np = self.phrases.np_after(verb.i + 1)
        if np is None:
            return None
        return self.from_spans(np, need_actor=need_actor), anchor

    def intro_phrase(self, toks: list[Any], *, allow_pour: bool) -> tuple[ActorRef | None, CharSpan] | None:
        """"Selon X," / "D'après X," / ("Pour X,") among `toks`: the speaker X."""
        for idx, t in enumerate(toks):
            low = t.lower_
            is_intro = low == "selon" or (low in ("après",) and idx > 0 and toks[idx - 1].lower_ in ("d'", "d’"))
            is_pour = allow_pour and low == "pour" and (
                idx == 0 or toks[idx - 1].is_punct or toks[idx - 1].pos_ in ("CCONJ", "ADV"))
            is_intro = is_intro or is_pour
            if not is_intro:
                continue
            end = idx + 1
            while end < len(toks) and toks[end].text != ",":
                end += 1
            if end == idx + 1:
                continue
            first, last = toks[idx + 1], toks[end - 1]
            if end - idx - 1 == 1 and first.lower_ in SUBJECT_PRONOUNS:
                return self.resolve_pronoun(first.idx), (t.idx, t.idx + len(t))
            spans = [(first.idx, last.idx + len(last))]
            if end < len(toks):
                appos = self.phrases.apposition_name(toks[end].i)
                if appos:
                    spans.insert(0, appos)
            # "Pour X, « … »" quotes X only when X can speak (not "Et pour la dernière période, « … »")
            speaker = self.from_spans(spans, need_actor=is_pour)
            if speaker is None and is_pour:
                continue
            return speaker, (t.idx, t.idx + len(t))
        return None


class _QuoteRules:
    """Rules that find quotes in one document's state, with the speaker rules at hand."""

    def __init__(self, st: _DocState, ex: QuoteExtractor, speakers: _Speakers):
        self.st = st
        self.ex = ex
        self.speakers = speakers


class _DirectQuotes(_QuoteRules):
    """The rules of direct quotes: which quoted spans are quotes, and who speaks them."""

    def read(self) -> None:
        """Keep the quoted spans that are quotes (`st.spans_kept`), each found with its speaker."""
        st = self.st
        kept = []
        for sp in st.spans:
            speaker, anchor, explicit = self.speaker(sp) if st.sdoc is not None else (None, (0, 0), False)
            if not self.quote_like(sp) and not (explicit and self.introduced(sp)):
                continue
            kept.append(sp)
            st.found.append(_Found(sp.start, sp.end, True, speaker, anchor))
            self.continuation(sp, speaker, explicit)
        st.spans_kept = kept

    def continuation(self, sp: _Span, speaker: ActorRef | None, explicit: bool) -> None:
        """Give an unattributed quote that opens a sentence the previous quote's speaker."""
        st = self.st
        if explicit or speaker is not None or len(st.found) < 2:
            return
        prev = st.found[-2]
        if prev.speaker is None:
            return
        s0, _ = st.sent_bounds(sp.open_at)
        before = st.text[s0:sp.open_at].strip()
        if before or st.sent_index(sp.open_at) - st.sent_index(prev.end) > 1:
            return
        st.found[-1].speaker = prev.speaker

    def introduced(self, sp: _Span) -> bool:
        """Introduced by a colon or followed by a reporting clause: « Non », a-t-il dit."""
        before = self.st.text[:sp.open_at].rstrip()
        if before.endswith(":"):
            return True
        return self.after_clause(sp.close_at + 1) is not None

    def quote_like(self, sp: _Span) -> bool:
        """A quote, not a fragment quoted inside narration (« vive inquiétude », « neutralisé »)."""
        st = self.st
        words = _WORD.findall(st.text[sp.start:sp.end])
        before = st.text[max(0, sp.open_at - 40):sp.open_at].rstrip()
        embedded = bool(before) and (before[-1].isalnum() or before[-1] in "'’") \
            and not re.search(r"\bqu(?:e|['’])$", before, re.I)
        if embedded:
            if len(words) >= EMBEDDED_WORDS:
                return True
            # "affirme « agir au nom de Dieu »": right after a reporting verb
            tok = st.tok_at(len(before) - 1 + max(0, sp.open_at - 40)) if st.sdoc is not None else None
            if len(words) < 4 or tok is None or self.ex.verb_use(tok) is None:
                return False
            # not "la loi dite « Sur l'information »" (a past participle used as an adjective)
            return not ("Part" in tok.morph.get("VerbForm", []) and "Past" in tok.morph.get("Tense", [])
                        and not any(c.dep_.startswith("aux") for c in tok.children))
        if len(words) >= 5:
            return True
        if len(words) < MIN_WORDS or st.sdoc is None:
            return False
        return any("Fin" in t.morph.get("VerbForm", []) for t in st.tokens_between(sp.start, sp.end))

    def speaker(self, sp: _Span) -> tuple[ActorRef | None, CharSpan, bool]:
        """(speaker, reporting-clause span, explicitly attributed?) for a direct quote."""
        st, speakers = self.st, self.speakers
        # 1. incise inside the quote: "« Moi, dit-il, j'ai … »"
        for m in re.finditer(r",\s*(\w+)-(?:t-)?(il|elle|ils|elles)\s*,", st.text[sp.start:sp.end]):
            tok = st.tok_at(sp.start + m.start(1))
            if tok is not None and self.ex.verb_use(tok):
                pos = sp.start + m.start(1)
                return speakers.resolve_pronoun(pos, exclude=(sp.start, sp.end)), (pos, pos + len(m.group(1))), True
        # 2. reporting clause right after the quote
        after = self.after_clause(sp.close_at + 1)
        if after is not None:
            return after[0], after[1], True
        # 3. reporting verb before the quote in the same sentence
        s0, _ = st.sent_bounds(sp.open_at)
        before = [t for t in st.tokens_between(s0, sp.open_at) if not st.in_quote(t.idx)]
        for tok in reversed(before):
            if self.ex.verb_use(tok) and "Inf" not in tok.morph.get("VerbForm", []):
                return speakers.subject_speaker(tok), (tok.idx, tok.idx + len(tok)), True
        # 4. "Selon X, « … »", "Pour X, « … »", "D'après X, « … »"
        intro = speakers.intro_phrase(before, allow_pour=True)
        if intro is not None:
            return intro[0], intro[1], True
        # 5. a clause ending in a colon: its subject speaks
        prev = st.text[s0:sp.open_at].rstrip()
        if prev.endswith(":") and before:
            root = _root_of(before)
            subj = _subject_of(root) if root is not None else None
            speaker = speakers.from_subject(subj, need_actor=True) if subj is not None else None
            if speaker is not None:
                return speaker, (root.idx, root.idx + len(root)), True
        return None, (sp.start, sp.end), False

    def after_clause(self, pos: int) -> tuple[ActorRef | None, CharSpan] | None:
        """"», a-t-il ajouté", "», affirme X", "» indique le quotidien" right after position `pos`."""
        st = self.st
        if st.sdoc is None:
            return None
        tail = st.text[pos:pos + 120]
        m = re.match(r"[\s,]*", tail)
        start = pos + (m.end() if m else 0)
        if start >= len(st.text) or st.text[start] in ".!?;:\n":
            return None
        tok = st.tok_at(start)
        if tok is None:
            return None
        return self.speakers.inverted_clause(tok)


class _IndirectQuotes(_QuoteRules):
    """The rules of indirect speech, one sentence at a time: "X a déclaré que …", "…, a indiqué
    X", "Selon X, …" / "…, selon X" (a clause that holds a direct quote is not repeated)."""

    def read(self) -> None:
        st = self.st
        for sent in st.doc.sentences:
            toks = [t for t in st.tokens_between(sent.start, sent.end)]
            if not toks:
                continue
            done = False
            pos = st.doc.token_columns.pos if st.doc.token_columns is not None else None
            for t in toks:
                if pos is not None and pos[t.i] not in ("VERB", "AUX"):
                    continue  # verb_use would say None
                if st.in_quote(t.idx) or self.ex.verb_use(t) != "any":
                    continue
                if self.que_clause(t, sent) or self.postposed(t, sent):
                    done = True
                    break
            if not done:
                self.selon(toks, sent)

    def holds_direct(self, start: int, end: int) -> bool:
        return any(sp.open_at >= start and sp.close_at < end for sp in self.st.spans_kept)

    def emit(self, start: int, end: int, speaker: ActorRef | None, anchor: CharSpan) -> bool:
        """Record the clause `start`-`end` (trimmed of spaces and punctuation) as an indirect
        quote, unless it is short, has no speaker, holds a direct quote or overlaps a quote found."""
        text = self.st.text
        while start < end and (text[start] in _SPACES or text[start] in ":,"):
            start += 1
        while end > start and (text[end - 1] in _SPACES or text[end - 1] in ".,;:!?"):
            end -= 1
        if end - start < 8 or speaker is None:
            return False
        if self.holds_direct(start, end):
            return False
        if any(f.start < end and start < f.end for f in self.st.found):
            return False
        self.st.found.append(_Found(start, end, False, speaker, anchor))
        return True

    def que_clause(self, verb: Any, sent: Any) -> bool:
        """"X a déclaré (à l'AFP) que …": the clause after que."""
        st = self.st
        if "Inf" in verb.morph.get("VerbForm", []) and not (verb.i > 0 and fold(verb.nbor(-1).lemma_) == "faire"):
            return False
        que = None
        for k in range(verb.i + 1, min(verb.i + 7, len(st.sdoc))):
            t = st.sdoc[k]
            if t.idx >= sent.end:
                break
            if t.lower_ in ("que", "qu'", "qu’"):
                que = t
                break
            if t.pos_ in ("VERB", "AUX") or t.is_punct and t.text not in ("'",):
                break
        if que is None:
            return False
        start = que.idx + len(que)
        end = sent.end
        m = re.search(r";|:\s*[«“\"]", st.text[start:end])
        if m:
            end = start + m.start()
        # "…, tout en ajoutant qu'« … »": the clause stops before the next reporting verb
        for t in st.tokens_between(start, end):
            if self.ex.verb_use(t) and not st.in_quote(t.idx):
                cut = st.text.rfind(",", start, t.idx)
                if cut > start:
                    end = cut
                break
        anchor_verb = verb.nbor(-1) if "Inf" in verb.morph.get("VerbForm", []) else verb
        speaker = self.speakers.subject_speaker(anchor_verb, need_actor=True)
        return self.emit(start, end, speaker, (verb.idx, verb.idx + len(verb)))

    def postposed(self, verb: Any, sent: Any) -> bool:
        """"…, a indiqué le Kremlin." / "…, dit-il.": the clause before the comma."""
        first = verb
        while first.i > 0 and (first.nbor(-1).pos_ in ("AUX", "ADV")
                               or first.nbor(-1).lower_ in ("-t", "-il", "-elle")):
            first = first.nbor(-1)
        if first.i == 0 or first.nbor(-1).text != ",":
            return False
        comma = first.nbor(-1)
        if comma.idx <= sent.start or self.st.text[comma.idx - 1] in "»”\"":
            return False
        # the subject must follow the verb (inverted): no subject child on the left
        if any(c.dep_ in SUBJ_DEPS and c.i < verb.i and c.idx >= sent.start for c in verb.children
               if not c.lower_.startswith("-")):
            return False
        res = self.speakers.inverted_clause(first, need_actor=True)
        if res is None:
            return False
        return self.emit(sent.start, comma.idx, res[0], res[1])

    def selon(self, toks: list[Any], sent: Any) -> bool:
        """"Selon X, clause" / "D'après X, clause" / "clause, selon X."."""
        st = self.st
        lowered = sent.text.lower()
        if "selon" not in lowered and "après" not in lowered:
            return False  # neither introducer in the sentence: no token to look at
        for idx, t in enumerate(toks):
            low = t.lower_
            if not (low == "selon" or (low == "après" and idx > 0 and toks[idx - 1].lower_ in ("d'", "d’"))):
                continue
            if st.in_quote(t.idx):
                continue
            intro_at = toks[idx - 1] if low == "après" else t
            end = idx + 1
            while end < len(toks) and toks[end].text not in (",", "."):
                end += 1
            if end == idx + 1:
                continue
            first, last = toks[idx + 1], toks[end - 1]
            if end - idx - 1 == 1 and first.lower_ in SUBJECT_PRONOUNS:
                speaker = self.speakers.resolve_pronoun(first.idx)
            else:
                speaker = self.speakers.from_spans([(first.idx, last.idx + len(last))], need_actor=True)
            anchor = (t.idx, t.idx + len(t))
            if end < len(toks) and toks[end].text == ",":
                # "Selon X, clause" (the intro may follow a connective: "Mais selon X, …")
                return self.emit(toks[end].idx + 1, sent.end, speaker, anchor)
            # "clause, selon X."
            before = st.text[sent.start:intro_at.idx].rstrip()
            if before.endswith(","):
                return self.emit(sent.start, sent.start + len(before) - 1, speaker, anchor)
        return False


def _untitled(name: str) -> str:
    """"Mme Fatou Bensouda" -> "Fatou Bensouda" (civility titles are not part of a name)."""
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in {t.rstrip(".") for t in TITLES}:
        words = words[1:]
    return " ".join(words)


def _subject_of(verb):
    if "Part" in verb.morph.get("VerbForm", []) and "Pres" in verb.morph.get("Tense", []):
        # "(tout) en ajoutant que": the subject of the main clause
        root = verb.sent.root
        if root is not verb:
            verb = root
    for c in verb.children:
        if c.dep_ in SUBJ_DEPS and not c.lower_.startswith("-"):
            return c
    if verb.dep_ in ("conj", "xcomp") and verb.head is not verb:
        for c in verb.head.children:
            if c.dep_ in SUBJ_DEPS and not c.lower_.startswith("-"):
                return c
    return None


def _root_of(toks):
    for t in reversed(toks):
        if t.dep_ == "ROOT":
            return t
    return None
