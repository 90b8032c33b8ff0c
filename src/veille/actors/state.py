"""One document's reading state, shared by the reading rules: the token lists, the candidates
found so far, the actors under construction (clusters) and their mentions."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..models import Document
from .tables import _Entry, _key, _name_key, _split_alts

if TYPE_CHECKING:
    from .resolver import ActorResolver


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


class DocState:
    """The per-document state every rule reads and fills (the resolver's tables stay in `res`)."""

    def __init__(self, res: ActorResolver, doc: Document, sdoc: Any):
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
        self.cands_at_end: dict[int, list[_Cand]] = {}
        self._quoted: list[tuple[int, int]] | None = None  # char spans of « … » / “ … ” (read lazily)

    def span_text(self, i: int, j: int) -> str:
        return self.doc.text[self.toks[i].idx:self.toks[j - 1].idx + len(self.texts[j - 1])]

    def chars(self, i: int, j: int) -> tuple[int, int]:
        return self.toks[i].idx, self.toks[j - 1].idx + len(self.texts[j - 1])

    def head_of(self, i: int, j: int):
        """The syntactic head of tokens [i, j) (the token whose head lies outside)."""
        for t in range(i, j):
            h = self.toks[t].head.i
            if h < i or h >= j or h == t:
                return self.toks[t]
        return self.toks[i]

    def mention(self, s: int, e: int, key: str, how: str) -> None:
        self.mentions.append((s, e, key, how))
        cl = self.clusters[key]
        cl.last = max(cl.last, s)

    def state_key(self, iso: str) -> str:
        if iso == "EU":
            return self.org_key("Union européenne")
        if iso == "IGO":
            return self.org_key("Organisation des Nations unies")
        row = self.res.countries.get(iso)
        if iso not in self.clusters:
            if row is None:
                self.clusters[iso] = _Cluster("state", iso, iso, "GOV")
            else:
                self.clusters[iso] = _Cluster("state", row["name"], iso, "GOV", wikidata=row["wikidata"] or None,
                                              known=True)
        return iso

    def org_key(self, name: str) -> str:
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

    def known_key(self, name: str) -> str:
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

    def merge_cluster(self, src: str, dst: str) -> None:
        self.mentions[:] = [(s, e, dst if k == src else k, h) for s, e, k, h in self.mentions]
        old = self.clusters.pop(src)
        d = self.clusters[dst]
        d.name_keys |= old.name_keys
        d.aliases += [a for a in old.aliases if a not in d.aliases]
        d.role, d.country, d.sector = d.role or old.role, d.country or old.country, d.sector or old.sector

    def quote_spans(self) -> list[tuple[int, int]]:
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

    def quoted_at(self, s: int) -> bool:
        spans = self.quote_spans()
        k = bisect_left(spans, (s + 1,)) - 1
        return k >= 0 and spans[k][0] < s < spans[k][1]

    def dominant_country(self) -> str | None:
        """The article's main country: more than half of the country-bearing mentions, those inside
        quotations left out (a speaker's figure of speech, "une junte birmane", says nothing of where
        the story is)."""
        counts: dict[str, int] = {}
        for _s, _e, k, _h in self.mentions:
            if self.quoted_at(_s):
                continue
            cl = self.clusters.get(k)
            if cl and cl.country and len(cl.country) == 3 and cl.country not in ("IGO", "NGO", "MNC", "IMG"):
                counts[cl.country] = counts.get(cl.country, 0) + 1
        if not counts:
            return None
        top = max(counts, key=lambda c: counts[c])
        total = sum(counts.values())
        return top if counts[top] * 2 > total else None

    def guess_org(self, i: int, j: int) -> tuple[str | None, str | None]:
        sector = self.res.org_keywords.get(self.keys[i])
        country = None
        for t in range(i, j):
            if t in self.demonym:
                country = self.demonym[t]
                break
        return sector, country


class Rules:
    """Base of the reading rules: the document's state, and its token lists under short names
    (the rules read them in every loop; they are the state's own lists, never rebound)."""

    def __init__(self, st: DocState):
        self.st = st
        self.res, self.words, self.doc, self.sdoc = st.res, st.words, st.doc, st.sdoc
        self.toks, self.texts, self.pos, self.keys, self.name_keys, self.n = (
            st.toks, st.texts, st.pos, st.keys, st.name_keys, st.n)
        self.clusters, self.mentions, self.demonym, self.predicates = st.clusters, st.mentions, st.demonym, st.predicates
        self.cands_at, self.cands_at_end, self.gaz_at = st.cands_at, st.cands_at_end, st.gaz_at
        self.date = st.date
