"""Who claims an event: reporting verbs governing it, "selon X", an incise ("…, a indiqué le
Kremlin"), a direct quote whose speaker verb is outside the quote, or a quote running over several
sentences. The factuality reader asks these readers; the result is the reading's `claimed` class,
how it was claimed, and the claimant token."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from ..models import fold
from ..nlp import TokenColumns
from .lexicon import EventLexicon
from .syntax import lem, prep_at

if TYPE_CHECKING:
    from .factuality import FactualityReading

_QUOTE_OPEN = {"«", "“", "‹"}
_QUOTE_CLOSE = {"»", "”", "›"}


def claim(verb: Token, r: FactualityReading, how: str = "embedded") -> None:
    """Mark the reading claimed by `verb` (its subject is the claimant), the first claim kept."""
    r.classes.add("claimed")
    r.claim_how.add(how)
    if r.claim_verb is None:
        r.claim_verb = verb
        r.claimant = claimant_of(verb)


class ClaimReader:
    """The claim markers of a trigger's sentence (configured once with the lexicon and the
    factuality reader's negation test: a negated reporting verb claims nothing)."""

    def __init__(self, lex: EventLexicon, negated: Callable[[Token], bool]):
        self.lex = lex
        self.negated = negated

    def that_claim(self, trigger: Token, sent: Span, r: FactualityReading) -> None:
        """Robustness to parse errors: the sentence's main verb is a reporting verb and the trigger
        follows its "que" ("X a déclaré dans un communiqué que des négociations étaient en cours")."""
        root = sent.root
        if root.i >= trigger.i or self.lex.cue(self.lex.report, lem(root)) is None \
                or root.pos_ not in ("VERB", "AUX") or self.negated(root):
            return
        for t in trigger.doc[root.i + 1:min(root.i + 9, trigger.i)]:
            if t.text in (";", ":", ".", "«", "»") or (t.pos_ in ("VERB", "AUX") and t.dep_ != "aux:tense"):
                return
            if fold(t.text) in ("que", "qu'", "qu\u2019") and t.pos_ == "SCONJ":
                if any(x.text in (";", ":") for x in trigger.doc[t.i:trigger.i]):
                    return
                claim(root, r)
                return

    def sentence_claims(self, sent: Span, trigger: Token, r: FactualityReading,
                         columns: TokenColumns | None = None) -> None:
        """"selon X" / "d'après X" anywhere in the sentence; a sentence-initial "Pour X, …"."""
        cols = columns if columns is not None else TokenColumns.of(sent.doc)
        dep, pos, head = cols.dep, cols.pos, cols.head
        for i in range(sent.start, sent.end):
            if dep[i] != "case" or pos[head[i]] not in ("NOUN", "PROPN", "PRON") or head[i] == trigger.i:
                continue
            noun = sent.doc[head[i]]
            p = prep_at(cols, noun.i)
            initial_pour = p == "pour" and i == sent.start and any(
                x.text == "," for x in sent[noun.i - sent.start:min(len(sent), noun.i - sent.start + 12)])
            if (p in self.lex.claim_preps or initial_pour) and lem(noun) not in self.lex.documents \
                    and not _in_other_clause(noun, trigger):
                r.classes.add("claimed")
                r.claim_how.add("selon")
                if r.claimant is None:
                    r.claimant = noun
                return

    def claim_markers(self, chain: list[Token], sent: Span, r: FactualityReading) -> None:
        root = sent.root
        top = chain[-1]
        if root not in chain and top.head.i == root.i and root.i > top.i \
                and self.lex.cue(self.lex.report, lem(root)) is not None and _comma_before(root) \
                and not any(d.dep_ == "nsubj" and d.i < root.i for d in root.children):
            claim(root, r, "incise")  # "…, indique aujourd'hui le ministère" parsed as the root
        heads = list(chain)
        if sent.root not in heads:
            heads.append(sent.root)
        chain_ids = {t.i for t in chain}
        cols = TokenColumns.of(root.doc)
        dep, pos, sdoc = cols.dep, cols.pos, root.doc
        for t in heads:
            for c in cols.children(t.i):
                if c in chain_ids:
                    continue
                p = prep_at(cols, c) if pos[c] in ("NOUN", "PROPN", "PRON") else None
                if p is not None and p in self.lex.claim_preps:
                    r.classes.add("claimed")
                    r.claim_how.add("selon")
                    if r.claimant is None:
                        r.claimant = sdoc[c]
                elif dep[c] in ("parataxis", "dep", "conj", "advcl") \
                        and self.lex.cue(self.lex.report, cols.lem(c)) is not None:
                    if dep[c] in ("conj", "advcl") and not _incise(sdoc[c]):
                        continue  # "…, a rapporté l'agence" parsed as an adverbial clause is an incise
                    claim(sdoc[c], r, "incise")

    def long_quotes(self, trigger: Token, spans: list[tuple[int, int]], r: FactualityReading) -> None:
        """A trigger inside a quote that runs over several sentences is the speaker's claim; the
        speaker is the reporting verb outside the quote in its first or last sentence."""
        span = next(((a, b) for a, b in spans if a < trigger.i < b), None)
        if span is None:
            return
        doc = trigger.doc
        for t in list(doc[span[0]].sent) + list(doc[span[1]].sent):
            if not (span[0] <= t.i <= span[1]) and t.pos_ in ("VERB", "AUX") \
                    and self.lex.cue(self.lex.report, lem(t)) is not None:
                claim(t, r, "quote")
                return
        r.classes.add("claimed")
        r.claim_how.add("quote")

    def quotes(self, trigger: Token, sent: Span, r: FactualityReading,
                columns: TokenColumns | None = None) -> None:
        inside: list[tuple[int, int]] = []
        start = None
        # without the document's columns, the sentence's own tokens (never a whole-document read)
        texts = columns.text[sent.start:sent.end] if columns is not None else [t.text for t in sent]
        for i, text in enumerate(texts, start=sent.start):
            if text in _QUOTE_OPEN:
                start = i
            elif text in _QUOTE_CLOSE and start is not None:
                inside.append((start, i))
                start = None
        if start is not None:
            inside.append((start, sent.end))
        quote = next(((a, b) for a, b in inside if a < trigger.i < b), None)
        if quote is None or quote[1] - quote[0] < 5:
            return  # no quote, or a few words quoted inside narration (« soutien total »)
        for t in sent:
            if not (quote[0] <= t.i <= quote[1]) and self.lex.cue(self.lex.report, lem(t)) is not None and t.pos_ in ("VERB", "AUX"):
                claim(t, r, "quote")
                return


