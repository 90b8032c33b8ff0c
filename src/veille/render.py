"""Views of one annotated document (JSON, compact text, self-contained HTML, TimeML) and of a store.

The HTML view escapes every piece of article text (scraped pages may hold `<script>`,
`javascript:` links or template syntax) and needs no network: styles are inline.
"""

from __future__ import annotations

import html
import json
from typing import Any

from rich.console import Group
from rich.table import Table

from .errors import ConfigError
from .models import Document

FORMATS = ("json", "text", "html", "timeml")

# layer → (css class, colour); the web app's article page reuses these
LAYER_COLOURS = {
    "actor": "#cfe8ff",
    "timex": "#ffe3b3",
    "place": "#d4f5d0",
    "trigger": "#ffc9c9",
    "quote": "#efe0ff",
}


def annotation_dict(doc: Document) -> dict[str, Any]:
    """Everything the pipeline read in one document, offsets into `text` (actors as a list)."""
    d = doc.to_dict()
    for internal in ("raw_text", "html_extract"):
        d.pop(internal, None)
    d["actors"] = list(d["actors"].values())
    return d


def render(doc: Document, fmt: str = "json") -> str:
    if fmt == "json":
        return json.dumps(annotation_dict(doc), ensure_ascii=False, indent=2)
    if fmt == "text":
        return render_text(doc)
    if fmt == "html":
        return render_html(doc)
    if fmt == "timeml":
        from .timeml import to_timeml

        return to_timeml(doc)
    raise ConfigError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def render_text(doc: Document) -> str:
    lines = [
        f"article  {doc.article_id}  ({doc.source_path})",
        f"title    {doc.title or '-'}",
        f"byline   {doc.byline or '-'}   credit {doc.credit or '-'}",
        f"published {doc.published.value or '-'} ({doc.published.precision or '-'}, "
        f"{doc.published.method or '-'})   language {doc.language or '-'}",
        f"removed  {len(doc.removed_lines)} lines",
    ]
    lines += [f"  - [{r.reason}] {r.line[:90]}" for r in doc.removed_lines]
    lines.append(f"sentences {len(doc.sentences)}")
    if doc.actors:
        lines.append("actors")
        for a in doc.actors.values():
            lines.append(f"  {a.name} [{a.kind} {a.country or '-'} {a.sector or '-'} {a.role or ''}] "
                         f"x{sum(1 for m in doc.actor_mentions if m.actor_id == a.actor_id)}")
    if doc.timexes:
        lines.append("times")
        for t in doc.timexes:
            lines.append(f"  {t.start}-{t.end} {t.text!r} {t.type} {t.value} ({t.precision or '-'})")
    if doc.places:
        lines.append("places")
        for p in doc.places:
            loc = p.location
            where = f"{loc.name}, {loc.country} ({loc.lat}, {loc.lon})" if loc else "unresolved"
            lines.append(f"  {p.start}-{p.end} {p.text!r} → {where}")
    if doc.mentions:
        lines.append("events")
        for m in doc.mentions:
            src = ", ".join(a.name for a in m.source) or "?"
            tgt = ", ".join(a.name for a in m.target) or "?"
            date = m.date.value if m.date else "-"
            lines.append(f"  {m.type}{'/' + m.mode if m.mode else ''} [{m.factuality}] {src} → {tgt} "
                         f"@{date} «{m.trigger}»")
    if doc.quotes:
        lines.append("quotes")
        for q in doc.quotes:
            lines.append(f"  {'«»' if q.direct else '~'} {q.speaker.name if q.speaker else '?'}: {q.text[:80]}")
    if doc.stage_errors:
        lines.append("stage errors")
        lines += [f"  {e}" for e in doc.stage_errors]
    return "\n".join(lines)


