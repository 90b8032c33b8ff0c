"""What the `actors` stage knows before it reads a document: lookup keys, the word sets of
`actor_words.tsv`, gazetteer entries and the role families."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from types import MappingProxyType

from ..errors import ConfigError
from ..models import fold
from ..resources import read_tsv

_NON_ALNUM = re.compile(r"[^0-9a-z]+")

NATIONAL_SECTORS = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "PTY", "OPP"})
HEAD_ROLES = frozenset({"head of state", "leader", "supreme leader"})
ROLE_FAMILY = MappingProxyType({
    "leader": ("head of state", "supreme leader", "head of government", "leader"),
    "head of state": ("head of state", "leader"),
    "head of government": ("head of government",),
    "secretary of state": ("foreign minister", "secretary of state"),
})



def _key(text: str) -> str:
    """Compact lookup key: folded, only letters and digits ("Kim Jong-un" → "kimjongun")."""
    return _NON_ALNUM.sub("", fold(text))


def _name_key(text: str) -> str:
    """Spaced name key: folded, hyphens/apostrophes as spaces ("Kim Jong-un" → "kim jong un")."""
    return " ".join(_NON_ALNUM.sub(" ", fold(text)).split())


def _acronym(form: str) -> bool:
    """An all-capitals short form, matched case-sensitively ("UE", "CEDEAO")."""
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def _split_alts(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


@dataclass(frozen=True)
class _Words:
    """The word sets of `actor_words.tsv`, one per kind (the file's header says what each kind does).

    Words are lookup keys as `_key` makes them (folded, letters and digits only)."""

    loc_prep: frozenset[str]
    actor_prep: frozenset[str]
    de: frozenset[str]
    article: frozenset[str]
    locative_noun: frozenset[str]
    actor_noun: frozenset[str]
    title: frozenset[str]
    former: frozenset[str]
    skip_modifier: frozenset[str]
    locality_noun: frozenset[str]
    predicate_verb: frozenset[str]
    actor_verb: frozenset[str]
    place_verb: frozenset[str]
    office_noun: frozenset[str]

    @classmethod
    def load(cls, lang: str, lexicon_dir) -> _Words:
        sets: dict[str, set[str]] = {f.name: set() for f in fields(cls)}
        for row in read_tsv(lang, "actor_words.tsv", lexicon_dir=lexicon_dir):
            if row["kind"] not in sets:
                raise ConfigError(f"actor_words.tsv: unknown kind {row['kind']!r} (one of {', '.join(sets)})")
            sets[row["kind"]].add(row["word"])
        return cls(**{k: frozenset(v) for k, v in sets.items()})


@dataclass
class _Entry:
    """One gazetteer entry: what a matched token run stands for."""

    type: str  # country | capital | seat | org | person | region | demonym
    ref: str  # iso3 / org name / person name / seat term
    form: str  # the form as written in the table (for case checks and how=name|alias)
    canonical: bool = True  # the entry's canonical name (how=name) or an alias (how=alias)
