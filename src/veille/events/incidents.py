"""An incident is not an attack: the agency check for material-conflict mentions.

PLOVER's ASSAULT, COERCE, MOBILIZE, PROTEST and SANCTION are acts of an agent on a target. French
uses the same verbs for harm done by nature or by accident ("un ouvrier a été blessé suite à une
chute", "des voitures ont été brûlées", "la récolte a été détruite par la grêle", "les flammes ont
envahi la cuisine"), so a trigger verb alone does not make a conflict event. `IncidentCheck` reads the
clause and tells why a candidate mention is no such act, or None when it may stand:

- ``cause``: its agent (subject, "par", "dans", "sous", "suite à", "à cause de", "en raison de") is a
  non-human cause (class ``@causes``: fire, storm, fall, disease, vehicle …; ``@animaux``), or the "de"
  complement of an agent that carries a cause (``@porteurs_cause``: "un essaim de frelons", "la montée
  des eaux"), or every source is such a thing ("un accrochage entre deux voitures");
- ``animal``: an attack noun whose "de" complement is an animal ("une attaque de requin");
- ``medical``: an attack or crisis noun qualified as an illness (``@qualif_medicales``: "une attaque
  cardiaque", "une crise d'asthme");
- ``accident``: a driver (``@conducteurs``) who kills or injures, in a sentence with no attack word
  ("un chauffard a tué un piéton");
- ``incident``: a physical act (ASSAULT, MOBILIZE, or a ``@degats`` word) with no acting source, in a
  sentence that names an incident (``@incidents``) without any attack word (``@attaques``,
  projectiles, ASSAULT trigger nouns);
- ``harm``: harm that nature can do as well (``@degats``: tuer, blesser, brûler, détruire …) with no
  acting source, no attack word in the sentence (or earlier in its paragraph, when that names no
  incident) and no security forces or officials among its victims;
- ``no_casualty``: "aucune personne n'a été blessée" — a negated casualty with no agent says nobody
  was hurt; it denies no attack;
- ``hazard``: the act's opponent ("contre", the object) is an incident, not a party ("la bataille contre
  les flammes", "une offensive contre l'épidémie", "ont pris le contrôle de l'incendie");
- ``incident`` too: a gerund or conjunct of a pronominal accident verb (``@accidents_pronominaux``) whose
  subject it shares ("un hélicoptère de l'armée s'est écrasé, tuant les quatre militaires à bord");
- ``training``: an attack noun that names a training ("un exercice de tir"); harm in a sentence that
  names one (``@entrainements``: "blessé lors de la manipulation d'une munition") is an incident too;
- ``self``: a harm verb used reflexively ("il s'est blessé en chutant");
- ``rescue``: MOBILIZE of rescuers and civil means (``@secours``: pompiers, secours, bateaux …), or of
  troops whose purpose is relief from an incident (``@secourir``: "des soldats ont été déployés pour
  lutter contre les inondations", "pour secourir les sinistrés");
- ``animals``: harm done to animals only ("ont abattu des milliers de volailles");
- ``advice``: a request for safety (``@consignes``: "a appelé la population à la prudence"), or one made
  of the public (``@public``) about an incident ("a exhorté les habitants à évacuer avant l'arrivée du
  cyclone");
- ``warning``: a warning (THREATEN) about an incident or a hazard ("le préfet a averti la population du
  risque d'inondation"), or a threat whose subject is a cause ("la famine menace des millions de
  personnes", "des maisons menacées par la crue");
- ``inquiry``: an investigation (ACCUSE, mode investigate) into an incident ("enquêter sur les causes
  de l'accident", "une enquête a été ouverte pour déterminer les causes du drame") with no actor as its
  target accuses nobody.

A paragraph's earlier attack words make the harm of a later sentence an attack's, unless it names an
incident that no attack word explains ("L'explosion d'une voiture piégée a secoué le marché. Dix
personnes ont été tuées" is an attack; "Un incendie s'est déclaré. Dix personnes ont été tuées" is not).

All word lists are lexicon classes in ``data/<lang>/event_triggers.tsv``.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from ..models import ActorRef
from ..nlp import TokenColumns
from .lexicon import EventLexicon, name_has_word
from .syntax import is_passive, is_reflexive, lem, prep_of

#: PLOVER material-conflict types that need an agent acting on a target
AGENTIVE_TYPES = frozenset({"ASSAULT", "COERCE", "MOBILIZE", "PROTEST", "SANCTION"})
#: types whose every mention is a physical act (a censorship or a sanction is not: "une censure des pages
#: « suicide »" is no incident)
PHYSICAL_TYPES = frozenset({"ASSAULT", "MOBILIZE"})
#: victims whose death or wounding is a security incident even when nobody is named as the agent
SECURITY_SECTORS = frozenset({"MIL", "COP", "REB", "INS", "GOV"})


class IncidentCheck:
    """Configured once from the event lexicon; called per candidate mention."""

    def __init__(self, lexicon: EventLexicon):
        classes = lexicon.classes
        self.animals = classes.get("@animaux", frozenset())
        self.causes = classes.get("@causes", frozenset()) | self.animals
        self.carriers = classes.get("@porteurs_cause", frozenset())
        self.medical = classes.get("@qualif_medicales", frozenset())
        self.drivers = classes.get("@conducteurs", frozenset())
        self.relief = classes.get("@secourir", frozenset())
        self.deliberate = classes.get("@intentionnels", frozenset())
        self.accidental = classes.get("@accidentels", frozenset())
        self.precaution_modes = classes.get("@precautions", frozenset())
        self.advice = classes.get("@consignes", frozenset())
        self.reflexive_incidents = classes.get("@accidents_pronominaux", frozenset())
        self.training = classes.get("@entrainements", frozenset())
        self.public = classes.get("@public", frozenset())
        self.incidents = classes.get("@incidents", frozenset())
        self.harm = classes.get("@degats", frozenset())
        self.rescuers = classes.get("@secours", frozenset())
        # people with no country or sector who can still act: the lexicon's people classes, and
        # pronouns and common person nouns (class @agents_personnes)
        self.people = frozenset().union(*(classes[c] for c in lexicon.people_classes if c in classes)) \
            | classes.get("@agents_personnes", frozenset())
        # what introduces the cause of a harm: "tué dans un accident", "à la suite d'une chute"
        self.cause_preps = classes.get("@prep_cause", frozenset())
        self.link_nouns = classes.get("@noms_cause", frozenset())
        assault_nouns = {lemma for lemma, rules in lexicon.nouns.items() if any(r.type == "ASSAULT" for r in rules)}
        self.attack_words = (classes.get("@attaques", frozenset()) | classes.get("@projectiles", frozenset())
                             | frozenset(assault_nouns)) - self.incidents
        # acts of attack (not weapons): "tué par erreur lors d'une frappe" stays an attack, "l'explosion
        # accidentelle d'une grenade" does not
        self.attack_acts = frozenset(assault_nouns) - self.incidents
        # who blocks a road in anger protests: no precaution against a hazard
        self.crowds = classes.get("@protestataires", frozenset()) | classes.get("@foules", frozenset())

    def __call__(self, tok: Token, etype: str, source: list[ActorRef], target: list[ActorRef],
                 span: Span, *, negated: bool = False, cols: TokenColumns | None = None,
                 mode: str | None = None) -> str | None:
        """Why the candidate is no conflict event (a reason code), or None."""
        cols = cols or TokenColumns.of(tok.doc)
        if mode == "investigate" and not any(a.country or a.actor_id for a in target) \
                and any(cols.lem(d.i) in self.incidents for d in self._about(tok)):
            return "inquiry"
        if etype not in AGENTIVE_TYPES:
            # a statement needs a speaker: "cette maladie exige un traitement spécial" requests nothing,
            # "la famine menace des millions de personnes" threatens nobody
            speakers = self._carried([c for c in tok.children if c.pos_ == "NOUN" and (
                c.dep_ == "nsubj" or c.dep_ == "obl:agent")], cols)
            if any(self._is_cause(c, cols) for c in speakers) or self._things_only(tok, source, span, cols):
                return "cause"
            if etype == "REQUEST" and not any(a.actor_id or a.country for a in target):
                # safety advice: "a appelé la population à la prudence", "a demandé aux habitants de rester
                # chez eux en raison de la tempête"
                about = {cols.lem(d.i) for d in self._about(tok)}
                if about & self.advice or (about & self.incidents and not about & self.attack_words
                                           and any(name_has_word(a.name, self.public) for a in target)):
                    return "advice"
            if etype == "THREATEN" and not any(a.actor_id for a in target):
                # a warning of a hazard: "a averti la population du risque d'inondation"
                about = {cols.lem(d.i) for d in self._about(tok)}
                if about & self.incidents and not about & self.attack_words:
                    return "warning"
            return None
        for agent in self._carried(self.agents(tok), cols):
            if self._is_cause(agent, cols):
                return "cause"  # ("tués dans l'explosion d'une bombe" is an attack)
        if tok.pos_ == "NOUN":
            for c in tok.children:
                if c.dep_ == "nmod" and cols.lem(c.i) in self.animals:
                    return "animal"  # "une attaque de requin"
                if c.dep_ in ("amod", "nmod") and cols.lem(c.i) in self.medical:
                    return "medical"  # "une attaque cardiaque"
            if cols.lem(cols.head[tok.i]) in self.training:
                return "training"  # "un exercice de tir"
        lemma = cols.lem(tok.i)
        lemmas = {cols.lem(i) for i in range(span.start, span.end)}
        deliberate = self._deliberate(range(span.start, span.end), cols)
        attack = any(self._attack_at(i, cols) for i in range(span.start, span.end)) or deliberate
        if not deliberate and self._things_only(tok, source, span, cols):
            return "cause"  # "un accrochage entre deux voitures"
        agents = self.agents(tok)
        head = tok.head
        if tok.dep_ in ("advcl", "conj", "xcomp") and head.i != tok.i and cols.lem(head.i) in self.reflexive_incidents \
                and is_reflexive(head) and not deliberate:
            return "incident"  # "un hélicoptère de l'armée s'est écrasé, tuant les quatre militaires à bord"
        if target and all(name_has_word(a.name, self.animals) and not (a.country or a.actor_id) for a in target):
            return "animals"  # "des milliers de volailles ont été abattues"
        if etype != "PROTEST" and self._fights_hazard(tok, cols):  # (a protest against pesticides is one)
            return "hazard"  # "la bataille contre les flammes", "une offensive contre l'épidémie"
        if lemma in self.harm and not attack and any(
                cols.lem(a.i) in self.drivers for a in agents if a.dep_ in ("nsubj", "obl:agent")):
            return "accident"  # "un chauffard a renversé et tué un piéton"
        said = {cols.lem(c) for t in [tok, *agents] for c in cols.children(t.i)} \
            | {cols.lem(g) for c in cols.children(tok.i) for g in cols.children(c)}
        if said & self.accidental and not (lemmas - {lemma}) & self.attack_acts \
                and not any(a.sector in SECURITY_SECTORS for a in source):
            return "accident"  # "a tué accidentellement", "l'explosion accidentelle d'une grenade"
        if etype == "COERCE" and (mode in self.precaution_modes or lemma in self.relief) and not attack \
                and not any(a.sector in ("CVL", "REB", "INS", "OPP") or name_has_word(a.name, self.crowds)
                            for a in source):
            about = {cols.lem(d.i) for d in self._about(tok)}
            if about & self.incidents or self._names_incident(range(span.start, span.end), cols):
                return "precaution"  # "la police a évacué le quartier après une fuite de gaz"
        if lemma in self.harm and is_reflexive(tok):
            return "self"  # "il s'est blessé en tombant"
        # someone acts, named or not ("ils avaient saccagé la mairie"), not a thing ("le compartiment
        # moteur a fini par brûler"); causes were ruled out above
        acting = any(a.country or a.actor_id or a.sector or name_has_word(a.name, self.people) for a in source)
        if etype == "MOBILIZE":
            if self.rescuers and any(cols.lem(c.i) in self.rescuers for c in self.moved(tok)):
                return "rescue"
            purpose = {cols.lem(d.i) for c in tok.children if c.dep_ in ("advcl", "obl", "obl:mod", "xcomp")
                       for d in c.subtree}
            if purpose & (self.incidents | self.relief) and not purpose & self.attack_words:
                return "rescue"  # "des soldats déployés pour lutter contre les inondations"
        if acting:
            return None
        physical = lemma in self.harm or etype in PHYSICAL_TYPES
        if physical and not attack and (lemmas & self.incidents or any(
                cols.lem(i) in self.reflexive_incidents and i != tok.i and is_reflexive(tok.doc[i])
                for i in range(span.start, span.end))):
            return "incident"  # "deux soldats ont été tués lorsque leur hélicoptère s'est écrasé"
        if lemma in self.harm and not attack and lemmas & self.training:
            return "incident"  # "un militaire a été blessé lors d'un exercice de tir"
        if not attack and span.start > 0:
            # the paragraph so far sets the scene ("Des émeutes ont éclaté. Des vitrines ont été brisées.",
            # "Les frappes ont repris. Au moins dix personnes ont été tuées") unless it names an incident
            scene = _paragraph_before(tok.doc, span.start)
            attack = (any(cols.lem(i) in self.attack_words for i in scene) or self._deliberate(scene, cols)) \
                and not self._names_incident(scene, cols)
        if lemma in self.harm:
            if negated and not source:
                return "no_casualty"
            security = any(a.sector in SECURITY_SECTORS for a in target)
            if not attack and not security:
                return "harm"
        return None

    @staticmethod
    def _about(tok: Token) -> list[Token]:
        """What an act is about: its dependents, and for a noun those of the verb it hangs on ("une
        enquête a été ouverte sur l'incendie", "… pour déterminer les causes du drame")."""
        heads = [tok] + ([tok.head] if tok.pos_ == "NOUN" and tok.head.i != tok.i else [])
        return [d for h in heads for c in h.children if c.i != tok.i
                and c.dep_ in ("obl", "obl:arg", "obl:mod", "nmod", "obj", "advcl", "xcomp") for d in c.subtree]

    def _attack_at(self, i: int, cols: TokenColumns) -> bool:
        """Whether token i is an attack word, not an attack noun whose complement is an incident, relief
        or an animal ("une intervention sur un incendie", "une opération de sauvetage") or that a
        training names ("un exercice de tir")."""
        lemma = cols.lem(i)
        if lemma not in self.attack_words:
            return False
        if lemma in self.attack_acts:
            kids = {cols.lem(c) for c in cols.children(i)}
            if kids & (self.incidents | self.relief | self.animals) or cols.lem(cols.head[i]) in self.training:
                return False
        return True

    def _fights_hazard(self, tok: Token, cols: TokenColumns) -> bool:
        """Whether the act's opponent is an incident, not a party: "contre" or the object names a fire,
        a flood, a disease ("la bataille contre les flammes", "ont pris le contrôle de l'incendie")."""
        for c in tok.children:
            prep = prep_of(c)
            if not (prep == "contre" or c.dep_ in ("obj", "nsubj:pass") and prep is None):
                continue
            # the object itself may be part of the trigger ("ouvrir le feu"): its complement names the hazard
            near = [c.i, *cols.children(c.i)] if prep == "contre" else cols.children(c.i)
            if any(cols.lem(j) in self.incidents for j in near) \
                    and not any(cols.lem(d.i) in self.attack_words for d in c.subtree):
                return True
        return False

    def _things_only(self, tok: Token, source: list[ActorRef], span: Span, cols: TokenColumns) -> bool:
        """Whether every source is a thing that can cause harm ("deux voitures", "un violent incendie"),
        in a sentence with no attack word besides the trigger."""
        return bool(source) and all(name_has_word(a.name, self.causes) and not (a.country or a.actor_id or a.sector)
                                    for a in source) \
            and not any(cols.lem(i) in self.attack_words for i in range(span.start, span.end) if i != tok.i)

    def _is_cause(self, agent: Token, cols: TokenColumns) -> bool:
        """A non-human cause with no attack word in its phrase ("l'explosion d'une bombe" is none)."""
        return cols.lem(agent.i) in self.causes \
            and not any(cols.lem(d.i) in self.attack_words or cols.lem(d.i) in self.deliberate for d in agent.subtree)

    def _deliberate(self, tokens: range, cols: TokenColumns) -> bool:
        """Whether an incident or a cause is said to be deliberate ("un incendie criminel", "une voiture
        piégée", "une explosion revendiquée"); "un acte criminel" is not enough."""
        return any(cols.lem(i) in self.deliberate and cols.lem(cols.head[i]) in self.incidents | self.causes
                   for i in tokens)

    def _carried(self, agents: list[Token], cols: TokenColumns) -> list[Token]:
        """The agents, and the "de" complements of those that carry a cause ("un essaim de frelons",
        "la montée des eaux", "une invasion de criquets") or that name an animal ("une attaque de requin")."""
        out = list(agents)
        for a in agents:
            carrier = cols.lem(a.i) in self.carriers
            out.extend(c for c in a.children if c.dep_ == "nmod" and c.pos_ == "NOUN" and prep_of(c) == "de"
                       and (carrier or cols.lem(c.i) in self.animals))  # "dans une attaque de requin"
        return out

    def _names_incident(self, scene: range, cols: TokenColumns) -> bool:
        """Whether the scene names an incident that no attack word explains: "un incendie s'est déclaré"
        does, "l'explosion d'une voiture piégée" does not (the attack word is in the incident's phrase)."""
        for i in scene:
            if cols.lem(i) not in self.incidents:
                continue
            near = [cols.head[i], *cols.children(i)]
            near += [g for c in cols.children(i) for g in cols.children(c)]
            if not any(cols.lem(j) in self.attack_words or cols.lem(j) in self.deliberate for j in near):
                return True
        return False


    def agents(self, tok: Token) -> list[Token]:
        """Nouns that may be what did it: the subject of an active verb, the agent of a passive, a
        cause phrase, or the subject of the verb a nominal trigger depends on ("l'incendie a causé la
        destruction de …")."""
        out: list[Token] = []
        heads = [tok]
        if tok.head.i != tok.i and (
                tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("obj", "nsubj", "obl", "obl:arg")
                # "les flammes ont envahi la cuisine, détruisant …": a gerund or conjunct shares the subject
                or tok.dep_ in ("advcl", "conj", "xcomp") and not any(c.dep_.startswith("nsubj") for c in tok.children)):
            heads.append(tok.head)
        for h in heads:
            passive = h.pos_ in ("VERB", "AUX", "ADJ") and is_passive(h)
            for c in h.children:
                if c.pos_ not in ("NOUN", "PROPN") or c.i == tok.i:
                    continue
                dep = c.dep_
                if dep == "nsubj" and not passive:
                    out.append(c)
                elif dep == "obl:agent" or (dep.startswith("obl") and (prep_of(c) or "") in self.cause_preps
                                            and h is tok):
                    out.append(c)
                    if lem(c) in self.link_nouns:
                        out.extend(d for d in c.children if d.dep_ == "nmod" and d.pos_ == "NOUN")
                elif dep.startswith("obl") and h is tok and lem(c) in self.link_nouns:
                    # "à cause de l'épidémie", "en raison des inondations", "à la suite d'une chute"
                    out.extend(d for d in c.children if d.dep_ == "nmod" and d.pos_ == "NOUN")
        if tok.pos_ in ("NOUN", "PROPN"):
            out.extend(c for c in tok.children if c.dep_ == "nmod" and prep_of(c) == "par")
        return out

    @staticmethod
    def moved(tok: Token) -> list[Token]:
        """What a mobilisation moves: the object, or the subject of a passive."""
        return [c for c in tok.children if c.dep_ in ("obj", "nsubj:pass")
                or (c.dep_ == "nsubj" and is_passive(tok))]


def _paragraph_before(sdoc, start: int, max_tokens: int = 400) -> range:
    """Token indices from the start of the paragraph (the last line break) to `start`."""
    i = start - 1
    lo = max(0, start - max_tokens)
    while i > lo and "\n" not in sdoc[i].text_with_ws:
        i -= 1
    return range(i + 1 if "\n" in sdoc[i].text_with_ws else i, start)
