"""Event participants: who an argument of the parse refers to.

`Actors` answers for one document: the actors stage's lookup (`Document.lookups.actor_at`) when that
stage has run, else hand-filled `doc.actor_mentions`, else spaCy PER/ORG/LOC entities; places and demonyms the actors stage
leaves out stand for their state (`States`, from `data/<lang>/countries.tsv`); people it does not know
("les manifestants") are kept by name with the country of the event's place; a first-person subject in
a quote is the speaker; a 3rd-person subject pronoun takes the nearest earlier actor or subject of the
same gender and number (else it is a group of the event's place); "les deux pays" / "les deux
dirigeants" are the two states / persons the article has named most so far; an actor the actors stage
knows without a country takes the country of the event's place (or the article's main country).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType
from typing import Literal

from spacy.tokens import Token

from ..models import ActorRef, Document, fold
from ..resources import LexiconDir, read_tsv
from .anaphora import OBJECT_CLITICS, Anaphora
from .syntax import RELATIVE_PRONOUNS, lem, np_span, prep_of

_NOMINAL = {"NOUN", "PROPN"}
_ENTITY_LABELS = {"PER", "ORG", "LOC"}
FIRST_PERSON = {"nous", "je", "j'", "j"}
THIRD_PERSON = {"il", "elle", "ils", "elles"}
# territories whose acts and people are coded as their sovereign state's (actor codes, not places)
SOVEREIGN = MappingProxyType({
    "GLP": "FRA", "GUF": "FRA", "MTQ": "FRA", "REU": "FRA", "MYT": "FRA", "SPM": "FRA", "BLM": "FRA",
    "MAF": "FRA", "WLF": "FRA", "PYF": "FRA", "NCL": "FRA", "ATF": "FRA", "PRI": "USA", "GUM": "USA",
    "VIR": "USA", "ASM": "USA", "MNP": "USA", "GRL": "DNK", "FRO": "DNK", "BMU": "GBR", "GIB": "GBR",
    "FLK": "GBR", "CYM": "GBR", "VGB": "GBR", "MSR": "GBR", "TCA": "GBR", "AIA": "GBR", "SHN": "GBR",
    "PCN": "GBR", "IOT": "GBR", "IMN": "GBR", "JEY": "GBR", "GGY": "GBR", "ABW": "NLD", "CUW": "NLD",
    "SXM": "NLD", "BES": "NLD", "NFK": "AUS", "CXR": "AUS", "CCK": "AUS", "COK": "NZL", "NIU": "NZL",
    "TKL": "NZL", "ALA": "FIN", "SJM": "NOR", "BVT": "NOR",
})


def sovereign(ref: ActorRef) -> ActorRef:
    """The actor with its territory's state as country ("les habitants de la Guyane" -> FRA)."""
    state = SOVEREIGN.get(ref.country or "")
    return replace(ref, country=state) if state else ref


_UNITS = {"heure", "jour", "an", "annee", "mois", "semaine", "minute", "fois", "kilometre", "km"}


class States:
    """Country names, capitals and demonyms -> the state (from data/<lang>/countries.tsv).

    Used when an argument is a place or a demonym adjective that the actors stage does not treat as an
    actor: the recipient of aid "à la Corée du Nord", the host of a visit "à Pyongyang", the source of
    "les frappes russes". Also the sector and role of one-word role nouns (data/<lang>/roles.tsv), for
    participants the actors stage leaves unnamed because no country is said ("arrêté par la police":
    sector COP).
    """

    def __init__(self, lang: str, *, lexicon_dir: LexiconDir = None):
        self.names: dict[str, tuple[str, str]] = {}
        self.demonyms: dict[str, tuple[str, str]] = {}
        self.roles: dict[str, tuple[str, str]] = {}  # folded one-word role noun -> (sector, role)
        try:
            role_rows = list(read_tsv(lang, "roles.tsv", lexicon_dir=lexicon_dir))
        except FileNotFoundError:
            role_rows = []
        for row in role_rows:
            pattern, sector = row.get("pattern", "").strip(), row.get("sector", "").strip()
            if pattern and sector and " " not in pattern and row.get("kind") in ("person", "organisation", "group"):
                self.roles.setdefault(fold(pattern), (sector, row.get("role", "").strip()))
        try:
            rows = list(read_tsv(lang, "countries.tsv", lexicon_dir=lexicon_dir))
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

    def role(self, *words: str) -> tuple[str, str] | None:
        """(sector, role) of the first of `words` (a noun's form, then its lemma) that is a role noun."""
        return next((self.roles[fold(w)] for w in words if fold(w) in self.roles), None)


