"""Small helpers over spaCy tokens (Universal Dependencies, French models)."""

from __future__ import annotations

from spacy.tokens import Token

from ..models import fold
from .lexicon import norm_prep

# dependents that are not part of an argument's noun phrase
_NP_EXCLUDE = {"conj", "cc", "punct", "acl", "acl:relcl", "advcl", "parataxis", "ccomp", "xcomp",
               "appos", "dep", "case", "mark", "cop", "nsubj", "obj", "obl", "obl:mod", "obl:arg"}
_ARG_DEPS = ("obj", "obl", "obl:arg", "obl:mod", "obl:agent", "nmod", "iobj", "nsubj:pass", "xcomp")
RELATIVE_PRONOUNS = {"qui", "que", "qu'", "lequel", "laquelle", "lesquels", "lesquelles", "dont"}
_NOMINAL = {"NOUN", "PROPN", "PRON", "NUM", "X"}
_IRREGULAR_FUTURE = {
    "etre": "ser", "avoir": "aur", "aller": "ir", "faire": "fer", "pouvoir": "pourr", "devoir": "devr",
    "venir": "viendr", "revenir": "reviendr", "voir": "verr", "envoyer": "enverr", "tenir": "tiendr",
    "obtenir": "obtiendr", "vouloir": "voudr", "savoir": "saur", "falloir": "faudr",
    "recevoir": "recevr", "mourir": "mourr", "courir": "courr", "accueillir": "accueiller",
    "appeler": "appeller", "jeter": "jetter", "renvoyer": "renverr",
}
# intransitive verbs conjugated with "être" in compound tenses: "sont sortis" is no passive (the
# parser often calls its subject nsubj:pass); a true passive of the transitive uses ("ont été
# descendus", "sorti par la police") has "été" or an agent
ETRE_VERBS = frozenset({
    "aller", "venir", "revenir", "parvenir", "intervenir", "survenir", "devenir", "arriver", "partir",
    "repartir", "entrer", "rentrer", "sortir", "ressortir", "monter", "remonter", "descendre",
    "redescendre", "naitre", "mourir", "deceder", "rester", "tomber", "retomber", "retourner",
    "accourir", "perir",
})
FUT_ENDINGS = ("ai", "as", "a", "ons", "ez", "ont")
CND_ENDINGS = ("ais", "ait", "ions", "iez", "aient")


def lem(tok: Token) -> str:
    return fold(tok.lemma_)


def prep_of(tok: Token) -> str | None:
    """The (normalised) preposition introducing a nominal dependent: 'à', 'de', 'contre', 'après'…"""
    for c in tok.children:
        if c.dep_ == "case" and c.i < tok.i:
            fixed = [f for f in c.children if f.dep_ == "fixed"]
            if fixed:  # "d'après", "près de", "face à", "quant à": one multiword preposition
                sep = "" if c.text.endswith(("'", "\u2019")) else " "
                return fold(c.text + sep + " ".join(f.text for f in fixed))
            return norm_prep(c.text)
    return None


# nouns of complex prepositions the parser reads as a noun with a "de" complement: "à l'encontre des
# opposants" = contre les opposants, "à l'égard de Moscou" = envers Moscou, "au sein de la population"
COMPLEX_PREP_NOUNS = {"encontre": "contre", "egard": "envers", "endroit": "envers", "sein": "parmi"}


def unfold_prep(tok: Token, prep: str | None) -> tuple[str | None, Token]:
    """(preposition, argument) of a dependent, reading a complex preposition the parser split into a
    noun and its complement: "à l'encontre des opposants" -> ("contre", opposants)."""
    if prep == "a" and tok.pos_ == "NOUN":
        simple = COMPLEX_PREP_NOUNS.get(lem(tok))
        if simple is not None:
            for c in tok.children:
                if c.dep_ == "nmod" and prep_of(c) == "de":
                    return simple, c
    return prep, tok


def has_child(tok: Token, deps: tuple[str, ...] | set[str]) -> bool:
    return any(c.dep_ in deps for c in tok.children)


def is_passive(tok: Token) -> bool:
    """A passive verb ("ont été arrêtés"), not a pronominal one the parser calls passive ("des
    milliers de personnes se sont rassemblées", "elles s'étaient rassemblées": the subject acts) nor
    an intransitive verb with "être" ("ils sont descendus dans la rue")."""
    if any(c.dep_ == "obl:agent" for c in tok.children):
        return True
    if pronominal(tok):
        return False
    if lem(tok) in ETRE_VERBS and not any(fold(c.text) == "ete" for c in tok.children if c.dep_.startswith("aux")):
        return False  # "les citoyens sont sortis dans les rues"
    if "Pass" in tok.morph.get("Voice"):
        return True
    return any(c.dep_ in ("aux:pass", "nsubj:pass") for c in tok.children)


