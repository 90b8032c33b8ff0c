"""`veille eval GOLD_DIR`: score each stage against annotated documents.

GOLD_DIR holds one sub-folder per stage (`boilerplate/`, `timex/`, `actors/`, `geo/`,
`events/`, `merge/`, `timeml/` …). Each sub-folder present is scored by the scorer
registered for it in `SCORERS` ("module:function"); the function takes the folder and
the settings and returns `{metric: value}`. Results are printed as one table and
compared with pinned floors (`eval/baseline.json`) by the quality-gate test.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterable
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
    # third-party annotation (made by others, for others): scored per split, held-out first
    "popcorn": "veille.evaluate.popcorn:score",
    "frtimebank": "veille.evaluate.frtimebank:score",
    # real web pages (third-party pages, labelled for veille): line cleaner per split, held-out first
    "webpages": "veille.evaluate.boilerplate:score_real_pages",
}

#: the two halves of a third-party set; the held-out half is never looked at while tuning
SPLITS = ("heldout", "dev")


def available_scorers() -> list[str]:
    return list(SCORERS)


def run_scorer(name: str, folder: Path, settings: Settings | None = None) -> dict[str, float]:
    module_name, _, fn_name = SCORERS[name].partition(":")
    fn = getattr(importlib.import_module(module_name), fn_name)
    return fn(Path(folder), settings or Settings())


def evaluate(gold_dir: str | Path, settings: Settings | None = None,
             only: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Score every stage whose gold folder exists under `gold_dir` (or `gold_dir` itself if it is one).

    `only`: stage names, each entry possibly a comma-separated list ("timex,frtimebank"); an
    unknown name is an error, not an empty selection."""
    root = Path(gold_dir)
    if not root.is_dir():
        raise EvalError(f"gold directory not found: {root}")
    if root.name in SCORERS and not any((root / n).is_dir() for n in SCORERS):
        targets = {root.name: root}
    else:
        targets = {n: root / n for n in SCORERS if (root / n).is_dir()}
    if only:
        wanted = {n.strip() for entry in only for n in entry.split(",") if n.strip()}
        unknown = sorted(wanted - set(SCORERS))
        if unknown:
            raise EvalError(f"unknown stage {', '.join(map(repr, unknown))} in --only; expected some of: "
                            f"{', '.join(SCORERS)}")
        targets = {n: p for n, p in targets.items() if n in wanted}
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


def hash_split(name: str) -> str:
    """"heldout" or "dev" for a file (or text) name, by a stable hash: the same on every machine
    and for every version, so that a split recorded once can be checked again."""
    return "heldout" if hashlib.sha1(name.encode("utf-8")).digest()[0] % 2 else "dev"


def read_split(folder: str | Path) -> dict[str, str]:
    """The recorded split of a third-party set (`split.tsv`: name, split; `#` lines are notes)."""
    path = Path(folder) / "split.tsv"
    if not path.is_file():
        raise EvalError(f"no split.tsv in {folder}: record the dev/held-out split before scoring")
    out: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, _, split = line.partition("\t")
        if split not in SPLITS:
            raise EvalError(f"{path}:{n}: split must be one of {', '.join(SPLITS)}, got {split!r}")
        out[name] = split
    return out


def select_split(names: Iterable[str], folder: str | Path, split: str | None, what: str
                 ) -> tuple[dict[str, str], list[str]]:
    """(the recorded split of every name, the names to score: those of `split`, or all with None).
    Every name must be in the folder's `split.tsv`: a text scored in no half would blur both."""
    splits = read_split(folder)
    names = list(names)
    missing = [n for n in names if n not in splits]
    if missing:
        raise EvalError(f"{what} missing from split.tsv: {', '.join(missing[:5])}")
    return splits, [n for n in names if split is None or splits[n] == split]


def split_metrics(per_split: dict[str, dict[str, float]], whole: dict[str, float]) -> dict[str, float]:
    """The keys of a third-party scorer: `heldout_*`, then `dev_*`, then the whole set unprefixed."""
    out: dict[str, float] = {}
    for name in SPLITS:
        if name in per_split:
            out.update({f"{name}_{k}": v for k, v in per_split[name].items()})
    out.update(whole)
    return out
