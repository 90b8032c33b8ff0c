"""French TimeBank scorer: temporal expressions and negation against annotation made by others.

French TimeBank 1.1 (A. Bittar et al., LGPL-LR) marks every event word with its class, tense,
`polarity` (NEG for "n'a pas signé") and `modality`. For each veille mention whose trigger overlaps
a TimeBank EVENT, the scorer checks that the polarity and veille's factuality agree: NEG ↔
`negated`, anything else ↔ not `negated`. `split.tsv` records the dev / held-out halves (made by
a stable hash of the file name before any rule was changed).

Temporal expressions are scored as a library user receives them: each file's text goes through
`veille.annotate(text, dct=DCT)` (every stage, cleaning included, offsets as returned), against
the in-text TIMEX3 (TempEval-3: strict span P/R/F1 on identical offsets; relaxed matches on overlap;
value F1 counts a relaxed match with the gold value as right).

Keys (held-out first): `<split>_timex_strict_f1`, `<split>_timex_value_f1`, … `<split>_negation_agreement`,
`<split>_aligned`, `<split>_neg_gold`, `<split>_neg_found`, `<split>_false_negation`; the whole set
unprefixed.
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
from . import SPLITS, prf, select_split, split_metrics

log = logging.getLogger("veille.evaluate.frtimebank")


@dataclass
class _Tally:
    aligned: int = 0
    agree: int = 0
    neg_gold: int = 0  # aligned mentions whose EVENT is NEG
    neg_found: int = 0  # … and veille says negated
    false_negation: int = 0  # POS/unmarked EVENT read as negated
    n_files: int = 0
    t_gold: int = 0
    t_pred: int = 0
    t_strict: int = 0
    t_relaxed: int = 0
    t_value: int = 0
    a_links: int = 0  # EVENTs linked (IS_INCLUDED, DURING, SIMULTANEOUS) to a day-valued TIMEX3
    a_right: int = 0
    a_no_date: int = 0  # the anchoring found no date in the text (fallback or None): counted wrong
    a_dct_links: int = 0
    a_dct_right: int = 0
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


def score_timexes(tally: _Tally, gold: list[Any], pred: list[Any]) -> None:
    from .timex import match

    tally.t_gold += len(gold)
    tally.t_pred += len(pred)
    spans = {(g.start, g.end) for g in gold}
    tally.t_strict += sum(1 for p in pred if (p.start, p.end) in spans)
    pairs = match(gold, pred)
    tally.t_relaxed += len(pairs)
    tally.t_value += sum(1 for g, p in pairs if g.value == p.value)


ANCHOR_RELATIONS = frozenset({"IS_INCLUDED", "DURING", "SIMULTANEOUS"})


def anchoring_gold(ann: Any) -> list[tuple[Any, str, bool]]:
    """(EVENT tag, gold day, linked to the creation time) for every EVENT with an IS_INCLUDED, DURING or
    SIMULTANEOUS TLINK to a TIMEX3 whose value is a day (in the text or the DCT)."""
    days: dict[str, tuple[str, bool]] = {}
    for t in ann.of("TIMEX3"):
        value = t.attrs.get("value") or ""
        if len(value) >= 10 and value[:10].replace("-", "").isdigit() and t.id:
            days[t.id] = (value[:10], False)
    if ann.dct_id and ann.dct and len(ann.dct) >= 10:
        days[ann.dct_id] = (ann.dct[:10], True)
    events = {e.id: e for e in ann.of("EVENT")}
    out, seen = [], set()
    for link in ann.tlinks:
        if link.get("relType") not in ANCHOR_RELATIONS or link.get("relatedToTime") not in days:
            continue
        eid = ann.instances.get(link.get("eventInstanceID", ""), link.get("eventInstanceID"))
        ev = events.get(eid)
        if ev is None or eid in seen:
            continue
        seen.add(eid)
        day, is_dct = days[link["relatedToTime"]]
        out.append((ev, day, is_dct))
    return out


def score_anchoring(tally: _Tally, doc: Any, links: list[tuple[Any, str, bool]]) -> None:
    from ..timex import attach_date

    date_of = doc.lookups.event_date or attach_date  # the timex stage's, with its continuation words
    for ev, day, is_dct in links:
        dv = date_of(doc, ev.start, ev.end)
        right = dv is not None and dv.precision == "day" and (dv.value or "")[:10] == day
        fallback = dv is None or dv.basis == "reported"
        tally.a_links += 1
        tally.a_right += right
        tally.a_no_date += fallback and not right
        tally.a_dct_links += is_dct
        tally.a_dct_right += is_dct and right


def metrics(t: _Tally) -> dict[str, float]:
    strict = prf(t.t_strict, t.t_pred - t.t_strict, t.t_gold - t.t_strict)
    relaxed = prf(t.t_relaxed, t.t_pred - t.t_relaxed, t.t_gold - t.t_relaxed)
    value = prf(t.t_value, t.t_pred - t.t_value, t.t_gold - t.t_value)
    return {
        "timex_strict_precision": strict["precision"], "timex_strict_recall": strict["recall"],
        "timex_strict_f1": strict["f1"], "timex_relaxed_f1": relaxed["f1"],
        "timex_value_precision": value["precision"], "timex_value_recall": value["recall"],
        "timex_value_f1": value["f1"], "timex_gold": float(t.t_gold),
        "anchoring_day_accuracy": round(t.a_right / t.a_links, 4) if t.a_links else 0.0,
        "anchoring_links": float(t.a_links),
        "anchoring_no_date": float(t.a_no_date),
        "anchoring_dct_accuracy": round(t.a_dct_right / t.a_dct_links, 4) if t.a_dct_links else 0.0,
        "anchoring_text_accuracy": round((t.a_right - t.a_dct_right) / (t.a_links - t.a_dct_links), 4)
        if t.a_links - t.a_dct_links else 0.0,
        "negation_agreement": round(t.agree / t.aligned, 4) if t.aligned else 0.0,
        "aligned": float(t.aligned),
        "neg_gold": float(t.neg_gold),
        "neg_found": float(t.neg_found),
        "false_negation": float(t.false_negation),
        "n_files": float(t.n_files),
    }


def score(folder: Path, settings: Settings, split: str | None = None) -> dict[str, float]:
    from ..api import annotate
    from ..pipeline import Pipeline
    from ..timeml import read_tml_annotations

    folder = Path(folder)
    files = sorted((folder / "Data").glob("*.tml")) or sorted(folder.glob("*.tml"))
    if not files:
        raise EvalError(f"no .tml files in {folder} or {folder / 'Data'}")
    splits, stems = select_split((f.stem for f in files), folder, split, "French TimeBank files")
    chosen = set(stems)
    files = [f for f in files if f.stem in chosen]
    pipe = Pipeline(settings)
    # the anchoring component alone, on the text as given (no cleaning): what attach_date reads
    anchor_pipe = Pipeline(settings, stages=["nlp", "timex"])
    tallies = {name: _Tally() for name in SPLITS}
    whole = _Tally()
    for path in files:
        ann = read_tml_annotations(path)
        doc = annotate(ann.text, dct=ann.dct, pipeline=pipe, source_path=str(path))  # offsets: the input
        events = ann.of("EVENT")
        gold_timexes = ann.timexes()
        parsed = anchor_pipe.run_text(ann.text, dct=ann.dct, source_path=str(path))
        links = anchoring_gold(ann)
        for tally in (tallies[splits[path.stem]], whole):
            score_file(tally, path.stem, events, doc.mentions)
            score_timexes(tally, gold_timexes, doc.timexes)
            score_anchoring(tally, parsed, links)
    w = sys.stderr.write
    results = {name: metrics(t) for name, t in tallies.items() if t.n_files}
    for name, m in results.items():
        t = tallies[name]
        w(f"frtimebank {name} ({t.n_files} files): TIMEX3 through veille.annotate: strict F1 "
          f"{m['timex_strict_f1']:.3f}, value F1 {m['timex_value_f1']:.3f} ({t.t_gold} gold); event anchoring "
          f"day accuracy {m['anchoring_day_accuracy']:.3f} on {t.a_links} TLINKs (in-text times "
          f"{m['anchoring_text_accuracy']:.3f}, creation time {m['anchoring_dct_accuracy']:.3f}; "
          f"{t.a_no_date} with no date); negation agreement {m['negation_agreement']:.3f} on "
          f"{t.aligned} mentions aligned to an EVENT (NEG {t.neg_found}/{t.neg_gold} found, "
          f"{t.false_negation} read as negated wrongly)\n")
    for line in tallies["dev"].errors:
        log.debug("frtimebank dev: %s", line)
    if split is not None:
        return metrics(whole)
    return split_metrics(results, metrics(whole))
