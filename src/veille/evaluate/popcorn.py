"""POPCORN scorer: protests, attacks and arrests against event annotation made by others.

POPCORN (AIRBUS, EMVISTA, LIG; MIT) is a set of short French report-style texts whose event
entities (DEMONSTRATION, RIOT, BOMBING, CRIMINAL_ARREST, ACCIDENT, FIRE …) were annotated for
information extraction, not for veille. `types.tsv` maps them onto what veille must read: PROTEST,
ASSAULT, COERCE, or INCIDENT (no PLOVER conflict type may come from an accident, a fire, an
epidemic …). `split.tsv` records the dev / held-out halves (made before any rule was changed).

Matching is per sentence (veille's sentences, on the text as given, no cleaning):
- recall per gold event: a gold event entity of type T is found when one of its mentions lies in
  a sentence where veille emits a mention of type T;
- precision per emitted mention: a PROTEST/ASSAULT/COERCE mention is right when its trigger's
  sentence holds a gold mention of the same type;
- incident sentences: sentences that hold an incident mention and no other gold event; each one
  where veille emits any conflict type (verbal or material) counts against `incident_as_conflict`.

Keys: `heldout_*` first, then `dev_*`, then the whole set unprefixed.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import EvalError
from ..models import EventMention, Sentence
from . import SPLITS, prf, select_split, split_metrics

log = logging.getLogger("veille.evaluate.popcorn")

SCORED = ("PROTEST", "ASSAULT", "COERCE")
#: PLOVER's verbal and material conflict types (docs/contract.md)
CONFLICT = frozenset({"REQUEST", "ACCUSE", "REJECT", "THREATEN",
                      "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})
DEFAULT_DCT = None  # POPCORN texts carry no date: scored as bare text


@dataclass(frozen=True)
class GoldText:
    key: str
    text: str
    events: list[tuple[str, list[tuple[int, int]]]]  # (veille type, mention spans) per gold entity
    incidents: list[tuple[int, int]]  # incident mention spans
    others: list[tuple[int, int]]  # spans of events outside the mapping


def read_types(folder: Path) -> dict[str, str]:
    path = folder / "types.tsv"
    if not path.is_file():
        raise EvalError(f"no types.tsv in {folder}")
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("popcorn_type\t"):
            continue
        name, _, kind = line.partition("\t")
        out[name.strip()] = kind.strip()
    return out


def load_gold(folder: Path) -> list[GoldText]:
    files = sorted(folder.glob("*.json"))
    if not files:
        raise EvalError(f"no POPCORN json file in {folder}")
    types = read_types(folder)
    out: list[GoldText] = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise EvalError(f"cannot parse POPCORN file {path}: {err}") from err
        for key in sorted(data):
            item = data[key]
            events, incidents, others = [], [], []
            for ent in item.get("entities", []):
                kind = types.get(ent.get("type", ""))
                spans = [(m["start"], m["end"]) for m in ent.get("mentions", [])]
                if kind in SCORED:
                    events.append((kind, spans))
                elif kind == "INCIDENT":
                    incidents.extend(spans)
                elif kind == "OTHER":
                    others.extend(spans)
            out.append(GoldText(key, item["text"], events, incidents, others))
    return out


@dataclass
class _Tally:
    tp: Counter = field(default_factory=Counter)  # per type, emitted mentions that are right
    fp: Counter = field(default_factory=Counter)
    fp_other: Counter = field(default_factory=Counter)  # of fp: in a sentence with an unmapped event
    found: Counter = field(default_factory=Counter)  # gold events found, per type
    gold: Counter = field(default_factory=Counter)
    incident_sentences: int = 0
    incident_as_conflict: int = 0
    no_participant: int = 0
    n_texts: int = 0
    errors: list[str] = field(default_factory=list)


def _sentence_of(sentences: Sequence[Sentence], offset: int) -> int | None:
    for i, s in enumerate(sentences):
        if s.start <= offset < s.end:
            return i
    return None


def score_text(tally: _Tally, gold: GoldText, sentences: Sequence[Sentence],
               mentions: Sequence[EventMention]) -> None:
    tally.n_texts += 1
    gold_types: dict[int, set[str]] = {}
    for etype, spans in gold.events:
        for start, _ in spans:
            i = _sentence_of(sentences, start)
            if i is not None:
                gold_types.setdefault(i, set()).add(etype)
    emitted: dict[int, list[EventMention]] = {}
    for m in mentions:
        offset = m.trigger_start if m.trigger_start >= 0 else m.char_start
        i = _sentence_of(sentences, offset)
        if i is not None:
            emitted.setdefault(i, []).append(m)
        if m.type in SCORED and not m.source and not m.target:
            tally.no_participant += 1
    other_sents = {_sentence_of(sentences, s) for s, _ in gold.others}
    for i, ms in emitted.items():
        for m in ms:
            if m.type not in SCORED:
                continue
            if m.type in gold_types.get(i, ()):
                tally.tp[m.type] += 1
            else:
                tally.fp[m.type] += 1
                tally.fp_other[m.type] += i in other_sents
                tally.errors.append(f"{gold.key}: {m.type} from {m.trigger!r} in "
                                    f"{sentences[i].text[:120]!r}")
    for etype, spans in gold.events:
        tally.gold[etype] += 1
        sents = {_sentence_of(sentences, s) for s, _ in spans}
        if any(m.type == etype for i in sents if i is not None for m in emitted.get(i, ())):
            tally.found[etype] += 1
    event_sents = set(gold_types) | other_sents
    incident_sents = {i for s, _ in gold.incidents if (i := _sentence_of(sentences, s)) is not None} - event_sents
    for i in sorted(incident_sents):
        tally.incident_sentences += 1
        hit = [m for m in emitted.get(i, ()) if m.type in CONFLICT]
        if hit:
            tally.incident_as_conflict += 1
            tally.errors.append(f"{gold.key}: incident read as {hit[0].type} from {hit[0].trigger!r} "
                                f"in {sentences[i].text[:120]!r}")


def metrics(t: _Tally) -> dict[str, float]:
    tp, fp = sum(t.tp.values()), sum(t.fp.values())
    found, gold = sum(t.found.values()), sum(t.gold.values())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = found / gold if gold else 0.0
    out = {"precision": round(p, 4), "recall": round(r, 4),
           "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    fp_strict_other = sum(t.fp_other.values())
    out["precision_outside_unmapped"] = round(tp / (tp + fp - fp_strict_other), 4) \
        if tp + fp - fp_strict_other else 0.0
    for etype in SCORED:
        c = prf(t.tp[etype], t.fp[etype], 0)
        rec = t.found[etype] / t.gold[etype] if t.gold[etype] else 0.0
        out[f"{etype.lower()}_precision"] = c["precision"]
        out[f"{etype.lower()}_recall"] = round(rec, 4)
    out["incident_sentences"] = float(t.incident_sentences)
    out["incident_as_conflict"] = float(t.incident_as_conflict)
    # higher is better, so that a floor can be pinned: 1.0 when no incident became a conflict
    out["incident_kept_apart"] = round(1 - t.incident_as_conflict / t.incident_sentences, 4) \
        if t.incident_sentences else 1.0
    out["no_participant"] = float(t.no_participant)
    out["n_gold_events"] = float(gold)
    out["n_emitted"] = float(tp + fp)
    out["n_texts"] = float(t.n_texts)
    return out


def predict(gold: Sequence[GoldText], settings: Settings
            ) -> dict[str, tuple[list[Sentence], list[EventMention]]]:
    from ..pipeline import Pipeline
    from .events import installed_stages

    stages, missing = installed_stages()
    if "nlp" not in stages or "events" not in stages:
        raise EvalError(f"the POPCORN scorer needs the nlp and events stages (missing: {', '.join(missing)})")
    pipe = Pipeline(settings, stages=stages)
    out = {}
    for g in gold:
        doc = pipe.run_text(g.text, dct=DEFAULT_DCT, source_path=f"popcorn:{g.key}")
        if doc.text != g.text:
            raise EvalError(f"popcorn {g.key}: the pipeline changed the text; offsets would not align")
        out[g.key] = (list(doc.sentences), list(doc.mentions))
    return out


def report(results: dict[str, tuple[dict[str, float], _Tally]], stream: Any = None) -> None:
    w = (stream or sys.stderr).write
    for name, (m, t) in results.items():
        w(f"popcorn {name} ({int(m['n_texts'])} texts): PROTEST/ASSAULT/COERCE P {m['precision']:.3f} "
          f"R {m['recall']:.3f} F1 {m['f1']:.3f} (P outside unmapped events {m['precision_outside_unmapped']:.3f}); "
          f"incident sentences read as conflict {int(m['incident_as_conflict'])}/{int(m['incident_sentences'])}; "
          f"mentions with no participant {int(m['no_participant'])}\n")
        for etype in SCORED:
            k = etype.lower()
            w(f"  {etype:<8} gold {t.gold[etype]:>3} emitted {t.tp[etype] + t.fp[etype]:>3}  "
              f"P {m[k + '_precision']:.2f} R {m[k + '_recall']:.2f}\n")


def score(folder: Path, settings: Settings, split: str | None = None) -> dict[str, float]:
    """`heldout_*`, `dev_*` and whole-set metrics (or one split's, unprefixed, with `split`)."""
    folder = Path(folder)
    gold = load_gold(folder)
    splits, keys = select_split((g.key for g in gold), folder, split, "POPCORN texts")
    chosen = set(keys)
    gold = [g for g in gold if g.key in chosen]
    predictions = predict(gold, settings)
    tallies = {name: _Tally() for name in SPLITS}
    whole = _Tally()
    for g in gold:
        sentences, mentions = predictions[g.key]
        score_text(tallies[splits[g.key]], g, sentences, mentions)
        score_text(whole, g, sentences, mentions)
    results = {name: (metrics(t), t) for name, t in tallies.items() if t.n_texts}
    report(results)
    if log.isEnabledFor(logging.DEBUG):
        for line in tallies.get("dev", whole).errors:
            log.debug("popcorn dev: %s", line)
    if split is not None:
        return metrics(whole)
    return split_metrics({name: m for name, (m, _) in results.items()}, metrics(whole))
