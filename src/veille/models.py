"""Shared data classes: every stage reads and writes these.

A `Document` is born in `ingest` (raw text plus metadata), filled in by `clean`
(title, byline, body, removed lines, language), and then annotated in place by
the later stages (sentences, entities, actors, timexes, places, event mentions,
quotes). All character offsets index into `Document.text`, the cleaned body.

Records have `to_dict()` producing exactly the JSON shapes of `docs/contract.md`
and `from_dict()` for the way back (store, shards, tests).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, overload

FACTUALITIES = ("asserted", "negated", "hypothetical", "planned", "claimed", "historical")
PRECISIONS = ("day", "month", "year", "week", "season", "quarter", "decade", "century")

EVENT_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE",  # verbal cooperation
    "COOPERATE", "AID", "RETREAT",  # material cooperation
    "REQUEST", "ACCUSE", "REJECT", "THREATEN",  # verbal conflict
    "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",  # material conflict
)
QUAD_CLASS = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal-cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), "material-cooperation"),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), "verbal-conflict"),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), "material-conflict"),
}


def stable_id(prefix: str, *parts: object, length: int = 16) -> str:
    """A deterministic id from the given parts (content hash), e.g. `ev_3f2a…`."""
    h = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return f"{prefix}_{h.hexdigest()[:length]}"


def normalise_for_hash(text: str) -> str:
    """Body text normalised for the article id: NFC, whitespace collapsed, case kept."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophe-normalised form used for lexicon lookups."""
    if text.isascii():  # the common case (most tokens): no accents, no typographic apostrophes
        return text.lower().replace("`", "'")
    # European text: one table lookup per character, exact because lower() and NFKD work
    # character by character below U+3000 — except the Greek capital sigma (final form)
    if max(text) < "\u3000" and "\u03a3" not in text:
        return text.translate(_fold_table())
    return _fold_slow(text)


def fold_each_char(text: str) -> str:
    """`fold` of each character cut to one character (one that folds to nothing stays as it is),
    so that offsets into the result are offsets into `text`."""
    if max(text, default=" ") < "\u3000":
        return text.translate(_fold_char_table())
    return "".join((fold(c) or c)[:1] for c in text)


@functools.cache
def _fold_char_table() -> dict[int, str]:
    return {i: (_fold_slow(chr(i)) or chr(i))[:1] for i in range(0x3000)}


def _fold_slow(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _fold_table() -> dict[int, str]:
    """`_fold_slow` of every character below U+3000 (a constant, built on first use)."""
    return {i: _fold_slow(chr(i)) for i in range(0x3000)}


def _plain(value: Any) -> Any:
    """A record field as plain JSON-ready data (nested records become dicts, containers are copied)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return copy.deepcopy(value)


class Record:
    """Mixin: `to_dict` / `from_dict` for (nested) dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        # what dataclasses.asdict gives, without its deep copy of every leaf value (a third of the
        # store's write time): leaves here are str/int/float/bool/None, containers are rebuilt
        return {name: _plain(getattr(self, name)) for name in self.__dataclass_fields__}  # type: ignore[attr-defined]

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None):
        if data is None:
            return None
        return _from_fields(cls, data)


def _from_fields(cls: Any, data: dict[str, Any]) -> Any:
    """`cls` built from the keys of `data` that are its init fields (others, from older or newer
    records, are ignored)."""
    names = _names_of(cls)
    return cls(**{k: v for k, v in data.items() if k in names})


@functools.cache
def _names_of(cls: Any) -> frozenset[str]:
    """A record class's init fields (`dataclasses.fields` builds a tuple on every call: 5 % of a
    full merge's time went there)."""
    return frozenset(f.name for f in fields(cls))


# --------------------------------------------------------------------------- dates


@dataclass
class Published(Record):
    """An article's own date and how it was found (contract: articles.published)."""

    value: str | None = None
    precision: str | None = None
    method: str | None = None  # metadata | text | cross-document | None


@dataclass
class DateValue(Record):
    """When an event happened (contract: events.date). `end` is set for ranges."""

    value: str | None = None
    precision: str | None = None
    end: str | None = None
    #: where the date comes from: "text" (an expression attached to the event or in its sentence),
    #: "context" (the day the paragraph's narrative is at), "reported" (no date in the text: `value`
    #: is the reporting article's date), "cross-document" (another article's dated report), "merged"
    #: (an event's date voted from its mentions); None when unknown (older stores)
    basis: str | None = None


