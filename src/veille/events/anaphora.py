"""What a pronoun or "ces derniers" stands for in an event's clause: the nearest earlier actor or
people noun of its gender and number, within reach (its sentence and the ones before)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from ..models import ActorRef, fold
from .syntax import lem

if TYPE_CHECKING:
    from .participants import Actors

_NOMINAL = {"NOUN", "PROPN"}
# 3rd-person object clitics that may stand for an earlier participant ("les militaires l'ont arrêté")
OBJECT_CLITICS = frozenset({"le", "la", "l'", "les", "lui", "leur"})
_SUBJECT_PRONOUNS = frozenset({"il", "elle", "ils", "elles"})
_CORE = frozenset({"nsubj", "nsubj:pass", "obj", "iobj", "obl:agent", "obl:arg"})


class Anaphora:
    """Antecedents for one document's participants (`Actors` resolves what they find)."""

    def __init__(self, actors: Actors):
        self.actors = actors
        # actor mention index -> (token range, gender, number, is a subject), or None without tokens
        self.mention_grammar: dict[int, tuple[tuple[int, int], frozenset[str], frozenset[str], bool] | None] = {}

    def latter(self, tok: Token, country: str | None) -> ActorRef | None:
        """"ces derniers" / "ces dernières" (the latter): the nearest earlier people noun or actor of
        its number, in its sentence or the one before ("La police a interpellé trois militants. Ces
        derniers ont été relâchés": the activists)."""
        sdoc = tok.doc
        start = tok.sent.start
        if start > 0:
            start = sdoc[start - 1].sent.start
        number = set(tok.morph.get("Number", []))
        for t in reversed(sdoc[start:tok.i]):
            if t.pos_ not in ("NOUN", "PROPN") or t.dep_ in ("flat:name", "compound", "fixed") \
                    or lem(t) == "dernier":
                continue
            if number and set(t.morph.get("Number", [])) and not number & set(t.morph.get("Number", [])):
                continue
            ref = self.actors.at(t.idx, t.idx + len(t.text))
            if ref is None and lem(t) in self.actors.people:
                ref = self.actors.unresolved(t, country, people_only=True)
            if ref is not None:
                return ref
        return None

    def object_antecedent(self, pron: Token, country: str | None) -> ActorRef | None:
        """What an object clitic ("le", "la", "l'", "les", "lui", "leur") stands for: the nearest
        earlier core participant (subject, object, agent; else any phrase) of its number and gender (a participle agreeing with it tells the gender
        of "l'" and "les": "l'ont libérée"), in its sentence or the two before, when that phrase is an
        actor or people ("Bazoum a été renversé. Les militaires l'ont placé en résidence
        surveillée"); None when it is a thing ("la loi … l'a rejetée"). Never the clause's own
        subject, nor what its subject pronoun stands for ("Poutine a reçu Kim. Il l'a invité")."""
        form = fold(pron.text)
        plural = form in ("les", "leur")
        verb = pron.head
        fem: bool | None = None
        if form in ("le", "la"):
            fem = form == "la"
        elif form in ("l'", "les") and "Part" in verb.morph.get("VerbForm", []) and verb.morph.get("Gender", []) \
                and any(c.dep_ == "aux:tense" and lem(c) == "avoir" for c in verb.children):
            fem = "Fem" in verb.morph.get("Gender", [])
        clause = [verb] + ([verb.head] if verb.dep_ == "conj" and verb.head.i != verb.i else [])
        # the verbs of the clitic's own clause: its verb, and the one it completes ("a pu les neutraliser")
        bound = {verb.i} | ({verb.head.i} if verb.dep_ == "xcomp" else set())
        own = {c.i for v in clause for c in v.children if c.dep_.startswith(("nsubj", "expl:subj"))}
        taken = [r for r in (self.antecedent(c, country) for v in clause for c in v.children
                             if c.i in own and c.pos_ == "PRON" and fold(c.text) in _SUBJECT_PRONOUNS)
                 if r is not None]
        sdoc = pron.doc
        start, end = pron.sent.start, pron.i
        for _ in range(3):
            # the clause's core participants first (subjects, objects, agents), then the other phrases
            toks = list(reversed(sdoc[start:end]))
            if start == pron.sent.start:
                # a clitic is never bound in its own clause: "Avec des matraques, la police a pu les
                # neutraliser" (the instrument is no antecedent)
                toks = [t for t in toks if _clause_verb(t) not in bound]
            for t in [t for t in toks if t.dep_ in _CORE] + [t for t in toks if t.dep_ not in _CORE]:
                if t.pos_ not in _NOMINAL or t.dep_ in ("flat:name", "compound", "fixed", "appos") or t.i in own \
                        or t.head.i in own and t.dep_ == "nmod":
                    continue
                if any(tm.start <= t.idx < tm.end for tm in self.actors.doc.timexes):
                    continue
                if not _agrees(set(t.morph.get("Number", [])), set(t.morph.get("Gender", [])), plural, fem,
                               t.pos_ == "PROPN"):
                    continue
                ref = self.actors.at(t.idx, t.idx + len(t.text))
                if ref is None and lem(t) in self.actors.people:
                    ref = self.actors.unresolved(t, country, people_only=True)
                if ref is None and any(p.start <= t.idx < p.end for p in self.actors.doc.places):
                    continue  # "arrêté lundi à Bamako. La police l'a relâché": the scene, not its object
                if ref is None:
                    return None  # the nearest phrase that fits is no actor: a thing
                if any(_same(ref, r) for r in taken):
                    continue
                return ref
            if start == 0:
                break
            prev = sdoc[start - 1].sent
            start, end = prev.start, prev.end
        return None

    def antecedent(self, pron: Token, country: str | None) -> ActorRef | None:
        """What a 3rd-person subject pronoun refers to: the nearest earlier actor mention or nominal
        subject of the pronoun's gender and number, in its sentence (nearest first) or the two before
        (subjects first, then the nearest): "lorsqu'il avait rencontré" after "la visite de Kim Jong Un
        en Russie" is Kim; "Les manifestants … Ils ont brûlé" are the demonstrators."""
        form = fold(pron.text)
        plural = form in ("ils", "elles")
        fem = form in ("elle", "elles")
        sdoc = pron.doc
        sents: list[tuple[int, int]] = []
        start = pron.sent.start
        sents.append((start, pron.i))
        for _ in range(2):
            if start == 0:
                break
            prev = sdoc[start - 1].sent
            sents.append((prev.start, prev.end))
            start = prev.start
        lo_char, hi_char = sdoc[sents[-1][0]].idx, pron.idx
        # tokens inside actor mentions -> (mention index, its actor, its gender, its number)
        in_mention: dict[int, tuple[int, ActorRef, set[str], set[str], bool]] = {}
        for k, m in enumerate(self.actors.doc.actor_mentions):
            if m.start < lo_char or m.end > hi_char or m.actor_id not in self.actors.doc.actors:
                continue
            if k not in self.mention_grammar:  # read once per document, not once per pronoun
                self.mention_grammar[k] = _mention_grammar(sdoc, m.start, m.end)
            grammar = self.mention_grammar[k]
            if grammar is None:
                continue
            (lo, hi), gender, number, subject = grammar
            entry = (k, self.actors.doc.actors[m.actor_id].ref(), set(gender), set(number), subject)
            for i in range(lo, hi):
                in_mention.setdefault(i, entry)
        for n, (a, b) in enumerate(sents):
            cands: list[tuple[int, int, ActorRef | None, Token]] = []
            seen: set[int] = set()
            for t in reversed(sdoc[a:b]):
                subject = t.dep_.startswith("nsubj")
                hit = in_mention.get(t.i)
                if hit is not None:
                    if hit[0] in seen:
                        continue
                    seen.add(hit[0])
                    if _agrees(hit[3], hit[2], plural, fem, True):
                        cands.append((0 if (n and hit[4]) else 1, -t.i, hit[1], t))
                elif subject and t.pos_ in _NOMINAL \
                        and _agrees(set(t.morph.get("Number", [])), set(t.morph.get("Gender", [])), plural, fem,
                                    t.pos_ == "PROPN"):
                    cands.append((0 if n else 1, -t.i, None, t))
            for _, _, ref, t in sorted(cands, key=lambda c: (c[0], c[1])):
                ref = ref or self.actors.token(t) or self.actors.unresolved(t, country)
                if ref is not None:
                    return ref
        return None


