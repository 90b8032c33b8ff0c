"""Small helpers over spaCy tokens (Universal Dependencies, French models)."""

from __future__ import annotations

from spacy.tokens import Token

from ..models import fold
from ..nlp import TokenColumns
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


# The helpers below read the parse through the document's token columns (`TokenColumns.of`):
# walking `Token.children` builds a spaCy Token per child and looks its strings up each time.


def lem(tok: Token) -> str:
    return TokenColumns.of(tok.doc).lem(tok.i)


def prep_of(tok: Token) -> str | None:
    """The (normalised) preposition introducing a nominal dependent: 'à', 'de', 'contre', 'après'…"""
    return prep_at(TokenColumns.of(tok.doc), tok.i)


def prep_at(cols: TokenColumns, i: int) -> str | None:
    """`prep_of` for token i of the columns' document."""
    dep, text = cols.dep, cols.text
    for c in cols.children(i):
        if c > i:
            break
        if dep[c] == "case":
            fixed = [text[f] for f in cols.children(c) if dep[f] == "fixed"]
            if fixed:  # "d'après", "près de", "face à", "quant à": one multiword preposition
                sep = "" if text[c].endswith(("'", "\u2019")) else " "
                return fold(text[c] + sep + " ".join(fixed))
            return norm_prep(text[c])
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


def dependents(tok: Token, *deps: str) -> list[Token]:
    """tok's children whose dependency relation is one of `deps`, in text order (a spaCy Token is
    built for those only)."""
    cols = TokenColumns.of(tok.doc)
    dep, sdoc = cols.dep, tok.doc
    return [sdoc[c] for c in cols.children(tok.i) if dep[c] in deps]


def has_child(tok: Token, deps: tuple[str, ...] | set[str]) -> bool:
    cols = TokenColumns.of(tok.doc)
    dep = cols.dep
    return any(dep[c] in deps for c in cols.children(tok.i))


def is_passive(tok: Token) -> bool:
    """A passive verb ("ont été arrêtés"), not a pronominal one the parser calls passive ("des
    milliers de personnes se sont rassemblées", "elles s'étaient rassemblées": the subject acts) nor
    an intransitive verb with "être" ("ils sont descendus dans la rue")."""
    cols = TokenColumns.of(tok.doc)
    dep, i = cols.dep, tok.i
    kids = cols.children(i)
    if any(dep[c] == "obl:agent" for c in kids):
        return True
    if _pronominal(cols, i):
        return False
    if cols.lem(i) in ETRE_VERBS and not any(fold(cols.text[c]) == "ete" for c in kids if dep[c].startswith("aux")):
        return False  # "les citoyens sont sortis dans les rues"
    auxes = [c for c in kids if dep[c].startswith("aux") or dep[c] == "cop"]  # ("été" parsed as a copula)
    if any(cols.lem(c) == "avoir" for c in auxes) \
            and not any(dep[c] == "aux:pass" or fold(cols.text[c]) == "ete" for c in auxes):
        return False  # "les rebelles n'ont pas attaqué": "avoir" alone makes an active past tense
    if "Pass" in cols.feature(i, "Voice"):
        return True
    return any(dep[c] in ("aux:pass", "nsubj:pass") for c in kids)


def pronominal(tok: Token) -> bool:
    """A verb with a reflexive clitic ("se", "s'") parsed as an expletive (a passive never has one)."""
    return _pronominal(TokenColumns.of(tok.doc), tok.i)


def _pronominal(cols: TokenColumns, i: int) -> bool:
    dep, text = cols.dep, cols.text
    return any(dep[c].startswith("expl") and c < i
               and ("Yes" in cols.feature(c, "Reflex") or fold(text[c]) in ("se", "s'", "s", "s\u2019"))
               for c in cols.children(i))


def is_reflexive(tok: Token) -> bool:
    cols = TokenColumns.of(tok.doc)
    dep = cols.dep
    for c in cols.children(tok.i):
        if dep[c].startswith("expl") or (dep[c] in ("obj", "iobj") and cols.pos[c] == "PRON"):
            if "Yes" in cols.feature(c, "Reflex") or fold(cols.text[c]) in ("se", "s'", "s"):
                return True
    return False