@dataclass
class DateLink(Record):
    """What the parse says about dating one trigger (`veille.dating.date_link`), kept with the document so
    that dating it again later (a date found by the merge) picks the same expressions without a parse."""

    start: int
    end: int
    tense: str | None = None  # "past" | "future" | None: the trigger's clause
    #: [timex start, timex end, head-chain length] for each date/time expression of the sentence whose
    #: dependency head chain reaches the trigger
    attached: list[list[int]] = field(default_factory=list)


@dataclass
class Timex(Record):
    """A temporal expression found in the text.

    `value` is the ISO-TimeML value (`2023-09-13`, `2023-09`, `2023-W37`, `P6D`,
    `XXXX-WXX-2`…); `date` is the calendar resolution used by events (ISO date or
    None for durations and unanchored values) with its `precision`.
    """

    start: int
    end: int
    text: str
    type: str = "DATE"  # DATE | TIME | DURATION | SET
    value: str | None = None
    date: str | None = None
    precision: str | None = None
    end_date: str | None = None  # ranges: last day covered
    anchor: str | None = None  # the date relative expressions were resolved against
    rule: str | None = None  # which rule produced it (for debugging / annotate)
    direction: str | None = None  # past | future | None (tense-aware weekdays)


# --------------------------------------------------------------------------- text layers


@dataclass
class RemovedLine(Record):
    line: str
    reason: str


@dataclass
class Sentence(Record):
    start: int
    end: int
    text: str


@dataclass
class Entity(Record):
    start: int
    end: int
    text: str
    label: str  # spaCy label (PER, ORG, LOC, MISC) possibly corrected by a later stage


# --------------------------------------------------------------------------- actors


@dataclass
class Actor(Record):
    """A canonical actor (contract: actors.jsonl)."""

    actor_id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "person"  # person | organisation | state | group
    country: str | None = None  # ISO3 or PLOVER code (IGO, NGO, …)
    sector: str | None = None  # PLOVER sector: GOV, MIL, REB, …
    role: str | None = None
    wikidata: str | None = None
    n_mentions: int = 0

    def ref(self) -> ActorRef:
        return ActorRef(
            name=self.name, country=self.country, sector=self.sector, role=self.role,
            wikidata=self.wikidata, actor_id=self.actor_id,
        )


def fold_actor(data: dict[str, Any] | None, actor: Actor, n: int) -> dict[str, Any]:
    """The actors.jsonl record of an actor after one more article names it `n` times: `data` is the
    record so far (None: first article, in ingest order), `actor` that article's reading. Aliases
    accumulate, empty fields fill, mentions add up (the store and the Spark merge both fold with it)."""
    if data is None:
        data = actor.to_dict()
        data["n_mentions"] = n
        return data
    data = dict(data)
    aliases = list(dict.fromkeys([*data.get("aliases", []), *actor.aliases]))
    data["aliases"] = sorted(a for a in aliases if a != data.get("name"))
    for key in ("role", "wikidata", "country", "sector"):
        if not data.get(key) and getattr(actor, key):
            data[key] = getattr(actor, key)
    data["n_mentions"] = data["n_mentions"] + n
    return data


def actor_counts(doc: Document) -> dict[str, int]:
    """actor id → how many times the document names it (its actor mentions, else the actor's count)."""
    counts: dict[str, int] = {}
    for m in doc.actor_mentions:
        counts[m.actor_id] = counts.get(m.actor_id, 0) + 1
    return {actor_id: counts.get(actor_id, actor.n_mentions or 0) for actor_id, actor in doc.actors.items()}


@dataclass
class ActorRef(Record):
    """An actor as embedded in events, mentions and quotes (contract: events.source)."""

    name: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    wikidata: str | None = None
    actor_id: str | None = None


@dataclass
class ActorMention(Record):
    """A span of text that refers to an actor."""

    start: int
    end: int
    text: str
    actor_id: str
    how: str = "name"  # name | surname | role | metonymy | demonym | alias | known


# --------------------------------------------------------------------------- places


@dataclass
class Location(Record):
    """A resolved place (contract: events.location), plus gazetteer details."""

    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    precision: str | None = None  # country | admin1 | city | site
    admin1: str | None = None
    feature_class: str | None = None
    raw: str | None = None  # the string as written in the text


@dataclass
class PlaceMention(Record):
    start: int
    end: int
    text: str
    location: Location | None = None

    @classmethod
    def from_dict(cls, data):
        if data is None:
            return None
        return cls(data["start"], data["end"], data["text"], Location.from_dict(data.get("location")))


# --------------------------------------------------------------------------- events & quotes


