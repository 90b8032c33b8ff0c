"""The event lexicons: trigger rules (`event_triggers.tsv`) and factuality cues (`factuality.tsv`).

Both files are read once, in `EventLexicon.load()` (called by the `EventExtractor` constructor),
into plain dictionaries keyed by folded lemma, so that the extractor only does dictionary
lookups per token. See docs/events.md for the file formats and how to extend them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import overload

from ..errors import ConfigError
from ..models import EVENT_TYPES, FACTUALITIES, fold
from ..resources import LexiconDir, read_tsv

TRIGGER_FILE = "event_triggers.tsv"
FACTUALITY_FILE = "factuality.tsv"

# prepositions and their contracted / elided forms, folded
PREP_ALIASES = {"au": "a", "aux": "a", "du": "de", "des": "de", "d'": "de", "d": "de", "à": "a"}
CONDITION_KINDS = {"arg", "obj", "subj", "prep", "refl", "ccomp", "amod", "xcomp", "gov", "own", "sent"}
NEGATION_ROLES = ("particle", "adverb", "alone", "determiner", "pronoun", "preposition")
SLOT_KINDS = {"subj", "obj", "iobj", "amod", "ctrl"}
FLAGS = {"standalone", "support_only", "no_embedded", "absorbs", "needs_target", "subj", "obj", "people", "nonlocal",
         "keeps_theme"}


def name_has_word(name: str, words: frozenset[str]) -> bool:
    """Whether a word of an actor's name, singular or plural, is one of `words` ("Les manifestants")."""
    return any(w in words or w.rstrip("s") in words for w in fold(name).replace("'", " ").split())


def norm_prep(word: str) -> str:
    w = fold(word)
    return PREP_ALIASES.get(w, w)


@dataclass(frozen=True)
class Condition:
    """One `requires` condition: kind (arg, obj, prep, refl, ccomp, amod, xcomp), values, negated."""

    kind: str
    values: frozenset[str] = frozenset()
    negated: bool = False


@dataclass(frozen=True)
class TriggerRule:
    kind: str  # verb | noun
    lemma: str
    type: str
    mode: str | None
    contexts: tuple[str, ...]
    source: tuple[str, ...]  # argument slots: subj, obj, iobj, amod, p:<prep>
    target: tuple[str, ...]
    requires: tuple[Condition, ...] = ()
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SupportVerb:
    lemma: str
    requires: tuple[Condition, ...] = ()
    as_subject: bool = False  # "la rencontre a eu lieu": the nominal trigger is the subject
    as_object: bool = True  # "lancer une attaque": the nominal trigger is the object


@dataclass(frozen=True)
class AgentRetype:
    """An `agent` row: when every source of a mention of a type in `types` belongs to `members`, the
    mention is of type `type` with mode `mode` ("les manifestants ont brûlé des voitures": a riot)."""

    members: frozenset[str]
    type: str
    mode: str | None
    types: frozenset[str]
    # flag `in_protest`: only in a sentence that reports a protest before the trigger, and only when the
    # mention harms no one but things or the state's forces ("Au cours de la manifestation, des jeunes ont
    # cassé des vitrines"; not "des jeunes ont agressé un passant")
    in_protest: bool = False

    def applies(self, etype: str, source_names: list[str], *, in_protest: bool = False,
                harms_civilians: bool = False) -> bool:
        """True when `etype` is retyped and every source name has a member word (plural or not)."""
        if etype not in self.types or not source_names:
            return False
        if self.in_protest and (not in_protest or harms_civilians):
            return False
        return all(name_has_word(name, self.members) for name in source_names)


@dataclass(frozen=True)
class GovCue:
    cls: str  # factuality class
    control: str = "subj"  # subject of an embedded infinitive: subj | obj


