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

`score` reads the invented-template set (eval/boilerplate); `score_real_pages` the real-page set
(eval/webpages, see its README.md), whose pages are split by `split.tsv` into a held-out and a dev
half: its keys are `heldout_*`, then `dev_*`, then the whole set unprefixed.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import EvalError
from . import SPLITS, prf, select_split, split_metrics

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
    """The invented-template set (eval/boilerplate): every *.labels file under `folder`."""
    from ..clean import Cleaner

    folder = Path(folder)
    label_files = sorted(folder.rglob("*.labels"))
    if not label_files:
        raise EvalError(f"no *.labels files under {folder}")
    return score_pages(label_files, Cleaner(settings or Settings()))


def score_real_pages(folder: Path, settings: Settings | None = None) -> dict[str, float]:
    """The real-page set (eval/webpages): scored per recorded split, held-out first, then dev,
    then the whole set unprefixed (see `split_metrics`)."""
    from ..clean import Cleaner

    folder = Path(folder)
    label_files = sorted(folder.rglob("*.labels"))
    if not label_files:
        raise EvalError(f"no *.labels files under {folder}")
    splits, _ = select_split((f.stem for f in label_files), folder, None, "real pages")
    cleaner = Cleaner(settings or Settings())
    per_split = {name: score_pages([f for f in label_files if splits[f.stem] == name], cleaner)
                 for name in SPLITS if any(splits[f.stem] == name for f in label_files)}
    return split_metrics(per_split, score_pages(label_files, cleaner))


def score_pages(label_files: list[Path], cleaner) -> dict[str, float]:
    """Line-level scores of `cleaner` on the pages of these label files (micro-averaged)."""
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
