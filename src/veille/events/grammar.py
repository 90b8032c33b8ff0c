"""What the events steps share: the type and slot classes the rules name, and the clause-level
parse helpers (subjects through control and coordination, objects, participles, auxiliaries)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Token

from ..models import ActorRef, Document, Sentence, fold
from ..nlp import TokenColumns
from .lexicon import EventLexicon
from .syntax import (
    RELATIVE_PRONOUNS,
    arg_children,
    conjuncts,
    coordination_head,
    dependents,
    has_child,
    is_passive,
    lem,
    prep_of,
)

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
# symmetric events: with coordinated participants and no target, the first named is the source
SYMMETRIC_TYPES = {"CONSULT", "AGREE", "COOPERATE"}
# a nationality noun ("les Maliens", "des Français") stands for the country's people, not its
# government, as the source of a protest and the target of violence or coercion (PLOVER/ICEWS
# "Citizen (Mali)": sector CVL); elsewhere it may be the state ("les Américains ont retiré leur soutien")
CITIZEN_SOURCE_TYPES = {"PROTEST"}
CITIZEN_TARGET_TYPES = {"ASSAULT", "COERCE"}
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


def _objects(tok: Token) -> list[Token]:
    """Direct objects (passive subjects; the head noun of a participle: 'les armes livrées')."""
    passive = is_passive(tok)
    out = [c for c in dependents(tok, "nsubj:pass" if passive else "obj") if not _bare_time(c)]
    if passive and not out and has_child(tok, ("aux:pass",)):
        out = dependents(tok, "nsubj")  # "Kim(nsubj) a été empoisonné"
    if passive and not out:
        out = _raised_subjects(tok)
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


def _raised_subjects(tok: Token) -> list[Token]:
    """The subject of a modal or control verb over a passive infinitive: "un accord(nsubj)
    pourrait(ROOT) être signé(xcomp)" (the patient of the signing)."""
    if tok.dep_ == "xcomp" and tok.head.i != tok.i and tok.head.pos_ in _VERBAL and is_passive(tok) \
            and not has_child(tok, ("nsubj", "nsubj:pass")):
        return dependents(tok.head, "nsubj", "nsubj:pass")
    if tok.dep_ == "advcl" and tok.head.i != tok.i and tok.head.pos_ in _VERBAL and is_passive(tok) \
            and any("Inf" in t.morph.get("VerbForm", []) for t in (tok, *dependents(tok, "aux:tense", "aux:pass"))) \
            and not has_child(tok, ("nsubj", "nsubj:pass")):
        # "Jo Cox a succombé après avoir été attaquée": the infinitive's patient is the clause's subject
        return dependents(tok.head, "nsubj")
    return []


def _arguments(tok: Token) -> list[Token]:
    out = _raised_subjects(tok)
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


# verbs whose "il" is impersonal even with an object ("il faut des renforts", "il reste deux otages")
_IMPERSONAL = frozenset({"avoir", "falloir", "agir", "rester", "manquer", "exister", "sembler", "paraitre",
                         "paraître", "suffire", "arriver", "venir", "survenir", "être", "etre"})


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
    if not subs and lem(tok) not in _IMPERSONAL and not any(fold(c.text) == "y" for c in tok.children):
        # a personal pronoun the parser read as impersonal ("Il l'a invité", "Il a attaqué le camp"):
        # "il" is impersonal only with no object ("il a été décidé") or in "il y a", "il faut"
        subs = [c for c in tok.children if c.dep_ == "expl:subj" and fold(c.text) in ("il", "elle", "ils", "elles")
                and (fold(c.text) != "il" or (not is_passive(tok) and any(o.dep_ == "obj" for o in tok.children)))]
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
    if rel == "acl" and head.pos_ in _NOMINAL and "Part" in tok.morph.get("VerbForm", []) \
            and "Pres" not in tok.morph.get("Tense", []) and not has_child(tok, ("aux", "aux:tense", "aux:pass")) \
            and not (lem(head.head) == "avoir" and head.head.i < tok.i):  # (not "a de son côté(obj) dénoncé(acl)")
        # "un homme blessé lors de l'attentat": the noun a past participle qualifies is what the act
        # befell; who did it is its "par" agent, never the subject of the clause around
        return []
    if rel == "acl" and head.pos_ in _NOMINAL and head.head.pos_ in _VERBAL and head.head.i != head.i:
        gov = head.head
        cue = lex.gov.get(lem(gov)) or lex.report.get(lem(gov))
        if head.dep_ in ("obj", "iobj") and "Inf" in tok.morph.get("VerbForm", []) and (
                lex.control.get(lem(gov)) == "obj" or (cue is not None and cue.control == "obj")):
            return [head]  # "convaincre la veuve de demander" (the infinitive parsed under the object)
        return _subjects(gov, lex, depth + 1)  # "a accepté une invitation à se rendre"
    return []


def _fallback_kind(slot: str, etype: str) -> str | None:
    if slot in ("obj", "iobj", "p:a", "p:au", "p:aux") and etype in SPECIFIC_OBJ_TYPES:
        # "ont brûlé plusieurs voitures": unspecified property is no participant; "se sont attaqués
        # aux bâtiments publics": definite property is the target
        return "specific"
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


@dataclass(frozen=True)
class ClauseWords:
    """The word classes of the lexicon (`event_triggers.tsv`, class rows) that the argument and
    candidate rules read: support verbs aiming at the target ("viser"), verbs planning a nominal
    event ("promettre"), scene-setting, temporal and shared prepositions, linking nouns ("suite")."""

    target_support: frozenset[str]
    planning: frozenset[str]
    frame: frozenset[str]
    temporal: frozenset[str]
    shared: frozenset[str]
    connective: frozenset[str]

    @classmethod
    def of(cls, lexicon: EventLexicon) -> ClauseWords:
        get = lexicon.classes.get
        return cls(get("@viser", frozenset()), get("@planifier", frozenset()), get("@prep_cadre", frozenset()),
                   get("@prep_temps", frozenset()), get("@prep_partagees", frozenset()),
                   get("@noms_liaison", frozenset()))
