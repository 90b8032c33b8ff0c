"""Factuality of an event mention from the dependency parse and the cue lexicon.

The reading starts at the *anchor* (the trigger verb, or the support verb of a nominal trigger:
"a lancé une attaque") and walks up the governing chain:

- on every clause verb of the chain: negation (ne … pas/jamais/plus, aucun, sans), tense and mood
  (future -> planned, conditional -> hypothetical, conditional past "aurait tiré" -> claimed: the
  French journalistic conditional), subordinators (si -> hypothetical, pour/afin de -> planned) and
  adverbs (peut-être, bientôt…);
- governors through xcomp ("devrait arriver", "a démenti avoir livré", "menace de frapper"), through
  ccomp ("affirme que …": claimed by the subject), through acl of a cue noun ("une invitation à se
  rendre"), and through an elided conjunction (the conjunct shares the auxiliaries of its head);
- claim markers anywhere on the chain or the sentence root: "selon X", "d'après X", an incise
  ("…, a indiqué le Kremlin"), or a direct quote whose speaker verb is outside the quote.

Classes combine by precedence: negated > hypothetical > planned > claimed > historical > asserted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from ..models import fold
from ..nlp import TokenColumns
from .claims import ClaimReader, claim, quote_spans
from .lexicon import EventLexicon
from .syntax import (
    compound_past,
    coordination_head,
    finite_of,
    is_finite_or_has_aux,
    lem,
    tense_mood,
)

__all__ = ["FactualityReader", "FactualityReading", "quote_spans"]

PRECEDENCE = ("negated", "hypothetical", "planned", "claimed", "historical")
_NOMINAL = {"NOUN", "PROPN"}
_MODALS = {"devoir", "pouvoir"}
_LITOTES = {"hesiter"}  # negated, the cue commits to its content: "n'hésiterons pas à"


@dataclass
class FactualityReading:
    classes: set[str] = field(default_factory=set)
    claimant: Token | None = None  # head token of the claimant's noun phrase
    claim_verb: Token | None = None
    pluperfect: bool = False
    mood_only: bool = False  # hypothetical only because of a conditional mood
    claim_how: set[str] = field(default_factory=set)  # embedded | incise | quote | selon

    @property
    def cls(self) -> str:
        for c in PRECEDENCE:
            if c in self.classes:
                return c
        return "asserted"


class FactualityReader:
    def __init__(self, lexicon: EventLexicon):
        self.lex = lexicon
        roles = lexicon.negation_roles
        # negation words come from data/<lang>/factuality.tsv (`neg` rows), by role
        self.neg_particles = roles.get("particle", frozenset())
        self.neg_adverbs = roles.get("adverb", frozenset())
        self.neg_alone = roles.get("alone", frozenset())
        self.neg_dets = roles.get("determiner", frozenset())
        self.neg_pronouns = roles.get("pronoun", frozenset())
        self.neg_preps = roles.get("preposition", frozenset())
        self.claims = ClaimReader(lexicon, self.negated)

    # ------------------------------------------------------------------ public

    def read(self, trigger: Token, anchor: Token, sent: Span, *,
             governor: Token | None = None,
             long_quotes: list[tuple[int, int]] | None = None,
             columns: TokenColumns | None = None) -> FactualityReading:
        """`anchor`: the clause verb whose tense, mood and negation apply; `governor`: a cue verb
        taking the nominal trigger as its object ("a démenti toute négociation"); `long_quotes`: the
        document's quotes running over several sentences (`quote_spans`); `columns`: the document's
        token attributes, when the caller has them (`veille.nlp.TokenColumns`)."""
        r = FactualityReading()
        if trigger.i != anchor.i or trigger.pos_ in _NOMINAL:
            self._noun_local(trigger, r)
        if governor is not None:
            self._governor(governor, r, inherit_tense=True)
            anchor = governor
        else:
            negated_before = "negated" in r.classes
            self._clause(anchor, r, own=True)
            if anchor.i != trigger.i and lem(anchor) in self.lex.aspects and not negated_before:
                r.classes.discard("negated")  # "des émeutes n'ont cessé de secouer la capitale"
        # a pluperfect under a past-tense clause is the sequence of tenses ("n'ont pas su dire pourquoi
        # ils avaient saccagé"), not background told against the article's time
        r.pluperfect = compound_past(anchor)[0] and not _under_past_clause(anchor)
        chain = self._walk(anchor, r)
        self._ancestor_scope(chain, r)
        self._that_scope(trigger, sent, r, columns)
        if r.mood_only and "hypothetical" in r.classes and _future_in_past(chain, self.lex):
            # "a précisé que les deux dirigeants tiendraient des négociations": futur du passé
            r.classes.discard("hypothetical")
            r.classes.add("planned")
        self.claims.claim_markers(chain, sent, r)
        if "claimed" not in r.classes:
            self.claims.sentence_claims(sent, trigger, r, columns)
        if "claimed" not in r.classes:
            self.claims.that_claim(trigger, sent, r)
        self.claims.quotes(trigger, sent, r, columns)
        if "claimed" not in r.classes and long_quotes:
            self.claims.long_quotes(trigger, long_quotes, r)
        return r

    # ------------------------------------------------------------------ local cues

    def _noun_local(self, noun: Token, r: FactualityReading) -> None:
        cols = TokenColumns.of(noun.doc)
        dep = cols.dep
        for c in cols.children(noun.i):
            lc = cols.lem(c)
            if dep[c] == "det" and lc in self.neg_dets:
                r.classes.add("negated")
            elif dep[c] == "det" and lc in self.lex.dets and "Plur" not in cols.feature(noun.i, "Number"):
                r.classes.add(self.lex.dets[lc])  # "toute intervention"
            elif dep[c] == "case" and lc in self.neg_preps:
                r.classes.add("negated")
            elif dep[c] in ("amod", "advmod", "nmod", "acl") and lc in self.lex.mods:
                r.classes.add(self.lex.mods[lc])

    def negated(self, verb: Token) -> bool:
        has_ne = has_word = has_adverb = restrictive = False
        cols = TokenColumns.of(verb.doc)
        dep, pos, text, v = cols.dep, cols.pos, cols.text, verb.i
        for c in cols.children(v):
            lc = fold(text[c]).rstrip("'’")
            if c < v and pos[c] in ("ADV", "ADJ") and self._denial_form(lc):
                return True  # "le gouvernement dément(ADV) avoir fait appel …": a mis-tagged denial verb
            if dep[c] == "advmod" or pos[c] == "ADV":
                if lc in self.neg_particles or lc == "n":
                    has_ne = True
                elif lc in self.neg_adverbs:
                    # only with "ne": "le plus fort contingent jamais envoyé" is asserted
                    has_adverb = True
                elif lc in self.neg_alone and c < v:
                    has_word = True  # "un accord non ratifié"
                elif lc in ("que", "qu") and c > v:
                    restrictive = True
            if dep[c] in ("nsubj", "nsubj:pass", "obj", "obl:arg"):
                if cols.lem(c) in self.neg_pronouns and pos[c] == "PRON":
                    has_word = True
                if any(dep[d] == "det" and cols.lem(d) in self.neg_dets for d in cols.children(c)):
                    has_word = True
                if any(fold(text[d]) in ("que", "qu'") and d < c for d in cols.children(c)):
                    restrictive = True  # "n'a signé qu'un accord"
            if dep[c] == "mark" and cols.lem(c) in self.neg_preps:
                return True
        if has_word or (has_adverb and has_ne):
            return True
        if has_ne and not restrictive:  # "n'ont été libérés qu'en janvier 1981": ne … que is "only"
            restrictive = any(fold(t.text) in ("que", "qu'") and t.pos_ in ("ADV", "SCONJ") and t.i > verb.i
                              and t.dep_ in ("advmod", "mark", "fixed") for t in verb.subtree)
        if has_ne and not restrictive:
            # the parser may leave "qu'" of "ne … qu'en 1981" outside the verb's subtree: read the words
            # that follow the verb up to the clause's first punctuation
            for t in verb.doc[verb.i + 1: verb.sent.end]:
                if t.pos_ == "PUNCT" or (t.pos_ in ("VERB", "AUX") and t.dep_ != "aux:pass"):
                    break
                if fold(t.text) in ("que", "qu'", "qu\u2019"):
                    restrictive = True
                    break
        return has_ne and not restrictive

    def _clause(self, verb: Token, r: FactualityReading, *, own: bool, is_cue: bool = False) -> None:
        """Negation, tense/mood, marks and adverbs of one clause verb of the chain.

        For a cue verb (`is_cue`: "devrait", "a démenti") the cue decides: its own negation, tense
        and mood are read by the caller.
        """
        if not is_cue and self.negated(verb):
            r.classes.add("negated")
        fut, cnd = tense_mood(verb)
        _, cnd_past = compound_past(verb)
        if not is_cue:
            if fut:
                r.classes.add("planned")
            if cnd_past and not self._has_si(verb):
                r.classes.add("claimed")  # conditionnel journalistique: "aurait tiré"
            elif cnd and finite_of(verb).dep_ == "cop" and not self._has_si(verb):
                r.classes.add("claimed")  # "serait victime de tirs": conditionnel journalistique
            elif cnd:
                r.mood_only = "hypothetical" not in r.classes and not self._has_si(verb)
                r.classes.add("hypothetical")
        cols = TokenColumns.of(verb.doc)
        dep, text = cols.dep, cols.text
        for c in cols.children(verb.i):
            if dep[c] == "advcl" and c < verb.i and any(
                    dep[m] == "mark" and fold(text[m]) in ("si", "s'", "s\u2019") for m in cols.children(c)):
                r.classes.add("hypothetical")  # "s'il refuse, l'hébergeur devra retirer la page"
            lc = cols.lem(c) if fold(text[c]) not in ("s'", "s") else "si"  # "s'il refuse"
            if dep[c] == "mark" and lc in self.lex.marks:
                if lc in ("pour", "afin") and "Inf" not in cols.feature(verb.i, "VerbForm"):
                    continue
                r.classes.add(self.lex.marks[lc])
            elif dep[c] in ("advmod", "amod") and lc in self.lex.mods:
                r.classes.add(self.lex.mods[lc])

    def _denial_form(self, form: str) -> bool:
        """A present-tense form of a denial/refusal cue verb ("dément", "nie", "refuse", "exclut")."""
        for guess in (form + "ir", form + "r", form[:-1] + "re", form[:-1] + "ir"):
            cue = self.lex.gov.get(guess)
            if cue is not None and cue.cls == "negated" and len(form) > 2:
                return True
        return False

    @staticmethod
    def _has_si(verb: Token) -> bool:
        cols = TokenColumns.of(verb.doc)
        dep, text = cols.dep, cols.text
        return any(dep[t] == "mark" and fold(text[t]) in ("si", "s'")
                   for t in range(cols.sent_start[verb.i], cols.sent_end[verb.i]))


    def _governor(self, h: Token, r: FactualityReading, *, inherit_tense: bool) -> None:
        """A verb/noun governing the trigger's clause."""
        lh = lem(h)
        cue = self.lex.gov.get(lh)
        if cue is not None and lh in _MODALS and _passe_compose(h):
            cue = None  # "a dû se retirer", "a pu les neutraliser": it happened
        neg = self.negated(h) if h.pos_ in ("VERB", "AUX") else False
        if cue is not None and neg and lh in _LITOTES:
            # "Nous n'hésiterons pas à imposer des sanctions": a commitment, read off the verb's tense
            fut, cnd = tense_mood(h)
            if cnd or fut:
                r.classes.add("hypothetical" if cnd else "planned")
            return
        if cue is not None:
            if cue.cls == "negated":
                r.classes.add("hypothetical" if neg else "negated")  # "n'exclut pas de …"
            else:
                r.classes.add(cue.cls)
                if neg:
                    r.classes.add("negated")
            if h.pos_ in ("VERB", "AUX"):
                self._clause(h, r, own=False, is_cue=True)
            return
        rep = self.lex.cue(self.lex.report, lh)
        if rep is not None:
            claim(h, r)
            if neg:
                r.classes.add("hypothetical")
            return
        if inherit_tense and h.pos_ in ("VERB", "AUX"):
            self._clause(h, r, own=False)

    # ------------------------------------------------------------------ chain

    def _walk(self, anchor: Token, r: FactualityReading) -> list[Token]:
        chain = [anchor]
        t = anchor
        via_acl = False
        barrier: set[str] | None = None
        for _ in range(12):
            h, rel = coordination_head(t), t.dep_
            if h.i == t.i:
                break
            lh = lem(h)
            if rel in ("ccomp", "csubj") and barrier is None and self._indirect_question(t):
                # "n'ont pas su dire pourquoi ils avaient saccagé": the saccage is presupposed; no
                # negation or claim above the question reaches it (a modality does: "semble montrer comment")
                barrier = set(r.classes)
            if rel == "xcomp":
                negated_before = "negated" in r.classes
                self._governor(h, r, inherit_tense=True)
                if lh in self.lex.aspects and not negated_before:
                    r.classes.discard("negated")  # "n'ont cessé d'attaquer": the attacks go on
            elif rel in ("ccomp", "csubj"):
                if self.lex.cue(self.lex.report, lh) is not None:
                    claim(h, r)
                    if self.negated(h):
                        r.classes.add("hypothetical")
                elif lh in self.lex.gov:
                    self._governor(h, r, inherit_tense=False)
            elif rel == "parataxis":
                if self.lex.cue(self.lex.report, lh) is not None:
                    claim(h, r, "incise")
                break
            elif rel == "conj":
                if not is_finite_or_has_aux(t) and h.pos_ in ("VERB", "AUX"):
                    self._clause(h, r, own=False)
            elif rel == "advcl":
                purpose = any(c.dep_ == "mark" and lem(c) in ("pour", "afin") for c in t.children)
                if ("Part" in t.morph.get("VerbForm", []) and "Pres" in t.morph.get("Tense", [])) or purpose:
                    # "…, tuant 12 personnes"; "se rendra en Guyane pour apporter son soutien"
                    self._clause(h, r, own=False)
                else:
                    if any(m.dep_ == "mark" and fold(m.text) in ("si", "s'", "s\u2019") for m in h.children) \
                            and h.i < t.i:
                        r.classes.add("hypothetical")  # "si ce dernier refuse, les FAI devront couper" misparsed
                    break
            elif rel == "nmod" and h.pos_ in _NOMINAL and t.pos_ in _NOMINAL:
                if lh in self.lex.gov:  # "les préparatifs d'un attentat", "la menace d'une attaque"
                    self._governor(h, r, inherit_tense=False)
                via_acl = True  # go on: "elle dévoile que l'usage de la torture est systématique"
            elif t.pos_ in _NOMINAL and rel in ("nsubj", "nsubj:pass", "obj", "obl:arg") and t.i != anchor.i:
                if lh in self.lex.gov:
                    self._governor(h, r, inherit_tense=False)
                elif via_acl and rel == "obj" and h.pos_ in ("VERB", "AUX") \
                        and self.lex.cue(self.lex.report, lh) is not None:
                    claim(h, r)  # "dénonce le recours à l'électricité et les agressions sexuelles"
                elif lem(t) in self.lex.gov and h.pos_ in ("VERB", "AUX") and self.negated(h):
                    r.classes.add("negated")  # "n'a pas l'intention de se retirer"
            elif rel == "acl" and h.pos_ in _NOMINAL:
                if lh in self.lex.gov:
                    self._governor(h, r, inherit_tense=False)
                via_acl = True
            elif via_acl and rel in ("obj", "obl:arg", "nsubj:pass") and t.pos_ in _NOMINAL:
                if lh in self.lex.gov:
                    self._governor(h, r, inherit_tense=False)
                elif rel == "obj" and h.pos_ in ("VERB", "AUX") and self.lex.cue(self.lex.report, lh) is not None:
                    claim(h, r)
                elif h.pos_ in ("VERB", "AUX") and self.negated(h):
                    r.classes.add("negated")  # "n'a pas l'intention de se retirer"
            else:
                break
            chain.append(h)
            t = h
        if barrier is not None:
            for cls in ("negated", "claimed"):
                if cls not in barrier:
                    r.classes.discard(cls)
        return chain

    def _indirect_question(self, clause: Token) -> bool:
        """The clause opens with a wh-word ("pourquoi", "comment", "où") from factuality.tsv."""
        cols = TokenColumns.of(clause.doc)
        return any(c < clause.i and fold(cols.text[c]) in self.lex.questions and cols.dep[c] != "nsubj"
                   for c in cols.children(clause.i))

    def _ancestor_scope(self, chain: list[Token], r: FactualityReading) -> None:
        """Robustness to parse errors: a fear/denial/hypothesis verb whose that-clause contains the
        trigger ("craignent que cet amendement … et créent une censure") still scopes over it, unless
        the path goes through a relative or adjectival clause."""
        top = chain[-1]
        for a in top.ancestors:
            if a.dep_ in ("acl", "acl:relcl"):
                return
            if a.dep_ == "ccomp" and a.head not in chain:
                cue = self.lex.gov.get(lem(a.head))
                if cue is not None and cue.cls in ("hypothetical", "negated"):
                    self._governor(a.head, r, inherit_tense=False)
                return

    def _that_scope(self, trigger: Token, sent: Span, r: FactualityReading,
                    columns: TokenColumns | None = None) -> None:
        """A fear verb or noun followed by "que" ("craignent que", "redoutent qu'", "de peur que")
        makes what follows, to the end of the clause (";", ":", the sentence end), hypothetical, even
        where the parse hangs that content elsewhere."""
        if not self.lex.that_scope:
            return
        cols = columns if columns is not None else TokenColumns.of(sent.doc)
        pos = cols.pos
        for i in range(sent.start, min(sent.end, max(sent.start, trigger.i))):
            cls = self.lex.cue(self.lex.that_scope, cols.lem(i)) if pos[i] in ("VERB", "NOUN", "ADJ") else None
            if cls is None:
                continue
            t = sent.doc[i]
            nxt = t.doc[t.i + 1:min(t.i + 4, trigger.i)]  # "s'inquiètent de ce que"
            que = next((x for x in nxt if fold(x.text) in ("que", "qu'", "qu’")), None)
            if que is None or any(x.text in (";", ":") for x in t.doc[que.i:trigger.i]):
                continue
            r.classes.add(cls)
            return

    # ------------------------------------------------------------------ claims

