"""Scorer for the `geo` stage (dev set: eval/geo/, see its README).

Folder layout:
- `docs/<doc>.txt` — document texts;
- `places.jsonl` — one line per document: `{"doc", "source", "places": [{"start", "end", "text",
  "name", "country", "lat", "lon", "geonames_id"}]}`; `lat`/`lon` are null for places without a
  meaningful point (rivers, continents-wide regions), `country` null for supranational ones;
- `events.jsonl` — `{"id", "source", "text", "trigger", "location": {"name", "country", "lat",
  "lon"} | null}`: the event whose trigger is the first occurrence of `trigger` in `text`.

Metrics:
- `accuracy_161` — gold toponyms with a point whose resolution (`Geoparser.resolve` on the gold span,
  in its document) lies within 161 km (100 miles) of the gold point;
- `country_accuracy` — gold toponyms with a country whose resolution has that ISO3 country;
- `detection_precision` / `detection_recall` / `detection_f1` — predicted place mentions
  (`doc.places`) against gold spans, a match being any overlap (one-to-one);
- `e2e_accuracy_161` — gold toponyms found by the detector *and* resolved within 161 km;
- `event_location_accuracy` — `locate_event` right: both null, or within 161 km of the gold point
  (or the same name when the gold has no point).

Documents go through nlp, then actors when that stage is available (so that metonymic "Moscou"
is not a place), then geo.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..config import Settings
from ..errors import EvalError
from ..models import Document, fold

log = logging.getLogger("veille.evaluate.geo")
KM = 161.0


def _pipeline(settings: Settings):
    from ..geo import Geoparser
    from ..nlp import SpacyParser

    nlp = SpacyParser(settings)
    try:
        from ..actors import ActorResolver

        actors = ActorResolver(settings)
    except Exception as err:  # noqa: BLE001 - the actors stage is optional here
        log.info("actors stage unavailable for the geo eval: %s", err)
        actors = None
    geo = Geoparser(settings)

    def run(doc: Document) -> Document:
        nlp(doc)
        if actors is not None:
            try:
                actors(doc)
            except Exception as err:  # noqa: BLE001
                log.warning("actors stage failed on %s: %s", doc.article_id, err)
        return geo(doc)

    return run, geo


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip() and not line.startswith("#")]


def score(folder: Path, settings: Settings) -> dict[str, float]:
    from ..geo import distance_km, locate_event

    folder = Path(folder)
    places_path, events_path = folder / "places.jsonl", folder / "events.jsonl"
    if not places_path.is_file():
        raise EvalError(f"geo gold not found: {places_path}")
    run, geo = _pipeline(settings)
    n_pt = ok_pt = n_cc = ok_cc = e2e = 0
    tp = fp = fn = 0
    for rec in _read_jsonl(places_path):
        text = (folder / "docs" / f"{rec['doc']}.txt").read_text(encoding="utf-8")
        doc = run(Document(article_id=rec["doc"], source_path=rec["doc"], text=text, language="fr"))
        gold = rec["places"]
        # detection
        used: set[int] = set()
        matched_pred: dict[int, int] = {}
        for gi, g in enumerate(gold):
            for pi, p in enumerate(doc.places):
                if pi not in used and p.start < g["end"] and g["start"] < p.end:
                    used.add(pi)
                    matched_pred[gi] = pi
                    break
        tp += len(matched_pred)
        fn += len(gold) - len(matched_pred)
        fp += len(doc.places) - len(used)
        # resolution on gold spans
        for gi, g in enumerate(gold):
            loc = geo.resolve(doc, g["start"], g["end"])
            if g.get("lat") is not None:
                n_pt += 1
                if loc is not None and loc.lat is not None and \
                        distance_km(loc.lat, loc.lon, g["lat"], g["lon"]) <= KM:
                    ok_pt += 1
                matched = matched_pred.get(gi)
                pl = doc.places[matched].location if matched is not None else None
                if pl is not None and pl.lat is not None and distance_km(pl.lat, pl.lon, g["lat"], g["lon"]) <= KM:
                    e2e += 1
            if g.get("country"):
                n_cc += 1
                if loc is not None and loc.country == g["country"]:
                    ok_cc += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    out = {
        "accuracy_161": round(ok_pt / n_pt, 4) if n_pt else 0.0,
        "country_accuracy": round(ok_cc / n_cc, 4) if n_cc else 0.0,
        "detection_precision": round(p, 4),
        "detection_recall": round(r, 4),
        "detection_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "e2e_accuracy_161": round(e2e / n_pt, 4) if n_pt else 0.0,
        "n_toponyms": float(tp + fn),
    }
    if events_path.is_file():
        n_ev = ok_ev = 0
        for ev in _read_jsonl(events_path):
            doc = run(Document(article_id=ev["id"], source_path=ev["id"], text=ev["text"], language="fr"))
            start = ev["text"].find(ev["trigger"])
            if start < 0:
                raise EvalError(f"trigger {ev['trigger']!r} not in text of {ev['id']}")
            pred = locate_event(doc, start, start + len(ev["trigger"]))
            gold = ev.get("location")
            n_ev += 1
            if gold is None:
                ok_ev += pred is None
            elif pred is not None:
                if gold.get("lat") is not None and pred.lat is not None and pred.lon is not None:  # (set together)
                    ok_ev += distance_km(pred.lat, pred.lon, gold["lat"], gold["lon"]) <= KM
                elif gold.get("lat") is None:
                    ok_ev += fold(pred.name) == fold(gold["name"]) or fold(pred.raw or "") == fold(gold["name"])
        out["event_location_accuracy"] = round(ok_ev / n_ev, 4) if n_ev else 0.0
        out["n_events"] = float(n_ev)
    return out
