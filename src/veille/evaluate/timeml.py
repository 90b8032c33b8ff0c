"""TempEval-3 style scorer for TimeML files (eval/timeml/*.tml).

Each file is read with `veille.timeml.read_tml`; the text is run through the nlp stage (when the
model is installed) and the timex stage with the file's DCT as the article date. Metrics: strict
(identical offsets) and relaxed (overlapping) span precision/recall/F1, and on relaxed matches the
accuracy of the TIMEX3 type and of the value (TempEval-3 reports these as attribute accuracies).
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import EvalError
from ..models import Document, Published
from . import prf
from .timex import _parser, match


def score(folder: Path, settings: Settings) -> dict[str, float]:
    from ..timeml import read_tml
    from ..timex import TimexTagger

    files = sorted(Path(folder).glob("*.tml"))
    if not files:
        raise EvalError(f"no .tml files in {folder}")
    tagger = TimexTagger(settings)
    parser = _parser(settings)
    s_tp = r_tp = n_pred = n_gold = 0
    n_type = n_val = 0
    for path in files:
        text, dct, gold = read_tml(path)
        doc = Document(path.stem, str(path), text)
        if dct:
            doc.published = Published(dct, "day", "metadata")
        if parser is not None:
            parser(doc)
        tagger(doc)
        pred = doc.timexes
        n_pred += len(pred)
        n_gold += len(gold)
        spans = {(g.start, g.end) for g in gold}
        s_tp += sum(1 for p in pred if (p.start, p.end) in spans)
        pairs = match(gold, pred)
        r_tp += len(pairs)
        n_type += sum(1 for g, p in pairs if g.type == p.type)
        n_val += sum(1 for g, p in pairs if g.value == p.value)
    strict = prf(s_tp, n_pred - s_tp, n_gold - s_tp)
    relaxed = prf(r_tp, n_pred - r_tp, n_gold - r_tp)
    return {
        "strict_precision": strict["precision"], "strict_recall": strict["recall"], "strict_f1": strict["f1"],
        "relaxed_precision": relaxed["precision"], "relaxed_recall": relaxed["recall"],
        "relaxed_f1": relaxed["f1"],
        "type_accuracy": round(n_type / r_tp, 4) if r_tp else 0.0,
        "value_accuracy": round(n_val / r_tp, 4) if r_tp else 0.0,
        "n_gold": float(n_gold),
        "n_files": float(len(files)),
    }
