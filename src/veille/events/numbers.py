"""Casualties and quantities in an event's clause: "12 morts et 3 blessés" -> {"killed": 12, "injured": 3}."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from ..models import fold
from ..nlp import TokenColumns
from .syntax import lem

WORD_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "cent": 100, "mille": 1000,
}
SCALE = {"million": 1_000_000, "millions": 1_000_000, "milliard": 1_000_000_000, "milliards": 1_000_000_000}


def parse_number(tok: Token) -> float | None:
    """The value of a numeral token ('12', '1 200', '2,5', 'douze'), None if it is not one."""
    text = fold(tok.text).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if text in WORD_NUMBERS:
        value: float = WORD_NUMBERS[text]
    else:
        digits = text.replace(".", "") if text.count(".") and len(text.split(".")[-1]) == 3 else text
        digits = digits.replace(",", ".")
        try:
            value = float(digits)
        except ValueError:
            return None
    # "10 000": the parser may split thousands into two numerals
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.text.isdigit() and len(nxt.text) == 3 and tok.whitespace_:
        value = value * 1000 + int(nxt.text)
    for c in tok.children:
        if fold(c.text) in SCALE:
            value *= SCALE[fold(c.text)]
    return int(value) if value == int(value) else value


def clause_numbers(clause: Token, quantities: dict[str, str], columns: TokenColumns | None = None,
                   generic: frozenset[str] = frozenset()) -> dict[str, float]:
    """Counts found in the subtree of `clause`, keyed by the lexicon's quantity keys; nouns of
    `generic` (the lexicon's @comptes_generiques) count only through what happened to them.

    With the document's `columns`, only the numerals between the subtree's edges become Tokens."""
    out: dict[str, float] = {}
    toks: Iterable[Token]
    if columns is None:
        toks = clause.subtree
    else:
        sdoc, pos, like, dep = clause.doc, columns.pos, columns.like_num, columns.dep
        toks = [sdoc[i] for i in range(clause.left_edge.i, clause.right_edge.i + 1)
                if pos[i] == "NUM" or like[i] and dep[i] in ("nummod", "det")]
        toks = [t for t in toks if t.i == clause.i or clause.is_ancestor(t)]
    for tok in toks:
        if tok.pos_ != "NUM" and not (tok.like_num and tok.dep_ in ("nummod", "det")):
            continue  # "300 000 réservistes" may come out as determiners
        if tok.i > 0 and tok.nbor(-1).like_num and len(tok.text) == 3 and tok.nbor(-1).whitespace_:
            continue  # second half of "10 000"
        value = parse_number(tok)
        if value is None:
            continue
        key = quantity_key(tok.head, quantities, generic) if tok.head.i != tok.i else None
        if key:  # "49 civils et 15 soldats ont été tués" -> killed 64
            out[key] = out.get(key, 0) + value
    return out


def quantity_key(noun: Token, quantities: dict[str, str], generic: frozenset[str] = frozenset()) -> str | None:
    """The numbers key of a counted noun: what happened to them first ("15 soldats ont été tués" ->
    killed), else what they are ("12 morts" -> killed, "10 000 soldats" -> troops)."""
    ln = lem(noun)
    first = noun
    while first.dep_ == "conj" and first.head.i != first.i:  # "49 civils et 15 soldats ont été tués"
        first = first.head
    for c in noun.children:  # "12 personnes tuées"
        if c.dep_ in ("acl", "amod") and lem(c) in quantities and c.pos_ in ("VERB", "ADJ"):
            return quantities[lem(c)]
    head = first.head
    if first.dep_ in ("obj", "nsubj:pass") and head.pos_ == "VERB" and lem(head) in quantities:
        return quantities[lem(head)]  # "tuant 12 personnes", "12 civils ont été tués"
    if ln in quantities and ln not in generic:
        return quantities[ln]
    return None
