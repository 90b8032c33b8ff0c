"""The `geo` stage: find place mentions and resolve them with the offline gazetteer.

Detection
  1. a gazetteer scan over the tokens (longest match first, up to 6 tokens), which finds what the
     NER misses or mislabels ("cosmodrome de Vostotchny" → MISC, "Washington" → PER); a match
     must end on a capitalised token and be read under its own name (no alternate spelling);
  2. spaCy's LOC/GPE entities (any gazetteer reading allowed), and MISC/ORG/PER entities whose whole
     text is a place name;
  3. spans covered by an actor mention with `how == "metonymy"` ("Moscou a annoncé…": the actors
     stage decided the city acts as a government) are not places;
  4. a capital noun with a country adjective ("la capitale malienne", `capital_noun` in
     geo_cues.tsv) is a mention of that country's capital (GeoNames' capital: Bamako).

Resolution: every candidate reading gets a score from its kind (country > site > curated region >
other subdivision; cities by population), capitals, how the name matched (French exonym > own name >
alternate name), the preposition before it ("à" → city, "en"/"au" → country or region), local cues
(a country adjective just before: "la ville russe de …"; an apposition after: "Paris, Texas",
"Tartous (Syrie)") and the document's countries (actors' countries, country adjectives, the other
places read with confidence), computed in a first pass and reused in a second. A name that is a
country's own name never resolves to a city or a site.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial

from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER
from spacy.strings import get_string_id

from ..config import Settings
from ..models import Document, Location, PlaceMention, fold
from ..nlp import TokenColumns
from ..resources import read_tsv
from ..stages import GeoConfig
from .event_location import locate_event
from .gazetteer import Q_NAME, Gazetteer, NormText, Place, _inflect, norm, norm_table
from .ranking import ToponymRanker, _prev_word

_DE_AFTER = re.compile(r"\s+(?:(?:de|du|des)(?:\s|$)|d['’])", re.IGNORECASE)
_CONJUNCT = re.compile(r"([\w’']+)\s+[A-ZÉÈ][\w’'-]*(?:\s+[A-ZÉÈ][\w’'-]*)?\s+et\s*$")
PLACE_LABELS = {"LOC", "GPE"}
OTHER_LABELS = {"MISC", "ORG", "PER"}
MAX_NGRAM = 6


@dataclass
class _Span:
    start: int
    end: int
    source: str  # scan | ner | ner-other
    label: str | None = None
    cands: list[tuple[Place, int]] = field(default_factory=list)
    best: Place | None = None
    confident: bool = False


class Geoparser:
    """Stage `geo`: fills `doc.places`. `resolve(doc, start, end)` reads one given span."""

    name = "geo"

    def __init__(self, settings: Settings | None = None, *, gazetteer: Gazetteer | None = None,
                 keep_unresolved: bool | None = None):
        """`keep_unresolved` (default: the `[stage.geo]` setting) overrides the config."""
        self.settings = settings or Settings()
        self.config = GeoConfig.from_settings(self.settings)
        if keep_unresolved is not None:
            self.config = replace(self.config, keep_unresolved=keep_unresolved)
        self.gaz = gazetteer or Gazetteer(self.settings.lang, lexicon_dir=self.settings.lexicon_dir)
        self.keep_unresolved = self.config.keep_unresolved
        #: the event-location lookup this stage attaches to each document (`Document.lookups`)
        self.event_place = partial(locate_event, lexicon_dir=self.settings.lexicon_dir)
        cues = self.gaz.cues
        self.determiners = cues.get("determiner", set())
        self.place_nouns = cues.get("place_noun", set()) | cues.get("site_noun", set())
        self.building_nouns = cues.get("building_noun", set())
        self.feature_nouns = cues.get("feature_noun", set())
        self.admin_nouns = {w.lower() for w in cues.get("admin_noun", set())}
        # "la capitale malienne" -> Bamako
        self.capital_nouns = {w.lower() for w in cues.get("capital_noun", set())}
        self.connectors = cues.get("name_connector", set())
        self.preps = cues.get("locative", set()) | cues.get("direction", set()) | {"pres de"}
        self._adj_lower = dict(self.gaz.adjectives)  # folded forms, plus the accented ones as written
        for row in read_tsv(self.gaz.lang, "geo_adjectives.tsv", lexicon_dir=self.settings.lexicon_dir):
            for f in [row["adjective"], *[x for x in row.get("forms", "").split("|") if x]]:
                self._adj_lower[f.lower()] = row["country"]
            if not row.get("forms"):
                for f in _inflect(row["adjective"]):
                    self._adj_lower[f.lower()] = row["country"]
        # the same, keyed by spaCy's string hash: a document's LOWER column is read as one array
        self._adj_lower_ids = {get_string_id(w): c for w, c in self._adj_lower.items()}
        self._first_word_set: frozenset[str] | None = None
        self._norm_table = norm_table()
        # word form -> whether some gazetteer name starts with it (kept across documents)
        self._starts_name: dict[str, bool] = {}
        self.ranker = ToponymRanker(self.gaz, self.admin_nouns, self._candidates)

    # ------------------------------------------------------------------ stage

    def __call__(self, doc: Document) -> Document:
        spans = self._detect(doc)
        ev = self._evidence(doc, spans)
        resolved: list[tuple[_Span, Place | None]] = []
        for sp in spans:
            if self._building(doc, sp.start, sp.end):
                resolved.append((sp, None))
                continue
            own = ev_of(sp) if sp.confident else None
            resolved.append((sp, self.ranker.choose(doc, sp.start, sp.end, sp.cands, ev, exclude=own)))
        places: list[PlaceMention] = []
        for sp, best in resolved:
            raw = doc.text[sp.start:sp.end]
            if best is not None:
                places.append(PlaceMention(sp.start, sp.end, raw, best.location(raw)))
            elif self._building(doc, sp.start, sp.end):
                loc = self._contained(doc, sp.start, sp.end, resolved) or self._country_only(raw, ev)
                if loc is not None or self.keep_unresolved:
                    places.append(PlaceMention(sp.start, sp.end, raw, loc))
            elif sp.source == "ner" and self.keep_unresolved and not sp.cands and \
                    _prev_word(doc.text, sp.start) in self.preps:
                places.append(PlaceMention(sp.start, sp.end, raw, self._country_only(raw, ev)))
        capitals = self._capital_phrases(doc, places)
        if capitals:
            places = sorted(places + capitals, key=lambda p: p.start)
        doc.places = places
        doc.lookups.event_place = self.event_place  # later stages place their events with it
        return doc

    def _capital_phrases(self, doc: Document, places: list[PlaceMention]) -> list[PlaceMention]:
        """"la capitale malienne", "la capitale britannique": the capital of the adjective's country,
        as newswriting names a city it has named before (or not at all)."""
        cols = doc.token_columns
        if cols is None or not any(noun in doc.text for noun in self.capital_nouns):
            return []
        out = []
        texts, idx = cols.text, cols.idx
        for i in range(len(texts) - 1):
            if texts[i].lower() not in self.capital_nouns:
                continue
            country = self._adj_lower.get(texts[i + 1].lower())
            place = self.gaz.capital(country)
            start, end = idx[i], idx[i + 1] + len(texts[i + 1])
            if place is None or any(p.start < end and start < p.end for p in places):
                continue
            raw = doc.text[start:end]
            out.append(PlaceMention(start, end, raw, place.location(raw)))
        return out

    def pipe(self, docs):
        for doc in docs:
            yield self(doc)

    def resolve(self, doc: Document, start: int, end: int) -> Location | None:
        """Resolve the span doc.text[start:end] as a place, in the context of the whole document."""
        spans = self._detect(doc)
        ev = self._evidence(doc, spans)
        raw = doc.text[start:end]
        if self._building(doc, start, end):
            resolved = [(sp, sp.best) for sp in spans if not self._building(doc, sp.start, sp.end)]
            return self._contained(doc, start, end, resolved) or self._country_only(raw, ev)
        own = None
        for sp in spans:
            if sp.start == start and sp.end == end and sp.confident:
                own = ev_of(sp)
        cands = self._candidates(raw)
        best = self.ranker.choose(doc, start, end, cands, ev, exclude=own)
        if best is None:
            return self._country_only(raw, ev)
        return best.location(raw)

    def _country_only(self, raw: str, ev: Mapping[str, float]) -> Location | None:
        """A place unknown to the gazetteer is placed in the country the document is mostly about
        (at least half of the country evidence, from two pieces or more), without coordinates."""
        total = sum(v for v in ev.values() if v > 0)
        if total < 2:
            return None
        country, v = max(ev.items(), key=lambda kv: kv[1])
        if v / total < 0.5:
            return None
        return Location(name=raw, country=country, precision=None, raw=raw)

    # ------------------------------------------------------------------ buildings and streets

    def _building(self, doc: Document, start: int, end: int) -> bool:
        """A named building or street ("l'église Saint-Georges", "rue de la Loi")?"""
        first = fold(doc.text[start:end].split(" ", 1)[0])
        if first in self.building_nouns or first in self.feature_nouns:
            return True
        prev = _prev_word(doc.text, start)
        if prev == "et":
            # "l'église Saint-Pierre et Saint-Paul": the noun before the first conjunct
            m = _CONJUNCT.search(doc.text[max(0, start - 80):start])
            if m:
                prev = fold(m.group(1).replace("’", "'").split("'")[-1])
        return prev in self.building_nouns or prev in self.feature_nouns

    def _contained(self, doc: Document, start: int, end: int, resolved) -> Location | None:
        """A building or street gets the point of the town it is in: the nearest town named in its
        sentence (after it first: "l'église Saint-Georges, située à Tanta"), else the document's most
        named town. Natural features ("monts Mandara") are not located this way."""
        first = fold(doc.text[start:end].split(" ", 1)[0])
        if first in self.feature_nouns or _prev_word(doc.text, start) in self.feature_nouns:
            return None
        sent = doc.sentence_at(start)
        s0, s1 = (sent.start, sent.end) if sent else (0, len(doc.text))
        towns = [(sp, p) for sp, p in resolved if p is not None and p.kind == "city"]
        after = [(sp.start - end, p) for sp, p in towns if s0 <= sp.start and sp.start >= end and sp.end <= s1]
        before = [(start - sp.end, p) for sp, p in towns if sp.start >= s0 and sp.end <= start]
        town = None
        if after:
            town = min(after, key=lambda x: x[0])[1]
        elif before:
            town = min(before, key=lambda x: x[0])[1]
        elif towns:
            counts = Counter(p.key for _, p in towns)
            key = counts.most_common(1)[0][0]
            town = next(p for _, p in towns if p.key == key)
        if town is None:
            return None
        raw = doc.text[start:end]
        return Location(name=f"{raw} ({town.name})", country=town.country, lat=town.lat, lon=town.lon,
                        precision="city", admin1=town.admin1, feature_class="S", raw=raw)

    # ------------------------------------------------------------------ detection

    def _candidates(self, text: str) -> list[tuple[Place, int]]:
        key = norm(text.strip(" ,.;:!?«»\"()"))
        cands = self.gaz.lookup_key(key)
        if cands:
            return cands
        words = key.split()
        while words and words[0] in self.determiners | {"l", "d", "de", "du", "des", "au", "aux", "a", "en"}:
            words = words[1:]
            cands = self.gaz.lookup_key(" ".join(words))
            if cands:
                return cands
        return []

    def _match_span(self, text: str, start: int, end: int) -> tuple[int, int, list[tuple[Place, int]]]:
        """Gazetteer readings of text[start:end]; a leading article or preposition is dropped if needed."""
        cands = self.gaz.lookup_key(norm(text[start:end]))
        if cands:
            return start, end, cands
        s = start
        for _ in range(2):
            low = text[s:end].lower().replace("’", "'")
            for art in ("l'", "d'", "la ", "le ", "les ", "de ", "du ", "des ", "au ", "aux ", "en ", "à "):
                if low.startswith(art) and end - s > len(art) + 1:
                    s += len(art)
                    while s < end and text[s].isspace():
                        s += 1
                    cands = self.gaz.lookup_key(norm(text[s:end]))
                    if cands:
                        return s, end, cands
                    break
            else:
                break
        return start, end, []

    def _detect(self, doc: Document) -> list[_Span]:
        blocked = [(m.start, m.end) for m in doc.actor_mentions if m.how == "metonymy"]
        scan = self._scan(doc)
        ents = [e for e in doc.entities if e.label in PLACE_LABELS | OTHER_LABELS]
        spans: list[_Span] = []
        taken: list[tuple[int, int]] = []

        def overlaps(a: int, b: int, pool) -> bool:
            return any(a < e and s < b for s, e in pool)

        # NER place entities that resolve, unless a longer scan match covers them
        ner_spans: list[_Span] = []
        for e in ents:
            start, end = _trim(doc.text, e.start, e.end)
            if start >= end:
                continue
            start, end, cands = self._match_span(doc.text, start, end)
            if e.label in PLACE_LABELS:
                if not cands and not doc.text[start:start + 1].isupper():
                    continue
                ner_spans.append(_Span(start, end, "ner", e.label, cands))
            elif cands and self._other_ok(doc, start, end, e.label, cands):
                ner_spans.append(_Span(start, end, "ner-other", e.label, cands))
        other_ents = [(e.start, e.end) for e in ents if e.label in OTHER_LABELS]
        per_starts = {e.start for e in ents if e.label == "PER"}
        for sp in scan:
            # inside a longer name: a person's ("George Washington") or one that does not name the place
            # with "de" ("Projet Montréal") is no place mention; "l'attentat de Nice", "la police de
            # l'État de Victoria", "l'Open d'Australie" do mention the place
            inside = [(s, e) for s, e in other_ents if s <= sp.start and sp.end <= e and (s, e) != (sp.start, sp.end)]
            if any(s == sp.start and _DE_AFTER.match(doc.text, sp.end, e) for s, e in inside):
                continue  # the head noun of a longer name: "la Mission de la Ligue arabe" (Mission, Texas)
            if inside and not any(n.start == sp.start and n.end == sp.end for n in ner_spans):
                prev_start = sp.start
                if _prev_word(doc.text, prev_start) in ("l'", "la", "le", "les"):
                    prev_start = doc.text.rfind(" ", 0, max(0, prev_start - 2)) + 1
                    prev_start = min(prev_start, sp.start)
                    prev_start = prev_start if doc.text[prev_start:sp.start].strip() else sp.start
                if any(s in per_starts for s, _ in inside) or _prev_word(doc.text, prev_start) not in (
                        "de", "d'", "du", "des"):
                    continue
            # a resolved NER entity strictly containing the match wins
            if any(n.start <= sp.start and sp.end <= n.end and (n.end - n.start) > (sp.end - sp.start)
                   and n.cands for n in ner_spans):
                continue
            spans.append(sp)
            taken.append((sp.start, sp.end))
        for n in ner_spans:
            if overlaps(n.start, n.end, taken):
                continue
            spans.append(n)
            taken.append((n.start, n.end))
        # surnames of the persons of the document ("François Hollande" … "Hollande convoque")
        surnames = {fold(e.text.split()[-1]) for e in doc.entities if e.label == "PER" and len(e.text.split()) > 1}
        surnames |= {fold(a.name.split()[-1]) for a in doc.actors.values()
                     if a.kind == "person" and len(a.name.split()) > 1}
        spans = [s for s in spans if not overlaps(s.start, s.end, blocked)
                 and not self._person_alias(doc, s.start, s.end)
                 and fold(doc.text[s.start:s.end]) not in surnames]
        spans.sort(key=lambda s: s.start)
        return spans

    def _person_alias(self, doc: Document, start: int, end: int) -> bool:
        """True when the span is (part of) how the actors stage refers to a person with a different name
        ("Hollande" for François Hollande)."""
        text = fold(doc.text[start:end])
        for m in doc.actor_mentions:
            if m.start <= start and end <= m.end:
                actor = doc.actors.get(m.actor_id)
                if actor is not None and actor.kind == "person" and fold(actor.name) != text:
                    return True
        return False

    def _other_ok(self, doc: Document, start: int, end: int, label: str, cands: list[tuple[Place, int]]) -> bool:
        """A MISC/ORG/PER entity counts as a place if its whole text is a well-known place name, or a
        place name introduced by a locative preposition ("avançant vers Tall Afar"); never when it
        is the short form of a person's longer name ("Hollande" for François Hollande)."""
        after_prep = _prev_word(doc.text, start) in self.preps
        for p, q in cands:
            if q < Q_NAME:
                continue
            if label == "PER" and p.kind == "country" and not after_prep:
                continue
            if p.kind in ("country", "site") or (p.kind in ("admin1", "region") and p.curated):
                return True
            if p.kind == "city" and (p.population >= 100_000 or after_prep):
                return True
        return False

    def _scan(self, doc: Document) -> list[_Span]:
        sdoc = doc.spacy_doc
        if sdoc is None:
            return []
        # token attributes read once, as lists (no spaCy Token objects): the n-gram loop below
        # looks at each token up to MAX_NGRAM times
        text = doc.text
        if doc.token_columns is None:  # a parse not made by the nlp stage: read it once, keep it
            doc.token_columns = TokenColumns(sdoc, text)
        cols = doc.token_columns
        starts, texts = cols.idx, cols.text
        n = len(texts)
        rows = sdoc.to_array([IS_SPACE, IS_PUNCT]).tolist() if n else []
        punct = [bool(r[1]) for r in rows]
        skip = [bool(r[0] or r[1]) or not x[:1].isalpha() for r, x in zip(rows, texts, strict=True)]
        capital = [x[:1].isupper() or x[:1].isdigit() for x in texts]
        first_words = self._first_words()
        keys = NormText(text, self._norm_table)
        # the mapping is context-free: a word's key is the same at every occurrence, in every page
        starts_name = self._starts_name
        if len(starts_name) > 500_000:
            starts_name.clear()
        for t, x in enumerate(texts):
            if x not in starts_name:
                s = starts[t]
                starts_name[x] = keys.key(s, s + len(x)).split(" ", 1)[0] in first_words
        out: list[_Span] = []
        i = 0
        while i < n:
            if skip[i] or not starts_name[texts[i]]:
                i += 1  # no gazetteer name starts with this word
                continue
            matched = 0
            for k in range(min(MAX_NGRAM, n - i), 0, -1):
                j = i + k - 1
                if not capital[j]:
                    continue
                s, e = starts[i], starts[j] + len(texts[j])
                chunk = text[s:e]
                if "\n" in chunk:
                    continue
                key = keys.key(s, e)
                if not self.gaz.has_key(key):
                    continue
                cands = self.gaz.lookup_key(key)
                if self._scan_ok(sdoc, i, texts[i:i + k], punct[i:i + k], cands):
                    out.append(_Span(s, e, "scan", None, cands))
                    matched = k
                    break
            i += matched or 1
        return out

    def _first_words(self) -> frozenset[str]:
        """The first word of every gazetteer key (built on first use)."""
        if self._first_word_set is None:
            self._first_word_set = frozenset(k.split(" ", 1)[0] for k in self.gaz.index)
        return self._first_word_set

    def _scan_ok(self, sdoc, i: int, texts: list[str], punct: list[bool], cands: list[tuple[Place, int]]) -> bool:
        """Whether the n-gram of tokens i… (`texts`, `punct`) found in the gazetteer names a place."""
        words = [w for w, p in zip(texts, punct, strict=True) if not p]
        content = [w for w in words if fold(w) not in self.connectors]
        if not content or not any(w[:1].isupper() for w in content):
            return False
        first = sdoc[i]
        good = [(p, q) for p, q in cands if q >= Q_NAME and (p.kind != "city" or p.population >= 15_000)]
        if not good:
            return False
        lower_first = not first.text[:1].isupper()
        if lower_first:
            # "cosmodrome de Vostotchny", "mer Noire": only curated names may start lower-case
            return any(p.curated for p, _ in good)
        if len(content) == 1:
            # a single capitalised word: sentence-initial common words ("Nice", "Orange") need care
            strong = [p for p, _ in good if p.kind not in ("city", "admin2") or p.population >= 50_000 or p.capital]
            if not strong:
                return False
            if first.is_sent_start and all(p.kind == "city" for p in strong) and first.pos_ not in ("PROPN",):
                return False
        return True

    # ------------------------------------------------------------------ context

    def _evidence(self, doc: Document, spans: list[_Span]) -> dict[str, float]:
        # country → weight (a dict, not a Counter: typeshed's Counter holds ints)
        ev: dict[str, float] = {}
        for actor in doc.actors.values():
            c = actor.country
            if c and len(c) == 3 and c.isupper() and self.gaz.country(c) is not None:
                ev[c] = ev.get(c, 0.0) + 1.0
        sdoc = doc.spacy_doc
        if sdoc is not None:
            lower = self._adj_lower_ids
            adjs = Counter(lower[h] for h in sdoc.to_array([LOWER]).tolist() if h in lower)
            for c, k in adjs.items():
                ev[c] = ev.get(c, 0.0) + 0.5 * min(k, 4)
        # first pass: places readable without document context
        for sp in spans:
            best, margin = self.ranker.rank(doc, sp.start, sp.end, sp.cands, Counter())
            sp.best = best
            country = best.country if best is not None else None
            sp.confident = country is not None and margin >= 1.0
            if sp.confident and country is not None:
                ev[country] = ev.get(country, 0.0) + 1.0
        return ev

def ev_of(sp: _Span) -> tuple[str, float] | None:
    if sp.best is None or sp.best.country is None:
        return None
    return sp.best.country, 1.0


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip surrounding spaces/punctuation and a leading article from an entity span."""
    while start < end and (text[start].isspace() or text[start] in "«»\"'(,.;:-–—"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "«»\"'),.;:-–—"):
        end -= 1
    return start, end
