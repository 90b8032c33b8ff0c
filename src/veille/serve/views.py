"""View helpers shared by the pages and the JSON API: evidence snippets, article spans, event details."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ..models import Document, Event, EventMention
from ..render import annotation_spans as layer_spans  # the layers as render.render_html draws them
from ..render import highlight_html
from ..store import AnyStore
from . import queries

ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CONTEXT_CHARS = 280


def valid_date(value: str | None) -> str | None:
    return value if value and ISO_DATE.match(value) else None


def evidence_html(text: str, m: EventMention, context: int = CONTEXT_CHARS, *, anchor: bool = True) -> Markup:
    """The mention's sentence marked inside some of its article's text, its trigger marked inside it.

    Every piece of text goes through `highlight_html` (which escapes) or `escape`.
    """
    start = max(0, min(m.char_start, len(text)))
    end = max(start, min(m.char_end, len(text)))
    if end <= start and m.sentence:  # offsets lost: fall back on the stored sentence
        found = text.find(m.sentence)
        if found >= 0:
            start, end = found, found + len(m.sentence)
    before_from = max(0, start - context)
    nl = text.rfind("\n", before_from, start)
    if nl >= 0:
        before_from = nl + 1
    after_to = min(len(text), end + context)
    nl = text.find("\n", end, after_to)
    if nl >= 0:
        after_to = nl
    trig: list[tuple[int, int, str, str]] = []
    if start <= m.trigger_start < m.trigger_end <= end:
        trig.append((m.trigger_start - start, m.trigger_end - start, "trigger",
                     f"{m.type} [{m.factuality}] «{m.trigger}»"))
    sentence = text[start:end] if end > start else m.sentence
    parts = [
        Markup("…") if before_from > 0 else Markup(""),
        Markup(highlight_html(text[before_from:start], [])),
        Markup('<mark class="evidence" id="m-{}">').format(m.mention_id) if anchor else Markup('<mark class="evidence">'),
        Markup(highlight_html(sentence, trig)),
        Markup("</mark>"),
        Markup(highlight_html(text[end:after_to], [])),
        Markup("…") if after_to < len(text) else Markup(""),
    ]
    return Markup("").join(parts)


def article_html(doc: Document) -> Markup:
    """The cleaned text with actors, times, places and triggers marked (render's layers), plus
    spaCy entities where no resolved layer covers them."""
    spans = layer_spans(doc)
    for e in doc.entities:
        layer = {"PER": "actor", "ORG": "actor", "LOC": "place"}.get(e.label)
        if layer:
            spans.append((e.start, e.end, layer, f"{e.label} (entity)"))
    return Markup(highlight_html(doc.text, spans))


@dataclass
class MentionView:
    mention: EventMention
    article: dict[str, Any]
    evidence: Markup


@dataclass
class ContradictionView:
    field: str
    values: list[Any]
    # (the value this mention gives, the mention, its evidence without the page anchor)
    # (dataclasses.field spelt out: `field` is a field name of this class)
    sides: list[tuple[Any, MentionView | None, Markup]] = dataclasses.field(default_factory=list)


def _dig(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if isinstance(data, dict):
            data = data.get(key)
        else:
            return None
    return data


def show_value(value: Any) -> str:
    """A field value as one short line (date and location objects by their main part)."""
    if isinstance(value, dict):
        for key in ("value", "name"):
            if value.get(key) is not None:
                return str(value[key])
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    return "—" if value is None else str(value)


def event_details(store: AnyStore, ev: Event) -> tuple[list[MentionView], list[ContradictionView]]:
    """Every mention of the event with its evidence in its article, and the contradictions side by side."""
    mentions = store.mentions_of_event(ev.event_id)
    known = {m.mention_id for m in mentions}
    missing = [mid for mid in ev.mention_ids if mid not in known]
    if missing:  # mention ids listed on the event but not linked (older merge output)
        mentions += store.mentions_listed(missing)
    meta = queries.article_meta(store, sorted({m.article_id for m in mentions}))
    texts: dict[str, str] = {}
    views: list[MentionView] = []
    for m in sorted(mentions, key=lambda m: ((meta.get(m.article_id) or {}).get("published") or "~", m.mention_id)):
        if m.article_id not in texts:
            doc = store.get_document(m.article_id)
            texts[m.article_id] = doc.text if doc else ""
        text = texts[m.article_id]
        evidence = evidence_html(text, m) if text else Markup(escape(m.sentence))
        views.append(MentionView(m, meta.get(m.article_id) or {"article_id": m.article_id}, evidence))
    by_id = {v.mention.mention_id: v for v in views}
    contradictions = []
    for c in ev.contradictions:
        cv = ContradictionView(c.field, list(c.values))
        for mid in c.mention_ids:
            view = by_id.get(mid)
            value = _dig(view.mention.to_dict(), c.field) if view else None
            text = texts.get(view.mention.article_id, "") if view else ""
            evidence = evidence_html(text, view.mention, anchor=False) if view and text else \
                Markup(escape(view.mention.sentence if view else ""))
            cv.sides.append((show_value(value), view, evidence))
        contradictions.append(cv)
    return views, contradictions
