"""Participants of a candidate: the rule's source and target slots read on the dependency parse
(subject, object, passive agent, prepositional complements, a nominal trigger's complements and
support verb, the content of a request, the cause of an agentless passive)."""

from __future__ import annotations

from spacy.tokens import Token

from ..models import ActorRef, fold
from .grammar import (
    _NOMINAL,
    _VERBAL,
    CAUSE_TYPES,
    FORCE_TYPES,
    VICTIM_TYPES,
    ClauseWords,
    _bare_time,
    _fallback_kind,
    _fronted,
    _objects,
    _prep_dependents,
    _subjects,
)
from .lexicon import EventLexicon, TriggerRule
from .participants import Actors, States, same, sovereign
from .syntax import (
    conjuncts,
    is_passive,
    lem,
    prep_of,
    unfold_prep,
)
from .triggers import TriggerFinder, _Candidate


class ArgumentReader:
    """The argument pass of the `events` stage (configured once with the lexicon)."""

    def __init__(self, lexicon: EventLexicon, triggers: TriggerFinder, states: States):
        self.lexicon = lexicon
        self.triggers = triggers
        self.states = states
        self.words = ClauseWords.of(lexicon)
        self.nouns = NounArguments(self)

    def arguments(self, tok: Token, rule: TriggerRule, cand: _Candidate,
                  actors: Actors) -> tuple[list[ActorRef] | None, list[ActorRef]]:
        """(source, target); source None when a nominal trigger has no eventive reading."""
        if rule.kind == "verb":
            return self._verb_arguments(tok, rule, cand, actors)
        return self.nouns.arguments(tok, rule, cand, actors)

    def _verb_arguments(self, tok: Token, rule: TriggerRule, cand: _Candidate,
                        actors: Actors) -> tuple[list[ActorRef] | None, list[ActorRef]]:
        """A verb's slots, then what its clause adds: the patient of an absorbed content ("menace de
        frapper Séoul"), who is asked to act, the cause of an agentless passive, the forces moved."""
        source = self.slots(tok, rule.source, cand.theme, actors, rule.type)
        target = self.slots(tok, rule.target, cand.theme, actors, rule.type)
        if not target and "absorbs" in rule.flags:
            # "menace de frapper Séoul", "a refusé de rencontrer Poutine": the content's patient
            for x in tok.children:
                if x.dep_ == "xcomp" and x.pos_ in _VERBAL:
                    target = self.slots(x, ("obj", "p:contre", "p:sur", "p:a", "p:avec"), None, actors,
                                         rule.type)
                    break
        if not target and rule.type == "REQUEST":
            # "exiger que l'armée quitte le pouvoir": who is asked to act is the content's subject;
            # "exigent la publication des résultats par la commission": the content noun's agent
            for x in tok.children:
                if x.dep_ == "ccomp" and x.pos_ in _VERBAL:
                    target = self.resolve(_subjects(x, self.lexicon), actors, "people")
                elif x.dep_ == "obj" and x.pos_ == "NOUN":
                    # (an agent said by "par" is an actor whatever its noun: "la commission électorale")
                    target = self.resolve([c for c in x.children if c.dep_ in ("nmod", "obl:agent")
                                            and prep_of(c) == "par"], actors, "any")
                    for content in self.lexicon.nouns.get(lem(x), ()) if not target else ():
                        # "exigé le départ des soldats français": who is to act
                        target = self.noun_slots(x, content.source, actors, content.type)
                        if target:
                            break
                if target:
                    break
        if not source and rule.type in CAUSE_TYPES and is_passive(tok):
            source = self._cause_agent(tok, actors)  # "tués dans une frappe israélienne"
        if rule.type in FORCE_TYPES and not source and is_passive(tok):
            # "l'armée a été mise en état d'alerte", "des chars de l'armée ont été dépêchés": the forces act
            forces = self.slots(tok, ("obj",), None, actors, rule.type)
            if forces:
                source, target = forces, [t for t in target if not any(same(t, f) for f in forces)]
        return source, target

    def _cause_agent(self, verb: Token, actors: Actors) -> list[ActorRef]:
        """The agent of an agentless passive from the attack noun that caused it: "trois civils ont été
        tués dans une frappe israélienne", "tué à la suite des tirs de l'opposition"."""
        pool: list[Token] = []
        for c in verb.children:
            if c.dep_ == "advmod" and lem(c) == "lors":  # "tués lors(ADV) d'une attaque(obl:arg)"
                pool.extend(d for d in c.children if d.dep_.startswith("obl") and d.pos_ == "NOUN")
            if c.dep_.startswith("obl") and c.pos_ == "NOUN":
                if lem(c) in self.words.connective:
                    pool.extend(d for d in c.children if d.dep_ == "nmod" and d.pos_ == "NOUN")
                else:
                    pool.append(c)
        for n in pool:
            for rule in self.lexicon.nouns.get(lem(n), ()):
                if rule.type in CAUSE_TYPES:
                    found = self.noun_slots(n, rule.source, actors, rule.type)
                    if found:
                        return found
        return []

    def anti_target(self, tok: Token, theme: Token | None) -> list[ActorRef]:
        """What a protest is against, from an "anti-" demonym on the trigger, its object or the
        purpose it gathers for ("manifestation anti-américaine", "ont scandé des slogans
        anti-américains", "se sont rassemblées pour une manifestation anti-américaine")."""
        purposes = [c for c in tok.children if c.dep_ in ("obl", "obl:arg", "obl:mod") and prep_of(c) == "pour"]
        pool = list(tok.children) + [c for o in _objects(tok) + purposes + ([theme] if theme is not None else [])
                                     for c in o.children]
        for c in pool:
            form = fold(c.text)
            if c.dep_ in ("amod", "nmod") and form.startswith("anti") and len(form) > 6:
                state = self.states.demonym(form[4:].lstrip("-"))
                if state is not None:
                    return [state]
        return []

    def slots(self, tok: Token, slots: tuple[str, ...], theme: Token | None,
               actors: Actors, etype: str = "") -> list[ActorRef]:
        for slot in slots:
            fallback = _fallback_kind(slot, etype)
            found = self.resolve(self._slot_tokens(tok, slot, theme), actors, fallback)
            if found:
                return found
        return []

    def _slot_tokens(self, tok: Token, slot: str, theme: Token | None) -> list[Token]:
        passive = is_passive(tok)
        if slot == "subj":
            if passive:
                agents = [c for c in tok.children if c.dep_ == "obl:agent"
                          or (c.dep_.startswith(("obl", "nmod")) and prep_of(c) == "par")]
                return agents
            return _subjects(tok, self.lexicon)
        if slot == "obj":
            objs = [o for o in _objects(tok) if o.pos_ != "PRON" or fold(o.text) not in ("se", "s'")]
            if not objs and passive and tok.dep_ == "xcomp" and tok.head.i != tok.i:
                objs = _subjects(tok, self.lexicon)  # "Sonia Dridi affirme avoir été agressée": controlled
            return objs
        if slot == "iobj":
            return [c for c in tok.children if c.dep_ == "iobj" and fold(c.text) not in ("se", "s'")]
        if slot == "amod":
            return [c for c in tok.children if c.dep_ == "amod"]
        if slot.startswith("p:"):
            want = slot[2:]
            pool = _prep_dependents(tok)
            for o in _objects(tok) + ([theme] if theme is not None else []):
                # "livrer des armes à Pyongyang" (parsed under "armes"), but never "de" complements —
                # save an asset's owner: "a gelé les avoirs de Moscou"
                owned = want == "de" and lem(o) in self.lexicon.owned
                pool.extend(c for c in o.children if c.dep_ in ("nmod", "obl", "obl:arg")
                            and (owned or prep_of(c) != "de"))
            out: list[Token] = []
            if want == "de":  # "a gelé les avoirs russes": the owner as a demonym
                out.extend(c for o in _objects(tok) + ([theme] if theme is not None else [])
                           if lem(o) in self.lexicon.owned for c in o.children if c.dep_ == "amod")
            for c in pool:
                if want in self.words.frame and _fronted(c, tok):
                    continue  # "À Alep, des hommes armés ont tendu une embuscade": the scene, no target
                p, c = unfold_prep(c, prep_of(c))  # "à l'encontre des opposants": contre
                if p is not None and (p == want or p.split()[0] == want) and c not in out:
                    out.append(c)
            if want in self.words.frame and len(out) > 1 and any(c.dep_ != "obl:mod" for c in out):
                # "a téléphoné à Kim à Pékin": the modifier phrase is the place, the argument the target
                out = [c for c in out if c.dep_ != "obl:mod"]
            return out
        return []

    def noun_slots(self, noun: Token, slots: tuple[str, ...], actors: Actors, etype: str = "",
                    tail: list[Token] | tuple[Token, ...] = ()) -> list[ActorRef]:
        # a multiword trigger's complements may hang on its last word ("la garde à vue des militants")
        kids = list(noun.children)
        for c in noun.children:
            if c.dep_ == "nmod" and lem(c) in self.lexicon.classes.get("@fonds", ()):
                # "une aide de deux milliards de dollars à Kiev": the phrase hung on the sum
                kids.extend(d for d in c.children if d.dep_ == "nmod" and prep_of(d) not in (None, "de"))
        if tail:
            inside = {t.i for t in tail} | {noun.i}
            kids.extend(c for t in tail for c in t.children if c.i not in inside)
        for slot in slots:
            toks: list[Token] = []
            if slot == "amod":
                toks = [c for c in noun.children if c.dep_ == "amod"]
                # demonyms first ("l'opération militaire française"), else a people adjective
                # ("une arrestation policière": the police of the event's place)
                found = self.resolve(toks, actors, None) or (
                    self.resolve(toks, actors, "people") if etype in CAUSE_TYPES else [])
                if found:
                    return found
                continue
            if slot.startswith("p:"):
                want = slot[2:]
                for c in kids:
                    if c.dep_ in ("nmod", "obl", "obl:arg", "obl:mod", "acl") or c.pos_ in _NOMINAL:
                        p, c = unfold_prep(c, prep_of(c))
                        if p is not None and (p == want or p.split()[0] == want):
                            toks.append(c)
                if want == "de":
                    # "l'attentat de Nice", "les bombardements d'Alep": a place that is no actor says
                    # where the event happened (geo's event location), not who did it
                    toks = [t for t in toks if not actors.place_only(t)]
                if want == "de":  # "le gel des avoirs de Moscou": the asset's owner
                    toks.extend(d for t in list(toks) if lem(t) in self.lexicon.owned for d in t.children
                                if d.dep_ == "amod" or d.dep_ == "nmod" and prep_of(d) == "de")
                if not toks:  # "les négociations qui se déroulent entre Washington et Téhéran"
                    rels = [c for c in noun.children if c.dep_ == "acl:relcl"] + [
                        r for c in noun.children if c.dep_ == "nmod" for r in c.children if r.dep_ == "acl:relcl"]
                    for rel in rels:
                        if any(
                                r.dep_.startswith("nsubj") and fold(r.text) == "qui" for r in rel.children):
                            toks.extend(c for c in rel.children if c.dep_ in ("obl", "obl:arg", "obl:mod")
                                        and (prep_of(c) or "") .split(" ")[0] == want)
                if not toks and want in self.words.shared and noun.dep_ == "obj" and noun.head.pos_ in _VERBAL:
                    # "a suscité une révolte au sein de la population": the phrase parsed under the verb
                    for c in noun.head.children:
                        if c.i > noun.i and c.dep_.startswith("obl"):
                            p, c = unfold_prep(c, prep_of(c))
                            if p == want:
                                toks.append(c)
                if not toks and want == "par":
                    toks = _deep_agents(noun)  # "l'arrestation de l'opposant X par la police"
                if want == "entre" and toks:
                    # "entre Kim et Poutine": the parser may hang the second one elsewhere
                    extra = [t for t in toks[0].head.children if t.dep_ == "conj"]
                    toks.extend(t for t in extra if t.pos_ in _NOMINAL)
            found = self.resolve(toks, actors, _fallback_kind(slot, ""))
            if found:
                return found
        return []

    @staticmethod
    def resolve(toks: list[Token], actors: Actors, fallback: str | None = "any") -> list[ActorRef]:
        out: list[ActorRef] = []
        seen: set[int] = set()
        for t in toks:
            for c in conjuncts(t):
                if c.i in seen:
                    continue
                seen.add(c.i)
                if c.pos_ == "NOUN" and lem(c) in actors.not_actors:
                    continue  # "abattu par trois balles"
                pair = actors.pair(c)  # "les deux pays"
                if pair:
                    out.extend(r for r in pair if not any(same(r, o) for o in out))
                    continue
                ref = actors.token(c)
                if ref is not None:
                    ref = actors.localise(ref)
                elif fallback:
                    ref = actors.fallback(c, people_only=fallback == "people", specific=fallback == "specific")
                    if ref is None and lem(c) in actors.equipment:
                        ref = actors.owner(c)  # "des chars de l'armée"
                if ref is not None:
                    ref = sovereign(ref)
                    if not any(same(ref, o) for o in out):
                        out.append(ref)
        return out


