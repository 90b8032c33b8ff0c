"""French TimeBank scorer: negation of veille's event mentions against EVENT polarity annotated by others.

French TimeBank 1.1 (A. Bittar et al., LGPL-LR) marks every event word with its class, tense,
`polarity` (NEG for "n'a pas signé") and `modality`. For each veille mention whose trigger overlaps
a TimeBank EVENT, the scorer checks that the polarity and veille's factuality agree: NEG ↔
`negated`, anything else ↔ not `negated`. `split.tsv` records the dev / held-out halves (made by
a stable hash of the file name before any rule was changed).

Keys (held-out first): `<split>_negation_agreement`, `<split>_aligned`, `<split>_neg_gold`,
`<split>_neg_found`, `<split>_false_negation`; the whole set unprefixed.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import EvalError
from ..models import EventMention
from . import SPLITS, read_split

log = logging.getLogger("veille.evaluate.frtimebank")


@dataclass
class _Tally:
    aligned: int = 0
    agree: int = 0
    neg_gold: int = 0  # aligned mentions whose EVENT is NEG
    neg_found: int = 0  # … and veille says negated
    false_negation: int = 0  # POS/unmarked EVENT read as negated
    n_files: int = 0
    errors: list[str] = field(default_factory=list)


def score_file(tally: _Tally, name: str, events: list[Any], mentions: list[EventMention]) -> None:
    """`events`: the file's EVENT tags (`veille.timeml.TimeMLTag`)."""
    tally.n_files += 1
    for m in mentions:
        if m.trigger_start < 0:
            continue
        ev = next((e for e in events if e.start < m.trigger_end and m.trigger_start < e.end), None)
        if ev is None:
            continue
        tally.aligned += 1
        neg = ev.attrs.get("polarity") == "NEG"
        said = m.factuality == "negated"
        tally.neg_gold += neg
        tally.neg_found += neg and said
        tally.false_negation += said and not neg
        if neg == said:
            tally.agree += 1
        else:
            tally.errors.append(f"{name}: {ev.text!r} polarity {'NEG' if neg else 'POS'}, veille "
                                f"{m.type} {m.factuality} in {m.sentence[:140]!r}")


def metrics(t: _Tally) -> dict[str, float]:
    return {
        "negation_agreement": round(t.agree / t.aligned, 4) if t.aligned else 0.0,
        "aligned": float(t.aligned),
        "neg_gold": float(t.neg_gold),
        "neg_found": float(t.neg_found),
        "false_negation": float(t.false_negation),
        "n_files": float(t.n_files),
    }


def score(folder: Path, settings: Settings, split: str | None = None) -> dict[str, float]:
    from ..pipeline import Pipeline
    from ..timeml import read_tml_annotations
    from .events import installed_stages

    folder = Path(folder)
    files = sorted((folder / "Data").glob("*.tml")) or sorted(folder.glob("*.tml"))
    if not files:
        raise EvalError(f"no .tml files in {folder} or {folder / 'Data'}")
    splits = read_split(folder)
    missing = [f.stem for f in files if f.stem not in splits]
    if missing:
        raise EvalError(f"French TimeBank files missing from split.tsv: {', '.join(missing[:5])}")
    if split is not None:
        files = [f for f in files if splits[f.stem] == split]
    stages, absent = installed_stages()
    if "events" not in stages:
        raise EvalError(f"the French TimeBank scorer needs the events stage (missing: {', '.join(absent)})")
    pipe = Pipeline(settings, stages=stages)
    tallies = {name: _Tally() for name in SPLITS}
    whole = _Tally()
    for path in files:
        ann = read_tml_annotations(path)
        doc = pipe.run_text(ann.text, dct=ann.dct, source_path=str(path))
        if doc.text != ann.text:
            raise EvalError(f"{path}: the pipeline changed the text; offsets would not align")
        events = ann.of("EVENT")
        score_file(tallies[splits[path.stem]], path.stem, events, doc.mentions)
        score_file(whole, path.stem, events, doc.mentions)
    w = sys.stderr.write
    for name, t in tallies.items():
        if not t.n_files:
            continue
        m = metrics(t)
        w(f"frtimebank {name} ({t.n_files} files): negation agreement {m['negation_agreement']:.3f} on "
          f"{t.aligned} mentions aligned to an EVENT (NEG {t.neg_found}/{t.neg_gold} found, "
          f"{t.false_negation} read as negated wrongly)\n")
    for line in tallies["dev"].errors:
        log.debug("frtimebank dev: %s", line)
    if split is not None:
        return metrics(whole)
    out: dict[str, float] = {}
    for name, t in tallies.items():
        if t.n_files:
            out.update({f"{name}_{k}": v for k, v in metrics(t).items()})
    out.update(metrics(whole))
    return out