def annotation_spans(doc: Document) -> list[tuple[int, int, str, str]]:
    spans: list[tuple[int, int, str, str]] = []
    for am in doc.actor_mentions:
        a = doc.actors.get(am.actor_id)
        title = f"{a.name} · {a.country or '-'} {a.sector or '-'} {a.role or ''}" if a else am.actor_id
        spans.append((am.start, am.end, "actor", title))
    for t in doc.timexes:
        spans.append((t.start, t.end, "timex", f"{t.type} {t.value} ({t.precision or '-'})"))
    for p in doc.places:
        loc = p.location
        spans.append((p.start, p.end, "place",
                      f"{loc.name} {loc.country} {loc.lat},{loc.lon}" if loc else "unresolved"))
    for m in doc.mentions:
        if m.trigger_start >= 0:
            spans.append((m.trigger_start, m.trigger_end, "trigger", f"{m.type} {m.mode or ''} [{m.factuality}]"))
    return spans


def highlight_html(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Escaped text with non-overlapping <mark> elements (earlier and longer spans win)."""
    chosen: list[tuple[int, int, str, str]] = []
    end_of_last = -1
    for s in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if s[0] >= end_of_last and s[1] > s[0]:
            chosen.append(s)
            end_of_last = s[1]
    out, pos = [], 0
    for start, end, layer, title in chosen:
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{layer}" title="{html.escape(title, quote=True)}">'
                   f"{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>\n")


def render_html(doc: Document) -> str:
    e = html.escape
    css = "".join(f"mark.{k}{{background:{v}}}" for k, v in LAYER_COLOURS.items())
    removed = "".join(f"<li><code>{e(r.reason)}</code> {e(r.line)}</li>" for r in doc.removed_lines)
    events = "".join(
        f"<tr><td>{e(m.type)}</td><td>{e(m.mode or '')}</td><td>{e(m.factuality)}</td>"
        f"<td>{e(', '.join(a.name for a in m.source))}</td><td>{e(', '.join(a.name for a in m.target))}</td>"
        f"<td>{e(m.date.value if m.date and m.date.value else '')}</td>"
        f"<td>{e(m.location.name if m.location else '')}</td><td>{e(m.trigger)}</td></tr>" for m in doc.mentions)
    legend = " ".join(f'<mark class="{k}">{k}</mark>' for k in LAYER_COLOURS)
    return f"""<!doctype html>
<html lang="{e(doc.language or 'fr')}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{e(doc.title or doc.article_id)}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
mark{{padding:0 .1em;border-radius:.2em}}{css}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .4em}}</style>
</head><body>
<h1>{e(doc.title or '(untitled)')}</h1>
<p><small>{e(doc.byline or '')} {e(doc.credit or '')} · published {e(doc.published.value or 'unknown')}
({e(doc.published.precision or '-')}, {e(doc.published.method or '-')}) · {e(doc.language or '-')}
· <code>{e(doc.article_id)}</code></small></p>
<p>{legend}</p>
<article class="text">{highlight_html(doc.text, annotation_spans(doc))}</article>
<h2>Events</h2><table><tr><th>type</th><th>mode</th><th>factuality</th><th>source</th><th>target</th>
<th>date</th><th>place</th><th>trigger</th></tr>{events}</table>
<details><summary>Removed lines ({len(doc.removed_lines)})</summary><ul>{removed}</ul></details>
</body></html>
"""


def store_summary(store) -> Group:
    """The demo's closing summary: counts, then the timeline of events."""
    stats = store.stats()
    counts = Table("articles", "sources", "event mentions", "events", "actors", "quotes", "stories")
    counts.add_row(*(str(stats[k]) for k in ("articles", "sources", "mentions", "events", "actors", "quotes",
                                             "stories")))
    parts: list[Any] = [counts]
    try:
        from .timeline import timeline_table

        parts.append(timeline_table(store))
    except ImportError:
        events = Table("date", "type", "factuality", "source", "target", "sources")
        for ev in list(store.iter_events())[:40]:
            events.add_row(ev.date.value if ev.date and ev.date.value else "?", ev.type, ev.factuality,
                           ", ".join(a.name for a in ev.source), ", ".join(a.name for a in ev.target),
                           str(ev.n_sources))
        parts.append(events)
    return Group(*parts)
