"""Event participants: who an argument of the parse refers to.

`Actors` answers for one document: the actors stage (`veille.actors.actor_at`) when installed, else
hand-filled `doc.actor_mentions`, else spaCy PER/ORG/LOC entities; places and demonyms the actors stage
leaves out stand for their state (`States`, from `data/<lang>/countries.tsv`); people it does not know
("les manifestants") are kept by name with the country of the event's place; a first-person subject in
a quote is the speaker; a 3rd-person subject pronoun takes its antecedent.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Token

from ..models import ActorRef, Document, fold
from ..resources import read_tsv
from .syntax import RELATIVE_PRONOUNS, lem, np_span

_NOMINAL = {"NOUN", "PROPN"}
_ENTITY_LABELS = {"PER", "ORG", "LOC"}
FIRST_PERSON = {"nous", "je", "j'", "j"}
THIRD_PERSON = {"il", "elle", "ils", "elles"}
_UNITS = {"heure", "jour", "an", "annee", "mois", "semaine", "minute", "fois", "kilometre", "km"}


class States:
    """Country names, capitals and demonyms -> the state (from data/<lang>/countries.tsv).

    Used when an argument is a place or a demonym adjective that the actors stage does not treat as an
    actor: the recipient of aid "à la Corée du Nord", the host of a visit "à Pyongyang", the source of
    "les frappes russes".
    """

    def __init__(self, lang: str):
        self.names: dict[str, tuple[str, str]] = {}
        self.demonyms: dict[str, tuple[str, str]] = {}
        try:
            rows = list(read_tsv(lang, "countries.tsv"))
        except FileNotFoundError:
            rows = []
        for row in rows:
            iso, name = row.get("iso3", ""), row.get("name", "")
            if not iso or not name:
                continue
            for n in [name, *row.get("aliases", "").split("|"), *row.get("capitals", "").split("|")]:
                if n.strip():
                    self.names.setdefault(_place_key(n), (iso, name))
            for col in ("dem_m", "dem_f", "dem_mpl", "dem_fpl"):
                if row.get(col):
                    self.demonyms.setdefault(fold(row[col]), (iso, name))

    def name(self, text: str) -> ActorRef | None:
        hit = self.names.get(_place_key(text))
        return ActorRef(name=hit[1], country=hit[0]) if hit else None

    def demonym(self, text: str) -> ActorRef | None:
        hit = self.demonyms.get(fold(text))
        return ActorRef(name=hit[1], country=hit[0]) if hit else None


def _place_key(text: str) -> str:
    words = fold(text).replace("'", "' ").split()
    while words and words[0] in ("le", "la", "les", "l'", "au", "aux", "en", "a", "de", "du", "des", "d'"):
        words = words[1:]
    return " ".join(words).replace("' ", "'")


class Actors:
    """Actor lookup for one document: veille.actors when present, else hand-filled mentions, else NER;
    places and demonyms the actors stage leaves out stand for their state."""

    def __init__(self, doc: Document, actor_at: Callable | None, states: States | None = None,
                 not_actors: frozenset[str] = frozenset(), people: frozenset[str] = frozenset()):
        self.doc = doc
        self.people = people
        self.nonlocal_words: frozenset[str] = frozenset()
        self.not_actors = not_actors  # lexicon lemmas (weapons, aid, trigger nouns): never participants
        self.actor_at = actor_at
        self.states = states
        self.cache: dict[tuple[int, int], ActorRef | None] = {}
        self.ctx: tuple[str | None, ActorRef | None, set[int]] | None = None
        self._doc_country: str | None | bool = False

    def at(self, start: int, end: int) -> ActorRef | None:
        key = (start, end)
        if key not in self.cache:
            self.cache[key] = self._lookup(start, end)
        return self.cache[key]

    def _lookup(self, start: int, end: int) -> ActorRef | None:
        doc = self.doc
        if self.actor_at is not None:
            actor = self.actor_at(doc, start, end)
            return actor.ref() if actor is not None else None
        if doc.actor_mentions:
            best = None
            for m in doc.actor_mentions:
                if m.start < end and start < m.end and m.actor_id in doc.actors:
                    if best is None or (m.end - m.start) > (best.end - best.start):
                        best = m
            return doc.actors[best.actor_id].ref() if best is not None else None
        for e in doc.entities:
            if e.start < end and start < e.end and e.label in _ENTITY_LABELS:
                return ActorRef(name=e.text)
        return None

    def token(self, tok: Token) -> ActorRef | None:
        if tok.pos_ == "PRON" and fold(tok.text) in RELATIVE_PRONOUNS | {"se", "s'", "en", "y"}:
            return None
        lo, hi = np_span(tok)
        ref = self.at(tok.idx, tok.idx + len(tok.text)) or self.at(lo, hi)
        if ref is None:  # "Son père, Kim Jong Il, …"
            for c in tok.children:
                if c.dep_ == "appos" and c.pos_ in _NOMINAL:
                    ref = self.at(c.idx, c.idx + len(c.text))
                    if ref is not None:
                        break
        if ref is None and self.states is not None:
            if tok.pos_ == "ADJ":
                ref = self.states.demonym(tok.text)
            elif tok.pos_ in _NOMINAL:
                ref = self.states.name(self.doc.text[lo:hi]) or self.states.demonym(tok.text) \
                    or self._place(lo, hi)
                if ref is None:  # "des entités nord-coréennes", "le département d'État américain"
                    for c in tok.subtree:
                        if lo <= c.idx < hi and c.pos_ == "ADJ":
                            state = self.states.demonym(c.text)
                            if state is not None:
                                blo, bhi = self.np_bounds(tok)
                                ref = ActorRef(name=self.doc.text[blo:bhi], country=state.country)
                                break
        return ref

    @property
    def doc_country(self) -> str | None:
        """The country most places of the article belong to (the story's country)."""
        if self._doc_country is False:
            counts: dict[str, int] = {}
            for pm in self.doc.places:
                if pm.location is not None and pm.location.country:
                    counts[pm.location.country] = counts.get(pm.location.country, 0) + 1
            self._doc_country = max(counts, key=lambda k: (counts[k], k)) if counts else None
        return self._doc_country

    def begin(self, country: str | None, speaker: ActorRef | None, skip: set[int]) -> None:
        """Context of one mention: the event place's country, the quote's speaker, its trigger."""
        self.ctx = (country, speaker, skip)

    def end(self) -> None:
        self.ctx = None

    def fallback(self, tok: Token, *, people_only: bool = False) -> ActorRef | None:
        if self.ctx is None:
            return None
        country, speaker, skip = self.ctx
        if tok.pos_ == "PRON" and fold(tok.text) in FIRST_PERSON:
            return speaker  # « Nous aiderons… », a déclaré Vladimir Poutine
        if tok.pos_ == "PRON" and fold(tok.text) in THIRD_PERSON and tok.dep_.startswith("nsubj"):
            antecedent = self._antecedent(tok)
            if antecedent is not None:
                return self.token(antecedent) or self.unresolved(antecedent, country)
        if tok.i in skip or any(t.start <= tok.idx < t.end for t in self.doc.timexes):
            return None
        if lem(tok) in self.not_actors or tok.like_num or any(c.dep_ == "nummod" and lem(tok) in _UNITS
                                                               for c in tok.children):
            return None
        return self.unresolved(tok, country, people_only=people_only)

    def np_bounds(self, tok: Token) -> tuple[int, int]:
        """np_span without a trailing time expression ("quatre otages israéliens samedi")."""
        lo, hi = np_span(tok)
        for t in self.doc.timexes:
            if lo < t.start < hi:
                kept = [x for x in tok.subtree if lo <= x.idx < t.start and x.idx >= tok.idx]
                while kept and kept[-1].pos_ in ("ADP", "DET", "PUNCT", "CCONJ"):
                    kept.pop()
                hi = kept[-1].idx + len(kept[-1].text) if kept else tok.idx + len(tok.text)
        return lo, hi

    def strict(self, tok: Token) -> ActorRef | None:
        """The actor a token itself names (no actor merely mentioned inside its phrase)."""
        ref = self.at(tok.idx, tok.idx + len(tok.text))
        if ref is None and self.states is not None and tok.pos_ == "PROPN":
            ref = self.states.name(tok.text)
        if ref is None and tok.ent_type_ in ("PER", "ORG"):
            ref = ActorRef(name=tok.text)  # a named person or organisation the actors stage missed
        return ref

    def _antecedent(self, pron: Token) -> Token | None:
        """The subject a 3rd-person subject pronoun refers to: the nearest earlier nominal subject
        of the same number, in this sentence or the two before ("Les manifestants … Ils ont brûlé")."""
        plural = fold(pron.text) in ("ils", "elles")
        sents = 0
        for t in reversed(pron.doc[:pron.i]):
            if t.is_sent_start:
                sents += 1
                if sents > 2:
                    break
            if t.dep_.startswith("nsubj") and t.pos_ in _NOMINAL:
                if ("Plur" in t.morph.get("Number")) == plural or (t.pos_ == "PROPN" and not plural):
                    return t
        return None

    def unresolved(self, tok: Token, country: str | None, *, people_only: bool = False) -> ActorRef | None:
        """A participant the actors stage does not know ("les manifestants", "un bateau de
        passagers"): named as written; people and forces take the country of the event's place
        (or the article's main country), as in the dev-set guidelines."""
        if tok.pos_ != "NOUN":
            return None
        person = lem(tok) in self.people
        if people_only and not person:
            return None
        lo, hi = self.np_bounds(tok)
        if any(lo <= t.idx < hi and lem(t) in self.nonlocal_words for t in tok.subtree):
            return ActorRef(name=self.doc.text[lo:hi])  # "les forces internationales": not local
        return ActorRef(name=self.doc.text[lo:hi], country=(country or self.doc_country))

    def _place(self, lo: int, hi: int) -> ActorRef | None:
        for pm in self.doc.places:
            if pm.start < hi and lo < pm.end and pm.location is not None and pm.location.country:
                return ActorRef(name=pm.text, country=pm.location.country)
        return None


class NoActors(Actors):
    def __init__(self) -> None:  # noqa: D107 - a stub for conditions that never look up actors
        self.states = None
        self.cache = {}
        self.ctx = None
        self._doc_country = None
        self.not_actors = frozenset()
        self.people = frozenset()

    def at(self, start: int, end: int) -> ActorRef | None:
        return None



def same(a: ActorRef, b: ActorRef) -> bool:
    if a.actor_id and b.actor_id:
        return a.actor_id == b.actor_id
    return fold(a.name) == fold(b.name)
