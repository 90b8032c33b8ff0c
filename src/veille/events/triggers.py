"""Trigger candidates: the words of a sentence that may name an event of a type, with the rule whose
conditions hold on the parse (`event_triggers.tsv`), their theme, support verb and locution."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from ..models import Document, fold
from .grammar import (
    _CANDIDATE_POS,
    _NOMINAL,
    _VERBAL,
    ClauseWords,
    _arguments,
    _gerund_at,
    _has_obj,
    _inside_name,
    _inverted_subject,
    _objects,
    _prep_dependents,
    _subjects,
    _verb_lemma_guess,
)
from .lexicon import Condition, EventLexicon, SupportVerb, TriggerRule
from .participants import Actors, NoActors
from .syntax import is_passive, is_reflexive, lem, prep_of


@dataclass
class _Candidate:
    tok: Token
    rule: TriggerRule
    theme: Token | None = None
    support: Token | None = None
    head_is_trigger: bool = False
    tail: list[Token] = field(default_factory=list)  # the other words of a multiword trigger ("à vue")
    outer: Token | None = None  # the collective noun over a nominal trigger ("un paquet de sanctions")


class TriggerFinder:
    """The candidate pass of the `events` stage (configured once with the lexicon)."""

    def __init__(self, lexicon: EventLexicon):
        self.lexicon = lexicon
        self.connective = ClauseWords.of(lexicon).connective

    def candidates(self, doc: Document, span: Span, actors: Actors, aux_heads: set[int]) -> list[_Candidate]:
        """The trigger candidates of one sentence, in text order: verbs whose lemma has a rule whose
        conditions hold, then nouns (and multiword locutions) not taken as a verb rule's theme; one
        per event (`_dedupe`), none inside a request's content, none that is a quote's attribution."""
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
                        ok, theme = self.conditions(tok, rule.requires, actors)
                        if ok:
                            verbs.append(_Candidate(tok, rule, theme))
                            break
            elif pos in _NOMINAL and ((lm := cols.lem(i)) in lex.nouns or lm in lex.multiword
                                      or fold(cols.text[i]) in lex.nouns):
                tok = tok or sdoc[i]
                if not _inside_name(doc, tok) and not _acronym(tok, span):
                    nouns.append(tok)
        taken: set[int] = set()
        locutions: dict[int, tuple[str, list[Token]]] = {}
        for tok in nouns:
            found = self._locution(doc, tok)
            if found is not None:  # "la garde à vue": keyed on "garde"; "vue" is no trigger of its own
                locutions[tok.i] = found
                taken.update(t.i for t in found[1])
        for c in verbs:
            # (a denial keeps the event it denies: "a démenti toute négociation" is the talks, negated)
            if c.theme is not None and not {"keeps_theme", "no_embedded"} & set(c.rule.flags):
                taken.add(c.theme.i)
                taken.update(t.i for t in c.theme.children if t.dep_ in ("appos", "conj"))
        cands = list(verbs)
        kinds = lex.classes.get("@genres", frozenset())
        for tok in nouns:
            if tok.i in taken:
                continue
            if _names_a_kind(tok, kinds):
                continue  # a kind, not an event: "les centres de torture", "le pas de tir"
            if self._predicate_of_event(tok):
                continue  # "cette destitution est un « coup d'État »": the subject's event, named again
            if self.talks_topic(tok):
                continue  # what a meeting is about: "la réunion portait sur l'enlèvement de trois militaires"
            loc = locutions.get(tok.i)
            rules = lex.nouns[loc[0]] if loc else lex.nouns.get(lem(tok)) or lex.nouns.get(fold(tok.text), [])
            for rule in rules:
                ok, theme = self.conditions(tok, rule.requires, actors)
                if ok:
                    tail = loc[1] if loc else []
                    cands.append(_Candidate(tok, rule, theme, self._support(tok), tail=tail,
                                            outer=self.collective(tok)))
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
            out.append(cand)
        return out

    def conditions(self, tok: Token, conds: tuple[Condition, ...], actors: Actors) -> tuple[bool, Token | None]:
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
        if kind == "own":  # the object (a noun's "de" complement) has a possessive: "la dissolution de leur organisation"
            core = _objects(tok) + [c for c in tok.children if c.dep_ == "nmod" and prep_of(c) == "de"]
            return any(d.dep_ == "det" and "Yes" in d.morph.get("Poss", []) for o in core for d in o.children), None
        if kind == "sent":  # a word of the sentence: "l'attaque adverse" in a match report
            return any(lem(t) in values or fold(t.text) in values for t in tok.sent), None
        if kind == "arg":
            phrases = [v for v in values if " " in v]  # "garde à vue": the argument heads it as written
            for o in _arguments(tok):
                if lem(o) in values or fold(o.text) in values:
                    return True, o
                if phrases:
                    written = fold(o.doc.text[o.idx:o.idx + 40]).replace("-", " ")
                    if any(written.startswith(v) and not written[len(v):len(v) + 1].isalnum() for v in phrases):
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

    def _predicate_of_event(self, noun: Token) -> bool:
        """A trigger noun that is the predicate of a copula whose subject is an event noun of the
        lexicon or a noun with a demonstrative ("cette destitution"): what the subject is called,
        not another event."""
        if not any(c.dep_ == "cop" for c in noun.children):
            return False
        lex = self.lexicon
        return any(c.dep_ in ("nsubj", "nsubj:pass") and c.pos_ in _NOMINAL and (
            lem(c) in lex.nouns or fold(c.text) in lex.nouns
            or any(d.dep_ == "det" and "Dem" in d.morph.get("PronType", []) for d in c.children))
            for c in noun.children)

    def talks_topic(self, noun: Token) -> bool:
        """Whether a nominal trigger is only the topic of talks, not coded as an event of its own (the
        dev-set guidelines): the "sur"/"de" complement of a verb of talking ("ont discuté des frappes"),
        the complement of "porter sur", "concerner", "aborder" … whose subject is a meeting ("la réunion
        portait sur les enlèvements"), or the "sur" complement of a meeting noun ("une réunion sur les
        enlèvements"). Classes @parler_de, @porter_sur, @discussions."""
        get = self.lexicon.classes.get
        base = noun
        while base.dep_ == "conj" and base.head.i != base.i and base.head.pos_ in _NOMINAL:
            base = base.head  # "portait sur l'enlèvement de X et les actions à mener"
        head, prep = base.head, prep_of(base)
        if head.i == base.i:
            return False
        if head.pos_ in _VERBAL and base.dep_ in ("obl:arg", "obl", "obl:mod", "obj"):
            if lem(head) in get("@parler_de", frozenset()) and prep in ("de", "sur"):
                return True
            if lem(head) in get("@porter_sur", frozenset()) and (prep == "sur" or base.dep_ == "obj"):
                subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubj:pass")]
                return any(lem(c) in get("@discussions", frozenset()) for c in subjects)
            if prep == "sur" and base.dep_ != "obj":
                # "a adopté le projet de loi sur le harcèlement": the parser hangs the meeting's or the
                # text's "sur" complement on the verb when it follows the object
                for obj in (c for c in head.children if c.dep_ in ("obj", "nsubj:pass") and c.i < base.i):
                    if obj.right_edge.i + 1 == base.left_edge.i \
                            and any(lem(t) in get("@discussions", frozenset()) for t in obj.subtree):
                        return True
        return head.pos_ in _NOMINAL and base.dep_ == "nmod" and prep == "sur" \
            and lem(head) in get("@discussions", frozenset())

    def collective(self, noun: Token) -> Token | None:
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
                ok, _ = self.conditions(head, sv.requires, NoActors())
                if ok:
                    return head
        return None

    def _dedupe(self, cands: list[_Candidate]) -> list[_Candidate]:
        """One mention per event: a trigger depending on a trigger of the same type ("tués dans deux
        attaques", "a lancé une attaque" when both are triggers) is the same event."""
        by_i = {c.tok.i: c for c in cands}
        out = []
        for c in cands:
            head = by_i.get(c.tok.head.i)
            via = c.tok.head
            if head is None and c.rule.kind == "noun" and lem(via) in self.connective and via.head.i != via.i:
                head = by_i.get(via.head.i)  # "tué à la suite des tirs", "blessés au cours des combats"
            if head is not None and head is not c and head.rule.type == c.rule.type \
                    and (c.tok.dep_ not in ("conj", "xcomp", "ccomp", "advcl", "parataxis") or _gerund(c.tok)):
                continue  # (a gerund says how: "se sont attaqués aux bâtiments en cassant les portes")
            out.append(c)
        return out

    def cued(self, noun: Token) -> bool:
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


def _gerund(tok: Token) -> bool:
    """A gerund clause ("en cassant les portes"): the manner of its head's event."""
    return tok.dep_ == "advcl" and any(c.dep_ == "mark" and lem(c) == "en" for c in tok.children)


def _names_a_kind(noun: Token, kinds: frozenset[str]) -> bool:
    """A trigger noun that only qualifies a kind of thing: "les centres de torture", "un champ de
    tir", "le salon de l'armement". By the parse (a bare "de" complement of a kind noun) or, where
    the parser reads the kind word as something else ("du pas de tir": the negation "pas de"), by
    the words: a determiner or a preposition, the kind word, "de", the trigger."""
    if any(c.dep_ == "det" for c in noun.children):
        return False
    if noun.dep_ == "nmod" and lem(noun.head) in kinds and prep_of(noun) == "de":
        return True
    i, doc = noun.i, noun.doc
    return i >= 3 and fold(doc[i - 1].text) in ("de", "d'") and fold(doc[i - 2].text) in kinds \
        and doc[i - 3].pos_ in ("DET", "ADP")


def _acronym(tok: Token, span: Span) -> bool:
    """A word in capitals in a sentence that is not: a name ("appuyée du RAID", the police unit),
    not the noun "raid" (a headline in capitals keeps its triggers)."""
    text = tok.text
    if len(text) < 2 or not text.isupper():
        return False
    words = [t.text for t in span if t.is_alpha and len(t.text) > 1 and t.i != tok.i]
    return sum(w.isupper() for w in words) * 2 < len(words)