def pronominal(tok: Token) -> bool:
    """A verb with a reflexive clitic ("se", "s'") parsed as an expletive (a passive never has one)."""
    return any(c.dep_.startswith("expl") and c.i < tok.i
               and ("Yes" in c.morph.get("Reflex") or fold(c.text) in ("se", "s'", "s", "s\u2019"))
               for c in tok.children)


def is_reflexive(tok: Token) -> bool:
    for c in tok.children:
        if c.dep_.startswith("expl") or (c.dep_ in ("obj", "iobj") and c.pos_ == "PRON"):
            if "Yes" in c.morph.get("Reflex") or fold(c.text) in ("se", "s'", "s"):
                return True
    return False


def coordination_head(tok: Token) -> Token:
    """The head of a conjunct, mending a common parse error: an infinitive coordinated with a
    participle inside the first infinitive's object ("pour rendre hommage aux militaires décédés
    et apporter son soutien": apporter is the conjunct of rendre, not of décédés)."""
    head = tok.head
    if tok.dep_ != "conj" or "Inf" not in tok.morph.get("VerbForm") or "Inf" in head.morph.get("VerbForm") \
            or head.dep_ not in ("amod", "acl", "acl:relcl"):
        return head
    for a in head.ancestors:
        if a.pos_ == "VERB" and "Inf" in a.morph.get("VerbForm") and a.i < tok.i:
            return a
    return head


def conjuncts(tok: Token) -> list[Token]:
    """tok and the nominal tokens coordinated with it ("Kim et Poutine")."""
    out = [tok]
    stack = [tok]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ == "conj" and c.pos_ in _NOMINAL and c not in out:
                out.append(c)
                stack.append(c)
    return out


def np_span(tok: Token) -> tuple[int, int]:
    """Character span of tok's noun phrase: its subtree minus clauses, conjuncts and its own case."""
    lo, hi = tok.idx, tok.idx + len(tok.text)
    # (a dependent with its own auxiliary is a clause the parser hung under the noun: "ont violé(ADV)
    # trois femmes(ROOT)")
    stack = [c for c in tok.children if c.dep_ not in _NP_EXCLUDE
             and not (c.dep_ == "advmod" and any(g.dep_.startswith("aux") for g in c.children))]
    while stack:
        t = stack.pop()
        lo = min(lo, t.idx)
        hi = max(hi, t.idx + len(t.text))
        stack.extend(c for c in t.children if c.dep_ not in ("conj", "cc", "punct", "acl", "acl:relcl",
                                                               "advcl", "parataxis", "ccomp", "appos"))
    return lo, hi


def arg_children(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ in _ARG_DEPS]


def finite_of(verb: Token) -> Token:
    """The token carrying tense/mood for a verb: its first finite auxiliary, else itself."""
    for c in verb.children:
        if (c.dep_.startswith("aux") or c.dep_ == "cop") and c.i < verb.i and "Fin" in c.morph.get("VerbForm"):
            return c
    return verb


def _stem(lemma: str) -> str:
    if lemma in _IRREGULAR_FUTURE:
        return _IRREGULAR_FUTURE[lemma]
    if lemma.endswith("re"):
        return lemma[:-1]
    return lemma


def tense_mood(verb: Token) -> tuple[bool, bool]:
    """(future, conditional) of the finite form governing `verb` (morph first, then endings)."""
    fin = finite_of(verb)
    tense, mood = fin.morph.get("Tense"), fin.morph.get("Mood")
    fut = "Fut" in tense
    cnd = "Cnd" in mood
    if not fut and not cnd and fin.pos_ in ("VERB", "AUX"):
        form, stem = fold(fin.text), _stem(lem(fin))
        if len(stem) > 2 and form.startswith(stem):
            rest = form[len(stem):]
            fut = rest in FUT_ENDINGS
            cnd = rest in CND_ENDINGS
    return fut, cnd


def compound_past(verb: Token) -> tuple[bool, bool]:
    """(pluperfect, conditional past): 'avait signé' / 'aurait signé'."""
    for c in verb.children:
        if c.dep_ == "aux:tense" and c.i < verb.i:
            if "Imp" in c.morph.get("Tense"):
                return True, False
            if "Cnd" in c.morph.get("Mood"):
                return False, True
    return False, False


def is_finite_or_has_aux(verb: Token) -> bool:
    return "Fin" in verb.morph.get("VerbForm") or any(c.dep_.startswith("aux") for c in verb.children)
