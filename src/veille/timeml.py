"""ISO-TimeML reading and writing for temporal expressions.

`read_tml(path)` reads a TimeML file (`<DCT><TIMEX3 … value=…/></DCT>` and a `<TEXT>` element with
inline `<TIMEX3 tid type value>…</TIMEX3>`; other inline tags such as EVENT or SIGNAL are dropped,
their text kept) and returns the text without tags, the creation date and the gold timexes with
offsets into that text. `to_timeml(doc)` writes a Document's timexes back in the same format, so
`read_tml` of its output gives back the same text and timexes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .errors import MalformedInputError
from .models import Document, Timex


def parse_tml(source: str) -> tuple[str, str | None, list[Timex]]:
    """(text, dct, timexes) from TimeML markup given as a string."""
    ann = parse_tml_annotations(source)
    return ann.text, ann.dct, ann.timexes()


@dataclass(frozen=True)
class TimeMLTag:
    """One inline tag (EVENT, TIMEX3, SIGNAL) with its offsets into the text without tags."""

    tag: str
    start: int
    end: int
    text: str
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str | None:
        return self.attrs.get("eid") or self.attrs.get("tid") or self.attrs.get("sid")


@dataclass
class TimeMLAnnotation:
    """Everything a TimeML file annotates: text, creation date, inline tags, TLINKs, instances."""

    doc_id: str | None
    text: str
    dct: str | None
    tags: list[TimeMLTag]
    tlinks: list[dict[str, str]]
    #: event instance id (eiid) -> event id (eid); TimeML 1.2 files carry MAKEINSTANCE elements,
    #: ISO-TimeML files (French TimeBank) put `eiid` on the EVENT itself
    instances: dict[str, str]
    dct_id: str | None = None  # the creation time's tid (TLINKs may point to it)

    def of(self, tag: str) -> list[TimeMLTag]:
        return [t for t in self.tags if t.tag == tag]

    def timexes(self) -> list[Timex]:
        """The in-text TIMEX3 tags as gold `Timex` records (`rule` holds the tid)."""
        return [Timex(t.start, t.end, t.text, t.attrs.get("type", "DATE"), t.attrs.get("value"),
                      rule=t.attrs.get("tid")) for t in self.of("TIMEX3")]


def parse_tml_annotations(source: str) -> TimeMLAnnotation:
    """Every inline tag with its attributes and offsets, the TLINKs and the event instances."""
    try:
        root = ET.fromstring(source)
    except ET.ParseError as err:
        raise MalformedInputError(f"not well-formed TimeML: {err}") from err
    text_el = root.find("TEXT")
    if text_el is None:
        raise MalformedInputError("TimeML without a <TEXT> element")
    dct = dct_id = None
    dct_el = root.find("DCT")
    dct_timex = dct_el.find("TIMEX3") if dct_el is not None else None
    if dct_timex is not None:
        dct, dct_id = dct_timex.get("value"), dct_timex.get("tid")
    parts: list[str] = []
    spans: list[tuple[str, int, int, dict[str, str]]] = []
    pos = 0

    def walk(el: ET.Element) -> None:
        nonlocal pos
        start = pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el is not text_el:
            spans.append((el.tag, start, pos, dict(el.attrib)))

    walk(text_el)
    text = "".join(parts)
    tags = [TimeMLTag(tag, start, end, text[start:end], attrs) for tag, start, end, attrs in spans]
    instances: dict[str, str] = {}
    for t in tags:
        if t.tag == "EVENT" and t.attrs.get("eiid") and t.attrs.get("eid"):
            instances[t.attrs["eiid"]] = t.attrs["eid"]
    for mi in root.iter("MAKEINSTANCE"):
        eiid, event_id = mi.get("eiid"), mi.get("eventID")
        if eiid and event_id:
            instances[eiid] = event_id
    tlinks = [dict(el.attrib) for el in root.iter("TLINK")]
    doc_id = root.findtext("DOCID")
    tags.sort(key=lambda t: (t.start, -t.end))
    return TimeMLAnnotation(doc_id.strip() if doc_id else None, text, dct, tags, tlinks, instances, dct_id)


def read_tml_annotations(path: str | Path) -> TimeMLAnnotation:
    return parse_tml_annotations(Path(path).read_text(encoding="utf-8"))


def read_tml(path: str | Path) -> tuple[str, str | None, list[Timex]]:
    """(text without tags, document creation date, gold timexes) of an ISO-TimeML file."""
    return parse_tml(Path(path).read_text(encoding="utf-8"))


def to_timeml(doc: Document, *, doc_id: str | None = None) -> str:
    """The document's text with its timexes as inline TIMEX3 tags (ISO-TimeML)."""
    text = doc.text or ""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<TimeML>",
           f"<DOCID>{escape(doc_id or doc.article_id)}</DOCID>"]
    if doc.published and doc.published.value:
        out.append(f'<DCT><TIMEX3 tid="t0" type="DATE" value={quoteattr(doc.published.value)} '
                   'temporalFunction="false" functionInDocument="CREATION_TIME"/></DCT>')
    body: list[str] = []
    pos = 0
    n = 0
    for t in sorted(doc.timexes, key=lambda t: (t.start, -t.end)):
        if t.start < pos or t.end > len(text) or t.start >= t.end:
            continue  # overlapping or out of range: TimeML TIMEX3s do not nest
        n += 1
        attrs = [f'tid="t{n}"', f"type={quoteattr(t.type or 'DATE')}"]
        if t.value is not None:
            attrs.append(f"value={quoteattr(t.value)}")
        if t.anchor:
            attrs.append('temporalFunction="true" anchorTimeID="t0"')
        body.append(escape(text[pos:t.start]))
        body.append(f"<TIMEX3 {' '.join(attrs)}>{escape(text[t.start:t.end])}</TIMEX3>")
        pos = t.end
    body.append(escape(text[pos:]))
    out.append("<TEXT>" + "".join(body) + "</TEXT>")
    out.append("</TimeML>")
    return "\n".join(out) + "\n"