def coordination_head(tok: Token) -> Token:
    """The head of a conjunct, mending a common parse error: an infinitive coordinated with a
    participle inside the first infinitive's object ("pour rendre hommage aux militaires décédés
    et apporter son soutien": apporter is the conjunct of rendre, not of décédés)."""
    head = tok.head
    if tok.dep_ != "conj" or "Inf" not in tok.morph.get("VerbForm", []) or "Inf" in head.morph.get("VerbForm", []) \
            or head.dep_ not in ("amod", "acl", "acl:relcl"):
        return head
    for a in head.ancestors:
        if a.pos_ == "VERB" and "Inf" in a.morph.get("VerbForm", []) and a.i < tok.i:
            return a
    return head


def conjuncts(tok: Token) -> list[Token]:
    """tok and the nominal tokens coordinated with it ("Kim et Poutine")."""
    cols = TokenColumns.of(tok.doc)
    dep, pos = cols.dep, cols.pos
    out = [tok.i]
    stack = [tok.i]
    while stack:
        t = stack.pop()
        for c in cols.children(t):
            if dep[c] == "conj" and pos[c] in _NOMINAL and c not in out:
                out.append(c)
                stack.append(c)
    sdoc = tok.doc
    return [tok] + [sdoc[c] for c in out[1:]]


_NP_INNER_EXCLUDE = frozenset({"conj", "cc", "punct", "acl", "acl:relcl", "advcl", "parataxis", "ccomp", "appos"})


def np_span(tok: Token) -> tuple[int, int]:
    """Character span of tok's noun phrase: its subtree minus clauses, conjuncts and its own case."""
    cols = TokenColumns.of(tok.doc)
    dep, idx, text = cols.dep, cols.idx, cols.text
    i = tok.i
    lo, hi = idx[i], idx[i] + len(text[i])
    # (a dependent with its own auxiliary is a clause the parser hung under the noun: "ont violé(ADV)
    # trois femmes(ROOT)")
    # (nor is a focus adverb before the phrase: "particulièrement les islamistes", "notamment des civils")
    stack = [c for c in cols.children(i) if dep[c] not in _NP_EXCLUDE
             and not (dep[c] == "advmod" and (c < i and cols.pos[c] == "ADV"
                                              or any(dep[g].startswith("aux") for g in cols.children(c))))]
    while stack:
        t = stack.pop()
        lo = min(lo, idx[t])
        hi = max(hi, idx[t] + len(text[t]))
        stack.extend(c for c in cols.children(t) if dep[c] not in _NP_INNER_EXCLUDE)
    return lo, hi


def arg_children(tok: Token) -> list[Token]:
    return dependents(tok, *_ARG_DEPS)


def finite_of(verb: Token) -> Token:
    """The token carrying tense/mood for a verb: its first finite auxiliary, else itself."""
    cols = TokenColumns.of(verb.doc)
    dep, i = cols.dep, verb.i
    for c in cols.children(i):
        if c > i:
            break
        if (dep[c].startswith("aux") or dep[c] == "cop") and "Fin" in cols.feature(c, "VerbForm"):
            return verb.doc[c]
    return verb


def _stem(lemma: str) -> str:
    if lemma in _IRREGULAR_FUTURE:
        return _IRREGULAR_FUTURE[lemma]
    if lemma.endswith("re"):
        return lemma[:-1]
    return lemma


def tense_mood(verb: Token) -> tuple[bool, bool]:
    """(future, conditional) of the finite form governing `verb` (morph first, then endings)."""
    cols = TokenColumns.of(verb.doc)
    fin = finite_of(verb).i
    fut = "Fut" in cols.feature(fin, "Tense")
    cnd = "Cnd" in cols.feature(fin, "Mood")
    if not fut and not cnd and cols.pos[fin] in ("VERB", "AUX"):
        form, stem = fold(cols.text[fin]), _stem(cols.lem(fin))
        if len(stem) > 2 and form.startswith(stem):
            rest = form[len(stem):]
            fut = rest in FUT_ENDINGS
            cnd = rest in CND_ENDINGS
    return fut, cnd


def compound_past(verb: Token) -> tuple[bool, bool]:
    """(pluperfect, conditional past): 'avait signé' / 'aurait signé'."""
    cols = TokenColumns.of(verb.doc)
    dep, i = cols.dep, verb.i
    for c in cols.children(i):
        if c > i:
            break
        if dep[c] == "aux:tense":
            if "Imp" in cols.feature(c, "Tense"):
                return True, False
            if "Cnd" in cols.feature(c, "Mood"):
                return False, True
    return False, False


def is_finite_or_has_aux(verb: Token) -> bool:
    cols = TokenColumns.of(verb.doc)
    dep = cols.dep
    return "Fin" in cols.feature(verb.i, "VerbForm") or any(dep[c].startswith("aux") for c in cols.children(verb.i))
