"""The `events` stage: PLOVER event mentions from French sentences, with their factuality.

For each sentence of the spaCy parse:

1. candidates: verbs whose lemma has trigger rules (the first rule whose conditions hold on the parse
   wins: "signer" + object "accord" -> AGREE; "tirer" + "missile" -> ASSAULT), then nouns with rules
   ("visite", "frappes", "sanctions") not already taken as a verb rule's theme;
2. arguments: the rule's source/target slots on the dependency parse (subject, object, passive agent,
   "à"/"contre"/"avec"… obliques, demonym adjectives), coordinated actors become lists; a nominal
   trigger under a support verb ("a lancé une offensive", "a imposé des sanctions") takes the verb's
   subject as its source;
3. factuality (veille.events.factuality), date and location (the lookups the timex and geo stages
   attach to the document, `Document.lookups`: none when that stage has not run), casualties/quantities
   of the clause, confidence.

Conventions (docs/events.md): source = the grammatical agent (the visitor, the attacker, the
signatory); symmetric events with coordinated subjects ("Kim et Poutine se sont rencontrés") list all
participants as source and no target; "X a rencontré Y" is X -> Y. An actor's statement about its
own act is the act (no claim); an event embedded under a third party's statement is `claimed` with
`claimed_by` that party.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Span, Token

from ..config import Settings
from ..dating import attach_date
from ..models import ActorRef, DateValue, Document, EventMention, Location, Sentence, fold, stable_id
from ..nlp import TokenColumns
from ..stages import EventsConfig
from .factuality import FactualityReader, FactualityReading, quote_spans
from .incidents import AGENTIVE_TYPES, IncidentCheck
from .lexicon import Condition, EventLexicon, SupportVerb, TriggerRule
from .numbers import clause_numbers
from .participants import Actors, NoActors, States, same, sovereign
from .syntax import (
    RELATIVE_PRONOUNS,
    arg_children,
    conjuncts,
    coordination_head,
    dependents,
    has_child,
    is_passive,
    is_reflexive,
    lem,
    np_span,
    prep_of,
    unfold_prep,
)

log = logging.getLogger("veille.events")

_VERBAL = {"VERB", "AUX"}
_NOMINAL = {"NOUN", "PROPN"}
_CANDIDATE_POS = _VERBAL | _NOMINAL | {"ADJ"}  # trigger candidates (participles may be tagged ADJ/NOUN)
_PREP_DEPS = {"obl", "obl:arg", "obl:mod", "obl:agent", "nmod", "obj", "iobj", "advmod", "acl"}
_INHERIT_DEPS = {"nsubj", "nsubj:pass", "obj", "obl:arg"}
# argument slots where an unresolved noun phrase still names a participant ("les manifestants")
FALLBACK_ANY = {"subj", "p:par", "p:entre"}  # agents: any noun phrase ("le mouvement de lutte")
FALLBACK_PEOPLE = {"p:de", "obj", "iobj", "p:avec", "p:contre", "p:a", "p:parmi", "p:sur"}  # only people and forces ("la grève des travailleurs")
FALLBACK_OBJ_TYPES = {"ASSAULT", "COERCE"}  # their objects are targets, people or things
SPECIFIC_OBJ_TYPES = {"COERCE"}  # … but destroyed or seized things only when definite
TARGET_OBJ_SUPPORT = {"viser", "cibler", "frapper", "toucher"}  # "l'attaque visait Kiev"
# verbs planning a nominal event of which their subject is the agent ("a promis une aide")
PLANNING_VERBS = {"promettre", "decider", "ordonner", "preparer", "projeter", "planifier", "prevoir", "programmer"}
# prepositions of a fronted scene-setting phrase ("À Alep, …", "En Syrie, …") that never fill a slot
FRAME_PREPS = {"a", "en", "dans"}
TEMPORAL_PREPS = {"apres", "lors de", "pendant", "avant", "durant", "au cours de", "lors"}
# symmetric events: with coordinated participants and no target, the first named is the source
SYMMETRIC_TYPES = {"CONSULT", "AGREE", "COOPERATE"}
# a nationality noun ("les Maliens", "des Français") stands for the country's people, not its
# government, as the source of a protest and the target of violence or coercion (PLOVER/ICEWS
# "Citizen (Mali)": sector CVL); elsewhere it may be the state ("les Américains ont retiré leur soutien")
CITIZEN_SOURCE_TYPES = {"PROTEST"}
CITIZEN_TARGET_TYPES = {"ASSAULT", "COERCE"}
# prepositions of a nominal trigger's participants that the parser may hang on the verb governing it
SHARED_PREPS = {"parmi", "contre", "entre", "avec", "envers"}
# nouns linking a nominal trigger to the verb it explains: "tué à la suite des tirs"
CONNECTIVE_NOUNS = {"suite", "cours", "lors", "moment", "occasion", "cadre", "issue"}
# bare time nouns the parser takes for objects ("ont manifesté lundi")
BARE_TIME_NOUNS = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier", "matin", "soir"}
# agentless passives of these types take the agent of an attack noun that caused them
CAUSE_TYPES = {"ASSAULT", "COERCE"}
# agentless passives whose subject (the forces moved) stands for the actor
FORCE_TYPES = {"MOBILIZE"}
# nominal attacks whose victims may be the subject of "être victime de" / "périr lors de"
VICTIM_TYPES = {"ASSAULT"}
# verbal events (statements and meetings)
VERBAL_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
# statements that are acts: quoting them reports the act, it does not make it a claim
SPEECH_ACTS = {"REQUEST", "ACCUSE", "THREATEN", "REJECT", "SUPPORT"}
MODE_CONTEXT = {"military": "military", "humanitarian": "humanitarian", "economic": "economic"}
HISTORICAL_DAYS = 31  # an event dated (period end) more than this before the article is background
PLUPERFECT_DAYS = 30  # a pluperfect event older than this (or undated) is background


@dataclass
class _Candidate:
    tok: Token
    rule: TriggerRule
    theme: Token | None = None
    support: Token | None = None
    head_is_trigger: bool = False
    tail: list[Token] = field(default_factory=list)  # the other words of a multiword trigger ("à vue")
    outer: Token | None = None  # the collective noun over a nominal trigger ("un paquet de sanctions")


class EventExtractor:
    """The `events` stage: fills `Document.mentions` with EventMention records."""

    name = "events"

    def __init__(self, settings: Settings | None = None, *, lexicon: EventLexicon | None = None,
                 self_reports_as_claims: bool | None = None):
        """`self_reports_as_claims` (default: the `[stage.events]` setting) overrides the config."""
        self.settings = settings or Settings()
        self.config = EventsConfig.from_settings(self.settings)
        if self_reports_as_claims is not None:
            self.config = replace(self.config, self_reports_as_claims=self_reports_as_claims)
        # "X affirme avoir frappé": claimed by X (the dev-set guidelines) or, when False, the act
        # itself as PLOVER codes an actor's statement about its own act
        self.self_reports_as_claims = self.config.self_reports_as_claims
        self.lexicon = lexicon or EventLexicon.load(self.settings.lang, lexicon_dir=self.settings.lexicon_dir)
        self.factuality = FactualityReader(self.lexicon)
        self.states = States(self.settings.lang, lexicon_dir=self.settings.lexicon_dir)
        lex = self.lexicon
        people = frozenset().union(*(lex.classes[c] for c in lex.people_classes))
        self.not_actors = lex.things - people
        self.people = people
        self.incidents = IncidentCheck(self.lexicon)

    def __call__(self, doc: Document) -> Document:
        doc.mentions = []
        sdoc = doc.spacy_doc
        if sdoc is None:
            return doc
        if doc.token_columns is None:
            doc.token_columns = TokenColumns(sdoc, doc.text)
        actors = self.actors_for(doc)
        aux_heads = _aux_heads(doc.token_columns)
        for sent in doc.sentences:
            span = sdoc.char_span(sent.start, sent.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            doc.mentions.extend(self._sentence(doc, sent, span, actors, aux_heads))
        return doc

    def actors_for(self, doc: Document) -> Actors:
        """The actor lookup of one parsed document, configured from the lexicon."""
        actors = Actors(doc, doc.lookups.actor_at, self.states, self.not_actors, self.people)
        actors.nonlocal_words = self.lexicon.nonlocal_words
        actors.group_codes = self.lexicon.group_codes
        actors.pair_nouns = self.lexicon.pair_nouns
        actors.anaphors = self.lexicon.anaphors
        actors.equipment = self.lexicon.classes.get("@armes", frozenset())
        actors.soldiers = self.lexicon.soldiers
        actors.long_quotes = quote_spans(doc.spacy_doc, doc.token_columns)
        return actors

    # ------------------------------------------------------------------ candidates

    def _sentence(self, doc: Document, sent: Sentence, span: Span, actors: Actors,
                  aux_heads: set[int]) -> list[EventMention]:
        lex = self.lexicon
        verbs: list[_Candidate] = []
        nouns: list[Token] = []
        cols = doc.token_columns  # set by __call__
        sdoc = span.doc
        # the token attributes come from the columns; a spaCy Token is built only for candidates
        for i in range(span.start, span.end):
            pos = cols.pos[i]
            if pos not in _CANDIDATE_POS and (pos != "ADV" or i not in aux_heads):
                continue
            tok = None
            # a verb, or a participle tagged ADJ (VerbForm=Part) or NOUN/ADJ/ADV with an auxiliary
            # ("les rebelles ont violé(ADV) …")
            verbal = pos in _VERBAL or (pos in ("NOUN", "ADJ", "ADV") and (i in aux_heads or _gerund_at(cols, i)))
            if not verbal and pos == "ADJ":
                tok = sdoc[i]
                verbal = "Part" in tok.morph.get("VerbForm", [])
            if verbal:
                tok = tok or sdoc[i]
                rules = lex.verbs.get(cols.lem(i)) or lex.verbs.get(_verb_lemma_guess(tok))
                if rules:
                    for rule in rules:
                        ok, theme = self._conditions(tok, rule.requires, actors)
                        if ok:
                            verbs.append(_Candidate(tok, rule, theme))
                            break
            elif pos in _NOMINAL and ((lm := cols.lem(i)) in lex.nouns or lm in lex.multiword
                                      or fold(cols.text[i]) in lex.nouns):
                tok = tok or sdoc[i]
                if not _inside_name(doc, tok):
                    nouns.append(tok)
        taken: set[int] = set()
        locutions: dict[int, tuple[str, list[Token]]] = {}
        for tok in nouns:
            found = self._locution(doc, tok)
            if found is not None:  # "la garde à vue": keyed on "garde"; "vue" is no trigger of its own
                locutions[tok.i] = found
                taken.update(t.i for t in found[1])
        for c in verbs:
            if c.theme is not None and "keeps_theme" not in c.rule.flags:
                taken.add(c.theme.i)
                taken.update(t.i for t in c.theme.children if t.dep_ in ("appos", "conj"))
        cands = list(verbs)
        kinds = lex.classes.get("@genres", frozenset())
        for tok in nouns:
            if tok.i in taken:
                continue
            if tok.dep_ == "nmod" and lem(tok.head) in kinds and prep_of(tok) == "de" \
                    and not any(c.dep_ == "det" for c in tok.children):
                continue  # a kind, not an event: "les centres de torture", "les méthodes de torture"
            loc = locutions.get(tok.i)
            rules = lex.nouns[loc[0]] if loc else lex.nouns.get(lem(tok)) or lex.nouns.get(fold(tok.text), [])
            for rule in rules:
                ok, theme = self._conditions(tok, rule.requires, actors)
                if ok:
                    tail = loc[1] if loc else []
                    cands.append(_Candidate(tok, rule, theme, self._support(tok), tail=tail,
                                            outer=self._collective(tok)))
                    break
        absorbed = self._absorbed(cands)
        cands = [c for c in cands if c.tok.i not in absorbed]
        trig_ids = {c.tok.i for c in cands}
        cands = self._dedupe(cands)
        for c in cands:
            c.head_is_trigger = c.tok.head.i in trig_ids and c.tok.head.i != c.tok.i
        out = []
        for cand in sorted(cands, key=lambda c: c.tok.i):
            if "no_embedded" in cand.rule.flags and self._embeds(cand.tok, trig_ids):
                continue
            if cand.tok.dep_ == "parataxis" and _inverted_subject(cand.tok) and not _has_obj(cand.tok):
                continue  # a quote's attribution: "…», a averti Kim" — the event is the quote
            mention = self._mention(doc, sent, span, cand, actors)
            if mention is not None:
                out.append(mention)
        return out

    def _conditions(self, tok: Token, conds: tuple[Condition, ...], actors: Actors) -> tuple[bool, Token | None]:
        theme = None
        for cond in conds:
            ok, found = self._condition(tok, cond, actors)
            if ok == cond.negated:
                return False, None
            if found is not None and not cond.negated and theme is None:
                theme = found
        return True, theme

    def _condition(self, tok: Token, cond: Condition, actors: Actors) -> tuple[bool, Token | None]:
        kind, values = cond.kind, cond.values
        if kind == "refl":
            return is_reflexive(tok), None
        if kind == "ccomp":
            return any(c.dep_ == "ccomp" for c in tok.children), None
        if kind == "xcomp":
            return any(c.dep_ == "xcomp" and (not values or lem(c) in values) for c in tok.children), None
        if kind == "prep":
            pool = _prep_dependents(tok)
            for o in _objects(tok):  # "tirer deux missiles sur Séoul": attached to the object
                pool.extend(c for c in o.children if c.dep_ in ("nmod", "obl", "obl:arg"))
            for c in pool:
                p = prep_of(c)
                if p is not None and (p in values or p.split()[0] in values):
                    return True, None
            # "appeler à cesser", "appelé les autorités à dialoguer" (the infinitive parsed under the
            # object): the preposition marks an infinitive
            # "une marche pour lutter contre …", "ont défilé pour réclamer …": a purpose infinitive
            infinitives = [c for c in tok.children if c.dep_ == "xcomp" or (
                c.dep_ in ("acl", "advcl") and "Inf" in c.morph.get("VerbForm", []))] + [
                c for o in _objects(tok) for c in o.children if c.dep_ == "acl" and "Inf" in c.morph.get("VerbForm", [])]
            for c in infinitives:
                if any(m.dep_ == "mark" and fold(m.text) in values for m in c.children):
                    return True, None
            return False, None
        if kind == "amod":
            for c in tok.children:
                if c.dep_ in ("amod", "nmod") and lem(c) in values:
                    return True, c
            return False, None
        if kind == "obj":
            objs = [self._through_quantity(o) for o in _objects(tok)]
            for o in objs:
                if "*" in values or lem(o) in values or fold(o.text) in values:
                    return True, o
                if "@actor" in values and o.pos_ != "PRON" and actors.strict(o) is not None:
                    return True, o
            return False, None
        if kind == "subj":
            subs = _subjects(tok, self.lexicon) if not is_passive(tok) else [
                c for c in tok.children if c.dep_ == "obl:agent"]
            for o in map(self._through_quantity, subs):
                if lem(o) in values or fold(o.text) in values:
                    return True, None
                if "@actor" in values and o.pos_ != "PRON" and actors.strict(o) is not None:
                    return True, None
            return False, None
        if kind == "gov":  # a nominal trigger that is the object of one of these verbs ("passer un appel")
            head = tok.head
            return (tok.dep_ in ("obj", "nsubj:pass") and head.i != tok.i
                    and (lem(head) in values or fold(head.text) in values)), None
        if kind == "arg":
            for o in _arguments(tok):
                if lem(o) in values or fold(o.text) in values:
                    return True, o
            return False, None
        return False, None

    def _through_quantity(self, tok: Token) -> Token:
        """The 'de' complement of a quantity head ("la plupart des coupables" -> coupables), else `tok`."""
        if lem(tok) not in self.lexicon.classes.get("@quantifieurs", ()):
            return tok
        for c in tok.children:
            if c.dep_ == "nmod" and prep_of(c) == "de":
                return c
        return tok

    def _locution(self, doc: Document, tok: Token) -> tuple[str, list[Token]] | None:
        """(rule key, other tokens) when `tok` heads a multiword trigger of the lexicon as written
        after it ("garde(s) à vue", "prise d'otage(s)", "sit-in"), else None."""
        tails = self.lexicon.multiword.get(doc.token_columns.lem(tok.i))  # set by __call__
        if not tails:
            return None
        end = tok.idx + len(tok.text)
        text = doc.text
        for tail, key in tails:
            for form in (tail, tail + "s", tail[:-1] if tail.endswith("s") else tail):
                stop = end + len(form)
                if fold(text[end:stop]).replace("-", " ") == form and (stop >= len(text) or not text[stop].isalnum()):
                    sdoc = tok.doc
                    others = []
                    for j in range(tok.i + 1, len(sdoc)):
                        if sdoc[j].idx >= stop:
                            break
                        others.append(sdoc[j])
                    return key, others
        return None

    def _collective(self, noun: Token) -> Token | None:
        """The collective noun a nominal trigger is the "de" complement of ("un paquet de sanctions
        contre Moscou", "une série d'attaques"): its own complements are the trigger's."""
        head = noun.head
        if noun.dep_ == "nmod" and head.pos_ == "NOUN" and head.i < noun.i \
                and lem(head) in self.lexicon.classes.get("@collectifs", ()) and prep_of(noun) == "de":
            return head
        return None

    def _support(self, noun: Token) -> Token | None:
        """The support verb of a nominal trigger ("a lancé une attaque", "la rencontre a eu lieu")."""
        head = noun.head
        if noun.dep_ == "nmod" and head.pos_ == "NOUN" and head.i < noun.i and prep_of(noun) == "de" \
                and lem(head) in self.lexicon.classes.get("@collectifs", ()):
            # "a adopté un paquet de sanctions": the collective noun's verb supports its content
            return self._support(head)
        if head.i == noun.i or head.pos_ not in _VERBAL:
            return None
        rules: list[SupportVerb] = self.lexicon.support.get(lem(head), [])
        role_obj = noun.dep_ in ("obj", "obl:arg", "nsubj:pass", "dep")
        role_subj = noun.dep_ == "nsubj"
        for sv in rules:
            if (role_obj and sv.as_object) or (role_subj and sv.as_subject):
                ok, _ = self._conditions(head, sv.requires, NoActors())
                if ok:
                    return head
        return None

    @staticmethod
    def _dedupe(cands: list[_Candidate]) -> list[_Candidate]:
        """One mention per event: a trigger depending on a trigger of the same type ("tués dans deux
        attaques", "a lancé une attaque" when both are triggers) is the same event."""
        by_i = {c.tok.i: c for c in cands}
        out = []
        for c in cands:
            head = by_i.get(c.tok.head.i)
            via = c.tok.head
            if head is None and c.rule.kind == "noun" and lem(via) in CONNECTIVE_NOUNS and via.head.i != via.i:
                head = by_i.get(via.head.i)  # "tué à la suite des tirs", "blessés au cours des combats"
            if head is not None and head is not c and head.rule.type == c.rule.type \
                    and c.tok.dep_ not in ("conj", "xcomp", "ccomp", "advcl", "parataxis"):
                continue
            out.append(c)
        return out

    def _cued(self, noun: Token) -> bool:
        """A noun in an eventive context even without actors: "toute intervention", "aucune
        discussion", "une éventuelle coopération", "a démenti toute négociation"."""
        lex = self.lexicon
        for c in noun.children:
            if c.dep_ == "det" and (lem(c) in lex.dets or lem(c) in ("aucun", "nul")):
                return True
            if c.dep_ in ("amod", "advmod") and lem(c) in lex.mods:
                return True
        head = noun.head
        return noun.dep_ in ("obj", "obl:arg") and head.pos_ in _VERBAL and lem(head) in lex.gov

    @staticmethod
    def _absorbed(cands: list[_Candidate]) -> set[int]:
        """Triggers inside the content of a request, threat or refusal ("menace de frapper")."""
        out: set[int] = set()
        for cand in cands:
            if "absorbs" not in cand.rule.flags:
                continue
            for c in cand.tok.children:
                if c.dep_ in ("xcomp", "ccomp", "obj", "obl:arg", "nmod", "acl") and c.i != cand.tok.i:
                    if c.dep_ == "obj" and cand.rule.kind == "verb" and c.pos_ not in _NOMINAL:
                        continue
                    out.update(t.i for t in c.subtree if t.i != cand.tok.i)
        return out

    @staticmethod
    def _embeds(tok: Token, trig_ids: set[int]) -> bool:
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp", "obj", "obl:arg"):
                if any(t.i in trig_ids and t.i != tok.i for t in c.subtree):
                    return True
        return False

    # ------------------------------------------------------------------ the mention

    def _mention(self, doc: Document, sent: Sentence, span: Span, cand: _Candidate,
                 actors: Actors) -> EventMention | None:
        """One candidate through the named steps: trigger span, factuality, participants, the agency
        check, the roles' final shape, then the record (date, mode, numbers, confidence)."""
        tok, rule = cand.tok, cand.rule
        is_verb = rule.kind == "verb"
        if not is_verb and "support_only" in rule.flags and cand.support is None:
            return None
        ts, te, trigger = self._trigger_span(doc, cand)
        place_of = doc.lookups.event_place
        location = place_of(doc, ts, te) if place_of is not None else None
        reading, claimed_by, anchor = self._reading(doc, span, cand, actors)

        actors.begin(location.country if location else None, claimed_by, {tok.i})
        try:
            source, target = self._arguments(tok, rule, cand, actors)
        finally:
            actors.end()
        if source is None:
            return None
        if self.incidents(tok, rule.type, source, target, span, negated="negated" in reading.classes,
                          cols=doc.token_columns, mode=rule.mode) is not None:
            return None  # an accident, a fire, a disaster: no conflict event
        roles = self._shape_roles(cand, source, target, actors, location)
        if roles is None:
            return None
        source, target = roles
        retype = self.lexicon.retype(rule.type, [s.name for s in source])
        if retype is not None:  # "les manifestants ont incendié des voitures": a riot, not a state's coercion
            rule = replace(rule, type=retype.type, mode=retype.mode)
            cand = replace(cand, rule=rule)
        if (claimed_by is not None and not self.self_reports_as_claims
                and any(same(claimed_by, s) for s in source)):
            reading.classes.discard("claimed")  # an actor speaking of its own act: the act itself
            claimed_by = None
        if not source and not target and rule.type == "PROTEST" and location is not None and location.country:
            # "des émeutes ont éclaté à Kiev": the protesters are the place's people (PLOVER/ICEWS
            # "Protester (Ukraine)")
            source = [ActorRef(name="manifestants", country=location.country, sector="CVL")]
        if not source and not target and is_verb and rule.type in AGENTIVE_TYPES:
            # who did what to whom: a conflict clause with no participant at all ("des vitrines ont été
            # brisées") is no record for a dataset; a noun that names the event ("l'attentat", "la grève")
            # stays, and so does a denial of an agreement ("aucun accord n'a été signé, selon le Kremlin")
            doc.notes["events_no_participant"] = doc.notes.get("events_no_participant", 0) + 1
            return None
        if rule.type in CITIZEN_SOURCE_TYPES:
            source = _as_citizens(doc, sent, source)
        if rule.type in CITIZEN_TARGET_TYPES:
            target = _as_citizens(doc, sent, target)
        return self._record(doc, sent, cand, (ts, te, trigger), anchor, reading, claimed_by, source, target,
                            location)

    def _trigger_span(self, doc: Document, cand: _Candidate) -> tuple[int, int, str]:
        """(start, end, text) of the trigger; a locution spans all its words ("garde à vue")."""
        tok = cand.tok
        ts, te = tok.idx, tok.idx + len(tok.text)
        if cand.tail:
            te = cand.tail[-1].idx + len(cand.tail[-1].text)
            return ts, te, doc.text[ts:te]
        return ts, te, tok.text

    def _reading(self, doc: Document, span: Span, cand: _Candidate,
                 actors: Actors) -> tuple[FactualityReading, ActorRef | None, Token]:
        """The factuality reading of the candidate, who claims it, and the clause verb it was read on.

        A nominal trigger reads the clause it depends on: the object of a cue verb is governed by
        it ("a démenti toute négociation", "prépare une attaque", "a annulé une rencontre"); the
        subject or object of another verb takes that clause's modality ("un tel accord pourrait
        inclure …")."""
        tok, rule = cand.tok, cand.rule
        anchor, governor = cand.support or tok, None
        base = tok
        while base.dep_ == "conj" and base.head.i != base.i and base.head.pos_ in _NOMINAL:
            base = base.head  # "dénonce le recours à l'électricité et les agressions"
        if rule.kind != "verb" and cand.support is None and base.dep_ in _INHERIT_DEPS \
                and (base.head.pos_ in _VERBAL or _has_cop(base.head)) \
                and (not cand.head_is_trigger or self.lexicon.cue(self.lexicon.report, lem(base.head))
                     or lem(base.head) in self.lexicon.gov):  # "a annulé une rencontre": REJECT, meeting negated
            # (an accusation's content is the accuser's claim: "accusés de torture")
            head = base.head
            if lem(head) in self.lexicon.gov or self.lexicon.cue(self.lexicon.report, lem(head)):
                governor = head
            else:
                anchor = head
        reading = self.factuality.read(tok, anchor, span, governor=governor, long_quotes=actors.long_quotes,
                                       columns=doc.token_columns)
        if rule.type in SPEECH_ACTS and reading.claim_how and reading.claim_how <= {"incise", "quote"}:
            # « Nous demandons … », a déclaré X: the quoted request is the act itself
            reading.classes.discard("claimed")
        return reading, self._claimant(reading, actors), anchor

    def _shape_roles(self, cand: _Candidate, source: list[ActorRef], target: list[ActorRef], actors: Actors,
                     location: Location | None) -> tuple[list[ActorRef], list[ActorRef]] | None:
        """The participants' final shape, or None when the candidate reports nothing: forces with no
        nationality are those just named; an agentless participle of a statement describes; a visit
        needs a host; a protest's target may be its slogan or its cause; with coordinated participants
        and no target, the first named acts on the others."""
        tok, rule = cand.tok, cand.rule
        is_verb = rule.kind == "verb"
        if any(s.sector == "MIL" and not s.actor_id for s in source):
            # soldiers with no nationality said who act: the forces just named ("le retrait de 2 000
            # soldats" after "les forces françaises"), not the people of the place they are in
            home = actors.own_forces(tok)
            if home:
                source = [replace(s, country=home) if s.sector == "MIL" and not s.actor_id else s for s in source]
        if is_verb and not source and rule.type in VERBAL_TYPES and tok.dep_ == "acl" and is_passive(tok):
            return None  # "le nombre d'emplois menacés": an agentless participle describes, it reports nothing
        target = [a for a in target if not any(same(a, s) for s in source)]
        if ("needs_target" in rule.flags or rule.mode == "visit") \
                and not any(a.country or a.actor_id for a in target):
            if location is not None and location.country:
                # "a visité l'usine Soukhoï de Komsomolsk-sur-l'Amour": the host is the place's country
                target = [sovereign(ActorRef(name=location.name, country=location.country))]
            elif "needs_target" in rule.flags:
                return None
        if not target and rule.type == "PROTEST":
            target = self._anti_target(tok, cand.theme)  # "une manifestation anti-américaine"
            if not target and not is_verb:
                target = self._provoker(tok, actors)  # "la suppression des aides par X a suscité une révolte"
        # "s'affrontent", "les combats entre l'armée et les groupes armés": the first named acts on the others
        between = not is_verb and rule.type not in SYMMETRIC_TYPES and any(prep_of(c) == "entre" for c in tok.children)
        reciprocal = rule.type not in SYMMETRIC_TYPES and (is_reflexive(tok) if is_verb else between)
        if (rule.type in SYMMETRIC_TYPES or reciprocal) and not target and len(source) > 1 \
                and not all(id(s) in actors.paired for s in source):
            # "la Corée du Nord et la Russie ont signé" (but "les deux pays ont signé": both sources)
            source, target = source[:1], source[1:]
        elif between and not source and len(target) > 1:
            source, target = target[:1], target[1:]  # "la rupture des relations entre les deux pays"
        return source, target

    def _record(self, doc: Document, sent: Sentence, cand: _Candidate, trigger_span: tuple[int, int, str],
                anchor: Token, reading: FactualityReading, claimed_by: ActorRef | None, source: list[ActorRef],
                target: list[ActorRef], location: Location | None) -> EventMention:
        """The EventMention: its date (and the factuality the date implies), mode, contexts, numbers
        and confidence."""
        tok, rule = cand.tok, cand.rule
        is_verb = rule.kind == "verb"
        ts, te, trigger = trigger_span
        # without the timex stage's expressions, the date is still the reporting article's week
        dv = (doc.lookups.event_date or attach_date)(doc, ts, te)
        # the date of a request/threat may be its content's ("appellent à une grève le 5 décembre")
        factuality = self._dated(reading, dv, doc, future="absorbs" not in rule.flags)
        mode = self._mode(tok, rule, cand.theme)
        contexts = list(rule.contexts)
        if rule.type == "AID" and mode in MODE_CONTEXT:
            contexts = [MODE_CONTEXT[mode]]
        clause = anchor if anchor.pos_ in _VERBAL else (tok.head if tok.dep_ in ("nsubj", "obj") else tok)
        numbers = clause_numbers(clause, self.lexicon.quantities, doc.token_columns)
        confidence = (0.6 if is_verb else 0.5) + (0.15 if source else 0.0) + (0.1 if target else 0.0)
        if factuality != "asserted":
            confidence -= 0.05
        return EventMention(
            mention_id=stable_id("men", doc.article_id, sent.start, ts, rule.type),
            article_id=doc.article_id,
            type=rule.type,
            trigger=trigger,
            sentence=sent.text,
            char_start=sent.start,
            char_end=sent.end,
            trigger_start=ts,
            trigger_end=te,
            mode=mode,
            contexts=contexts,
            source=source,
            target=target,
            date=dv,
            location=location,
            factuality=factuality,
            claimed_by=claimed_by if factuality != "asserted" else None,
            confidence=round(min(confidence, 0.95), 2),
            numbers=numbers,
        )

    # ------------------------------------------------------------------ arguments

    def _arguments(self, tok: Token, rule: TriggerRule, cand: _Candidate,
                   actors: Actors) -> tuple[list[ActorRef] | None, list[ActorRef]]:
        """(source, target); source None when a nominal trigger has no eventive reading."""
        if rule.kind == "verb":
            source = self._slots(tok, rule.source, cand.theme, actors, rule.type)
            target = self._slots(tok, rule.target, cand.theme, actors, rule.type)
            if not target and "absorbs" in rule.flags:
                # "menace de frapper Séoul", "a refusé de rencontrer Poutine": the content's patient
                for x in tok.children:
                    if x.dep_ == "xcomp" and x.pos_ in _VERBAL:
                        target = self._slots(x, ("obj", "p:contre", "p:sur", "p:a", "p:avec"), None, actors,
                                             rule.type)
                        break
            if not target and rule.type == "REQUEST":
                # "exiger que l'armée quitte le pouvoir": who is asked to act is the content's subject;
                # "exigent la publication des résultats par la commission": the content noun's agent
                for x in tok.children:
                    if x.dep_ == "ccomp" and x.pos_ in _VERBAL:
                        target = self._resolve(_subjects(x, self.lexicon), actors, "people")
                    elif x.dep_ == "obj" and x.pos_ == "NOUN":
                        target = self._resolve([c for c in x.children if c.dep_ in ("nmod", "obl:agent")
                                                and prep_of(c) == "par"], actors, "people")
                        for content in self.lexicon.nouns.get(lem(x), ()) if not target else ():
                            # "exigé le départ des soldats français": who is to act
                            target = self._noun_slots(x, content.source, actors, content.type)
                            if target:
                                break
                    if target:
                        break
            if not source and rule.type in CAUSE_TYPES and is_passive(tok):
                source = self._cause_agent(tok, actors)  # "tués dans une frappe israélienne"
            if rule.type in FORCE_TYPES and not source and is_passive(tok):
                # "l'armée a été mise en état d'alerte", "des chars de l'armée ont été dépêchés": the forces act
                forces = self._slots(tok, ("obj",), None, actors, rule.type)
                if forces:
                    source, target = forces, [t for t in target if not any(same(t, f) for f in forces)]
            return source, target
        sv = cand.support
        extra = cand.tail + ([cand.outer] if cand.outer is not None else [])
        source = self._noun_slots(tok, rule.source, actors, rule.type, extra)
        target = self._noun_slots(tok, rule.target, actors, rule.type, extra)
        if not source and not target:
            source, target = self._opposed(tok, actors)  # "des heurts ont opposé X à Y"
        undergoer = self._undergoer(tok)
        if undergoer is not None:
            # "l'hélicoptère a essuyé des tirs", "le convoi a fait l'objet d'une attaque": the subject
            # suffers the event; its agent can only come from the noun itself
            if not target:
                target = self._resolve(_subjects(undergoer, self.lexicon), actors)
            sv = None
        if not source and sv is not None and tok.dep_ != "nsubj":
            if is_passive(sv):  # "les attaques ont été revendiquées par le GSIM"
                source = self._slots(sv, ("subj",), None, actors, rule.type)
            else:
                source = self._resolve(_subjects(sv, self.lexicon), actors)  # "Moscou a lancé une offensive"
        if not source and sv is None and tok.dep_ == "obj" and tok.head.pos_ in _VERBAL \
                and lem(tok.head) in PLANNING_VERBS:
            # "Washington a promis une aide à Kiev", "a ordonné une offensive": who plans it acts
            source = self._resolve(_subjects(tok.head, self.lexicon), actors)
        if not source:  # "un blocus imposé par les jihadistes", "les frappes menées par l'armée"
            for c in tok.children:
                if c.dep_ == "acl" and "Part" in c.morph.get("VerbForm", []) and is_passive(c):
                    source = self._slots(c, ("subj",), None, actors, rule.type)
                    if source:
                        break
        if not source and any(c.dep_ == "cop" for c in tok.children):
            # a predicate noun: "les deux pays sont en guerre"
            source = self._resolve([c for c in tok.children if c.dep_ == "nsubj"], actors)
        elif not source and lem(tok.head) == "etre" and prep_of(tok) == "en" and tok.head.i != tok.i:
            source = self._resolve(_subjects(tok.head, self.lexicon), actors)  # "X est en grève"
        if not source and tok.head.pos_ in _VERBAL and tok.head.i != tok.i \
                and lem(tok.head) in self.lexicon.classes.get("@participation", ()):
            if tok.dep_.startswith("obl"):
                # "des milliers de personnes se sont rassemblées pour une manifestation"
                source = self._resolve(_subjects(tok.head, self.lexicon), actors)
            elif tok.dep_ == "nsubj":  # "la manifestation a réuni des lycéens et des étudiants"
                source = self._resolve(_objects(tok.head), actors, "people")
        if not source:
            source = self._possessive(tok, actors)
        if not source and rule.type in ("CONSULT", "AGREE") and tok.dep_.startswith("obl") \
                and tok.head.pos_ in _VERBAL \
                and (prep_of(tok) or "") in TEMPORAL_PREPS:
            # "Kim a quitté la Russie après une visite de six jours"
            source = self._resolve(_subjects(tok.head, self.lexicon), actors, None)
        if not target and sv is not None:
            target = self._slots(sv, tuple(s for s in rule.target if s.startswith("p:")), None, actors,
                                 rule.type)
            if not target and (tok.dep_ not in ("nsubj", "obj") or lem(sv) in TARGET_OBJ_SUPPORT):
                # "a assuré la Russie de son soutien", "l'attaque visait Kiev"
                target = self._resolve([o for o in _objects(sv) if o.i != tok.i], actors, None)
        if not target and rule.type in VICTIM_TYPES:
            target = self._victims(tok, actors)
        eventive = "standalone" in rule.flags or sv is not None or self._cued(tok)
        if not source and not target and not eventive:
            return None, []
        return source, target

    def _cause_agent(self, verb: Token, actors: Actors) -> list[ActorRef]:
        """The agent of an agentless passive from the attack noun that caused it: "trois civils ont été
        tués dans une frappe israélienne", "tué à la suite des tirs de l'opposition"."""
        pool: list[Token] = []
        for c in verb.children:
            if c.dep_ == "advmod" and lem(c) == "lors":  # "tués lors(ADV) d'une attaque(obl:arg)"
                pool.extend(d for d in c.children if d.dep_.startswith("obl") and d.pos_ == "NOUN")
            if c.dep_.startswith("obl") and c.pos_ == "NOUN":
                if lem(c) in CONNECTIVE_NOUNS:
                    pool.extend(d for d in c.children if d.dep_ == "nmod" and d.pos_ == "NOUN")
                else:
                    pool.append(c)
        for n in pool:
            for rule in self.lexicon.nouns.get(lem(n), ()):
                if rule.type in CAUSE_TYPES:
                    found = self._noun_slots(n, rule.source, actors, rule.type)
                    if found:
                        return found
        return []

    def _anti_target(self, tok: Token, theme: Token | None) -> list[ActorRef]:
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

    def _provoker(self, noun: Token, actors: Actors) -> list[ActorRef]:
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
        return self._resolve(sides, actors), self._resolve(others, actors)

    def _undergoer(self, noun: Token) -> Token | None:
        """The clause whose subject suffers a nominal event: "a essuyé des tirs", "a subi des
        agressions" (the object of a verb of undergoing), "a fait l'objet d'une attaque", "a été la cible
        de frappes" (the "de" complement of objet/cible)."""
        outer = self._collective(noun)  # "a subi une série d'attaques"
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
            return self._resolve(subs, actors, "people")
        if head.pos_ in _VERBAL and lem(head) in self.lexicon.classes.get("@victimes", ()) \
                and (prep in TEMPORAL_PREPS or prep in ("dans", "sous", "lors de")):
            if lem(head) in ("tuer", "blesser", "toucher", "viser") and not is_passive(head):
                return []  # "l'armée a tué … lors de l'assaut": the subject is the attacker
            subs = [c for c in head.children if c.dep_ in ("nsubj", "nsubj:pass")]
            return self._resolve(subs, actors, "people")
        return []

    def _slots(self, tok: Token, slots: tuple[str, ...], theme: Token | None,
               actors: Actors, etype: str = "") -> list[ActorRef]:
        for slot in slots:
            fallback = _fallback_kind(slot, etype)
            found = self._resolve(self._slot_tokens(tok, slot, theme), actors, fallback)
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
                if want in FRAME_PREPS and _fronted(c, tok):
                    continue  # "À Alep, des hommes armés ont tendu une embuscade": the scene, no target
                p, c = unfold_prep(c, prep_of(c))  # "à l'encontre des opposants": contre
                if p is not None and (p == want or p.split()[0] == want) and c not in out:
                    out.append(c)
            if want in FRAME_PREPS and len(out) > 1 and any(c.dep_ != "obl:mod" for c in out):
                # "a téléphoné à Kim à Pékin": the modifier phrase is the place, the argument the target
                out = [c for c in out if c.dep_ != "obl:mod"]
            return out
        return []

    def _noun_slots(self, noun: Token, slots: tuple[str, ...], actors: Actors, etype: str = "",
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
                found = self._resolve(toks, actors, None) or (
                    self._resolve(toks, actors, "people") if etype in CAUSE_TYPES else [])
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
                if not toks and want in SHARED_PREPS and noun.dep_ == "obj" and noun.head.pos_ in _VERBAL:
                    # "a suscité une révolte au sein de la population": the phrase parsed under the verb
                    for c in noun.head.children:
                        if c.i > noun.i and c.dep_.startswith("obl"):
                            p, c = unfold_prep(c, prep_of(c))
                            if p == want:
                                toks.append(c)
                if want == "entre" and toks:
                    # "entre Kim et Poutine": the parser may hang the second one elsewhere
                    extra = [t for t in toks[0].head.children if t.dep_ == "conj"]
                    toks.extend(t for t in extra if t.pos_ in _NOMINAL)
            found = self._resolve(toks, actors, _fallback_kind(slot, ""))
            if found:
                return found
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
                        return self._resolve(subs, actors)
                return []
        return []

    @staticmethod
    def _resolve(toks: list[Token], actors: Actors, fallback: str | None = "any") -> list[ActorRef]:
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

    def _claimant(self, reading: FactualityReading, actors: Actors) -> ActorRef | None:
        tok = reading.claimant
        if tok is None:
            return None
        ref = actors.token(tok)
        if ref is None and tok.pos_ in _NOMINAL:
            lo, hi = np_span(tok)
            ref = ActorRef(name=actors.doc.text[lo:hi])
        return ref

    # ------------------------------------------------------------------ mode & time

    def _mode(self, tok: Token, rule: TriggerRule, theme: Token | None) -> str | None:
        mods = self.lexicon.modifiers.get(rule.type)
        if not mods:
            return rule.mode
        pool = [tok] if rule.kind == "noun" else []
        pool += [c for c in tok.children if c.dep_ in ("amod", "nmod", "obl", "obl:mod", "obl:arg", "obj")]
        if theme is not None:
            pool += [theme] + [c for c in theme.children if c.dep_ in ("amod", "nmod")]
        for t in pool:
            if t.i != tok.i and lem(t) in mods:
                return mods[lem(t)]
            if t.i != tok.i and fold(t.text) in mods:
                return mods[fold(t.text)]
        return rule.mode

    @staticmethod
    def _dated(reading: FactualityReading, dv: DateValue | None, doc: Document, *, future: bool = True) -> str:
        """Planned when dated after the article, historical when dated well before it (or a
        pluperfect with no date of its own); dates after "depuis" say nothing about the event."""
        cls = reading.cls
        if cls not in ("asserted", "claimed"):
            return cls
        # (historical ranks below claimed: only an asserted event becomes background)
        pub_value = doc.published.value if doc.published else None
        pub = _to_date(pub_value, end=False)
        if dv is not None and (dv.value == pub_value or _after_depuis(doc, dv)):
            dv = None  # the article-date fallback, or "la première visite depuis 2019"
        when = _to_date(dv.value, end=False) if dv and dv.value else None
        when_end = _to_date(dv.end or dv.value, end=True) if dv and dv.value else None
        # (`when` is set only with a date value: the first two tests narrow `dv` for the checker)
        if dv is not None and dv.value and pub is not None and when is not None and when_end is not None:
            if when > pub and future and dv.precision in ("day", "week", "month") \
                    and not _same_period(dv.value, pub):
                return "planned"
            if cls != "asserted":
                return cls
            if (pub - when_end).days > HISTORICAL_DAYS:
                return "historical"
            if dv.precision not in ("day", "week") and when_end < pub.replace(day=1):
                return "historical"  # "en juin dernier" in a July article
            if reading.pluperfect and (pub - when_end).days > PLUPERFECT_DAYS:
                return "historical"
        elif reading.pluperfect and when is None and cls == "asserted":
            return "historical"
        return cls


# ---------------------------------------------------------------------- parse helpers


def _objects(tok: Token) -> list[Token]:
    """Direct objects (passive subjects; the head noun of a participle: 'les armes livrées')."""
    passive = is_passive(tok)
    out = [c for c in dependents(tok, "nsubj:pass" if passive else "obj") if not _bare_time(c)]
    if passive and not out and has_child(tok, ("aux:pass",)):
        out = dependents(tok, "nsubj")  # "Kim(nsubj) a été empoisonné"
    if tok.dep_ == "acl:relcl":  # "le président, qu'ils retiennent": the relative pronoun's antecedent
        out = [tok.head if c.pos_ == "PRON" and fold(c.text) in RELATIVE_PRONOUNS else c for c in out]
    if tok.dep_ == "acl" and "Part" in tok.morph.get("VerbForm", []) and tok.head.pos_ in _NOMINAL:
        out.append(tok.head)
    if not out:  # "appelé Moscou à respecter…", "menace Séoul de…": the object parsed as xcomp / dep
        out = [c for c in dependents(tok, "xcomp", "dep") if c.pos_ in _NOMINAL and c.i > tok.i
               and prep_of(c) is None and not _bare_time(c)]
    if not out and tok.pos_ == "ADV" and tok.dep_ == "advmod" and tok.head.pos_ in _NOMINAL \
            and tok.head.i > tok.i and prep_of(tok.head) is None:
        out = [tok.head]  # a participle tagged ADV under its object: "ont violé(ADV) trois femmes(ROOT)"
    if not out and tok.pos_ in _NOMINAL and _gerund_at(tok.doc, tok.i):
        # a gerund tagged as a noun: its object is a bare nominal dependent ("en bombardant Kiev")
        out = [c for c in tok.children if c.dep_ in ("nmod", "appos", "obj") and c.i > tok.i
               and c.pos_ in _NOMINAL and (prep_of(c) is None or c.left_edge.i == tok.i + 1
                                           and fold(c.left_edge.text) in ("des", "du"))]  # partitive
    if not passive and not out:
        # "a placé en garde à vue trois militants": the object hung under the locution's noun
        for c in tok.children:
            if c.dep_ in ("obl:arg", "obl", "obl:mod") and c.i > tok.i and prep_of(c) in ("en", "a", "sous"):
                out = [d for d in c.children if d.dep_ == "nmod" and d.pos_ in _NOMINAL and d.i > c.i
                       and prep_of(d) is None and not _bare_time(d)]
                if out:
                    break
    if not passive and not out:  # "ne livrerons jamais d'armes": partitive object parsed as de-oblique
        out = [c for c in dependents(tok, "obl:arg") if prep_of(c) == "de" and c.i > tok.i]
    return out


def _as_citizens(doc: Document, sent: Sentence, refs: list[ActorRef]) -> list[ActorRef]:
    """A state the sentence names only by a nationality noun ("les Maliens") as its citizens (CVL)."""
    out = []
    for ref in refs:
        if ref.sector == "GOV" and ref.actor_id:
            hows = {m.how for m in doc.actor_mentions
                    if m.actor_id == ref.actor_id and sent.start <= m.start < sent.end}
            if hows == {"demonym"}:
                ref = replace(ref, sector="CVL")
        out.append(ref)
    return out


def _bare_time(tok: Token) -> bool:
    """A bare time noun the parser takes for an object ("ont manifesté lundi")."""
    return lem(tok) in BARE_TIME_NOUNS and not has_child(tok, ("det",))


def _arguments(tok: Token) -> list[Token]:
    out = []
    for c in arg_children(tok):
        out.extend(conjuncts(c) if c.pos_ in _NOMINAL else [c])
        # "une partie de leur aide", "des centaines de missiles": the head is a quantity;
        # "condamné l'ancien maire à deux ans de prison": the oblique parsed under the object
        if c.pos_ in _NOMINAL:
            out.extend(d for d in dependents(c, "nmod") if prep_of(d) == "de" or c.dep_ == "obj")
    if tok.dep_ in ("acl", "acl:relcl") and tok.head.pos_ in _NOMINAL:
        out.append(tok.head)
    return out


def _fronted(dep: Token, verb: Token) -> bool:
    """A place or time phrase fronted before its clause ("À Alep, des hommes armés ont …", "En
    Syrie, l'armée a …"): it sets the scene and fills no argument slot."""
    if dep.i > verb.i or dep.dep_ not in ("obl", "obl:mod", "nmod", "advmod"):
        return False
    nxt = dep.right_edge.i + 1
    if nxt < verb.i and dep.doc[nxt].text == ",":
        return True
    return any(c.dep_.startswith("nsubj") and c.i > dep.i for c in verb.children)


def _prep_dependents(tok: Token) -> list[Token]:
    return dependents(tok, *_PREP_DEPS)


def _subjects(tok: Token, lex: EventLexicon, depth: int = 0) -> list[Token]:
    """Grammatical subjects of a verb, following control, relatives and elided coordination."""
    # "se sont rassemblées", "sont descendus dans la rue": the parser's nsubj:pass is the subject
    subj_deps = ("nsubj",) if is_passive(tok) else ("nsubj", "nsubj:pass")
    subs = [c for c in dependents(tok, *subj_deps) if fold(c.text) not in ("-t", "t")]
    subs = [tok.head if (s.pos_ == "PRON" and fold(s.text) in RELATIVE_PRONOUNS and tok.dep_ == "acl:relcl")
            else s for s in subs]
    head, rel = coordination_head(tok), tok.dep_
    if rel == "conj" and head.pos_ in ("PROPN", "PRON") and head.i < tok.i and head.dep_ == "ROOT" \
            and not any(t.text in (",", ";", ":") for t in tok.doc[head.i:tok.i]):
        # parse error "Kim(ROOT) et Poutine se sont rencontrés(conj)": the head is a co-subject
        subs = [head] + subs
    if not subs and head.pos_ == "AUX" and lem(head) in ("avoir", "etre") and head.i < tok.i \
            and "Part" in tok.morph.get("VerbForm", []):
        subs = [c for c in head.children if c.dep_ == "nsubj"]  # "ils ont(AUX, head) cassé(advmod)"
    if subs or depth > 4 or head.i == tok.i:
        return subs
    if rel == "xcomp":
        if is_passive(head):  # "les soldats sont chargés d'organiser", "X a été contraint de partir"
            passive_subs = [c for c in head.children if c.dep_ in ("nsubj:pass", "nsubj")]
            if passive_subs:
                return [head.head if (s.pos_ == "PRON" and fold(s.text) in RELATIVE_PRONOUNS
                                      and head.dep_ == "acl:relcl") else s for s in passive_subs]
        cue = lex.gov.get(lem(head)) or lex.report.get(lem(head))
        if (cue is not None and cue.control == "obj") or lex.control.get(lem(head)) == "obj":
            objs = [c for c in head.children if c.dep_ in ("obj", "iobj")]
            objs += [c for c in head.children if c.dep_.startswith("obl") and prep_of(c) == "a"]
            if objs:
                return objs[:1]
        return _subjects(head, lex, depth + 1)
    if (rel in ("conj", "advcl") or rel.startswith("obl") and _gerund_at(tok.doc, tok.i)) and head.pos_ in _VERBAL:
        return _subjects(head, lex, depth + 1)  # (a gerund parsed as a noun: "a riposté en bombardant")
    if rel == "conj" and head.pos_ not in _VERBAL and head.i < tok.i and any(
            c.dep_.startswith("aux") for c in tok.children):
        # a garbled parse ("X a dénoncé « … » et a menacé", the conjunction hung on a word of the
        # quote): the clause's subject is the sentence's first subject before it
        for t in tok.sent:
            if t.i >= tok.i:
                break
            if t.dep_ == "nsubj" and t.pos_ in _NOMINAL and t.head.i < tok.i:
                return [t]
    if rel == "acl" and head.pos_ in _NOMINAL and any(c.dep_ == "cop" for c in head.children):
        # "Ils étaient des centaines à manifester": the subject of the numeral predicate
        return [c for c in head.children if c.dep_ in ("nsubj", "expl:subj")] or [head]
    if rel == "acl" and head.pos_ in _NOMINAL and head.head.pos_ in _VERBAL and head.head.i != head.i:
        gov = head.head
        cue = lex.gov.get(lem(gov)) or lex.report.get(lem(gov))
        if head.dep_ in ("obj", "iobj") and "Inf" in tok.morph.get("VerbForm", []) and (
                lex.control.get(lem(gov)) == "obj" or (cue is not None and cue.control == "obj")):
            return [head]  # "convaincre la veuve de demander" (the infinitive parsed under the object)
        return _subjects(gov, lex, depth + 1)  # "a accepté une invitation à se rendre"
    return []


def _fallback_kind(slot: str, etype: str) -> str | None:
    if slot in ("obj", "iobj") and etype in SPECIFIC_OBJ_TYPES:
        return "specific"  # "ont brûlé plusieurs voitures": unspecified property is no participant
    if slot in FALLBACK_ANY or (slot in ("obj", "iobj") and etype in FALLBACK_OBJ_TYPES):
        return "any"
    return "people" if slot in FALLBACK_PEOPLE else None


def _inside_name(doc: Document, tok: Token) -> bool:
    """A noun inside a multi-word name: "le Groupe de soutien à l'islam", "Opération Serval"."""
    start, end = tok.idx, tok.idx + len(tok.text)
    for e in doc.entities:
        if e.start <= start and end <= e.end and e.end - e.start > end - start and e.label in ("ORG", "MISC"):
            return not e.text.lower().startswith(tok.text.lower())
    for m in doc.actor_mentions:
        if m.start <= start and end <= m.end and m.end - m.start > end - start and m.start < start:
            return True
    return False


def _has_cop(tok: Token) -> bool:
    """A nominal/adjectival predicate: "si ces frappes sont bien d'origine américaine"."""
    return any(c.dep_ == "cop" for c in tok.children)


def _aux_heads(cols: TokenColumns) -> set[int]:
    """Indices of the tokens that have an auxiliary among their dependents (a NOUN/ADJ among them
    is a mistagged participle: "Poutine a téléphoné(NOUN) à Kim")."""
    return {cols.head[j] for j, dep in enumerate(cols.dep) if dep.startswith("aux") and cols.head[j] != j}


def _gerund_at(cols, i: int) -> bool:
    """A gerund, whatever its tag: "en bombardant" (`cols` is a TokenColumns or a spaCy Doc)."""
    if i == 0:
        return False
    texts = cols.text if isinstance(cols, TokenColumns) else None
    word = texts[i] if texts is not None else cols[i].text
    prev = texts[i - 1] if texts is not None else cols[i - 1].text
    return prev.lower() == "en" and len(word) > 5 and word.endswith("ant")


def _verb_lemma_guess(tok: Token) -> str:
    """The infinitive when the lemmatiser left a conjugated form ("reproche" -> "reprocher",
    "téléphoné" -> "téléphoner", "bombardant" -> "bombarder")."""
    form = fold(tok.text)
    if tok.pos_ in ("NOUN", "ADJ") and form.endswith("ant") and _gerund_at(tok.doc, tok.i):
        return form[:-4] + "ir" if form.endswith("issant") else form[:-3] + "er"
    for end, inf in (("ees", "er"), ("ee", "er"), ("es", "er"), ("e", "er")):
        if tok.pos_ in ("NOUN", "ADJ") and form.endswith(end) and len(form) > len(end) + 2:
            if form[-len(end) - 1:].startswith("e") or end.startswith("e"):
                return form[: -len(end)] + inf
    lemma = lem(tok)
    if lemma.endswith("e"):
        return lemma + "r"
    return lemma


def _inverted_subject(tok: Token) -> bool:
    return any(c.dep_ == "nsubj" and c.i > tok.i for c in tok.children)


def _has_obj(tok: Token) -> bool:
    return any(c.dep_ in ("obj", "ccomp", "xcomp") for c in tok.children)


def _to_date(value: str | None, *, end: bool) -> date | None:
    if not value:
        return None
    parts = value.split("-")
    try:
        y = int(parts[0])
        if len(parts) == 1:
            return date(y, 12, 31) if end else date(y, 1, 1)
        if parts[1].startswith("W"):
            return None
        m = int(parts[1])
        if len(parts) == 2:
            if not end:
                return date(y, m, 1)
            nxt = date(y + (m == 12), m % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date(y, m, int(parts[2][:2]))
    except (ValueError, IndexError):
        return None


def _after_depuis(doc: Document, dv: DateValue) -> bool:
    for t in doc.timexes:
        if t.date == dv.value and "depuis" in fold(doc.text[max(0, t.start - 12):t.start]):
            return True
    return False


def _same_period(value: str, pub: date) -> bool:
    """Whether a coarse date (month/year) contains the publication day."""
    return pub.isoformat().startswith(value)