def _place_key(text: str) -> str:
    words = fold(text).replace("'", "' ").split()
    while words and words[0] in ("le", "la", "les", "l'", "au", "aux", "en", "a", "de", "du", "des", "d'"):
        words = words[1:]
    return " ".join(words).replace("' ", "'")


class Actors:
    """Actor lookup for one document: the actors stage's when it ran, else hand-filled mentions, else NER;
    places and demonyms the actors stage leaves out stand for their state."""

    def __init__(self, doc: Document, actor_at: Callable | None, states: States | None = None,
                 not_actors: frozenset[str] = frozenset(), people: frozenset[str] = frozenset()):
        self.doc = doc
        self.people = people
        self.nonlocal_words: frozenset[str] = frozenset()
        self.group_codes: dict[str, str] = {}  # "forces internationales" -> IGO, "ONG" -> NGO
        self.pair_nouns: dict[str, str] = {}  # "les deux pays" -> state, "les deux dirigeants" -> person
        self.paired: set[int] = set()  # ids of refs standing for a plural pair, in the current mention
        self.anaphors: dict[str, str] = {}  # "le pays" -> state, "l'organisation" -> organisation
        self.equipment: frozenset[str] = frozenset()  # weapons and vehicles: "les chars de l'armée" -> l'armée
        self.soldiers: frozenset[str] = frozenset()  # "les soldats": sector MIL, see `own_forces`
        self.long_quotes: list[tuple[int, int]] = []  # quotes over several sentences (token indices)
        self.not_actors = not_actors  # lexicon lemmas (weapons, aid, trigger nouns): never participants
        self.actor_at = actor_at
        self.states = states
        self.cache: dict[tuple[int, int], ActorRef | None] = {}
        self.ctx: tuple[str | None, ActorRef | None, set[int]] | None = None
        self._doc_country: str | None | Literal[False] = False  # False: not computed yet
        self.anaphora = Anaphora(self)  # pronouns and "ces derniers": what they stand for

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
        if tok.pos_ == "NOUN" and any(t.start <= tok.idx < t.end for t in self.doc.timexes):
            return None  # "attaquée à la mi-journée à Birstall": a time, whatever place its phrase holds
        if self.ctx is not None and self._in_trigger_name(tok):
            return None  # "l'Accord de libre-échange nord-américain": the name the trigger heads
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
                    or self._place(lo, hi, tok)
                if ref is None:  # "des entités nord-coréennes", "le département d'État américain"
                    for c in tok.subtree:
                        if lo <= c.idx < hi and c.pos_ == "ADJ":
                            state = self.states.demonym(c.text)
                            if state is not None:
                                blo, bhi = self.np_bounds(tok)
                                ref = ActorRef(name=self.doc.text[blo:bhi], country=state.country)
                                break
        return ref

    def _in_trigger_name(self, tok: Token) -> bool:
        """Whether `tok` lies in a named entity that holds the trigger being read too."""
        triggers = [tok.doc[i] for i in self.ctx[2] if i < len(tok.doc)] if self.ctx else []
        for e in self.doc.entities:
            if e.start <= tok.idx < e.end and any(e.start <= t.idx < e.end for t in triggers if t.i != tok.i):
                return True
        return False

    def place_only(self, tok: Token) -> bool:
        """Whether a proper noun names a place and nothing that acts: no actor, state or demonym
        ("Nice", "Alep"; not "Moscou", which the actors stage reads as Russia, nor "la Russie")."""
        if tok.pos_ != "PROPN" or self.states is None:
            return False
        lo, hi = np_span(tok)
        if self.at(tok.idx, tok.idx + len(tok.text)) or self.at(lo, hi):
            return False
        if self.states.name(self.doc.text[lo:hi]) or self.states.demonym(tok.text):
            return False
        return any(pm.start <= tok.idx < pm.end for pm in self.doc.places)

    @property
    def doc_country(self) -> str | None:
        """The country most places of the article belong to (the story's country); a country named as
        an actor ("ont accusé la France") is no place of the story."""
        if self._doc_country is False:
            counts: dict[str, int] = {}
            acting = [(m.start, m.end) for m in self.doc.actor_mentions]
            for pm in self.doc.places:
                if any(s <= pm.start and pm.end <= e for s, e in acting):
                    continue
                if pm.location is not None and pm.location.country:
                    counts[pm.location.country] = counts.get(pm.location.country, 0) + 1
            found: str | None = max(counts, key=lambda k: (counts[k], k)) if counts else None
            self._doc_country = found
            return found
        return self._doc_country

    def begin(self, country: str | None, speaker: ActorRef | None, skip: set[int]) -> None:
        """Context of one mention: the event place's country, the quote's speaker, its trigger."""
        self.ctx = (country, speaker, skip)
        self.paired = set()

    def localise(self, ref: ActorRef) -> ActorRef:
        """A person, organisation or group the actors stage knows with no country: the country of the
        event's place, else the article's main country ("Mohamed Merah a tué … à Toulouse")."""
        if ref.country or not ref.actor_id or self.ctx is None:
            return ref
        actor = self.doc.actors.get(ref.actor_id)
        if actor is None or actor.kind == "state":
            return ref
        country = self.ctx[0] or self.doc_country
        return replace(ref, country=country) if country else ref

    def pair(self, tok: Token) -> list[ActorRef] | None:
        """"les deux pays", "les deux dirigeants": the two states (persons) the article has named most
        up to here (ties: the latest named), or None when tok is no such phrase."""
        kind = self.pair_nouns.get(lem(tok))
        if kind is None or tok.pos_ != "NOUN" or "Plur" not in tok.morph.get("Number", []) \
                or not any(lem(c) == "deux" and c.dep_ in ("nummod", "det") for c in tok.children):
            return None
        counts: dict[str, int] = {}
        last: dict[str, int] = {}
        refs: dict[str, ActorRef] = {}
        for m in self.doc.actor_mentions:
            if m.start >= tok.idx:
                break
            actor = self.doc.actors.get(m.actor_id)
            if actor is None:
                continue
            if kind == "person":
                if actor.kind != "person":
                    continue
                key, ref = actor.actor_id, actor.ref()
            else:
                if not actor.country or len(actor.country) != 3 or not actor.country.isupper():
                    continue
                key = actor.country
                ref = actor.ref() if actor.kind == "state" else refs.get(key) or self._state_ref(actor.country)
            counts[key] = counts.get(key, 0) + 1
            last[key] = m.start
            if kind == "person" or actor.kind == "state" or key not in refs:
                refs[key] = ref
        if len(counts) < 2:
            return None
        best = sorted(counts, key=lambda k: (counts[k], last[k]), reverse=True)[:2]
        best.sort(key=lambda k: last[k])
        out = [refs[k] for k in best]
        self.paired.update(id(r) for r in out)
        return out

    def _state_ref(self, iso: str) -> ActorRef:
        name = iso
        if self.states is not None:
            name = next((n for i, n in self.states.names.values() if i == iso), iso)
        return ActorRef(name=name, country=iso)

    def end(self) -> None:
        self.ctx = None

    def fallback(self, tok: Token, *, people_only: bool = False, specific: bool = False) -> ActorRef | None:
        if self.ctx is None:
            return None
        country, speaker, skip = self.ctx
        if tok.pos_ == "PRON" and fold(tok.text) in FIRST_PERSON:
            return speaker  # « Nous aiderons… », a déclaré Vladimir Poutine
        if tok.pos_ == "PRON" and fold(tok.text) in THIRD_PERSON and tok.dep_.startswith(("nsubj", "expl:subj")):
            ref = self.anaphora.antecedent(tok, country)
            if ref is not None:
                return self.localise(ref)
            # no antecedent in reach: people of the event's place ("Ils ont cassé la porte")
            home = country or self.doc_country
            return ActorRef(name=tok.text, country=home) if home else None
        if tok.pos_ == "PRON" and fold(tok.text) in OBJECT_CLITICS and tok.dep_ in ("obj", "iobj"):
            # "Les militaires l'ont placé en résidence surveillée": the person named before
            ref = self.anaphora.object_antecedent(tok, country)
            return self.localise(ref) if ref is not None else None
        if tok.i in skip or any(t.start <= tok.idx < t.end for t in self.doc.timexes):
            return None
        if lem(tok) == "dernier" and any(c.dep_ == "det" and fold(c.text) in ("ces", "ce") for c in tok.children):
            ref = self.anaphora.latter(tok, country)  # "Ces derniers ont été libérés": the people just named
            if ref is not None:
                return self.localise(ref)
        ref = self.definite(tok)
        if ref is not None:
            return self.localise(ref)
        if lem(tok) in self.not_actors or tok.like_num or any(c.dep_ == "nummod" and lem(tok) in _UNITS
                                                               for c in tok.children):
            return None
        return self.unresolved(tok, country, people_only=people_only, specific=specific)

    def owner(self, tok: Token) -> ActorRef | None:
        """Who equipment belongs to ("des chars de l'armée", "les avions de la coalition"): its "de"
        complement when that is an actor or people."""
        for c in tok.children:
            if c.dep_ == "nmod" and c.pos_ in _NOMINAL and prep_of(c) == "de":
                ref = self.token(c)
                if ref is not None:
                    return self.localise(ref)
                return self.fallback(c, people_only=True)
        return None

    def np_bounds(self, tok: Token) -> tuple[int, int]:
        """np_span without a trailing time expression ("quatre otages israéliens samedi") or a
        trailing place said with a locative preposition ("trois suspects à Paris": the event's place,
        not the group's name; "les habitants de Gao" keeps its place)."""
        lo, hi = np_span(tok)
        cuts = [t.start for t in self.doc.timexes if lo < t.start < hi]
        for p in self.doc.places:
            if tok.idx < p.start < hi:
                before = self.doc.text[lo:p.start].rstrip().lower()
                if before.endswith((" à", " en", " dans", " au", " aux")):
                    cuts.append(p.start)
        for cut in sorted(cuts, reverse=True):
            kept = [x for x in tok.subtree if lo <= x.idx < cut and x.idx >= tok.idx]
            while kept and kept[-1].pos_ in ("ADP", "DET", "PUNCT", "CCONJ"):
                kept.pop()
            hi = min(hi, kept[-1].idx + len(kept[-1].text) if kept else tok.idx + len(tok.text))
        return lo, hi

    def strict(self, tok: Token) -> ActorRef | None:
        """The actor a token itself names (no actor merely mentioned inside its phrase)."""
        ref = self.at(tok.idx, tok.idx + len(tok.text))
        if ref is None and self.states is not None and tok.pos_ == "PROPN":
            ref = self.states.name(tok.text)
        if ref is None and tok.ent_type_ in ("PER", "ORG"):
            ref = ActorRef(name=tok.text)  # a named person or organisation the actors stage missed
        return ref

    def definite(self, tok: Token) -> ActorRef | None:
        """"le pays", "l'organisation", "cette ONG" with no complement: the latest state (organisation
        or armed group) the article named before."""
        kind = self.anaphors.get(lem(tok)) or self.anaphors.get(fold(tok.text))
        if kind is None or tok.pos_ != "NOUN" or "Plur" in tok.morph.get("Number", []):
            return None
        dets = [c for c in tok.children if c.dep_ == "det" or (c.dep_ == "case" and c.morph.get("Definite", []))]
        if not dets or not all(lem(d) in ("le", "ce", "cet") or "Dem" in d.morph.get("PronType", [])
                               or "Def" in d.morph.get("Definite", []) for d in dets):
            return None
        if any(c.dep_ in ("nmod", "amod", "appos", "acl", "acl:relcl", "flat:name") for c in tok.children):
            return None  # "le pays voisin", "l'organisation de l'État islamique"
        kinds = ("state",) if kind == "state" else ("organisation", "group")
        best, best_start = None, -1
        for m in reversed(self.doc.actor_mentions):
            if m.start >= tok.idx:
                continue
            actor = self.doc.actors.get(m.actor_id)
            if actor is not None and actor.kind in kinds:
                best, best_start = actor.ref(), m.start
                break
        if kind == "state":  # or the latest country named as a place ("le nord du Mali")
            for pm in self.doc.places:
                if best_start < pm.start < tok.idx and pm.location is not None and pm.location.country \
                        and (pm.location.precision == "country" or pm.location.feature_class == "A"):
                    best, best_start = self._state_ref(pm.location.country), pm.start
        return best

    def unresolved(self, tok: Token, country: str | None, *, people_only: bool = False,
                   specific: bool = False) -> ActorRef | None:
        """A participant the actors stage does not know ("les manifestants", "un bateau de
        passagers"): named as written; people and forces take the country of the event's place
        (or the article's main country), as in the dev-set guidelines. With `specific`, things
        count only when definite ("la porte de la mosquée", not "des vitrines", "plusieurs voitures")."""
        if tok.pos_ == "PROPN" and tok.ent_type_ in ("PER", "ORG") and not people_only:
            # a person or organisation the actors stage missed: of the event's place, like known
            # actors without a country (`localise`)
            lo, hi = self.np_bounds(tok)
            home = country or self.doc_country
            return ActorRef(name=self.doc.text[lo:hi], country=home) if home else None
        if tok.pos_ != "NOUN" and not (tok.pos_ == "ADJ" and (people_only or any(
                c.dep_ == "det" for c in tok.children))):
            return None  # (an adjective as people, "une arrestation policière", or nominalised, "le jeune")
        # (adjectives by their form too: the lemmatiser leaves "jihadiste" as "jihadist")
        person = lem(tok) in self.people or (tok.pos_ == "ADJ" and fold(tok.text).rstrip("s") in self.people)
        if people_only and not person:
            return None
        if specific and not person and _indefinite(tok):
            return None
        lo, hi = self.np_bounds(tok)
        words = [t for t in tok.subtree if lo <= t.idx < hi]
        phrase = " ".join(lem(t) for t in words)
        # "les forces internationales" (IGO), "des ONG" (NGO), "les casques bleus": the code words name
        # the group itself or qualify people and forces ("la presse internationale" is no IGO)
        code = None if person else next((c for w, c in self.group_codes.items() if " " in w and w in phrase), None)
        if code is None and (person or lem(tok) in self.group_codes or fold(tok.text) in self.group_codes):
            code = next((self.group_codes.get(lem(t)) or self.group_codes.get(fold(t.text)) for t in words
                         if lem(t) in self.group_codes or fold(t.text) in self.group_codes), None)
        if code:
            return ActorRef(name=self.doc.text[lo:hi], country=code)
        if any(lem(t) in self.nonlocal_words for t in words):
            return ActorRef(name=self.doc.text[lo:hi])  # "des forces occidentales": not local
        sector, role = self._role_of(tok)
        return ActorRef(name=self.doc.text[lo:hi], country=(country or self.doc_country), sector=sector,
                        role=role)

    def _role_of(self, noun: Token) -> tuple[str | None, str | None]:
        """(sector, role) of an unnamed participant's head noun: a state's soldiers are MIL; role
        nouns ("la police", "des journalistes") take their roles.tsv sector."""
        hit = self.states.role(noun.text, lem(noun)) if self.states is not None else None
        if lem(noun) in self.soldiers:
            return "MIL", (hit[1] or None) if hit and hit[0] == "MIL" else None
        return (hit[0], hit[1] or None) if hit else (None, None)

    def own_forces(self, tok: Token) -> str | None:
        """The country of the armed forces the text names last in tok's sentence or the two before
        ("le retrait des forces françaises …, en ordonnant le retrait de 2 000 soldats": French
        soldiers, wherever they are); None when it names none."""
        sdoc = tok.doc
        start = tok.sent.start
        for _ in range(2):
            if start == 0:
                break
            start = sdoc[start - 1].sent.start
        lo, hi = sdoc[start].idx, tok.sent.end_char
        for m in reversed(self.doc.actor_mentions):
            if m.start >= hi or m.start < lo:
                continue
            actor = self.doc.actors.get(m.actor_id)
            if actor is not None and actor.sector == "MIL" and actor.country and len(actor.country) == 3 \
                    and actor.country.isupper() and actor.country not in ("IGO", "NGO", "IMG"):
                return actor.country
        return None

    def _place(self, lo: int, hi: int, tok: Token | None = None) -> ActorRef | None:
        """A phrase naming a place: the place's state; a common noun heading it ("les auteurs des
        exactions au Mali") keeps its own name (it is not the state itself)."""
        for pm in self.doc.places:
            if pm.start < hi and lo < pm.end and pm.location is not None and pm.location.country:
                if tok is not None and tok.pos_ == "NOUN" and not (pm.start <= tok.idx < pm.end):
                    nlo, nhi = self.np_bounds(tok)  # "trois suspects à Paris": named "trois suspects"
                    sector, role = self._role_of(tok)
                    return ActorRef(name=self.doc.text[nlo:nhi], country=pm.location.country, sector=sector,
                                    role=role)
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
        self.equipment = frozenset()

    def at(self, start: int, end: int) -> ActorRef | None:
        return None



def _indefinite(tok: Token) -> bool:
    """An indefinite noun phrase: "des vitrines", "plusieurs voitures", "trois camions", a bare plural."""
    dets = [c for c in tok.children if c.dep_ in ("det", "nummod")]
    if not dets:
        return "Plur" in tok.morph.get("Number", []) and not any(c.dep_ == "case" for c in tok.children)
    return all("Ind" in d.morph.get("Definite", []) or lem(d) in ("plusieurs", "quelque", "certain", "divers")
               or d.dep_ == "nummod" or d.pos_ == "NUM" for d in dets)


def same(a: ActorRef, b: ActorRef) -> bool:
    if a.actor_id and b.actor_id:
        return a.actor_id == b.actor_id
    return fold(a.name) == fold(b.name)
