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
from dataclasses import replace
from datetime import date

from spacy.tokens import Span, Token

from ..config import Settings
from ..dating import attach_date
from ..models import ActorRef, DateValue, Document, EventMention, Location, Sentence, fold, stable_id
from ..nlp import TokenColumns
from ..stages import EventsConfig
from .arguments import ArgumentReader
from .factuality import FactualityReader, FactualityReading, quote_spans
from .grammar import (
    _INHERIT_DEPS,
    _NOMINAL,
    _VERBAL,
    CITIZEN_SOURCE_TYPES,
    CITIZEN_TARGET_TYPES,
    HISTORICAL_DAYS,
    MODE_CONTEXT,
    PLUPERFECT_DAYS,
    SPEECH_ACTS,
    SYMMETRIC_TYPES,
    VERBAL_TYPES,
    _as_citizens,
    _aux_heads,
    _has_cop,
)
from .incidents import AGENTIVE_TYPES, SECURITY_SECTORS, IncidentCheck
from .lexicon import EventLexicon, TriggerRule, name_has_word
from .numbers import clause_numbers
from .participants import Actors, States, same, sovereign
from .syntax import (
    is_passive,
    is_reflexive,
    lem,
    np_span,
    prep_of,
)
from .triggers import TriggerFinder, _Candidate

#: words of @sport that make a document a match report (of two kinds at least)
SPORTS_REPORT_WORDS = 3

log = logging.getLogger("veille.events")

__all__ = ["EventExtractor", "_Candidate"]


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
        # the state's forces as targets of a riot ("les citoyens ont attaqué les policiers")
        self.state_force_words = lex.classes.get("@forces_etat", frozenset())
        self.triggers = TriggerFinder(self.lexicon)
        self.args = ArgumentReader(self.lexicon, self.triggers, self.states)

    def __call__(self, doc: Document) -> Document:
        doc.mentions = []
        sdoc = doc.spacy_doc
        if sdoc is None:
            return doc
        if doc.token_columns is None:
            doc.token_columns = TokenColumns(sdoc, doc.text)
        actors = self.actors_for(doc)
        aux_heads = _aux_heads(doc.token_columns)
        # a match report: its attacks, concessions, meetings and withdrawals are a game's; only what
        # happens off the pitch (@hors_jeu: clashes, injuries, arrests) is an event
        off_pitch = self.lexicon.classes.get("@hors_jeu", frozenset()) if self.sports_report(doc) else None
        for sent in doc.sentences:
            span = sdoc.char_span(sent.start, sent.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            doc.mentions.extend(self._sentence(doc, sent, span, actors, aux_heads, off_pitch))
        return doc

    def sports_report(self, doc: Document) -> bool:
        """Whether the document reports a game: at least `SPORTS_REPORT_WORDS` words of @sport, of
        two kinds at least ("finale", "joueur", "peloton" …)."""
        words = self.lexicon.classes.get("@sport", frozenset())
        cols = doc.token_columns
        if not words or cols is None:
            return False
        hits = [lm for i in range(len(cols.text)) if (lm := cols.lem(i)) in words or fold(cols.text[i]) in words]
        return len(hits) >= SPORTS_REPORT_WORDS and len(set(hits)) >= 2

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

    def _sentence(self, doc: Document, sent: Sentence, span: Span, actors: Actors,
                  aux_heads: set[int], off_pitch: frozenset[str] | None = None) -> list[EventMention]:
        out: list[EventMention] = []
        for cand in self.triggers.candidates(doc, span, actors, aux_heads):
            if off_pitch is not None and lem(cand.tok) not in off_pitch and fold(cand.tok.text) not in off_pitch:
                doc.notes["events_sports_report"] = doc.notes.get("events_sports_report", 0) + 1
                continue
            # "Au cours de la manifestation, des jeunes ont cassé des vitrines": the riot going on
            in_protest = any(m.type == "PROTEST" for m in out)
            mention = self._mention(doc, sent, span, cand, actors, in_protest=in_protest)
            if mention is not None:
                out.append(mention)
        return out

    def _harms_civilians(self, target: list[ActorRef]) -> bool:
        """Whether a target is a person or people who are no state force (a thing, the police or an
        army is not: "ont cassé les vitrines", "ont attaqué les policiers")."""
        return any(a.sector not in SECURITY_SECTORS and (a.actor_id or name_has_word(a.name, self.incidents.people))
                   and not name_has_word(a.name, self.lexicon.soldiers | self.state_force_words)
                   for a in target)

    def _mention(self, doc: Document, sent: Sentence, span: Span, cand: _Candidate,
                 actors: Actors, *, in_protest: bool = False) -> EventMention | None:
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
            source, target = self.args.arguments(tok, rule, cand, actors)
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
        retype = self.lexicon.retype(rule.type, [s.name for s in source], in_protest=in_protest,
                                     harms_civilians=self._harms_civilians(target))
        if retype is not None:  # "les manifestants ont incendié des voitures": a riot, not a state's coercion
            rule = replace(rule, type=retype.type, mode=retype.mode)
            cand = replace(cand, rule=rule)
        if (claimed_by is not None and not self.self_reports_as_claims
                and any(same(claimed_by, s) for s in source)):
            reading.classes.discard("claimed")  # an actor speaking of its own act: the act itself
            claimed_by = None
        if not source and not target and is_verb and rule.type == "PROTEST" and location is not None \
                and location.country:
            # "ont manifesté à Kiev": the protesters are the place's people (PLOVER/ICEWS "Protester
            # (Ukraine)"); a noun that names the protest ("des émeutes ont éclaté à Kiev") names no
            # participant, and the eval/events guidelines give it none
            source = [ActorRef(name="manifestants", country=location.country, sector="CVL")]
        if not source and not target and is_verb and rule.type in AGENTIVE_TYPES and "standalone" not in rule.flags:
            # who did what to whom: a conflict clause with no participant at all ("des vitrines ont été
            # brisées") is no record for a dataset; a noun that names the event ("l'attentat", "la grève")
            # stays, and so does a denial of an agreement ("aucun accord n'a été signé, selon le Kremlin")
            # and a verb whose rule names the means of an attack ("une bombe a explosé": flag standalone)
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
            target = self.args.anti_target(tok, cand.theme)  # "une manifestation anti-américaine"
            if not target and not is_verb:
                target = self.args.nouns.provoker(tok, actors)  # "la suppression des aides par X a suscité une révolte"
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
        numbers = clause_numbers(clause, self.lexicon.quantities, doc.token_columns,
                                 self.lexicon.classes.get("@comptes_generiques", frozenset()))
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

    def _claimant(self, reading: FactualityReading, actors: Actors) -> ActorRef | None:
        tok = reading.claimant
        if tok is None:
            return None
        ref = actors.token(tok)
        if ref is None and tok.pos_ in _NOMINAL:
            lo, hi = np_span(tok)
            ref = ActorRef(name=actors.doc.text[lo:hi])
        return ref

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