def quote_spans(doc, columns: TokenColumns | None = None) -> list[tuple[int, int]]:
    """(open, close) token indices of the quotes of a spaCy Doc that run over several sentences
    (« … » and “ … ”; a quote left open runs to the end of the paragraph's text)."""
    cols = columns or TokenColumns(doc)
    out: list[tuple[int, int]] = []
    start = None
    for i, text in enumerate(cols.text):
        if text in _QUOTE_OPEN:
            start = i
        elif text in _QUOTE_CLOSE and start is not None:
            if cols.sent_start[start] != cols.sent_start[i]:
                out.append((start, i))
            start = None
        elif "\n" in text and start is not None:
            start = None  # a paragraph break closes a quote left open
    return out


def claimant_of(verb: Token) -> Token | None:
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "obl:agent")]
    subj = [s for s in subj if fold(s.text) not in ("-t", "t", "-t-")]
    if subj:
        return subj[-1] if subj[0].pos_ == "PRON" and len(subj) > 1 else subj[0]
    if _incise(verb) or _comma_before(verb):  # "…, a annoncé le gouvernement": inverted subject as object
        objs = [c for c in verb.children if c.dep_ == "obj" and c.i > verb.i]
        if objs:
            return objs[0]
    return None


def _incise(verb: Token) -> bool:
    """A reporting verb after the reported clause: ", a indiqué le Kremlin", ", a-t-il dit"."""
    if any(d.dep_ == "cc" for d in verb.children):
        return False
    if any(d.dep_ == "nsubj" and d.i < verb.i for d in verb.children):
        return False
    first = next((t for t in verb.subtree if not t.is_punct), verb)
    return first.i > 0 and verb.doc[first.i - 1].text in (",", "»", "”", '"', ":")


def _in_other_clause(tok: Token, trigger: Token) -> bool:
    """Whether tok sits in a subordinate clause that does not contain the trigger ("car selon eux, …")."""
    t = tok
    for _ in range(20):
        if t.dep_ in ("advcl", "ccomp", "csubj") and trigger not in t.subtree:
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def _comma_before(verb: Token) -> bool:
    """The verb (with its auxiliaries) directly follows a comma or a closing quote."""
    first = min([c.i for c in verb.children if c.dep_.startswith("aux") and c.i < verb.i] + [verb.i])
    return first > 0 and verb.doc[first - 1].text in (",", "»", "”", '"')