@dataclass
class EventLexicon:
    verbs: dict[str, list[TriggerRule]] = field(default_factory=dict)
    nouns: dict[str, list[TriggerRule]] = field(default_factory=dict)
    support: dict[str, list[SupportVerb]] = field(default_factory=dict)
    classes: dict[str, frozenset[str]] = field(default_factory=dict)
    people_classes: set[str] = field(default_factory=set)  # classes of people (participants)
    nonlocal_words: frozenset[str] = frozenset()  # "forces internationales", "des ONG"
    # words giving a group with no state its code ("les forces internationales" -> IGO, "des ONG" -> NGO)
    group_codes: dict[str, str] = field(default_factory=dict)
    # plural descriptions of two parties ("les deux pays", "les deux dirigeants"): head lemma -> what
    # they stand for: "state" (countries) or "person"
    pair_nouns: dict[str, str] = field(default_factory=dict)
    # definite descriptions standing for the latest actor of a kind ("le pays", "l'organisation")
    anaphors: dict[str, str] = field(default_factory=dict)
    things: frozenset[str] = frozenset()  # never participants: projectiles, agreements, funds
    # a state's soldiers ("les soldats", "le contingent"): with no nationality said, as agents they are
    # the forces the text has just named ("le retrait des forces françaises … des 2 000 soldats")
    soldiers: frozenset[str] = frozenset()
    # assets whose "de" complement is their owner, the target of a freeze or seizure ("les avoirs de Moscou")
    owned: frozenset[str] = frozenset()
    modifiers: dict[str, dict[str, str]] = field(default_factory=dict)  # type -> lemma -> mode
    quantities: dict[str, str] = field(default_factory=dict)  # lemma -> numbers key
    retypes: list[AgentRetype] = field(default_factory=list)  # `agent` rows, in file order
    # factuality cues
    # negation words by role (factuality.tsv `neg` rows): particle, adverb, alone, determiner, pronoun,
    # preposition
    negation_roles: dict[str, frozenset[str]] = field(default_factory=dict)
    gov: dict[str, GovCue] = field(default_factory=dict)
    report: dict[str, GovCue] = field(default_factory=dict)
    # verbs with no factuality of their own whose object is the subject of their infinitive
    # ("convaincre X de demander", "contraindre X à quitter"): lemma -> "obj"
    control: dict[str, str] = field(default_factory=dict)
    claim_preps: frozenset[str] = frozenset()
    mods: dict[str, str] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)
    dets: dict[str, str] = field(default_factory=dict)
    that_scope: dict[str, str] = field(default_factory=dict)  # "craindre que": to the clause's end
    documents: frozenset[str] = frozenset()
    questions: frozenset[str] = frozenset()  # "pourquoi", "comment": an indirect question's clause is presupposed
    # multiword noun triggers ("garde à vue", "prise d'otages", "sit-in"): folded head word -> [(tail
    # as written after it, with spaces for hyphens, e.g. " a vue"; the rule key)], longest tail first
    multiword: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def negation(self) -> frozenset[str]:
        """Every negation word, whatever its role."""
        return frozenset().union(*self.negation_roles.values())

    @classmethod
    def load(cls, lang: str = "fr", *, lexicon_dir: LexiconDir = None) -> EventLexicon:
        """The packaged lexicon of `lang`, overlaid by `lexicon_dir`'s files (veille.resources)."""
        lex = cls()
        rows = list(read_tsv(lang, TRIGGER_FILE, lexicon_dir=lexicon_dir))
        for row in rows:  # classes first: rules refer to them
            if row.get("kind") == "class":
                members = frozenset(fold(m) for m in row.get("requires", "").split("|") if m.strip())
                lex.classes[fold(row["lemma"])] = members
                if "people" in row.get("flags", ""):
                    lex.people_classes.add(fold(row["lemma"]))
                flags = {f.strip() for f in row.get("flags", "").split(",")}
                if "nonlocal" in flags:
                    lex.nonlocal_words |= members
                for flag in flags:
                    if flag.startswith("code="):  # the group's country code (IGO, NGO)
                        lex.group_codes.update(dict.fromkeys(members, flag[5:]))
                    elif flag.startswith("pair="):  # "les deux pays": state | person
                        lex.pair_nouns.update(dict.fromkeys(members, flag[5:]))
                    elif flag.startswith("anaphor="):  # "le pays", "l'organisation"
                        lex.anaphors.update(dict.fromkeys(members, flag[8:]))
                    elif flag == "thing":
                        lex.things |= members
                    elif flag == "owned":  # assets: their owner ("les avoirs de Moscou") is a target
                        lex.owned |= members
                    elif flag == "soldiers":
                        lex.soldiers |= members
        for n, row in enumerate(rows, 2):
            lex._add_trigger_row(row, n)
        lex._load_factuality(lang, lexicon_dir)
        return lex

    # ------------------------------------------------------------------ triggers

    def _parse_conditions(self, text: str, where: str) -> tuple[Condition, ...]:
        out = []
        for part in filter(None, (p.strip() for p in text.split("&"))):
            negated = part.startswith("!")
            part = part.lstrip("!")
            kind, _, values = part.partition("=")
            if kind not in CONDITION_KINDS:
                raise ConfigError(f"{TRIGGER_FILE}: unknown condition {kind!r} ({where})")
            vals: set[str] = set()
            for v in filter(None, values.split("|")):
                v = v.strip()
                if v.startswith("@") and v != "@actor":
                    if fold(v) not in self.classes:
                        raise ConfigError(f"{TRIGGER_FILE}: unknown class {v!r} ({where})")
                    vals |= self.classes[fold(v)]
                elif kind == "prep":
                    vals.add(norm_prep(v))
                else:
                    vals.add(fold(v))
            out.append(Condition(kind, frozenset(vals), negated))
        return tuple(out)

    def _add_trigger_row(self, row: dict[str, str], line: int) -> None:
        kind = row.get("kind", "")
        lemma = fold(row.get("lemma", ""))
        where = f"line {line}: {lemma}"
        if kind == "class":
            return
        if kind == "modifier":
            self.modifiers.setdefault(row.get("type") or "*", {})[lemma] = row.get("mode", "")
            return
        if kind == "quantity":
            self.quantities[lemma] = row.get("mode", "")
            return
        if kind == "agent":
            self._add_retype(row, lemma, where)
            return
        flags = frozenset(f.strip() for f in row.get("flags", "").split(",") if f.strip())
        if flags - FLAGS:
            raise ConfigError(f"{TRIGGER_FILE}: unknown flag(s) {sorted(flags - FLAGS)} ({where})")
        requires = self._parse_conditions(row.get("requires", ""), where)
        if kind == "support":
            self.support.setdefault(lemma, []).append(SupportVerb(
                lemma, requires, as_subject="subj" in flags, as_object="obj" in flags or not flags))
            return
        if kind not in ("verb", "noun"):
            raise ConfigError(f"{TRIGGER_FILE}: unknown kind {kind!r} ({where})")
        etype = row.get("type", "")
        if etype not in EVENT_TYPES:
            raise ConfigError(f"{TRIGGER_FILE}: unknown PLOVER type {etype!r} ({where})")
        rule = TriggerRule(
            kind=kind, lemma=lemma, type=etype, mode=row.get("mode") or None,
            contexts=tuple(c.strip() for c in row.get("contexts", "").split(",") if c.strip()),
            source=_slots(row.get("source", ""), where), target=_slots(row.get("target", ""), where),
            requires=requires, flags=flags,
        )
        (self.verbs if kind == "verb" else self.nouns).setdefault(lemma, []).append(rule)
        if kind == "noun":
            cut = next((k for k, ch in enumerate(lemma) if ch in " -'"), -1)
            if cut > 0:  # "garde a vue": keyed on "garde" + " a vue" (a one-token "cessez-le-feu" too)
                tails = self.multiword.setdefault(lemma[:cut], [])
                entry = (lemma[cut:].replace("-", " "), lemma)
                if entry not in tails:
                    tails.append(entry)
                    tails.sort(key=lambda e: -len(e[0]))

    def _add_retype(self, row: dict[str, str], lemma: str, where: str) -> None:
        if lemma not in self.classes:
            raise ConfigError(f"{TRIGGER_FILE}: an agent row needs a class, not {lemma!r} ({where})")
        types = frozenset(t.strip() for t in row.get("requires", "").split("|") if t.strip())
        etype = row.get("type", "")
        if etype not in EVENT_TYPES or not types or types - set(EVENT_TYPES):
            raise ConfigError(f"{TRIGGER_FILE}: an agent row needs PLOVER types in `type` and `requires` ({where})")
        flags = frozenset(f.strip() for f in row.get("flags", "").split(",") if f.strip())
        if flags - {"in_protest"}:
            raise ConfigError(f"{TRIGGER_FILE}: unknown agent flag(s) {sorted(flags - {'in_protest'})} ({where})")
        self.retypes.append(AgentRetype(self.classes[lemma], etype, row.get("mode") or None, types,
                                        in_protest="in_protest" in flags))

    def retype(self, etype: str, source_names: list[str], *, in_protest: bool = False,
               harms_civilians: bool = False) -> AgentRetype | None:
        """The first `agent` row that retypes a mention of `etype` by these sources, or None (`in_protest`:
        the sentence has reported a protest before; `harms_civilians`: a target is a person who is no state force)."""
        return next((r for r in self.retypes if r.applies(etype, source_names, in_protest=in_protest,
                                                             harms_civilians=harms_civilians)), None)

    # ------------------------------------------------------------------ factuality

    @overload
    def cue(self, table: dict[str, GovCue], lemma: str) -> GovCue | None: ...
    @overload
    def cue(self, table: dict[str, str], lemma: str) -> str | None: ...
    def cue(self, table: dict[str, GovCue] | dict[str, str], lemma: str) -> GovCue | str | None:
        """A cue by lemma, tolerating the lemmatiser leaving a conjugated form ("indique")."""
        hit = table.get(lemma)
        if hit is None and lemma.endswith("e"):
            hit = table.get(lemma + "r")
        return hit

    def _load_factuality(self, lang: str, lexicon_dir: LexiconDir = None) -> None:
        roles: dict[str, set[str]] = {r: set() for r in NEGATION_ROLES}
        preps: set[str] = set()
        documents: set[str] = set()
        questions: set[str] = set()
        aspects: set[str] = set()
        for n, row in enumerate(read_tsv(lang, FACTUALITY_FILE, lexicon_dir=lexicon_dir), 2):
            cue, scope, klass = fold(row.get("cue", "")), row.get("scope", ""), row.get("class", "")
            if klass not in FACTUALITIES:
                raise ConfigError(f"{FACTUALITY_FILE}: unknown class {klass!r} (line {n})")
            control = row.get("control") or "subj"
            if scope == "neg":
                role = (row.get("role") or "").strip()
                if role not in roles:
                    raise ConfigError(f"{FACTUALITY_FILE}: negation word {cue!r} needs a role among "
                                      f"{', '.join(NEGATION_ROLES)} (line {n})")
                roles[role].add(cue)
            elif scope == "gov":
                self.gov[cue] = GovCue(klass, control)
            elif scope == "report":
                self.report[cue] = GovCue(klass, control)
            elif scope == "control":
                self.control[cue] = control
            elif scope == "prep":
                preps.add(cue)
            elif scope == "mod":
                self.mods[cue] = klass
            elif scope == "mark":
                self.marks[cue] = klass
            elif scope == "det":
                self.dets[cue] = klass
            elif scope == "that":
                self.that_scope[cue] = klass
            elif scope == "document":
                documents.add(cue)
            elif scope == "question":
                questions.add(cue)
            elif scope == "aspect":
                aspects.add(cue)
            else:
                raise ConfigError(f"{FACTUALITY_FILE}: unknown scope {scope!r} (line {n})")
        self.negation_roles = {r: frozenset(v) for r, v in roles.items()}
        self.claim_preps = frozenset(preps)
        self.documents = frozenset(documents)
        self.questions = frozenset(questions)
        self.aspects = frozenset(aspects)


def _slots(text: str, where: str) -> tuple[str, ...]:
    out = []
    for s in filter(None, (p.strip() for p in text.split(","))):
        if s.startswith("p:"):
            out.append("p:" + norm_prep(s[2:]))
        elif s in SLOT_KINDS:
            out.append(s)
        else:
            raise ConfigError(f"{TRIGGER_FILE}: unknown argument slot {s!r} ({where})")
    return tuple(dict.fromkeys(out))
