"""`veille eval GOLD_DIR`: score each stage against annotated documents.

GOLD_DIR holds one sub-folder per stage (`boilerplate/`, `timex/`, `actors/`, `geo/`,
`events/`, `merge/`, `timeml/` …). Each sub-folder present is scored by the scorer
registered for it in `SCORERS` ("module:function"); the function takes the folder and
the settings and returns `{metric: value}`. Results are printed as one table and
compared with pinned floors (`eval/baseline.json`) by the quality-gate test.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from ..config import Settings
from ..errors import EvalError

SCORERS: dict[str, str] = {
    "boilerplate": "veille.evaluate.boilerplate:score",
    "actors": "veille.evaluate.actors:score",
    "events": "veille.evaluate.events:score",
    "geo": "veille.evaluate.geo:score",
    "merge": "veille.evaluate.merge:score",
    "timex": "veille.evaluate.timex:score", "timeml": "veille.evaluate.timeml:score",
}


def available_scorers() -> list[str]:
    return list(SCORERS)


def run_scorer(name: str, folder: Path, settings: Settings | None = None) -> dict[str, float]:
    module_name, _, fn_name = SCORERS[name].partition(":")
    fn = getattr(importlib.import_module(module_name), fn_name)
    return fn(Path(folder), settings or Settings())


def evaluate(gold_dir: str | Path, settings: Settings | None = None,
             only: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Score every stage whose gold folder exists under `gold_dir` (or `gold_dir` itself if it is one)."""
    root = Path(gold_dir)
    if not root.is_dir():
        raise EvalError(f"gold directory not found: {root}")
    if root.name in SCORERS and not any((root / n).is_dir() for n in SCORERS):
        targets = {root.name: root}
    else:
        targets = {n: root / n for n in SCORERS if (root / n).is_dir()}
    if only:
        targets = {n: p for n, p in targets.items() if n in only}
    if not targets:
        raise EvalError(f"no gold folders under {root}; expected one of: {', '.join(SCORERS)}")
    return {name: run_scorer(name, folder, settings) for name, folder in targets.items()}


def load_baseline(path: str | Path) -> dict[str, dict[str, float]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0.0 when undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
