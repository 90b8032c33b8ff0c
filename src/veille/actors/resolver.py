"""The `actors` stage: its tables (loaded once) and the lookup later stages use (`actor_at`)."""

from __future__ import annotations

import re
from bisect import bisect_left

from rapidfuzz import fuzz, process

from ..config import Settings
from ..models import Actor, Document
from ..resources import read_tsv
from ..stages import ActorsConfig
from .reader import DocReader
from .state import DocState
from .tables import ROLE_FAMILY, _acronym, _Entry, _key, _name_key, _split_alts, _Words


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
        DocReader(DocState(self, doc, sdoc)).run()
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
