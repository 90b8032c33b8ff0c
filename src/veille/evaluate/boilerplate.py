"""Boilerplate scorer: line-level removal quality of the `clean` stage against gold labels.

Gold format (see eval/boilerplate/README.md): for every page `X.txt` a file `X.labels` with one
line per non-blank line of the page, `<label>\\t<family>`, where label is `keep`, `remove`,
`title`, `byline` or `credit` (the last three are taken out of the body too).

Metrics (micro-averaged over all lines of all pages):
  removed_precision / removed_recall / removed_f1   lines taken out of the body vs gold
  kept_precision / kept_recall / kept_f1             lines kept in the body vs gold
  line_accuracy                                      share of lines with the right keep/remove decision
  body_exact                                         share of pages whose cleaned body equals the gold body
  title_accuracy / byline_accuracy / credit_accuracy share of annotated pages where the line(s)
                                                     labelled so were recognised as such
  pages, lines                                       how much was scored
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import EvalError
from . import prf

LABELS = ("keep", "remove", "title", "byline", "credit")


def read_gold(labels_path: Path) -> list[tuple[str, str]]:
    rows = []
    for n, raw in enumerate(labels_path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        label, _, family = raw.partition("\t")
        label = label.strip()
        if label not in LABELS:
            raise EvalError(f"{labels_path}:{n}: unknown label {label!r} (expected one of {', '.join(LABELS)})")
        rows.append((label, family.strip()))
    return rows


def score(folder: Path, settings: Settings | None = None) -> dict[str, float]:
    from ..clean import Cleaner

    folder = Path(folder)
    label_files = sorted(folder.rglob("*.labels"))
    if not label_files:
        raise EvalError(f"no *.labels files under {folder}")
    cleaner = Cleaner(settings or Settings())
    tp = fp = fn = tn = 0
    exact = 0
    role_hits = {"title": [0, 0], "byline": [0, 0], "credit": [0, 0]}
    n_lines = 0
    for labels_path in label_files:
        page = labels_path.with_suffix(".txt")
        if not page.is_file():
            raise EvalError(f"{labels_path} has no page {page.name}")
        gold = read_gold(labels_path)
        lines = cleaner.classify(page.read_text(encoding="utf-8"))
        if len(lines) != len(gold):
            raise EvalError(f"{page}: {len(lines)} non-blank lines but {len(gold)} labels")
        page_ok = True
        for ln, (label, _family) in zip(lines, gold, strict=True):
            gold_removed = label != "keep"
            if ln.removed and gold_removed:
                tp += 1
            elif ln.removed:
                fp += 1
            elif gold_removed:
                fn += 1
            else:
                tn += 1
            page_ok &= ln.removed == gold_removed
        exact += page_ok
        n_lines += len(lines)
        for role, counts in role_hits.items():
            gold_idx = {i for i, (label, _) in enumerate(gold) if label == role}
            if gold_idx:
                counts[1] += 1
                counts[0] += all(lines[i].role == role for i in gold_idx)
    removed = prf(tp, fp, fn)
    kept = prf(tn, fn, fp)
    out = {f"removed_{k}": v for k, v in removed.items()}
    out.update({f"kept_{k}": v for k, v in kept.items()})
    out["line_accuracy"] = round((tp + tn) / n_lines, 4) if n_lines else 0.0
    out["body_exact"] = round(exact / len(label_files), 4)
    for role, (hit, total) in role_hits.items():
        out[f"{role}_accuracy"] = round(hit / total, 4) if total else 0.0
    out["pages"] = float(len(label_files))
    out["lines"] = float(n_lines)
    return out
