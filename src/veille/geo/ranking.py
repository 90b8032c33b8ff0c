"""Which place a toponym names: each gazetteer candidate scored by its kind, size and name quality,
the preposition before it ("à" a city, "en" a country), an administrative noun, the countries
named around it and the document's country evidence; the best one wins, with its margin."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from ..models import Document, fold
from .gazetteer import Q_ALT, Q_NAME, Gazetteer, Place


class ToponymRanker:
    """Scores a span's candidates (configured once with the gazetteer and its cue words)."""

    def __init__(self, gaz: Gazetteer, admin_nouns: set[str],
                 candidates: Callable[[str], list[tuple[Place, int]]]):
        self.gaz = gaz
        self.admin_nouns = admin_nouns
        self.candidates = candidates

    def choose(self, doc: Document, start: int, end: int, cands, ev: Mapping[str, float],
                exclude: tuple[str, float] | None = None) -> Place | None:
        if exclude:
            ev = dict(ev)
            ev[exclude[0]] = ev.get(exclude[0], 0.0) - exclude[1]
        best, _ = self.rank(doc, start, end, cands, ev)
        return best

    def rank(self, doc: Document, start: int, end: int, cands, ev: Mapping[str, float]
              ) -> tuple[Place | None, float]:
        if not cands:
            return None, 0.0
        # a country's own name is never a city or a site
        if any(p.kind == "country" and q >= Q_NAME for p, q in cands):
            cands = [(p, q) for p, q in cands if p.kind in ("country", "admin1", "region")]
        local = self._local_cues(doc, start, end)
        prep = _prev_word(doc.text, start)
        before = doc.text[max(0, start - 20):start].replace("’", "'").split()
        admin_before = len(before) >= 2 and before[-2].lower() in self.admin_nouns and fold(before[-1]) in (
            "de", "d'", "du")
        total = sum(v for v in ev.values() if v > 0)
        scored = []
        for p, q in cands:
            s = _base(p, q)
            if prep == "a":
                s += 1.0 if p.kind in ("city", "site") else -1.0
            elif prep in ("en", "au", "aux"):
                s += 1.0 if p.kind in ("country", "admin1", "admin2", "region") else 0.0
            if admin_before:
                s += 1.5 if p.kind in ("admin1", "admin2") else 0.0
            if p.country:
                if total > 0:
                    share = max(ev.get(p.country, 0.0), 0.0) / total
                    if p.kind == "country":
                        share = max(share, 0.3 * sum(max(ev.get(n, 0.0), 0.0) for n in
                                                     self.gaz.neighbours.get(p.country, ())) / total)
                    s += 1.5 * share
                s += local.get(p.country, 0.0)
            scored.append((s, p.population, p))
        scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
        margin = scored[0][0] - scored[1][0] if len(scored) > 1 else 10.0
        return scored[0][2], margin

    def _local_cues(self, doc: Document, start: int, end: int) -> dict[str, float]:
        """Countries named right around the span: an adjective before, an apposition after."""
        out: dict[str, float] = {}
        before = doc.text[max(0, start - 40):start]
        words = before.replace("’", "'").replace("'", "' ").split()
        for w in words[-3:]:
            c = self.gaz.adjectives.get(fold(w.strip(",;:()")))
            if c:
                out[c] = out.get(c, 0.0) + 2.0
        after = doc.text[end:end + 60]
        nxt = after.replace("’", "'").split()
        if nxt:
            c = self.gaz.adjectives.get(fold(nxt[0].strip(",;:().")))
            if c:
                out[c] = out.get(c, 0.0) + 2.0
        stripped = after.lstrip()
        if stripped[:1] in (",", "("):
            rest = stripped[1:].lstrip()
            for prefix in ("en ", "au ", "aux ", "dans l'", "dans le ", "dans la "):
                if rest.lower().startswith(prefix):
                    rest = rest[len(prefix):]
                    break
            stop = len(rest)
            for ch in ",.;:)\n":
                j = rest.find(ch)
                if j != -1:
                    stop = min(stop, j)
            chunk = rest[:stop].strip()
            if chunk and chunk[:1].isupper() and len(chunk.split()) <= 4:
                for p, q in self.candidates(chunk):
                    if p.kind in ("country", "admin1") and q >= Q_NAME and p.country:
                        out[p.country] = out.get(p.country, 0.0) + 3.0
                        break
        return out


def _base(p: Place, q: int) -> float:
    if p.kind == "country":
        s = 3.0
    elif p.kind == "site":
        s = 2.6
    elif p.kind in ("admin1", "region") and p.curated:
        s = 2.2
    elif p.kind == "admin2":
        s = 1.6
    elif p.kind in ("admin1", "region"):
        s = 1.3
    else:
        s = 0.3 * math.log10(max(p.population, 1000))
    if p.capital:
        s += 0.5
    s += (0.0, 0.5, 1.0)[q]
    if p.kind == "country" and q == Q_ALT:
        s -= 0.5  # an English or alternate country name in French text
    return s


def _prev_word(text: str, start: int) -> str:
    """The word just before `start`, folded, without punctuation or elided article ("(l'église" → "eglise")."""
    before = text[max(0, start - 30):start].replace("’", "'")
    if before.endswith("'"):
        return fold(before[-2:])  # l', d'
    words = before.split()
    if not words:
        return ""
    w = words[-1].strip("()[]«»\",;:")
    if "'" in w[:-1]:
        w = w.split("'", 1)[1]
    return fold(w)