@dataclass
class EventMention(Record):
    """One report of an event in one sentence (contract: mentions.jsonl)."""

    mention_id: str
    article_id: str
    type: str
    trigger: str
    sentence: str
    char_start: int  # evidence sentence span in Document.text
    char_end: int
    trigger_start: int = -1
    trigger_end: int = -1
    mode: str | None = None
    contexts: list[str] = field(default_factory=list)
    source: list[ActorRef] = field(default_factory=list)
    target: list[ActorRef] = field(default_factory=list)
    date: DateValue | None = None
    location: Location | None = None
    factuality: str = "asserted"
    claimed_by: ActorRef | None = None
    confidence: float = 0.5
    numbers: dict[str, float] = field(default_factory=dict)  # e.g. {"killed": 12}
    event_id: str | None = None

    @classmethod
    def from_dict(cls, data):
        if data is None:
            return None
        d = dict(data)
        d["source"] = [ActorRef.from_dict(a) for a in d.get("source") or []]
        d["target"] = [ActorRef.from_dict(a) for a in d.get("target") or []]
        d["date"] = DateValue.from_dict(d.get("date"))
        d["location"] = Location.from_dict(d.get("location"))
        d["claimed_by"] = ActorRef.from_dict(d.get("claimed_by"))
        return _from_fields(cls, d)


@dataclass
class Quote(Record):
    quote_id: str
    article_id: str
    text: str
    direct: bool
    char_start: int
    char_end: int
    speaker: ActorRef | None = None
    date: str | None = None

    @classmethod
    def from_dict(cls, data):
        if data is None:
            return None
        d = dict(data)
        d["speaker"] = ActorRef.from_dict(d.get("speaker"))
        return _from_fields(cls, d)


@dataclass
class Contradiction(Record):
    field: str
    values: list[Any]
    mention_ids: list[str]


@dataclass
class Event(Record):
    """A real-world event: one or more mentions merged (contract: events.jsonl)."""

    event_id: str
    type: str
    mode: str | None = None
    contexts: list[str] = field(default_factory=list)
    source: list[ActorRef] = field(default_factory=list)
    target: list[ActorRef] = field(default_factory=list)
    date: DateValue | None = None
    location: Location | None = None
    factuality: str = "asserted"
    claimed_by: ActorRef | None = None
    confidence: float = 0.5
    n_mentions: int = 1
    n_sources: int = 1
    first_reported: str | None = None
    contradictions: list[Contradiction] = field(default_factory=list)
    story_id: str | None = None
    mention_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data):
        if data is None:
            return None
        d = dict(data)
        d["source"] = [ActorRef.from_dict(a) for a in d.get("source") or []]
        d["target"] = [ActorRef.from_dict(a) for a in d.get("target") or []]
        d["date"] = DateValue.from_dict(d.get("date"))
        d["location"] = Location.from_dict(d.get("location"))
        d["claimed_by"] = ActorRef.from_dict(d.get("claimed_by"))
        d["contradictions"] = [Contradiction.from_dict(c) for c in d.get("contradictions") or []]
        return _from_fields(cls, d)


@dataclass
class Story(Record):
    story_id: str
    title: str
    article_ids: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    actors: list[str] = field(default_factory=list)
    follows: str | None = None  # an earlier story this one continues


# --------------------------------------------------------------------------- the document


@dataclass
class RawDocument:
    """What `ingest` yields: text decoded to str plus whatever metadata the input carried."""

    source_path: str
    text: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date string from metadata, if any
    byline: str | None = None
    language: str | None = None
    fetched: str | None = None  # crawl date (WARC-Date), not the publication date
    is_html_extract: bool = False  # text already extracted by trafilatura (no line cleaning needed)


# Fields of Document that are annotations rather than article fields.
ANNOTATION_FIELDS = ("sentences", "entities", "actors", "actor_mentions", "timexes", "places",
                     "mentions", "quotes", "date_links")


@dataclass
class DocumentLookups:
    """Cross-stage lookups a stage attaches to the Document it has read, for later stages to ask.

    Each is `(doc, start, end) -> answer | None` about the span `doc.text[start:end]`, or None when
    its owner has not run on this document (a later stage then goes without: no actor, no date, no
    place from that owner). Never stored: a Document loaded from the store has none (the merge's
    re-dating calls `veille.dating.attach_date` itself).
    """

    #: the `actors` stage: the actor whose mention covers or is covered by the span (`veille.actors.actor_at`)
    actor_at: Callable[[Document, int, int], Actor | None] | None = None
    #: the `timex` stage: the date of the event whose trigger is the span (`veille.dating.attach_date`)
    event_date: Callable[[Document, int, int], DateValue | None] | None = None
    #: the `geo` stage: where the event whose trigger is the span happened (`veille.geo.locate_event`)
    event_place: Callable[[Document, int, int], Location | None] | None = None