def _under_past_clause(verb: Token) -> bool:
    """The clause is the complement of a verb in the passé composé or the imparfait (reported speech;
    a temporal clause, "lorsqu'il avait rencontré", stays background; a bare "Past" tag is too often
    a present read as a passé simple, "il s'agit")."""
    if verb.dep_ not in ("ccomp", "csubj") or verb.head.i == verb.i:
        return False
    head = verb.head
    while head.dep_ in ("xcomp", "conj") and head.head.i != head.i:
        head = head.head  # "n'ont pas su dire pourquoi …": the tense is on "su"
    if head.pos_ not in ("VERB", "AUX"):
        return False
    return "Imp" in head.morph.get("Tense", []) or any(c.dep_ == "aux:tense" for c in head.children)


def _future_in_past(chain: list[Token], lex: EventLexicon) -> bool:
    """The clause is the object of a reporting verb in a past tense ("a précisé que … tiendraient")."""
    for t in chain:
        h = t.head
        if t.dep_ == "ccomp" and lem(h) in lex.report:
            return any(c.dep_ == "aux:tense" for c in h.children) or "Imp" in h.morph.get("Tense", [])
    return False


def _passe_compose(verb: Token) -> bool:
    return any(c.dep_ == "aux:tense" and "Pres" in c.morph.get("Tense", []) for c in verb.children)