class NounArguments:
    """The participants of a nominal trigger ("l'attaque de X contre Y", "X a lancé une offensive",
    "la visite de X", "le convoi a essuyé des tirs"), read with the argument reader's slots."""

    def __init__(self, reader: ArgumentReader):
        self.reader = reader
        self.lexicon = reader.lexicon
        self.triggers = reader.triggers

    def arguments(self, tok: Token, rule: TriggerRule, cand: _Candidate,
                  actors: Actors) -> tuple[list[ActorRef] | None, list[ActorRef]]:
        """A nominal trigger's participants: its complements, then its support verb's, the verb that
        plans, undergoes or hosts it, a possessive, the victims; (None, []) when the noun reads as
        no event (no participant, no support verb, no eventive cue, not standalone)."""
        sv = cand.support
        extra = cand.tail + ([cand.outer] if cand.outer is not None else [])
        agent = self.reader.noun_slots(tok, ("p:par",), actors, rule.type, extra) \
            if "p:par" in rule.source and "p:de" in rule.source else []
        if agent:
            # "l'attaque du convoi par des jihadistes": with its agent said by "par", the "de"
            # complement is the one who undergoes the event
            source = agent
            target = self.reader.noun_slots(tok, rule.target, actors, rule.type, extra) or [
                t for t in self.reader.noun_slots(tok, ("p:de",), actors, rule.type, extra)
                if not any(same(t, a) for a in agent)]
        else:
            source = self.reader.noun_slots(tok, rule.source, actors, rule.type, extra)
            target = self.reader.noun_slots(tok, rule.target, actors, rule.type, extra)
        if not source and not target:
            source, target = self._opposed(tok, actors)  # "des heurts ont opposé X à Y"
        undergoer = self._undergoer(tok)
        if undergoer is not None:
            # "l'hélicoptère a essuyé des tirs", "le convoi a fait l'objet d'une attaque": the subject
            # suffers the event; its agent can only come from the noun itself
            if not target:
                target = self.reader.resolve(_subjects(undergoer, self.lexicon), actors)
            sv = None
        if not source and sv is not None and tok.dep_ != "nsubj":
            if is_passive(sv):  # "les attaques ont été revendiquées par le GSIM"
                source = self.reader.slots(sv, ("subj",), None, actors, rule.type)
            else:
                source = self.reader.resolve(_subjects(sv, self.lexicon), actors)  # "Moscou a lancé une offensive"
        if not source and sv is None and tok.dep_ == "obj" and tok.head.pos_ in _VERBAL \
                and lem(tok.head) in self.reader.words.planning:
            # "Washington a promis une aide à Kiev", "a ordonné une offensive": who plans it acts
            source = self.reader.resolve(_subjects(tok.head, self.lexicon), actors)
        if not source:  # "un blocus imposé par les jihadistes", "les frappes menées par l'armée"
            for c in tok.children:
                if c.dep_ == "acl" and "Part" in c.morph.get("VerbForm", []) and is_passive(c):
                    source = self.reader.slots(c, ("subj",), None, actors, rule.type)
                    if source:
                        break
        if not source and any(c.dep_ == "cop" for c in tok.children):
            # a predicate noun: "les deux pays sont en guerre"
            source = self.reader.resolve([c for c in tok.children if c.dep_ == "nsubj"], actors)
        elif not source and lem(tok.head) == "etre" and prep_of(tok) == "en" and tok.head.i != tok.i:
            source = self.reader.resolve(_subjects(tok.head, self.lexicon), actors)  # "X est en grève"
        if not source and tok.head.pos_ in _VERBAL and tok.head.i != tok.i \
                and lem(tok.head) in self.lexicon.classes.get("@participation", ()):
            if tok.dep_.startswith("obl"):
                # "des milliers de personnes se sont rassemblées pour une manifestation"
                source = self.reader.resolve(_subjects(tok.head, self.lexicon), actors)
            elif tok.dep_ == "nsubj":  # "la manifestation a réuni des lycéens et des étudiants"
                source = self.reader.resolve(_objects(tok.head), actors, "people")
        if not source:
            source = self._possessive(tok, actors)
        if not source and rule.type in ("CONSULT", "AGREE") and tok.dep_.startswith("obl") \
                and tok.head.pos_ in _VERBAL \
                and (prep_of(tok) or "") in self.reader.words.temporal:
            # "Kim a quitté la Russie après une visite de six jours"
            source = self.reader.resolve(_subjects(tok.head, self.lexicon), actors, None)
        if not target and sv is not None:
            target = self.reader.slots(sv, tuple(s for s in rule.target if s.startswith("p:")), None, actors,
                                 rule.type)
            if not target and (tok.dep_ not in ("nsubj", "obj") or lem(sv) in self.reader.words.target_support):
                # "a assuré la Russie de son soutien", "l'attaque visait Kiev"
                target = self.reader.resolve([o for o in _objects(sv) if o.i != tok.i], actors, None)
        if not target and rule.type in VICTIM_TYPES:
            target = self._victims(tok, actors)
        eventive = "standalone" in rule.flags or sv is not None or self.triggers.cued(tok)
        if not source and not target and not eventive:
            return None, []
        return source, target

    def provoker(self, noun: Token, actors: Actors) -> list[ActorRef]:
        """Whom a protest provoked by an act is against: the subject of "susciter/provoquer…" when it
        is an actor ("Moscou a provoqué des manifestations"), else the agent or author of the act it
        names ("la suppression des aides par le gouvernement", "la décision de Moscou")."""
        head = noun.head
        if noun.dep_ != "obj" or head.pos_ not in _VERBAL or lem(head) not in self.lexicon.classes.get("@provoquer", ()):
            return []
        for subj in _subjects(head, self.lexicon):
            ref = actors.strict(subj)
            if ref is not None:
                return [actors.localise(ref)]
            if subj.pos_ != "NOUN":
                continue
            for prep in ("par", "de"):
                for c in subj.children:
                    if c.dep_ in ("nmod", "obl:agent") and c.pos_ in _NOMINAL and prep_of(c) == prep:
                        ref = actors.strict(c)
                        if ref is not None:
                            return [actors.localise(ref)]
        return []

    def _opposed(self, noun: Token, actors: Actors) -> tuple[list[ActorRef], list[ActorRef]]:
        """"Des affrontements ont opposé des manifestants aux forces de l'ordre": the object is the
        source, its "à" counterpart the target (the parser may hang it under the object)."""
        head = noun.head
        if noun.dep_ != "nsubj" or head.pos_ not in _VERBAL or lem(head) not in self.lexicon.classes.get(
                "@opposer", ()):
            return [], []
        sides: list[Token] = []
        for o in (c for c in head.children if c.dep_ == "obj"):
            if _bare_time(o):  # "ont opposé samedi(obj) des manifestants(nmod)"
                sides.extend(d for d in o.children if d.dep_ == "nmod" and d.pos_ in _NOMINAL)
            else:
                sides.append(o)
        if not sides:
            return [], []
        first = min(t.i for t in sides)
        others = [c for c in list(head.children) + [d for t in sides for d in t.children]
                  if c.i > first and c.pos_ in _NOMINAL and c.dep_ in ("obl", "obl:arg", "obl:mod", "nmod", "iobj")
                  and prep_of(c) == "a"]
        return self.reader.resolve(sides, actors), self.reader.resolve(others, actors)

    def _undergoer(self, noun: Token) -> Token | None:
        """The clause whose subject suffers a nominal event: "a essuyé des tirs", "a subi des
        agressions" (the object of a verb of undergoing), "a fait l'objet d'une attaque", "a été la cible
        de frappes" (the "de" complement of objet/cible)."""
        outer = self.triggers.collective(noun)  # "a subi une série d'attaques"
        if outer is not None:
            noun = outer
        head = noun.head
        if head.i == noun.i:
            return None
        classes = self.lexicon.classes
        if head.pos_ in _VERBAL and noun.dep_ in ("obj", "obl:arg") and lem(head) in classes.get("@subir", ()):
            return head
        if prep_of(noun) != "de":
            return None
        if lem(head) in classes.get("@cible_de", ()):
            if any(c.dep_ in ("nsubj", "nsubj:pass") for c in head.children):
                return head  # "le convoi était la cible d'une attaque"
            if head.head.i != head.i and head.head.pos_ in _VERBAL:
                return head.head  # "a fait l'objet d'une attaque"
        if head.pos_ in _VERBAL and lem(head) == "faire" and any(
                c.dep_ == "obj" and lem(c) in classes.get("@cible_de", ()) for c in head.children):
            return head  # "objet" and "attaque" both parsed under "faire"
        return None

    def _victims(self, noun: Token, actors: Actors) -> list[ActorRef]:
        """Who suffers a nominal attack: "X a été victime d'une agression", "9 civils ont péri lors de
        l'assaut", "deux soldats ont été tués dans l'attaque"."""
        head = noun.head
        if head.i == noun.i:
            return []
        prep = prep_of(noun) or ""
        if lem(head) == "lors" and head.head.i != head.i:  # "lors(ADV) de(case) l'assaut(obl:arg)"
            head, prep = head.head, "lors de"
        if lem(head) == "victime" and prep == "de":
            subs = [c for c in head.children if c.dep_ in ("nsubj", "nsubj:pass")] or [
                c for c in head.children if c.i < head.i and c.pos_ in _NOMINAL and prep_of(c) is None
                and c.dep_ not in ("det", "amod")]  # "Un lycéen(obl:mod) a été victime d'une agression"
            return self.reader.resolve(subs, actors, "people")
        if head.pos_ in _VERBAL and lem(head) in self.lexicon.classes.get("@victimes", ()) \
                and (prep in self.reader.words.temporal or prep in ("dans", "sous", "lors de")):
            if lem(head) in ("tuer", "blesser", "toucher", "viser") and not is_passive(head):
                return []  # "l'armée a tué … lors de l'assaut": the subject is the attacker
            subs = [c for c in head.children if c.dep_ in ("nsubj", "nsubj:pass")]
            return self.reader.resolve(subs, actors, "people")
        return []

    def _possessive(self, noun: Token, actors: Actors) -> list[ActorRef]:
        """"son soutien", "leur premier sommet": the possessor, as the actors stage resolved it, else
        the subject of the clause the noun sits in ("les deux hommes n'avaient pas conclu d'accord
        lors de leur premier sommet")."""
        for c in noun.children:
            if c.dep_ == "det" and "Yes" in c.morph.get("Poss", []):
                ref = actors.at(c.idx, c.idx + len(c.text))
                if ref is not None:
                    return [ref]
                if "Person" in c.morph and "3" not in c.morph.get("Person", []):
                    return []  # "notre", "votre": the speaker's side, not a subject
                head = noun.head
                if lem(head) == "lors" and head.head.i != head.i:
                    head = head.head
                if head.pos_ in _VERBAL and noun.dep_.startswith("obl") and head.i != noun.i:
                    plural = "Plur" in c.morph.get("Number[psor]", []) or fold(c.text) in ("leur", "leurs")
                    subs = _subjects(head, self.lexicon)
                    if subs and plural == any("Plur" in s.morph.get("Number", []) or len(conjuncts(s)) > 1
                                              for s in subs):
                        return self.reader.resolve(subs, actors)
                return []
        return []


def _deep_agents(noun: Token) -> list[Token]:
    """The "par" agent of a nominal event that the parser hung on one of its complements ("l'arrestation
    de l'opposant Ousmane Sonko par la police": "par la police" under "Sonko"), looked for down the
    noun's own phrase (complements, appositions, names; no clause of its own)."""
    found: list[Token] = []
    frontier, depth = [noun], 0
    while frontier and depth < 3 and not found:
        nxt: list[Token] = []
        for t in frontier:
            for c in t.children:
                if c.dep_ not in ("nmod", "appos", "acl", "flat:name", "obl:agent", "obl") or c.pos_ not in _NOMINAL:
                    continue
                if t.i != noun.i and prep_of(c) == "par":
                    found.append(c)
                elif c.dep_ != "obl" and not any(d.dep_.startswith("nsubj") for d in c.children):
                    nxt.append(c)
        frontier, depth = nxt, depth + 1
    return found
