"""Server-rendered SVG: the timeline of events and the world map of their places.

Both return markup strings in which every piece of text taken from the store is escaped.
Colours follow the PLOVER quad class (models.QUAD_CLASS), the marker shape the factuality,
the size the number of sources. The map outline is Natural Earth 1:110m (world-atlas
TopoJSON shipped in static/, see its NOTICE), decoded and projected here (equirectangular).
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from html import escape
from importlib import resources
from typing import Any

from ..models import QUAD_CLASS, Event

QUAD_COLOURS = {
    "verbal-cooperation": "#5fae3d",
    "material-cooperation": "#1b7a43",
    "verbal-conflict": "#f08c2e",
    "material-conflict": "#c8271d",
}
QUAD_ORDER = ("verbal-cooperation", "material-cooperation", "verbal-conflict", "material-conflict")
UNKNOWN_COLOUR = "#777777"

# factuality → how the marker looks (legend text)
FACTUALITY_MARKERS = {
    "asserted": "filled circle",
    "negated": "crossed-out circle",
    "hypothetical": "dashed hollow circle",
    "planned": "hollow circle",
    "claimed": "diamond",
    "historical": "square",
}


def quad_of(event_type: str) -> str:
    return QUAD_CLASS.get(event_type, "unknown")


def colour_of(event_type: str) -> str:
    return QUAD_COLOURS.get(quad_of(event_type), UNKNOWN_COLOUR)


def radius_for(n_sources: int) -> float:
    return round(4 + 2.2 * math.sqrt(max(n_sources, 1) - 1), 1)


def parse_iso(value: str | None) -> date | None:
    """First day covered by an ISO date (day, ISO week, month, quarter or year); None otherwise."""
    if not value:
        return None
    parts = value.split("-")
    try:
        if len(parts) == 2 and parts[1][:1] == "W" and parts[1][1:].isdigit():
            return date.fromisocalendar(int(parts[0]), int(parts[1][1:]), 1)
        if len(parts) == 2 and parts[1][:1] == "Q" and parts[1][1:].isdigit():
            return date(int(parts[0]), 3 * int(parts[1][1:]) - 2, 1)
        if len(parts) >= 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2][:2]))
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 1 and parts[0].isdigit():
            return date(int(parts[0]), 1, 1)
    except ValueError:
        return None
    return None


def marker(factuality: str, x: float, y: float, r: float, colour: str) -> str:
    """One event marker; the shape says the factuality."""
    x, y = round(x, 1), round(y, 1)
    if factuality == "claimed":
        pts = f"{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"
        return f'<polygon class="mk" points="{pts}" fill="{colour}" stroke="#222" stroke-width="1"/>'
    if factuality == "historical":
        return (f'<rect class="mk" x="{x - r}" y="{y - r}" width="{2 * r}" height="{2 * r}" fill="{colour}"'
                f' stroke="#222" stroke-width="1"/>')
    if factuality == "negated":
        d = round(r * 0.7, 1)
        return (f'<circle class="mk" cx="{x}" cy="{y}" r="{r}" fill="#fff" stroke="{colour}" stroke-width="2"/>'
                f'<path d="M{x - d},{y - d}L{x + d},{y + d}M{x - d},{y + d}L{x + d},{y - d}" stroke="{colour}"'
                f' stroke-width="2"/>')
    if factuality == "hypothetical":
        return (f'<circle class="mk" cx="{x}" cy="{y}" r="{r}" fill="#fff" stroke="{colour}" stroke-width="2"'
                f' stroke-dasharray="2,2"/>')
    if factuality == "planned":
        return f'<circle class="mk" cx="{x}" cy="{y}" r="{r}" fill="#fff" stroke="{colour}" stroke-width="2.5"/>'
    return f'<circle class="mk" cx="{x}" cy="{y}" r="{r}" fill="{colour}" stroke="#222" stroke-width="1"/>'


def event_label(ev: Event) -> str:
    src = ", ".join(a.name for a in ev.source) or "?"
    tgt = ", ".join(a.name for a in ev.target) or "?"
    when = ev.date.value if ev.date and ev.date.value else "undated"
    where = f" @ {ev.location.name}" if ev.location else ""
    return (f"{when} {ev.type}{'/' + ev.mode if ev.mode else ''} [{ev.factuality}] {src} → {tgt}{where}"
            f" · {ev.n_sources} source(s)")


MAX_TICKS = 9
GUTTER = 56  # room for events far before or after the main period


def _ticks(start: date, end: date) -> tuple[list[date], str]:
    """At most MAX_TICKS dates on round days, weeks, months or years, and their label format."""
    span = (end - start).days
    if span <= 120:
        step = max(1, math.ceil((span + 1) / MAX_TICKS))
        if step > 3:
            step = 7 * math.ceil(step / 7)
            first = start + timedelta(days=(7 - start.weekday()) % 7)  # Mondays
        else:
            first = start
        return [first + timedelta(days=i) for i in range(0, span + 1, step) if first + timedelta(days=i) <= end], \
            "%Y-%m-%d"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if months / s <= MAX_TICKS), 240)
    y, m = start.year, start.month
    if step >= 12:
        y, m = start.year + (1 if start.month > 1 or start.day > 1 else 0), 1
        y += (-y) % (step // 12)
    elif (start.day > 1):
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    out = []
    while date(y, m, 1) <= end:
        out.append(date(y, m, 1))
        m += step
        while m > 12:
            m -= 12
            y += 1
    return out, ("%Y" if step >= 12 else "%Y-%m")


def _main_period(days: list[date]) -> tuple[date, date]:
    """The period the drawing focuses on: all dates, unless a few lie far from the rest (a 2000
    background event in a 2024 story), which then go to the gutters."""
    days = sorted(days)
    if len(days) < 5:
        return days[0], days[-1]
    q1, q3 = days[len(days) // 4], days[(3 * len(days)) // 4]
    reach = 3 * max((q3 - q1).days, 7)
    low = next(d for d in days if (q1 - d).days <= reach)
    high = next(d for d in reversed(days) if (d - q3).days <= reach)
    return low, high


def timeline_svg(events: list[Event], *, width: int = 960, lane_height: int = 70) -> str:
    """Events by date, one lane per quad class; undated events are left out (listed by the page).
    Events far from the main period are drawn in an 'earlier' / 'later' gutter at either end."""
    parsed = [(parse_iso(ev.date.value if ev.date else None), ev) for ev in events]
    dated = [(d, ev) for d, ev in parsed if d is not None]
    left, right, top = 150, 30, 22
    height = top + lane_height * len(QUAD_ORDER) + 40
    out = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
           f' width="100%" role="img" aria-label="Timeline of {len(dated)} dated events">']
    for i, quad in enumerate(QUAD_ORDER):
        y0 = top + i * lane_height
        out.append(f'<rect x="{left}" y="{y0}" width="{width - left - right}" height="{lane_height}"'
                   f' fill="{"#f6f6f6" if i % 2 else "#fff"}"/>')
        out.append(f'<text x="{left - 8}" y="{y0 + lane_height / 2 + 4}" text-anchor="end" font-size="12"'
                   f' fill="{QUAD_COLOURS[quad]}">{escape(quad)}</text>')
    if not dated:
        out.append(f'<text x="{width / 2}" y="{top + 2 * lane_height}" text-anchor="middle" font-size="14"'
                   f' fill="#555">no dated event</text></svg>')
        return "".join(out)
    start, end = _main_period([d for d, _ in dated])
    before = any(d < start for d, _ in dated)
    after = any(d > end for d, _ in dated)
    if (end - start).days < 2:
        start, end = start - timedelta(days=1), end + timedelta(days=1)
    span = (end - start).days
    axis_y = top + lane_height * len(QUAD_ORDER)
    x0 = left + 20 + (GUTTER if before else 0)
    x1 = width - right - 20 - (GUTTER if after else 0)

    def x_of(d: date) -> float:
        if d < start:
            return left + GUTTER / 2
        if d > end:
            return width - right - GUTTER / 2
        return x0 + (x1 - x0) * (d - start).days / span

    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#333"/>')
    for flag, gx, label in ((before, left + GUTTER, "earlier"), (after, width - right - GUTTER, "later")):
        if flag:
            out.append(f'<line x1="{gx}" y1="{top}" x2="{gx}" y2="{axis_y + 5}" stroke="#999"'
                       f' stroke-dasharray="4,3"/><text x="{(gx + (left if label == "earlier" else width - right)) / 2}"'
                       f' y="{top - 6}" text-anchor="middle" font-size="11" fill="#777">{label}</text>')
    ticks, fmt = _ticks(start, end)
    for t in ticks:
        x = round(x_of(t), 1)
        out.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{axis_y + 5}" stroke="#ddd"/>'
                   f'<text x="{x}" y="{axis_y + 20}" text-anchor="middle" font-size="11" fill="#333">'
                   f'{escape(t.strftime(fmt))}</text>')
    stacked: dict[tuple[int, int], int] = {}
    for d, ev in sorted(dated, key=lambda p: (p[0], -p[1].n_sources, p[1].event_id)):
        quad = quad_of(ev.type)
        lane = QUAD_ORDER.index(quad) if quad in QUAD_ORDER else len(QUAD_ORDER) - 1
        x = x_of(d)
        slot = (lane, round(x / 12))
        k = stacked.get(slot, 0)
        stacked[slot] = k + 1
        if k >= 5:  # a sixth marker on the same spot shifts sideways rather than leave the lane
            x += 12 * ((k - 5) // 5 + 1) * (1 if x < width / 2 else -1)
            k %= 5
        offset = ((k + 1) // 2) * (1 if k % 2 else -1) * 13
        y = top + lane * lane_height + lane_height / 2 + offset
        out.append(f'<a href="/events/{escape(ev.event_id, quote=True)}" class="ev" data-type="{escape(ev.type)}"'
                   f' data-factuality="{escape(ev.factuality)}"><title>{escape(event_label(ev))}</title>'
                   f'{marker(ev.factuality, x, y, radius_for(ev.n_sources), colour_of(ev.type))}</a>')
    out.append("</svg>")
    return "".join(out)


def legend_svg() -> str:
    """Colours (quad class) and shapes (factuality) of the markers."""
    items = []
    x = 5
    for quad in QUAD_ORDER:
        items.append(marker("asserted", x + 6, 12, 6, QUAD_COLOURS[quad]) +
                     f'<text x="{x + 16}" y="16" font-size="12">{quad}</text>')
        x += 30 + 7 * len(quad)
    x2 = 5
    for fact in FACTUALITY_MARKERS:
        items.append(marker(fact, x2 + 6, 38, 6, "#555") + f'<text x="{x2 + 16}" y="42" font-size="12">{fact}</text>')
        x2 += 30 + 7 * len(fact)
    w = max(x, x2) + 10
    return (f'<svg class="legend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} 52" width="{w}"'
            f' height="52" role="img" aria-label="legend">{"".join(items)}</svg>')


# --------------------------------------------------------------------------- map


class WorldMap:
    """The world outline as SVG path data, decoded once per app from the shipped TopoJSON."""

    WIDTH = 960
    HEIGHT = 480

    def __init__(self) -> None:
        self._outline: str | None = None

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return (round((lon + 180.0) * self.WIDTH / 360.0, 1), round((90.0 - lat) * self.HEIGHT / 180.0, 1))

    def outline(self) -> str:
        if self._outline is None:
            raw = resources.files("veille.serve").joinpath("static/world-110m.json").read_text(encoding="utf-8")
            self._outline = self._paths(json.loads(raw))
        return self._outline

    def _paths(self, topo: dict[str, Any]) -> str:
        sx, sy = topo["transform"]["scale"]
        tx, ty = topo["transform"]["translate"]
        arcs: list[list[tuple[float, float]]] = []
        for arc in topo["arcs"]:
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
            arcs.append(pts)

        def ring(indexes: list[int]) -> list[tuple[float, float]]:
            pts: list[tuple[float, float]] = []
            for i in indexes:
                a = arcs[i] if i >= 0 else arcs[~i][::-1]
                pts.extend(a if not pts else a[1:])
            return pts

        paths = []
        for geom in topo["objects"]["countries"]["geometries"]:
            polys = geom.get("arcs") or []
            if geom.get("type") == "Polygon":
                polys = [polys]
            d = []
            for poly in polys:
                for r in poly:
                    d.extend(self._ring_path(ring(r)))
            name = (geom.get("properties") or {}).get("name", "")
            if d:
                paths.append(f'<path class="land" d="{"".join(d)}"><title>{escape(name)}</title></path>')
        return "".join(paths)

    def _ring_path(self, pts: list[tuple[float, float]]) -> list[str]:
        """A ring crossing the antimeridian is unwrapped and drawn twice (the viewBox clips it)."""
        if len(pts) < 3:
            return []
        unwrapped = [pts[0]]
        for lon, lat in pts[1:]:
            prev = unwrapped[-1][0]
            while lon - prev > 180:
                lon -= 360
            while prev - lon > 180:
                lon += 360
            unwrapped.append((lon, lat))
        copies = [0.0]
        if max(p[0] for p in unwrapped) > 180:
            copies.append(-360.0)
        if min(p[0] for p in unwrapped) < -180:
            copies.append(360.0)
        out = []
        for shift in copies:
            xy = [self.project(lon + shift, lat) for lon, lat in unwrapped]
            out.append("M" + "L".join(f"{x:g},{y:g}" for x, y in xy) + "Z")
        return out

    def svg(self, events: list[Event]) -> str:
        dots = []
        placed = [ev for ev in events if ev.location and ev.location.lat is not None and ev.location.lon is not None]
        for ev in sorted(placed, key=lambda e: -e.n_sources):
            loc = ev.location
            if loc is None or loc.lat is None or loc.lon is None:  # `placed` has none such; narrows the type
                continue
            try:
                x, y = self.project(float(loc.lon), float(loc.lat))
            except (TypeError, ValueError):
                continue
            if not (0 <= x <= self.WIDTH and 0 <= y <= self.HEIGHT):
                continue
            dots.append(f'<a href="/events/{escape(ev.event_id, quote=True)}" class="ev">'
                        f'<title>{escape(event_label(ev))}</title>'
                        f'{marker(ev.factuality, x, y, radius_for(ev.n_sources), colour_of(ev.type))}</a>')
        return (f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.WIDTH} {self.HEIGHT}"'
                f' width="100%" role="img" aria-label="Map of {len(dots)} located events">'
                f'<rect width="{self.WIDTH}" height="{self.HEIGHT}" fill="#e8f1f8"/>'
                f'<g fill="#fbfaf5" stroke="#9a9a9a" stroke-width="0.5">{self.outline()}</g>'
                f'<g class="dots">{"".join(dots)}</g></svg>')
