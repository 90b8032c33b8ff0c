"""Score the `actors` stage against eval/actors/*.json.

Each gold file holds one document: `text`, `published` and `mentions`, a list of
`{"start", "end", "text", "name", "country", "sector", "cluster"}` (offsets into `text`).
The document runs through the `nlp` and `actors` stages; predicted mentions are matched one-to-one
to gold mentions by character overlap (largest overlap first).

Metrics:
- `country_accuracy`, `sector_accuracy`: over all gold mentions, the matched predicted mention's
  actor has the gold country / sector (an unmatched gold mention counts as wrong);
- `mention_precision`, `mention_recall`, `mention_f1`: overlap-matched mention detection;
- `coref_b3_precision`, `coref_b3_recall`, `coref_b3_f1`: B-cubed over gold mentions, gold clusters
  (`cluster` ids, per document) against predicted clusters (actor ids; an unmatched gold mention is a
  singleton).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..config import Settings
from ..errors import EvalError
from ..models import Document, Published


def load_gold(folder: Path) -> list[dict]:
    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise EvalError(f"no gold files (*.json) in {folder}")
    docs = []
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        for m in data["mentions"]:
            if data["text"][m["start"]:m["end"]] != m["text"]:
                raise EvalError(f"{f.name}: span {m['start']}-{m['end']} is not {m['text']!r}")
        data["_file"] = f.name
        docs.append(data)
    return docs


def match(gold: list[dict], pred: list) -> dict[int, int]:
    """One-to-one overlap matching: gold index → predicted index."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = min(g["end"], p.end) - max(g["start"], p.start)
            if ov > 0:
                exact = g["start"] == p.start and g["end"] == p.end
                pairs.append((exact, ov, -abs((p.end - p.start) - (g["end"] - g["start"])), gi, pi))
    pairs.sort(reverse=True)
    out: dict[int, int] = {}
    used: set[int] = set()
    for *_s, gi, pi in pairs:
        if gi in out or pi in used:
            continue
        out[gi] = pi
        used.add(pi)
    return out


def run_documents(gold_docs: list[dict], settings: Settings) -> list[Document]:
    from ..actors import ActorResolver
    from ..nlp import SpacyParser

    parser = SpacyParser(settings)
    resolver = ActorResolver(settings)
    docs = []
    for g in gold_docs:
        doc = Document(article_id=g.get("id", g["_file"]), source_path=g["_file"], text=g["text"])
        if g.get("published"):
            doc.published = Published(g["published"], "day", "metadata")
        parser(doc)
        resolver(doc)
        docs.append(doc)
    return docs


def score_documents(gold_docs: list[dict], docs: list[Document]) -> dict[str, float]:
    n_gold = n_pred = n_match = 0
    country_ok = sector_ok = 0
    b3_p = b3_r = 0.0
    for g, doc in zip(gold_docs, docs, strict=True):
        gold = g["mentions"]
        pred = doc.actor_mentions
        m = match(gold, pred)
        n_gold += len(gold)
        n_pred += len(pred)
        n_match += len(m)
        pred_cluster: dict[int, str] = {}
        for gi, gm in enumerate(gold):
            if gi not in m:
                pred_cluster[gi] = f"__unmatched_{gi}"
                continue
            actor = doc.actors.get(pred[m[gi]].actor_id)
            pred_cluster[gi] = pred[m[gi]].actor_id
            if actor is not None and actor.country == gm.get("country"):
                country_ok += 1
            if actor is not None and actor.sector == gm.get("sector"):
                sector_ok += 1
        for gi, gm in enumerate(gold):
            g_set = {x for x, y in enumerate(gold) if y["cluster"] == gm["cluster"]}
            p_set = {x for x in range(len(gold)) if pred_cluster[x] == pred_cluster[gi]}
            inter = len(g_set & p_set)
            b3_p += inter / len(p_set)
            b3_r += inter / len(g_set)
    p = n_match / n_pred if n_pred else 0.0
    r = n_match / n_gold if n_gold else 0.0
    bp = b3_p / n_gold if n_gold else 0.0
    br = b3_r / n_gold if n_gold else 0.0
    return {
        "country_accuracy": round(country_ok / n_gold, 4) if n_gold else 0.0,
        "sector_accuracy": round(sector_ok / n_gold, 4) if n_gold else 0.0,
        "mention_precision": round(p, 4),
        "mention_recall": round(r, 4),
        "mention_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "coref_b3_precision": round(bp, 4),
        "coref_b3_recall": round(br, 4),
        "coref_b3_f1": round(2 * bp * br / (bp + br), 4) if bp + br else 0.0,
        "n_documents": float(len(gold_docs)),
        "n_gold_mentions": float(n_gold),
    }


def score(folder: Path, settings: Settings) -> dict[str, float]:
    gold_docs = load_gold(Path(folder))
    return score_documents(gold_docs, run_documents(gold_docs, settings))