def _mention_grammar(sdoc, start: int, end: int
                     ) -> tuple[tuple[int, int], frozenset[str], frozenset[str], bool] | None:
    """An actor mention's token range, gender and number (its first nominal token that has them),
    and whether one of its tokens is a subject; None when no token covers it."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    gender = next((frozenset(t.morph.get("Gender", [])) for t in span if t.morph.get("Gender", [])
                   and t.pos_ in _NOMINAL), frozenset())
    number = next((frozenset(t.morph.get("Number", [])) for t in span if t.morph.get("Number", [])
                   and t.pos_ in _NOMINAL), frozenset())
    subject = any(t.dep_.startswith("nsubj") for t in span)
    return (span.start, span.end), gender, number, subject


def _agrees(number: set[str], gender: set[str], plural: bool, fem: bool | None, named: bool) -> bool:
    """Whether a pronoun of this number and gender can take a phrase of this number and gender as
    its antecedent (an unknown gender agrees with a name; a name with no number is singular; a
    pronoun of no gender, "l'", "les", agrees with either)."""
    if plural != ("Plur" in number):
        return False
    if fem is None:
        return True
    if not gender:
        return named or plural
    return ("Fem" in gender) == fem


def _same(a: ActorRef, b: ActorRef) -> bool:
    if a.actor_id and b.actor_id:
        return a.actor_id == b.actor_id
    return fold(a.name) == fold(b.name)


def _clause_verb(tok: Token) -> int | None:
    """The verb whose clause a token's phrase belongs to (its nearest verbal ancestor), if any."""
    t = tok
    while t.head.i != t.i:
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t.i
    return None