@dataclass
class Document(Record):
    """An article and every stage's reading of it."""

    article_id: str
    source_path: str
    text: str
    raw_text: str = ""
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    byline: str | None = None
    credit: str | None = None  # "Avec AFP", "X, Associated Press"
    language: str | None = None
    fetched: str | None = None  # crawl date when the input was a WARC record
    published: Published = field(default_factory=Published)
    removed_lines: list[RemovedLine] = field(default_factory=list)
    duplicate_of: str | None = None
    story_id: str | None = None
    # True when the text came out of an HTML extractor (trafilatura) rather than a raw text page:
    # the cleaner then applies only its high-precision pattern rules.
    html_extract: bool = False
    # annotation layers
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)
    actor_mentions: list[ActorMention] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    mentions: list[EventMention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    #: the parse's dating facts per trigger (veille.dating), stored so the merge dates as ingest does
    date_links: list[DateLink] = field(default_factory=list)
    # non-serialised scratch space: spaCy Doc, per-stage notes
    spacy_doc: Any = field(default=None, repr=False, compare=False)
    #: the parse's token attributes as plain lists (veille.nlp.TokenColumns), set with spacy_doc
    token_columns: Any = field(default=None, repr=False, compare=False)
    #: lookups the stages that ran attached for later ones (actor at a span, event date, event place)
    lookups: DocumentLookups = field(default_factory=DocumentLookups, repr=False, compare=False)
    stage_errors: list[str] = field(default_factory=list)
    #: per-stage counters that are not part of the record (e.g. events dropped for want of a
    #: participant); read by `veille eval`, never stored
    notes: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    #: set by `veille.annotate(offsets="input")`, whose `text` is the text given: the cleaned text
    clean_text: str | None = field(default=None, repr=False, compare=False)

    def article_dict(self) -> dict[str, Any]:
        """The articles.jsonl record of the contract."""
        return {k: _plain(v) for k, v in self._article_fields().items()}

    def to_dict(self) -> dict[str, Any]:
        return {k: _plain(v) for k, v in self.record_fields().items()}

    def record_fields(self) -> dict[str, Any]:
        """`to_dict`'s keys, in its order, with nested records left as dataclass objects: an encoder
        that reads dataclasses itself (orjson, for the store) writes the same JSON without the
        intermediate dicts."""
        return {
            **self._article_fields(),
            "raw_text": self.raw_text,
            "html_extract": self.html_extract,
            "sentences": self.sentences,
            "entities": self.entities,
            "actors": self.actors,
            "actor_mentions": self.actor_mentions,
            "timexes": self.timexes,
            "places": self.places,
            "mentions": self.mentions,
            "quotes": self.quotes,
            "date_links": self.date_links,
            "stage_errors": self.stage_errors,
        }

    def _article_fields(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "source_path": self.source_path,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "byline": self.byline,
            "language": self.language,
            "published": self.published,
            "text": self.text,
            "removed_lines": self.removed_lines,
            "duplicate_of": self.duplicate_of,
            "story_id": self.story_id,
            "credit": self.credit,
            "fetched": self.fetched,
        }

    # the Record contract: None reads as None (every other record does so; this one used to fail on it)
    @overload
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document: ...
    @overload
    @classmethod
    def from_dict(cls, data: None) -> None: ...
    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Document | None:
        if data is None:
            return None
        d = dict(data)
        d["published"] = Published.from_dict(d.get("published")) or Published()
        d["removed_lines"] = [RemovedLine.from_dict(r) for r in d.get("removed_lines") or []]
        d["sentences"] = [Sentence.from_dict(s) for s in d.get("sentences") or []]
        d["entities"] = [Entity.from_dict(e) for e in d.get("entities") or []]
        d["actors"] = {k: Actor.from_dict(a) for k, a in (d.get("actors") or {}).items()}
        d["actor_mentions"] = [ActorMention.from_dict(m) for m in d.get("actor_mentions") or []]
        d["timexes"] = [Timex.from_dict(t) for t in d.get("timexes") or []]
        d["places"] = [PlaceMention.from_dict(p) for p in d.get("places") or []]
        d["mentions"] = [EventMention.from_dict(m) for m in d.get("mentions") or []]
        d["quotes"] = [Quote.from_dict(q) for q in d.get("quotes") or []]
        d["date_links"] = [DateLink.from_dict(k) for k in d.get("date_links") or []]
        return _from_fields(cls, d)

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None
