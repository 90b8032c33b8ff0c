"""The `actors` stage: every person, organisation, state and armed group mention → a canonical actor.

How a document is read (all tables load once, in the constructor):

1. Gazetteer pass over the spaCy tokens: at each token the longest run of tokens whose accent-, case-,
   hyphen- and space-free form is a known country name, capital, seat of power, organisation, well-known
   person or demonym (one dict lookup per token and length, pruned by a prefix set; this corrects spaCy's
   NER slips such as TASS/KCNA → MISC or "Washington" → PER).
2. spaCy PER/ORG entities not covered by the gazetteer become person / organisation candidates.
3. Role phrases ("porte-parole du Kremlin", "le ministre sud-coréen des Affaires étrangères", "le chef de
   la junte malienne", "l'armée russe") from `roles.tsv`: the role noun, demonyms inside or after it, and a
   "de …" complement naming a country, capital, seat, organisation or collective noun give role, country
   and sector.
4. Appositions join a name and a role phrase ("Dmitri Peskov, porte-parole du Kremlin", "le président
   russe Vladimir Poutine"); names cluster within the document (same name, surname alone, accent/hyphen
   variants, rapidfuzz for transliterations), then against the table of well-known actors.
5. Role descriptions with no name beside them ("le dirigeant nord-coréen") join the document's own
   actor with that role and country first, then the table's holder of the role at the document's date.
6. Capitals and seats of power that act (subject, passive agent, possessor of an actor noun, "avec/contre
   X") are the country's government (how="metonymy"); as places ("à Moscou") they are no mention.
   Country names stand for the state unless they are places ("en Russie", "de Russie", "le nord de la
   Russie").

7. Roles used as predicates ("X a été élu président de l'Égypte", "X, qui fut Premier ministre") name no
   one but give X the role. A national office with no country said ("le ministre", "le député") takes
   the article's dominant country (more than half of the country-bearing mentions so far); an office
   defined by a complement the tables do not know ("le président du conseil du CERN") does not.
8. Well-known persons keep the table's role only when the article's date (`doc.published`) falls in
   its validity; otherwise the article's own apposition gives the role.

Actor ids are `stable_id("act", kind, country, folded canonical name)`: the same actor in two articles
gets the same id (as long as both give it the same country). Data: countries.tsv (all UN member
states, French names, demonyms, capitals), demonyms_extra.tsv, seats.tsv, regions.tsv, roles.tsv,
organisations.tsv, known_actors.tsv, org_keywords.tsv and actor_words.tsv (the function words,
nouns and verbs the reading rules test) under veille/data/fr/.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from rapidfuzz import fuzz, process

from .config import Settings
from .errors import ConfigError
from .models import Actor, ActorMention, Document, fold, stable_id
from .resources import read_tsv
from .stages import ActorsConfig

log = logging.getLogger("veille.actors")

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


@dataclass
class _Cand:
    """A candidate mention over tokens [i, j)."""

    i: int
    j: int
    type: str  # country | capital | seat | org | person | demonym | role | orgent
    entry: _Entry | None = None
    label: str = ""
    displaced: list[_Cand] = field(default_factory=list)  # gazetteer matches an entity overrode

    @property
    def known(self) -> _Entry:
        """The entry of a lexicon candidate (country, capital, seat, org, demonym: always set)."""
        if self.entry is None:
            raise ValueError(f"a {self.type} candidate without its lexicon entry")
        return self.entry


@dataclass
class _Cluster:
    """A within-document actor under construction."""

    kind: str
    name: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    org: str | None = None
    wikidata: str | None = None
    known: bool = False
    former: bool = False
    name_keys: set[str] = field(default_factory=set)
    tokens: list[str] = field(default_factory=list)  # name token keys of the full name
    aliases: list[str] = field(default_factory=list)
    phrases: set[str] = field(default_factory=set)  # role phrases said of it ("ministre iranien des transports")
    last: int = -1  # char offset of the latest mention


@dataclass
class _RoleInfo:
    row: dict[str, str]
    kind: str
    role: str
    sector: str | None
    country: str | None
    org: str | None  # canonical org name of the complement
    org_country: str | None
    former: bool
    seat_state: bool
    local: bool
    opaque: bool = False  # an unread complement: never joined to another actor by role alone
    coll_role: str | None = None  # the collective of the complement ("la Cour") whose country we may find
    possessive: bool = False  # "son porte-parole": someone's, the actor named just before
    indefinite: bool = False  # "un dirigeant sud-coréen": no one in particular
    phrase: str = ""  # the folded role phrase
    # a person role inside an unread complement ("l'avocat de l'assassin du préfet de Corse"): its
    # token; a name right after the phrase is that inner role's holder, not the head's
    inner: int | None = None
    seat_term: str | None = None  # the state seat of the complement ("du Kremlin"): table roles held there
    end: int = 0  # token end of the whole phrase (complement included)


class ActorResolver:
    """The `actors` stage: fills `doc.actors` and `doc.actor_mentions`."""

    name = "actors"

    def __init__(self, settings: Settings | None = None, *, lang: str | None = None):
        self.settings = settings or Settings()
        self.config = ActorsConfig.from_settings(self.settings)
        lang = lang or self.settings.lang
        self.gaz: dict[str, list[_Entry]] = {}
        self.countries: dict[str, dict[str, str]] = {}
        self.seats: dict[str, dict[str, str]] = {}
        self.orgs: dict[str, dict[str, str]] = {}
        self.persons: dict[str, dict[str, str]] = {}
        self.person_keys: dict[str, str] = {}  # spaced name key → canonical person name
        self.short_keys: dict[str, list[str]] = {}  # spaced short key → person names
        self.by_role: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.roles: dict[tuple[str, ...], dict[str, str]] = {}
        self.role_first: set[str] = set()
        # word form -> (_key, _name_key): pages share most of their words, so each form is keyed
        # once per stream rather than once per page (bounded: reset past a size no vocabulary reaches)
        self.word_keys: dict[str, tuple[str, str]] = {}
        self.role_max = 1
        self.role_label: dict[str, str] = {}  # role → the first pattern naming it (label of collectives)
        self.org_keywords: dict[str, str] = {}
        self._load(lang)
        self.prefixes: set[str] = set()
        self.max_tokens = 10
        for k in self.gaz:
            words = k.split(" ")
            for n in range(1, len(words) + 1):
                self.prefixes.add(" ".join(words[:n]))
        self._fuzzy_choices = list(self.person_keys)

    # ------------------------------------------------------------------ tables

    def _add(self, form: str, entry: _Entry) -> None:
        k = _name_key(form)
        if not k:
            return
        lst = self.gaz.setdefault(k, [])
        # one entry per (type, ref) and case class: "CEDEAO" (matched case-sensitively) must not hide
        # "Cédéao" (same key)
        if not any(e.type == entry.type and e.ref == entry.ref and _acronym(e.form) == _acronym(entry.form)
                   for e in lst):
            lst.append(entry)

    def _load(self, lang: str) -> None:
        self.words = _Words.load(lang, self.settings.lexicon_dir)
        for row in read_tsv(lang, "countries.tsv", lexicon_dir=self.settings.lexicon_dir):
            iso = row["iso3"]
            self.countries[iso] = row
            self._add(row["name"], _Entry("country", iso, row["name"]))
            for a in _split_alts(row["aliases"]):
                self._add(a, _Entry("country", iso, a, False))
            for c in _split_alts(row["capitals"]):
                self._add(c, _Entry("capital", iso, c))
            for col in ("dem_m", "dem_f", "dem_mpl", "dem_fpl"):
                if row[col]:
                    self._add(row[col], _Entry("demonym", iso, row[col]))
        for row in read_tsv(lang, "demonyms_extra.tsv", lexicon_dir=self.settings.lexicon_dir):
            self._add(row["form"], _Entry("demonym", row["code"], row["form"]))
        for row in read_tsv(lang, "seats.tsv", lexicon_dir=self.settings.lexicon_dir):
            self.seats[row["term"]] = row
            self._add(row["term"], _Entry("seat", row["term"], row["term"]))
            for a in _split_alts(row["aliases"]):
                self._add(a, _Entry("seat", row["term"], a, False))
        for row in read_tsv(lang, "regions.tsv", lexicon_dir=self.settings.lexicon_dir):
            self._add(row["name"], _Entry("region", row["name"], row["name"]))
        for row in read_tsv(lang, "organisations.tsv", lexicon_dir=self.settings.lexicon_dir):
            self.orgs[row["name"]] = row
            self._add(row["name"], _Entry("org", row["name"], row["name"]))
            for a in _split_alts(row["aliases"]):
                self._add(a, _Entry("org", row["name"], a, False))
        for row in read_tsv(lang, "known_actors.tsv", lexicon_dir=self.settings.lexicon_dir):
            name = row["name"]
            self.persons[name] = row
            self._add(name, _Entry("person", name, name))
            self.person_keys[_name_key(name)] = name
            for a in _split_alts(row["aliases"]):
                self._add(a, _Entry("person", name, a, False))
                self.person_keys[_name_key(a)] = name
            for s in _split_alts(row["short"]):
                self.short_keys.setdefault(_name_key(s), []).append(name)
            if row["role"]:
                self.by_role.setdefault((row["role"], row["country"]), []).append(row)
                if row["org"]:
                    self.by_role.setdefault((row["role"], "org:" + row["org"]), []).append(row)
        for row in read_tsv(lang, "roles.tsv", lexicon_dir=self.settings.lexicon_dir):
            self.role_label.setdefault(row["role"], row["pattern"])
            toks = tuple(_key(t) for t in re.split(r"[\s']+", row["pattern"]) if _key(t))
            self.roles[toks] = row
            self.role_first.add(toks[0])
            self.role_max = max(self.role_max, len(toks))
        for row in read_tsv(lang, "org_keywords.tsv", lexicon_dir=self.settings.lexicon_dir):
            self.org_keywords[_key(row["word"])] = row["sector"]

    # ------------------------------------------------------------------ stage

    def __call__(self, doc: Document) -> Document:
        doc.actors = {}
        doc.actor_mentions = []
        doc.lookups.actor_at = actor_at  # later stages ask it, not this module
        sdoc = doc.spacy_doc
        if sdoc is None or len(sdoc) == 0:
            return doc
        if len(self.word_keys) > 500_000:
            self.word_keys.clear()
        _DocReader(self, doc, sdoc).run()
        return doc

    # ------------------------------------------------------------------ helpers used by the reader

    def known_for_role(self, role: str, country: str | None, org: str | None,
                       date: str | None) -> dict[str, str] | None:
        """The well-known holder of `role` for `country` (or `org`) at `date` (or now)."""
        roles = ROLE_FAMILY.get(role, (role,))
        if role == "secretary of state" and country != "USA":
            roles = ("secretary of state",)
        for r in roles:
            for scope in (("org:" + org) if org else None, country):
                if not scope:
                    continue
                best = None
                for row in self.by_role.get((r, scope), []):
                    if date:
                        if row["from"] and row["from"] > date:
                            continue
                        if row["to"] and row["to"] < date:
                            continue
                    elif row["to"]:
                        continue
                    if best is None or row["from"] > best["from"]:
                        best = row
                if best is not None:
                    return best
        return None

    def fuzzy_person(self, name_key: str) -> str | None:
        if len(name_key) < 6 or " " not in name_key:
            return None
        hit = process.extractOne(name_key, self._fuzzy_choices, scorer=fuzz.ratio, score_cutoff=86)
        return self.person_keys[hit[0]] if hit else None


class _DocReader:
    """One document's pass (keeps per-document state out of the resolver)."""

    def __init__(self, res: ActorResolver, doc: Document, sdoc):
        self.res = res
        self.words = res.words
        self.doc = doc
        self.sdoc = sdoc
        # spaCy Tokens made on first access (the Doc caches them): most are never looked at
        self.toks = sdoc
        cols = doc.token_columns
        # token text and tag as plain lists (the reader looks at them many times per token)
        texts = cols.text if cols is not None else [t.text for t in self.toks]
        self.texts: list[str] = texts
        self.pos: list[str] = cols.pos if cols is not None else [t.pos_ for t in self.toks]
        word_keys = res.word_keys
        for x in set(texts).difference(word_keys):
            word_keys[x] = (_key(x), _name_key(x))
        self.keys = [word_keys[x][0] for x in texts]
        self.name_keys = [word_keys[x][1] for x in texts]
        self.n = len(self.toks)
        self.date = (doc.published.value or None) if doc.published else None
        self.clusters: dict[str, _Cluster] = {}
        self.mentions: list[tuple[int, int, str, str]] = []  # (start, end, cluster key, how)
        self.demonym: dict[int, str] = {}
        self.cands_at: dict[int, list[_Cand]] = {}
        self.gaz_at: dict[int, list[_Cand]] = {}
        self.predicates: list[tuple[int, _RoleInfo]] = []  # roles used as predicates ("élu président")
        self.acting_cache: dict[int, bool] = {}
        self.cands_at_end: dict[int, list[_Cand]] = {}
        self._quoted: list[tuple[int, int]] | None = None  # char spans of « … » / “ … ” (read lazily)

    # ------------------------------------------------------------------ main

    def run(self) -> None:
        gaz = self._gazetteer()
        cands = self._merge_entities(gaz)
        for c in cands:
            self.cands_at.setdefault(c.i, []).append(c)
            self.cands_at_end.setdefault(c.j, []).append(c)
        roles = self._role_phrases(cands)
        self._resolve(cands, roles)
        self._emit()

    # ------------------------------------------------------------------ 1. gazetteer

    def _case_ok(self, i: int, j: int, entry: _Entry) -> bool:
        text = self.doc.text[self.toks[i].idx:self.toks[j - 1].idx + len(self.texts[j - 1])]
        form = entry.form
        letters = [c for c in form if c.isalpha()]
        if entry.type in ("demonym",):
            return True
        if letters and all(c.isupper() for c in letters) and len(letters) <= 6:
            return _NON_ALNUM.sub("", text) == _NON_ALNUM.sub("", form) or text.replace("-", "") == form.replace("-", "")
        if form[:1].isupper():
            return text[:1].isupper()
        return True

    def _gazetteer(self) -> list[_Cand]:
        res, n = self.res, self.n
        skeys = self.name_keys
        out: list[_Cand] = []
        i = 0
        while i < n:
            if not skeys[i] or skeys[i] not in res.prefixes:
                i += 1
                continue
            acc = ""
            best: tuple[int, list[_Entry]] | None = None
            for j in range(i, min(n, i + res.max_tokens)):
                if j > i and "\n" in self.toks[j - 1].whitespace_ + self.texts[j]:
                    break
                if not skeys[j]:
                    if self.texts[j] in ("-", "'", "\u2019", "."):
                        continue
                    break
                acc = f"{acc} {skeys[j]}" if acc else skeys[j]
                if acc not in res.prefixes:
                    break
                entries = res.gaz.get(acc)
                if entries:
                    ok = [e for e in entries if self._case_ok(i, j + 1, e)]
                    if ok:
                        best = (j + 1, ok)
            if best is None:
                i += 1
                continue
            j, entries = best
            order = ("person", "org", "seat", "country", "capital", "region", "demonym")
            entries.sort(key=lambda e: order.index(e.type))
            e = entries[0]
            if e.type == "org" and j < n and self.pos[j] == "ADJ" and self.texts[j][:1].islower() \
                    and j not in self.demonym and self.name_keys[j] not in res.gaz:
                i = j  # the name goes on ("Conseil de sécurité nationale"): not this organisation
                continue
            if e.type == "demonym":
                for t in range(i, j):
                    self.demonym[t] = e.ref
            out.append(_Cand(i, j, e.type, e))
            i = j
        return out

    # ------------------------------------------------------------------ 2. spaCy entities

    def _merge_entities(self, gaz: list[_Cand]) -> list[_Cand]:
        taken: dict[int, _Cand] = {}
        for c in gaz:
            for t in range(c.i, c.j):
                taken[t] = c
        ents: list[_Cand] = []
        for ent in self.sdoc.ents:
            if ent.label_ not in ("PER", "ORG"):
                continue
            i, j = ent.start, ent.end
            # strip titles, determiners, punctuation at the edges
            while i < j and (self.keys[i] in self.words.title or not self.texts[i][:1].isalnum()
                             or self.texts[i][:1].islower()):
                i += 1
            while j > i and not self.texts[j - 1][:1].isalnum():
                j -= 1
            if i >= j:
                continue
            if j - i == 1 and not self.toks[i].is_upper and not (i > 0 and self.keys[i - 1] in self.words.title) \
                    and self.name_keys[i] not in self.res.short_keys:
                # a lone capitalised word spaCy calls PER/ORG is more often a place or a sentence-initial word
                # ("Tahrir", "Intervenue"); a lone surname of a person named in full is found later
                continue
            overlapping = {id(taken[t]): taken[t] for t in range(i, j) if t in taken}
            displaced: list[_Cand] = []
            if overlapping:
                gs = list(overlapping.values())
                strong = any(g.type in ("person", "org", "seat") for g in gs)
                longer = all((g.j - g.i) < (j - i) and g.i >= i and g.j <= j for g in gs)
                if strong or not longer:
                    continue
                gaz = [g for g in gaz if id(g) not in overlapping]
                displaced = gs
                for g in gs:
                    for t in range(g.i, g.j):
                        taken.pop(t, None)
            c = _Cand(i, j, "person" if ent.label_ == "PER" else "orgent", None, ent.label_)
            c.displaced = displaced
            for g in displaced:
                self.gaz_at.setdefault(g.i, []).append(g)
            ents.append(c)
            for t in range(i, j):
                taken[t] = c
        cands = [c for c in gaz if c.type not in ("region",)] + ents
        cands.sort(key=lambda c: c.i)
        return cands

    # ------------------------------------------------------------------ 3. role phrases

    def _match_role(self, i: int, blocked: set[int]) -> tuple[int, dict[str, str], list[str]] | None:
        """Longest roles.tsv pattern starting at token i, skipping demonyms inside: (end, row, demonyms)."""
        res = self.res
        if self.keys[i] not in res.role_first:
            return None
        seq: list[int] = []
        t = i
        while t < self.n and len(seq) < res.role_max + 3:
            if t in blocked:
                break
            if t != i and t in self.demonym:
                t += 1
                continue
            if self.keys[t] or self.texts[t] in ("'", "’"):
                if self.keys[t]:
                    seq.append(t)
            t += 1
        best = None
        for L in range(min(len(seq), res.role_max), 0, -1):
            row = res.roles.get(tuple(self.keys[x] for x in seq[:L]))
            if row is not None:
                best = (seq[L - 1] + 1, row)
                break
        if best is None:
            return None
        end, row = best
        dems = [self.demonym[x] for x in range(i, end) if x in self.demonym]
        return end, row, dems

    def _role_phrases(self, cands: list[_Cand]) -> list[tuple[_Cand, _RoleInfo]]:
        blocked: set[int] = set()
        cand_at: dict[int, _Cand] = {}
        for c in cands:
            for t in range(c.i, c.j):
                if c.type not in ("demonym", "orgent"):
                    blocked.add(t)
                cand_at[t] = c
        out: list[tuple[_Cand, _RoleInfo]] = []
        i = 0
        while i < self.n:
            if i in blocked or self.pos[i] in ("PROPN",) and self.texts[i][:1].isupper() \
                    and self.keys[i] not in ("president", "premier", "general"):
                i += 1
                continue
            m = self._match_role(i, blocked)
            if m is None or (self.pos[i] == "ADJ" and i > 0 and self.pos[i - 1] == "NOUN"):
                i += 1  # "l'intérêt général" is no general
                continue
            end, row, dems = m
            info = self._role_info(i, end, row, dems)
            if info is not None and info.kind == "person" and self._predicative(i, end):
                self.predicates.append((i, info))
                info = None
            if info is None:
                i = end
                continue
            end = info.end
            out.append((_Cand(i, end, "role", label=row["pattern"]), info))
            for t in range(i, end):
                blocked.add(t)
            i = end
        return out

    def _head_of(self, i: int, j: int):
        """The syntactic head of tokens [i, j) (the token whose head lies outside)."""
        for t in range(i, j):
            h = self.toks[t].head.i
            if h < i or h >= j or h == t:
                return self.toks[t]
        return self.toks[i]

    def _predicative(self, i: int, end: int | None = None) -> bool:
        """A role used as a predicate or a post ("élu président", "comme Premier ministre", "le poste de
        ministre"), which names no one."""
        tok = self._head_of(i, end or i + 1)
        if tok.dep_ in ("xcomp", "attr") or any(c.dep_ == "cop" for c in tok.children):
            return True
        if tok.dep_ in ("obj", "obl", "obl:arg") and _key(tok.head.lemma_ or "") in self.words.predicate_verb \
                and _key(tok.head.lemma_ or "") not in ("etre",):
            return True
        p = i - 1
        while p >= 0 and (self.keys[p] in self.words.article or self.keys[p] in self.words.skip_modifier or self.keys[p] in
                          ("un", "une", "plus", "son", "sa", "nouveau")):
            p -= 1
        if p < 0:
            return False
        prev = self.toks[p]
        if self.keys[p] in ("comme", "en", "qualite"):
            return True
        if self.keys[p] in self.words.de and p > 0 and self.keys[p - 1] in self.words.office_noun:
            return True
        return _key(prev.lemma_) in self.words.predicate_verb or self.keys[p] in self.words.predicate_verb

    def _role_info(self, i: int, end: int, row: dict[str, str], dems: list[str]) -> _RoleInfo | None:
        res = self.res
        former = False
        b = i - 1
        while b >= 0 and (self.keys[b] in self.words.skip_modifier or self.keys[b] in self.words.former or self.keys[b] == ""):
            if self.keys[b] in self.words.former:
                former = True
            if self.texts[b] in (",", ".", ";", ":", "(", "«", "»"):
                break
            b -= 1
        country = dems[0] if dems else None
        # trailing demonyms directly after the pattern
        t = end
        while t < self.n and t in self.demonym:
            country = country or self.demonym[t]
            t += 1
        end = t
        org = org_country = None
        sector = row["sector"] or None
        role = row["role"]
        seat_state = local = opaque = False
        inner = seat_term = None
        coll_role = None
        # "de/du/des/d'" complement
        t = end
        if t < self.n and self.keys[t] in self.words.de:
            u = t + 1
            while u < self.n and self.keys[u] in self.words.article:
                u += 1
            comp = self._complement(u)
            if comp is not None:
                cend, ctype, cref, csector, ccountry, crole = comp
                end = cend
                if ctype in ("country", "capital"):
                    country = country or ccountry
                elif ctype == "seat":
                    seat = res.seats[cref]
                    country = country or seat["country"]
                    if seat["kind"] == "state":
                        seat_state = True
                        seat_term = cref  # "porte-parole du Kremlin": the Kremlin's, not the ministry's
                        if row["kind"] == "person" and role in ("leader",) and seat["leader_role"]:
                            role = seat["leader_role"]
                    else:
                        org, sector = seat["name"] or cref, seat["sector"] or sector
                        if row["kind"] == "person" and role == "leader" and seat["leader_role"]:
                            role = seat["leader_role"]
                elif ctype in ("org", "group"):
                    org, org_country = cref, ccountry
                    country = country or ccountry
                    if csector:
                        sector = csector
                    if row["org_role"]:
                        role = row["org_role"]
                    if crole and row["kind"] == "person" and role == "leader" and crole == "junta":
                        role = "head of state"
                elif ctype == "local":
                    local = True
                elif ctype == "person":
                    country = country or ccountry
                if ctype in ("org", "group") and not ccountry and crole:
                    coll_role = crole
            elif row["kind"] == "person" and u < self.n and self.pos[u] in ("NOUN", "PROPN", "ADJ", "X"):
                # a complement we cannot read ("du conseil départemental des Landes", "du Conseil de sécurité
                # nationale de la Maison Blanche"): the phrase runs to the end of the noun phrase; it names an
                # office of its own (never a head of state); a country or seat inside still gives the country
                v = u
                while v < self.n and v - u < 12 and self.texts[v] not in (",", ".", ";", ":", "(", ")", "«", "»") \
                        and self.pos[v] not in ("VERB", "AUX", "CCONJ", "PRON", "SCONJ") \
                        and not any(c.type == "person" for c in self.cands_at.get(v, [])):
                    v += 1
                if v > u:
                    opaque = True
                    end = v
                    role = row["org_role"] or role
                    for x in range(u, v):  # "l'avocat de l'assassin du préfet de Corse": the last role inside
                        m = self._match_role(x, set()) if self.keys[x] in res.role_first else None
                        if m is not None and m[1]["kind"] == "person":
                            inner = x
                    for x in range(u, v):
                        for c in self.cands_at.get(x, []) + self.gaz_at.get(x, []):
                            if c.entry is None or country:
                                continue
                            if c.type in ("country", "capital"):
                                country = c.entry.ref
                            elif c.type == "seat":
                                country = res.seats[c.entry.ref]["country"]
                            elif c.type == "org":
                                country = res.orgs[c.entry.ref]["country"] or None
        if row["kind"] == "person" and role == "secretary of state" and country == "USA":
            role = "foreign minister"
        if row["kind"] == "person" and role in ("head of state",) and org:
            role = row["org_role"] or "president"
        country = country or (row["country"] or None)
        if row["kind"] == "state" and not country:
            return None
        info = _RoleInfo(row, row["kind"], role, sector, country, org, org_country, former, seat_state, local)
        info.opaque, info.coll_role, info.end, info.inner = opaque, coll_role, end, inner
        info.seat_term = seat_term
        info.phrase = _name_key(self._span_text(i, end))
        info.possessive = b >= 0 and self.keys[b] in ("son", "sa", "ses", "leur", "leurs")
        info.indefinite = b >= 0 and self.keys[b] in ("un", "une")
        return info

    def _complement(self, u: int):
        """What a "de …" complement starting at token u names: (end, type, ref, sector, country, role)."""
        if u >= self.n:
            return None
        # a gazetteer item starting here
        for c in self.cands_at.get(u, []) + self.gaz_at.get(u, []):
            if c.type in ("country", "capital") and c.entry:
                return c.j, c.type, c.entry.ref, "GOV", c.entry.ref, None
            if c.type == "seat" and c.entry:
                return c.j, "seat", c.entry.ref, None, self.res.seats[c.entry.ref]["country"], None
            if c.type == "org" and c.entry:
                o = self.res.orgs[c.entry.ref]
                return c.j, "org", o["name"], o["sector"], o["country"], None
            if c.type == "person":
                # "ministre de François Hollande": the person's country, if the table knows it
                p = self.res.persons.get(c.entry.ref) if c.entry else None
                return c.j, "person", None, None, (p["country"] or None) if p else None, None
            if c.type == "orgent":
                sector, country = self._guess_org(c.i, c.j)
                return c.j, "org", self._span_text(c.i, c.j), sector, country, None
        # a collective noun ("la junte malienne", "l'armée", "la diplomatie russe")
        m = self._match_role(u, set())
        if m is not None:
            end, row, dems = m
            if row["kind"] in ("organisation", "group", "state"):
                t = end
                country = dems[0] if dems else None
                while t < self.n and t in self.demonym:
                    country = country or self.demonym[t]
                    t += 1
                if row["kind"] == "state":
                    return t, "country", None, "GOV", country, row["role"]
                return t, "group", row["pattern"], row["sector"], country, row["role"]
        # a locality: "de la région de Koursk", "de l'oblast de Donetsk"
        if self.keys[u] in self.words.locality_noun:
            t = u + 1
            if t < self.n and self.keys[t] in self.words.de:
                t += 1
                while t < self.n and self.keys[t] in self.words.article:
                    t += 1
                s = t
                while t < self.n and self.texts[t][:1].isupper() or (t > s and self.texts[t] == "-"):
                    t += 1
                if t > s:
                    return t, "local", None, "GOV", None, None
            return None
        return None

    # ------------------------------------------------------------------ 4-6. resolution

    def _span_text(self, i: int, j: int) -> str:
        return self.doc.text[self.toks[i].idx:self.toks[j - 1].idx + len(self.texts[j - 1])]

    def _chars(self, i: int, j: int) -> tuple[int, int]:
        return self.toks[i].idx, self.toks[j - 1].idx + len(self.texts[j - 1])

    def _guess_org(self, i: int, j: int) -> tuple[str | None, str | None]:
        sector = self.res.org_keywords.get(self.keys[i])
        country = None
        for t in range(i, j):
            if t in self.demonym:
                country = self.demonym[t]
                break
        return sector, country

    def _state_key(self, iso: str) -> str:
        if iso == "EU":
            return self._org_key("Union européenne")
        if iso == "IGO":
            return self._org_key("Organisation des Nations unies")
        row = self.res.countries.get(iso)
        if iso not in self.clusters:
            if row is None:
                self.clusters[iso] = _Cluster("state", iso, iso, "GOV")
            else:
                self.clusters[iso] = _Cluster("state", row["name"], iso, "GOV", wikidata=row["wikidata"] or None,
                                              known=True)
        return iso

    def _org_key(self, name: str) -> str:
        k = "org:" + name
        if k not in self.clusters:
            o = self.res.orgs.get(name)
            if o is not None:
                self.clusters[k] = _Cluster(o["kind"], o["name"], o["country"] or None, o["sector"] or None,
                                            wikidata=o["wikidata"] or None, known=True)
            else:
                seat = next((s for s in self.res.seats.values() if s["name"] == name), None)
                if seat is not None:
                    self.clusters[k] = _Cluster("organisation", name, seat["country"], seat["sector"], known=True)
                else:
                    self.clusters[k] = _Cluster("organisation", name)
        return k

    def _known_key(self, name: str) -> str:
        k = "known:" + name
        if k not in self.clusters:
            row = self.res.persons[name]
            if self.date and ((row["from"] and row["from"] > self.date) or (row["to"] and row["to"] < self.date)):
                # the table's role is not this article's ("Emmanuel Macron, ministre de l'Économie" in 2016)
                row = dict(row, role="", org="")
            self.clusters[k] = _Cluster("person", name, row["country"] or None, row["sector"] or None,
                                        row["role"] or None, row["org"] or None, row["wikidata"] or None,
                                        known=True, name_keys={_name_key(name)},
                                        tokens=_name_key(name).split())
            for a in _split_alts(row["aliases"]) + _split_alts(row["short"]):
                self.clusters[k].name_keys.add(_name_key(a))
        return k

    def _acting(self, c: _Cand) -> bool:
        """Whether a place name (country/capital/seat) stands for an actor here, from the parse."""
        if c.i in self.acting_cache:
            return self.acting_cache[c.i]
        # in a list ("entre l'Iran, l'Irak, la Syrie et le Liban") an item reads like the item before it
        p = c.i - 1
        while p >= 0 and self.keys[p] in self.words.article:
            p -= 1
        if p > 0 and self.texts[p] in (",", "et", "ou") and c.type != "seat" \
                and not any(self.toks[t].dep_.startswith("nsubj") for t in range(c.i, c.j)):
            q = p - 1
            prev_item = next((x for x in self.cands_at_end.get(q + 1, []) if x.type in ("country", "capital")), None)
            if prev_item is not None:
                out = self._acting(prev_item)
                self.acting_cache[c.i] = out
                return out
        out = self._acting_here(c)
        self.acting_cache[c.i] = out
        return out

    def _acting_here(self, c: _Cand) -> bool:
        toks = self.toks
        head = toks[c.i]
        for t in range(c.i, c.j):
            if toks[t].head.i < c.i or toks[t].head.i >= c.j:
                head = toks[t]
                break
        p = c.i - 1
        while p >= 0 and self.keys[p] in self.words.article:
            p -= 1
        has_article = p < c.i - 1
        prev = self.keys[p] if p >= 0 else ""
        prev_is_prep = p >= 0 and (toks[p].pos_ == "ADP" or prev in self.words.loc_prep or prev in self.words.de
                                   or prev in self.words.actor_prep or prev == "par")
        if c.j < self.n and self.texts[c.j] == ":" and (c.i == 0 or "\n" in toks[c.i - 1].text_with_ws):
            return False  # a headline label: "Ukraine : Kiev revendique …"
        if head.dep_ == "conj":
            # "entre l'Iran, l'Irak, la Syrie et le Liban": the first conjunct's preposition decides
            h0 = head
            while h0.dep_ == "conj" and h0.head.i < h0.i:
                h0 = h0.head
            q = h0.i - 1
            while q >= 0 and self.keys[q] in self.words.article:
                q -= 1
            if q >= 0 and toks[q].pos_ == "ADP" and self.keys[q] not in self.words.actor_prep and self.keys[q] != "par":
                return False
        if prev == "par" and head.dep_ in ("obl:agent",):
            return True
        if prev == "a" and has_article and c.type == "country":
            return True  # "livrer des armes à la Russie": a recipient ("en Russie" is the place)
        if prev in self.words.loc_prep:
            return False
        if c.type == "seat":
            return True
        dep = head.dep_
        h = head
        hops = 0
        while dep == "conj" and hops < 4:
            h = h.head
            dep = h.dep_
            hops += 1
        if dep in ("nsubj", "nsubj:pass", "obl:agent", "csubj"):
            return True
        if prev in self.words.actor_prep:
            return True
        if prev in self.words.de:
            gov = head.head
            gk, gl = _key(gov.text), _key(gov.lemma_ or "")
            if gk in self.words.locative_noun or gl in self.words.locative_noun:
                return False
            if c.type == "capital":
                return gk in self.words.actor_noun or gl in self.words.actor_noun
            return has_article or prev in ("du", "des")
        if c.type == "capital":
            # "Moscou accuse Kiev de …": the object of a verb aimed at an actor
            if dep in ("obj", "iobj") and _key(h.head.lemma_ or "") in self.words.actor_verb:
                return True
            # sentence-initial "Washington suspecte …" that the parser misreads
            nxt = toks[c.j] if c.j < self.n else None
            start = c.i == 0 or toks[c.i].is_sent_start or toks[c.i - 1].text in (",", ";", ":", "«", "\"")
            return bool(start and nxt is not None and nxt.text[:1].islower()
                        and nxt.pos_ not in ("ADP", "DET", "PUNCT", "CCONJ", "ADJ", "SCONJ", "PRON"))
        # country names: without a preposition they are the state when they take an article or are objects,
        # except as the object of a verb of movement ("desservir les États-Unis", "quitter la Russie")
        if dep in ("obj", "conj") and _key(h.head.lemma_ or "") in self.words.place_verb:
            return False
        if not prev_is_prep:
            return has_article or dep in ("obj", "iobj", "nsubj", "nsubj:pass")
        return False

    def _resolve(self, cands: list[_Cand], roles: list[tuple[_Cand, _RoleInfo]]) -> None:
        res = self.res
        role_at_start = {rc.i: (rc, info) for rc, info in roles}
        role_at_end = {rc.j: (rc, info) for rc, info in roles}
        linked_roles: set[int] = set()
        in_role: set[int] = set()
        for rc, _info in roles:
            in_role.update(range(rc.i, rc.j))

        # places and organisations inside role complements are still mentions of their own
        todo: list[_Cand] = []
        for c in cands:
            if c.entry is None and (c.i in in_role or c.type == "orgent" and (c.j - 1) in in_role):
                # spaCy's ORG/PER inside a role phrase ("ministre de l'Intérieur"): keep what it hid
                todo.extend(g for g in c.displaced if g.type != "region")
                continue
            todo.append(c)
        todo.sort(key=lambda c: c.i)
        # collectives first ("la Cour constitutionnelle sud-coréenne"): person roles may borrow their country
        for rc, info in roles:
            if info.kind != "person":
                self._unnamed_role(rc, info)
        for c in todo:
            text_start, text_end = self._chars(c.i, c.j)
            if c.type == "demonym":
                tok = self.toks[c.i]
                if c.known.ref in res.countries and tok.text[:1].isupper() and c.i > 0 \
                        and self.keys[c.i - 1] in ("les", "des", "aux") \
                        and tok.text.lower().endswith(("s", "x")):
                    self._mention(text_start, text_end, self._state_key(c.known.ref), "demonym")
                continue
            if c.type in ("country", "capital", "seat"):
                if not self._acting(c):
                    continue
                if c.type == "seat":
                    seat = res.seats[c.known.ref]
                    key = self._state_key(seat["country"]) if seat["kind"] == "state" else self._org_key(
                        seat["name"] or seat["term"])
                    self._mention(text_start, text_end, key, "metonymy")
                elif c.type == "capital":
                    self._mention(text_start, text_end, self._state_key(c.known.ref), "metonymy")
                else:
                    self._mention(text_start, text_end, self._state_key(c.known.ref),
                                  "name" if c.known.canonical else "alias")
                continue
            if c.type == "org":
                key = self._org_key(c.known.ref)
                self.clusters[key].aliases.append(self._span_text(c.i, c.j))
                self._mention(text_start, text_end, key, "name" if c.known.canonical else "alias")
                continue
            media = self._media_before(c.i, role_at_end) if c.entry is None else None
            if c.type == "orgent" and media is None and self._person_name(c):
                c.type = "person"  # "l'administration Obama": spaCy's ORG is a person's name
            if c.type == "person" and media is None:
                self._person(c, role_at_start, role_at_end, linked_roles)
                continue
            if c.type == "orgent" or media is not None:
                text = self._span_text(c.i, c.j)
                if len(text) < 2:
                    continue
                key = "orgent:" + _name_key(text)
                if key not in self.clusters:
                    sector, country = self._guess_org(c.i, c.j)
                    self.clusters[key] = _Cluster("organisation", text, country, sector)
                if media is not None:
                    cl = self.clusters[key]
                    cl.sector = "MED"
                    cl.country = cl.country or media.country
                self._mention(text_start, text_end, key, "name")
                continue

        # role descriptions not joined to a name
        self._predicates()
        for rc, info in roles:
            if rc.i in linked_roles or info.kind != "person":
                continue
            self._unnamed_role(rc, info)
        # surnames spaCy missed or mislabelled ("Kim" → LOC)
        self._surname_sweep()

    def _person_name(self, c: _Cand) -> bool:
        """An ORG span that is a person's name: a surname of a person already named, or a known name."""
        nk = _name_key(self._span_text(c.i, c.j))
        if nk in self.res.person_keys:
            return True
        return any(cl.kind == "person" and len(cl.tokens) > 1 and nk in (cl.tokens[-1], " ".join(cl.tokens))
                   for cl in self.clusters.values())

    def _person(self, c: _Cand, role_at_start, role_at_end, linked_roles: set[int]) -> None:
        res = self.res
        text = self._span_text(c.i, c.j)
        nk = _name_key(text)
        if not nk or not any(ch.isalpha() for ch in nk):
            return
        how = "name"
        key = None
        if c.entry is not None and c.entry.type == "person":
            key = self._known_key(c.entry.ref)
            how = "name" if c.entry.canonical else "alias"
        else:
            toks = nk.split()
            # same name / variant already in the document
            for k, cl in self.clusters.items():
                if cl.kind != "person" or not cl.tokens:
                    continue
                if nk in cl.name_keys:
                    key, how = k, ("surname" if len(toks) == 1 and len(cl.tokens) > 1 else "name")
                    break
            if key is None and len(toks) == 1:
                best = None
                for k, cl in self.clusters.items():
                    if cl.kind != "person" or len(cl.tokens) < 2:
                        continue
                    if toks[0] in cl.tokens:
                        score = (cl.tokens[-1] == toks[0] or cl.tokens[0] == toks[0], cl.last)
                        if best is None or score > best[0]:
                            best = (score, k)
                if best is not None:
                    key, how = best[1], "surname"
                elif nk in res.short_keys and len(set(res.short_keys[nk])) == 1:
                    key, how = self._known_key(res.short_keys[nk][0]), "surname"
            if key is None and len(toks) > 1 and len(toks[0]) == 1:
                # an initial: "E. Macron"
                for k, cl in self.clusters.items():
                    if cl.kind == "person" and len(cl.tokens) > 1 and cl.tokens[-1] == toks[-1] \
                            and cl.tokens[0][:1] == toks[0]:
                        key, how = k, "alias"
                        break
            if key is None and len(toks) > 1:
                if nk in res.person_keys:
                    key, how = self._known_key(res.person_keys[nk]), "alias"
                else:
                    for k, cl in self.clusters.items():
                        if cl.kind == "person" and len(cl.tokens) > 1 and any(
                                fuzz.ratio(nk, x) >= 86 for x in cl.name_keys if " " in x):
                            key, how = k, "alias"
                            break
                    if key is None:
                        hit = res.fuzzy_person(nk)
                        if hit:
                            key, how = self._known_key(hit), "alias"
            if key is None:
                key = "per:" + nk
                self.clusters[key] = _Cluster("person", text, name_keys={nk}, tokens=toks)
                # an earlier lone surname now gets its full name
                for k, cl in list(self.clusters.items()):
                    if k != key and cl.kind == "person" and len(cl.tokens) == 1 and cl.tokens[0] in toks \
                            and not cl.known:
                        self._merge_cluster(k, key)
        cl = self.clusters[key]
        cl.name_keys.add(nk)
        if text not in cl.aliases:
            cl.aliases.append(text)
        s, e = self._chars(c.i, c.j)
        self._mention(s, e, key, how)
        # apposition with a role phrase: "le président russe Vladimir Poutine", "Peskov, porte-parole de …"
        ri = c.i
        p = ri - 1
        if p >= 0 and self.texts[p] == ",":
            p -= 1
        linked = role_at_end.get(p + 1)
        if linked is not None and p + 1 == c.i and linked[1].inner is not None:
            # "l'avocat de l'assassin du préfet de Corse Claude Érignac": Érignac is the prefect
            self._inner_role(cl, key, linked[1].inner)
            linked = None
        if linked is None and c.i > 0 and self.texts[c.i - 1] == ",":
            # "l'ambassadeur de France en Afghanistan, Bernard Bajolet": skip a short place tail
            q = p
            while q >= 0 and q > c.i - 6 and (self.texts[q][:1].isupper() or self.keys[q] in self.words.article):
                q -= 1
            if q >= 0 and q < p and self.keys[q] in ("en", "a", "au", "aux"):
                linked = role_at_end.get(q)
        after = None
        q = c.j
        if q < self.n and self.texts[q] == ",":
            q += 1
            while q < self.n and (self.keys[q] in self.words.article or self.keys[q] in self.words.skip_modifier
                                  or self.keys[q] in self.words.former or self.pos[q] == "ADJ"
                                  and q + 1 < self.n and self.keys[q + 1] in self.res.role_first):
                q += 1
            after = role_at_start.get(q)
        for hit in (linked, after):
            if hit is None:
                continue
            rc, info = hit
            if info.kind == "person" and rc.i not in linked_roles:
                linked_roles.add(rc.i)
                rs, re_ = self._chars(rc.i, rc.j)
                self._apply_role(cl, info, min(rs, s))
                self._mention(rs, re_, key, "role")
        if not cl.country and not cl.known:
            cl.country = self._nationality_near(c)

    def _inner_role(self, cl: _Cluster, key: str, i: int) -> None:
        """Give a name the role said just before it inside another role's complement (token i)."""
        m = self._match_role(i, set())
        if m is None:
            return
        info = self._role_info(i, *m)
        if info is None or info.kind != "person":
            return
        rs, re_ = self._chars(i, info.end)
        self._apply_role(cl, info, rs)
        self._mention(rs, re_, key, "role")

    def _nationality_near(self, c: _Cand) -> str | None:
        """A nationality said of a name by a plain noun beside it: "l'ex-espion russe Alexandre Litvinenko",
        "X, un physicien britannique"."""
        b = c.i - 1
        if b >= 1 and b in self.demonym and self.pos[b - 1] == "NOUN":
            return self.demonym[b]
        q = c.j
        if q + 2 < self.n and self.texts[q] == "," and self.keys[q + 1] in ("un", "une", "le", "la", "l"):
            if self.pos[q + 2] == "NOUN" and q + 3 < self.n and (q + 3) in self.demonym:
                return self.demonym[q + 3]
        return None

    def _predicates(self) -> None:
        """"X a été élu président de l'Égypte", "X, qui fut premier ministre": the role is X's."""
        for i, info in self.predicates:
            tok = self._head_of(i, info.end or i + 1)
            subj = [c for c in tok.children if c.dep_.startswith("nsubj")]
            if not subj and tok.dep_ in ("xcomp", "obj", "obl", "obl:arg", "attr"):
                subj = [c for c in tok.head.children if c.dep_.startswith("nsubj")]
            if not subj:
                continue
            x = subj[0]
            if x.pos_ == "PRON" and x.head.dep_ == "acl:relcl":
                x = x.head.head  # "Ahmad Chafiq qui fut …"
            elif x.pos_ == "PRON":
                continue
            xs = [x] + [a for a in x.children if a.dep_ == "appos"]  # "Le Frère musulman Mohamed Morsi"
            for ms, me, mk, _h in self.mentions:
                cl = self.clusters[mk]
                if any(ms <= y.idx < me for y in xs) and cl.kind == "person":
                    if info.former:
                        cl.country = cl.country or info.country or info.org_country
                        cl.sector = cl.sector or info.sector
                    else:
                        self._apply_role(cl, info, ms)
                    break

    def _fill_country(self, info: _RoleInfo, s: int) -> None:
        """Country of a role from the document: "son porte-parole" (the actor just named), "président de
        la Cour" (the court named before)."""
        if info.country:
            return
        before = sorted((m for m in self.mentions if m[0] < s), reverse=True)
        if info.possessive:
            for ms, _me, mk, how in before[:1]:
                cl = self.clusters[mk]
                info.country = cl.country
                if how == "metonymy":
                    text = self.doc.text[ms:_me]
                    seat = next((t for t in self.res.seats if _key(t) == _key(text)), None)
                    if seat and not info.org:
                        info.org = seat
            return
        if info.coll_role:
            for _ms, _me, mk, _h in before:
                cl = self.clusters[mk]
                if cl.role == info.coll_role and cl.country:
                    info.country = cl.country
                    return

    def _counterpart(self, info: _RoleInfo, s: int) -> None:
        """"son homologue ukrainien": the role of the latest role-holder named before."""
        if info.role != "counterpart":
            return
        for ms, _me, mk, _h in sorted(self.mentions, reverse=True):
            cl = self.clusters[mk]
            if ms < s and cl.kind == "person" and cl.role and cl.role != "counterpart":
                info.role, info.sector = cl.role, cl.sector or info.sector
                return

    def _media_before(self, i: int, role_at_end) -> _RoleInfo | None:
        """The media descriptor just before token i ("le quotidien libanais", "l'agence")."""
        p = i
        while p > 0 and self.keys[p - 1] in self.words.article:
            p -= 1
        hit = role_at_end.get(p) or role_at_end.get(i)
        if hit is not None and hit[1].kind == "media":
            return hit[1]
        return None

    def _apply_role(self, cl: _Cluster, info: _RoleInfo, s: int) -> None:
        cl.phrases.add(info.phrase)
        self._counterpart(info, s)
        self._fill_country(info, s)
        if cl.known and cl.role:
            return
        if cl.known:  # a well-known person whose table role does not hold at this date
            cl.role = info.role
            cl.sector = info.sector or cl.sector
            return
        if not (info.country or info.org_country or info.org or cl.country) and self._national(info):
            info.country = self._dominant_country()
        cl.role = cl.role or info.role
        cl.country = cl.country or info.country or info.org_country
        if info.org and not cl.org:
            cl.org = info.org
        cl.sector = cl.sector or info.sector
        if cl.country in ("EU", "IGO") and cl.sector == "GOV":
            cl.sector = "IGO"

    def _merge_cluster(self, src: str, dst: str) -> None:
        self.mentions = [(s, e, dst if k == src else k, h) for s, e, k, h in self.mentions]
        old = self.clusters.pop(src)
        d = self.clusters[dst]
        d.name_keys |= old.name_keys
        d.aliases += [a for a in old.aliases if a not in d.aliases]
        d.role, d.country, d.sector = d.role or old.role, d.country or old.country, d.sector or old.sector

    def _unnamed_role(self, rc: _Cand, info: _RoleInfo) -> None:
        s, e = self._chars(rc.i, rc.j)
        if info.kind == "state":
            if info.country is None:  # _role_info gives a state role no info without its country
                raise ValueError(f"a state role without its country: {info.row.get('pattern')!r}")
            self._mention(s, e, self._state_key(info.country), "role")
            return
        if info.kind == "media":
            return
        if info.kind in ("organisation", "group"):
            if not info.country and not info.org:
                return
            label = self.res.role_label.get(info.role, info.row["pattern"])
            cname = self.res.countries.get(info.country or "", {}).get("name", info.country or "")
            name = f"{label} ({cname})" if cname else label
            key = "grp:" + _name_key(name)
            if key not in self.clusters:
                self.clusters[key] = _Cluster("group" if info.kind == "group" else "organisation", name,
                                              info.country, info.sector, info.role)
            self._mention(s, e, key, "role")
            return
        # a person described by a role
        if info.indefinite:
            return
        self._counterpart(info, s)
        self._fill_country(info, s)
        country, role, org = info.country, info.role, info.org
        family = ROLE_FAMILY.get(role, (role,))
        best = None
        dominant = self._dominant_country()
        for k, cl in self.clusters.items():
            if cl.kind != "person" or not cl.role or cl.former:
                continue
            if info.opaque and info.phrase not in cl.phrases:
                continue  # an office of its own: only the same words name the same person
            if cl.role not in family and not (role == "leader" and cl.role in HEAD_ROLES) \
                    and not (role == "minister" and cl.role.endswith("minister")):
                continue
            if country and cl.country != country:
                continue
            if org and (not cl.org or _key(cl.org) != _key(org)):
                continue
            if not country and not org and not cl.country:
                continue
            before = [ms for ms, _me, mk, _h in self.mentions if mk == k and ms < s]
            if not before and not (country or org):
                continue  # a bare "le président" refers back, never forward
            score = (bool(before), bool(country or org) or cl.country == dominant,
                     max(before) if before else -min(ms for ms, _me, mk, _h in self.mentions if mk == k))
            if best is None or score > best[0]:
                best = (score, k)
        if best is not None:
            self._mention(s, e, best[1], "role")
            return
        if not info.former and not info.opaque and (country or org):
            row = self.res.known_for_role(role, country, org or info.seat_term, self.date)
            if row is not None:
                self._mention(s, e, self._known_key(row["name"]), "known")
                return
        if info.local and not country:
            name = " ".join(self._span_text(rc.i, rc.j).split())
            key = "local:" + _name_key(name)
            if key not in self.clusters:
                self.clusters[key] = _Cluster("person", name, None, info.sector, role + " (local)")
            self._mention(s, e, key, "role")
            return
        if not country and not org:
            country = self._dominant_country() if self._national(info) else None
            if not country:
                return
        cname = self.res.countries.get(country or "", {}).get("name", country or "")
        label = role + (f" of {org}" if org else "") + (f" ({cname})" if cname and not org else "")
        if info.opaque:
            label = " ".join(self._span_text(rc.i, rc.j).split())
        key = "role:" + ("former " if info.former else "") + label
        if key not in self.clusters:
            sector = "IGO" if country in ("EU", "IGO") and info.sector == "GOV" else info.sector
            self.clusters[key] = _Cluster("person", ("former " if info.former else "") + label, country,
                                          sector, role, org, former=info.former)
        self.clusters[key].phrases.add(info.phrase)
        self._mention(s, e, key, "role")

    @staticmethod
    def _national(info: _RoleInfo) -> bool:
        """A national office whose country, unsaid, is the article's ("le ministre", "le député"); not an
        office defined by an unread complement ("le président du conseil du CERN")."""
        return info.sector in NATIONAL_SECTORS and not info.local and not (info.opaque and info.row.get("org_role"))

    def _quote_spans(self) -> list[tuple[int, int]]:
        """Char spans of the text inside « … » and “ … ” (a quote left open ends at the paragraph)."""
        if self._quoted is None:
            text, out, pos = self.doc.text, [], 0
            while True:
                o = min((x for x in (text.find("\u00ab", pos), text.find("\u201c", pos)) if x >= 0), default=-1)
                if o < 0:
                    break
                close = "\u00bb" if text[o] == "\u00ab" else "\u201d"
                c, nl = text.find(close, o + 1), text.find("\n", o + 1)
                end = min(x for x in (c, nl, len(text)) if x >= 0)
                out.append((o, end))
                pos = end + 1
            self._quoted = out
        return self._quoted

    def _quoted_at(self, s: int) -> bool:
        spans = self._quote_spans()
        k = bisect_left(spans, (s + 1,)) - 1
        return k >= 0 and spans[k][0] < s < spans[k][1]

    def _dominant_country(self) -> str | None:
        """The article's main country: more than half of the country-bearing mentions, those inside
        quotations left out (a speaker's figure of speech, "une junte birmane", says nothing of where
        the story is)."""
        counts: dict[str, int] = {}
        for _s, _e, k, _h in self.mentions:
            if self._quoted_at(_s):
                continue
            cl = self.clusters.get(k)
            if cl and cl.country and len(cl.country) == 3 and cl.country not in ("IGO", "NGO", "MNC", "IMG"):
                counts[cl.country] = counts.get(cl.country, 0) + 1
        if not counts:
            return None
        top = max(counts, key=lambda c: counts[c])
        total = sum(counts.values())
        return top if counts[top] * 2 > total else None

    def _surname_sweep(self) -> None:
        covered = sorted((s, e) for s, e, _k, _h in self.mentions)
        starts = [s for s, _e in covered]
        surnames: dict[str, str] = {}
        for k, cl in self.clusters.items():
            if cl.kind == "person" and len(cl.tokens) > 1:
                for t in (cl.tokens[0], cl.tokens[-1]):
                    if len(t) >= 3:
                        surnames.setdefault(t, k)
        if not surnames:
            return
        for i in range(self.n):
            if self.keys[i] not in surnames or not self.texts[i][:1].isupper():
                continue
            tok = self.toks[i]
            if i + 1 < self.n and self.texts[i + 1][:1].isupper() and self.pos[i + 1] == "PROPN":
                continue
            s, e = tok.idx, tok.idx + len(tok.text)
            p = bisect_left(starts, e)
            if p > 0 and covered[p - 1][1] > s:
                continue
            if p < len(covered) and covered[p][0] < e:
                continue
            self._mention(s, e, surnames[self.keys[i]], "surname")

    # ------------------------------------------------------------------ output

    def _mention(self, s: int, e: int, key: str, how: str) -> None:
        self.mentions.append((s, e, key, how))
        cl = self.clusters[key]
        cl.last = max(cl.last, s)

    def _emit(self) -> None:
        doc = self.doc
        ids: dict[str, str] = {}
        actors: dict[str, Actor] = {}
        seen: set[tuple[int, int]] = set()
        out: list[ActorMention] = []
        for s, e, k, how in sorted(self.mentions, key=lambda m: (m[0], -m[1])):
            if (s, e) in seen:
                continue
            seen.add((s, e))
            cl = self.clusters[k]
            if k not in ids:
                canon = cl.name
                aid = stable_id("act", cl.kind, cl.country, _name_key(canon))
                ids[k] = aid
                if aid not in actors:
                    actors[aid] = Actor(aid, canon, [], cl.kind, cl.country, cl.sector, cl.role, cl.wikidata, 0)
            a = actors[ids[k]]
            text = doc.text[s:e]
            a.n_mentions += 1
            if text != a.name and text not in a.aliases and how in ("name", "alias", "surname", "metonymy"):
                a.aliases.append(text)
            out.append(ActorMention(s, e, text, ids[k], how))
        doc.actors = actors
        doc.actor_mentions = out


def actor_at(doc: Document, start: int, end: int) -> Actor | None:
    """The actor whose mention covers or is covered by [start, end) (innermost covering mention first).

    `doc.actor_mentions` is sorted by start, so a bisection finds the candidates (O(log n + k)).
    """
    ms = doc.actor_mentions
    if not ms:
        return None
    hi = bisect_left(ms, end, key=lambda m: m.start)
    best = None
    best_score = None
    k = hi - 1
    while k >= 0:
        m = ms[k]
        if m.end > start and m.start < end:
            covers = m.start <= start and m.end >= end
            covered = m.start >= start and m.end <= end
            if covers or covered:
                score = (covers, -(m.end - m.start) if covers else (m.end - m.start))
                if best_score is None or score > best_score:
                    best, best_score = m, score
        if start - m.start > 300:
            break
        k -= 1
    if best is None:
        return None
    return doc.actors.get(best.actor_id)
