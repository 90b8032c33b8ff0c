"""Events scorer: PLOVER event mentions, factuality, locations and quote speakers.

Gold format and matching rules: eval/events/README.md. In short, predicted mentions are placed
in the gold sentence that holds their trigger and paired with gold events of the same type
(one to one, nearest trigger first); `actors_*` additionally require equal source and target
country sets; factuality and location are judged on the type pairs; quotes are paired by span
overlap and their speakers compared by name.

`score(folder, settings)` runs the pipeline stages that are installed (nlp, timex, actors, geo,
events, quotes; the texts are already clean) on each gold article with its creation date and
returns a flat `{metric: value}`; `score_predictions(gold, predictions)` does the matching alone
(tests feed it hand-made predictions).

Splits: the folder's README.md may list a held-out split ("Held-out split:" followed by
"- `article_id`" lines). The whole-set keys are then joined by the same metrics on each split,
prefixed `dev_` and `heldout_`; `score(folder, settings, split="dev" | "heldout")` scores one split
alone (unprefixed keys).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import EvalError
from ..models import ActorRef, EventMention, Quote, fold
from ..stages import REGISTRY
from . import prf

log = logging.getLogger("veille.evaluate.events")

EVAL_STAGES = ("nlp", "timex", "actors", "geo", "events", "quotes")
SPLITS = ("dev", "heldout")
_HELDOUT_HEADER = "held-out split:"
NON_ASSERTED = ("negated", "hypothetical")
_FAR = 10**9  # trigger distance when a prediction has no trigger offset


# --------------------------------------------------------------------------- gold


def load_gold(folder: str | Path) -> list[dict[str, Any]]:
    """Gold articles from `*.json` (one article) and `*.jsonl` (one per line) under `folder`."""
    root = Path(folder)
    if not root.is_dir():
        raise EvalError(f"events gold folder not found: {root}")
    articles: list[dict[str, Any]] = []
    for path in sorted(root.rglob("*.json")) + sorted(root.rglob("*.jsonl")):
        try:
            if path.suffix == ".jsonl":
                with path.open(encoding="utf-8") as fh:
                    articles.extend(json.loads(line) for line in fh if line.strip())
            else:
                articles.append(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as err:
            raise EvalError(f"cannot parse gold file {path}: {err}") from err
    for art in articles:
        _check_article(art)
    if not articles:
        raise EvalError(f"no gold articles (*.json, *.jsonl) under {root}")
    return articles


def _check_article(art: dict[str, Any]) -> None:
    aid = art.get("article_id", "?")
    text = art.get("text")
    if not isinstance(text, str) or "sentences" not in art:
        raise EvalError(f"gold article {aid}: needs 'text' and 'sentences'")
    for sent in art["sentences"]:
        if not 0 <= sent["start"] < sent["end"] <= len(text):
            raise EvalError(f"gold article {aid}: bad sentence span {sent['start']}-{sent['end']}")
        for ev in sent.get("events", []):
            ts = ev.get("trigger_start")
            if ts is not None and text[ts:ev["trigger_end"]] != ev["trigger"]:
                raise EvalError(f"gold article {aid}: trigger {ev['trigger']!r} not at {ts}")
    for q in art.get("quotes", []):
        if text[q["start"]:q["end"]] != q["text"]:
            raise EvalError(f"gold article {aid}: quote text does not match its span at {q['start']}")


def heldout_ids(folder: str | Path) -> frozenset[str]:
    """Article ids of the held-out split listed in the folder's README.md (empty when none)."""
    readme = Path(folder) / "README.md"
    if not readme.is_file():
        return frozenset()
    ids: set[str] = set()
    listing = False
    for line in readme.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.lower() == _HELDOUT_HEADER:
            listing = True
            continue
        if listing:
            m = re.fullmatch(r"[-*]\s+`([^`]+)`.*", stripped)
            if m:
                ids.add(m.group(1))
            elif stripped or ids:
                listing = False
    return frozenset(ids)


def split_gold(gold: Sequence[dict[str, Any]], heldout: frozenset[str], split: str) -> list[dict[str, Any]]:
    """The gold articles of one split: "heldout" (listed ids) or "dev" (the others)."""
    if split not in SPLITS:
        raise EvalError(f"unknown events split {split!r}; expected one of: {', '.join(SPLITS)}")
    return [a for a in gold if (a["article_id"] in heldout) == (split == "heldout")]


# --------------------------------------------------------------------------- matching helpers


def _countries(actors: Iterable[Any] | None) -> frozenset[str]:
    out = set()
    for a in actors or ():
        country = a.get("country") if isinstance(a, dict) else getattr(a, "country", None)
        if country:
            out.add(str(country).upper())
    return frozenset(out)


def _max_matching(n_left: int, n_right: int, ok: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Maximum bipartite matching (Kuhn), deterministic: lower indices are tried first."""
    match_right: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in range(n_right):
            if j in seen or not ok(i, j):
                continue
            seen.add(j)
            if j not in match_right or augment(match_right[j], seen):
                match_right[j] = i
                return True
        return False

    for i in range(n_left):
        augment(i, set())
    return sorted((i, j) for j, i in match_right.items())


_DETERMINERS = {"le", "la", "les", "l", "un", "une", "des", "du", "d", "de", "the",
                "son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre", "vos"}


def _name_words(name: str) -> str:
    words = re.findall(r"\w+", fold(name))
    while words and words[0] in _DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _names_match(pred: str | None, gold: str | None) -> bool:
    """Folded names equal, or one contains the other on word boundaries."""
    if not pred or not gold:
        return False
    p, g = _name_words(pred), _name_words(gold)
    if not p or not g:
        return False
    return p == g or f" {p} " in f" {g} " or f" {g} " in f" {p} "


def _sentence_index(sentences: Sequence[dict[str, Any]], m: EventMention) -> int | None:
    if m.trigger_start is not None and m.trigger_start >= 0:
        for i, s in enumerate(sentences):
            if s["start"] <= m.trigger_start < s["end"]:
                return i
    best, best_overlap = None, 0
    for i, s in enumerate(sentences):
        overlap = min(s["end"], m.char_end) - max(s["start"], m.char_start)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


@dataclass
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> dict[str, float]:
        return prf(self.tp, self.fp, self.fn)


@dataclass
class _Tally:
    type: _Counts = field(default_factory=_Counts)
    actors: _Counts = field(default_factory=_Counts)
    lenient: _Counts = field(default_factory=_Counts)
    per_type: dict[str, _Counts] = field(default_factory=dict)
    fact_total: int = 0
    fact_correct: int = 0
    non_asserted_as_asserted: int = 0
    non_asserted_pairs: int = 0
    loc_total: int = 0
    loc_correct: int = 0
    confusion: Counter = field(default_factory=Counter)  # (gold factuality, predicted) over pairs
    dropped: int = 0
    q_gold: int = 0
    q_pred: int = 0
    q_matched: int = 0
    q_speaker: int = 0
    speaker_errors: list[str] = field(default_factory=list)


def _pair_by_type(gold: list[dict], pred: list[EventMention]) -> list[tuple[int, int]]:
    """One-to-one pairs of same-type events, nearest trigger first."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g["type"] != p.type:
                continue
            if p.trigger_start is not None and p.trigger_start >= 0 and g.get("trigger_start") is not None:
                dist = abs(p.trigger_start - g["trigger_start"])
            else:
                dist = _FAR
            cands.append((dist, gi, pi))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in sorted(cands):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def _location_ok(gold_loc: dict[str, Any], pred_loc: Any) -> bool:
    if pred_loc is None:
        return False
    g_country = (gold_loc.get("country") or "").upper()
    p_country = (getattr(pred_loc, "country", None) or "").upper()
    if g_country and p_country != g_country:
        return False
    names = [getattr(pred_loc, "name", None), getattr(pred_loc, "raw", None)]
    return any(_names_match(n, gold_loc.get("name")) for n in names)


def _score_sentence(tally: _Tally, gold: list[dict], pred: list[EventMention]) -> None:
    pairs = _pair_by_type(gold, pred)
    tally.type.tp += len(pairs)
    tally.type.fp += len(pred) - len(pairs)
    tally.type.fn += len(gold) - len(pairs)
    paired_g = {gi for gi, _ in pairs}
    paired_p = {pi for _, pi in pairs}
    for gi, g in enumerate(gold):
        c = tally.per_type.setdefault(g["type"], _Counts())
        if gi in paired_g:
            c.tp += 1
        else:
            c.fn += 1
    for pi, p in enumerate(pred):
        if pi not in paired_p:
            tally.per_type.setdefault(p.type, _Counts()).fp += 1
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        tally.fact_total += 1
        tally.confusion[(g["factuality"], p.factuality)] += 1
        if p.factuality == g["factuality"]:
            tally.fact_correct += 1
        if g["factuality"] in NON_ASSERTED:
            tally.non_asserted_pairs += 1
            if p.factuality == "asserted":
                tally.non_asserted_as_asserted += 1
        if g.get("location"):
            tally.loc_total += 1
            tally.loc_correct += _location_ok(g["location"], p.location)

    g_keys = [(g["type"], _countries(g.get("source")), _countries(g.get("target"))) for g in gold]
    p_keys = [(p.type, _countries(p.source), _countries(p.target)) for p in pred]

    def strict(i: int, j: int) -> bool:
        return g_keys[i] == p_keys[j]

    def lenient(i: int, j: int) -> bool:
        (gt, gs, gtg), (pt, ps, ptg) = g_keys[i], p_keys[j]
        return gt == pt and (not gs or gs == ps) and (not gtg or gtg == ptg)

    for counts, ok in ((tally.actors, strict), (tally.lenient, lenient)):
        n = len(_max_matching(len(gold), len(pred), ok))
        counts.tp += n
        counts.fp += len(pred) - n
        counts.fn += len(gold) - n


def _score_quotes(tally: _Tally, art: dict[str, Any], quotes: Sequence[Quote]) -> None:
    gold = art.get("quotes", [])
    tally.q_gold += len(gold)
    tally.q_pred += len(quotes)
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(quotes):
            overlap = min(g["end"], p.char_end) - max(g["start"], p.char_start)
            if overlap > 0:
                cands.append((-overlap, gi, pi))
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, gi, pi in sorted(cands):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        tally.q_matched += 1
        gold_speaker = gold[gi].get("speaker") or {}
        gold_name = gold_speaker.get("name")
        speaker = quotes[pi].speaker
        pred_name = speaker.name if isinstance(speaker, ActorRef) else None
        if any(_names_match(pred_name, n) for n in [gold_name, *gold_speaker.get("aliases", [])]):
            tally.q_speaker += 1
        else:
            tally.speaker_errors.append(f"{art['article_id']}: gold {gold_name!r} / predicted {pred_name!r}")


def score_predictions(gold: Sequence[dict[str, Any]],
                      predictions: Mapping[str, tuple[Sequence[EventMention], Sequence[Quote]]],
                      ) -> tuple[dict[str, float], _Tally]:
    """Match predicted mentions and quotes (by gold `article_id`) against the gold articles."""
    tally = _Tally()
    for art in gold:
        mentions, quotes = predictions.get(art["article_id"], ((), ()))
        sentences = art["sentences"]
        by_sentence: dict[int, list[EventMention]] = {}
        for m in mentions:
            i = _sentence_index(sentences, m)
            if i is None:
                tally.dropped += 1
                continue
            by_sentence.setdefault(i, []).append(m)
        for i, sent in enumerate(sentences):
            _score_sentence(tally, sent.get("events", []), by_sentence.get(i, []))
        _score_quotes(tally, art, quotes)
    return _metrics(tally), tally


def _metrics(t: _Tally) -> dict[str, float]:
    out: dict[str, float] = {}
    for prefix, counts in (("type", t.type), ("actors", t.actors), ("actors_lenient", t.lenient)):
        for k, v in counts.prf().items():
            out[f"{prefix}_{k}"] = v
    out["factuality_accuracy"] = round(t.fact_correct / t.fact_total, 4) if t.fact_total else 0.0
    out["non_asserted_as_asserted"] = float(t.non_asserted_as_asserted)
    # the same as a share, higher is better (a floor can be pinned on it): 1.0 when none slipped
    out["non_asserted_kept"] = round(1 - t.non_asserted_as_asserted / t.non_asserted_pairs, 4) \
        if t.non_asserted_pairs else 1.0
    out["location_accuracy"] = round(t.loc_correct / t.loc_total, 4) if t.loc_total else 0.0
    out["quote_precision"] = round(t.q_matched / t.q_pred, 4) if t.q_pred else 0.0
    out["quote_recall"] = round(t.q_matched / t.q_gold, 4) if t.q_gold else 0.0
    out["quote_speaker_accuracy"] = round(t.q_speaker / t.q_matched, 4) if t.q_matched else 0.0
    out["quote_speaker_recall"] = round(t.q_speaker / t.q_gold, 4) if t.q_gold else 0.0
    out["n_gold_events"] = float(t.type.tp + t.type.fn)
    out["n_pred_events"] = float(t.type.tp + t.type.fp)
    out["n_gold_quotes"] = float(t.q_gold)
    return out


# --------------------------------------------------------------------------- running the pipeline


def installed_stages(names: Sequence[str] = EVAL_STAGES) -> tuple[list[str], list[str]]:
    """Split stage names into (importable, missing); a stage is missing when its module is not there."""
    present: list[str] = []
    missing: list[str] = []
    for name in names:
        (present if REGISTRY.spec(name).available() else missing).append(name)
    return present, missing


def predict(gold: Sequence[dict[str, Any]], settings: Settings,
            stages: Sequence[str]) -> dict[str, tuple[list[EventMention], list[Quote]]]:
    """Run the pipeline on each gold text with its dct; predictions keyed by the gold article_id."""
    from ..pipeline import Pipeline

    pipe = Pipeline(settings, stages=list(stages))
    out: dict[str, tuple[list[EventMention], list[Quote]]] = {}
    for art in gold:
        doc = pipe.run_text(art["text"], dct=art.get("dct"), source_path=f"gold:{art['article_id']}")
        for err in doc.stage_errors:
            log.warning("%s: %s", art["article_id"], err)
        out[art["article_id"]] = (list(doc.mentions), list(doc.quotes))
    return out


def report(metrics: dict[str, float], tally: _Tally, missing: Sequence[str], stream=None) -> None:
    """A readable breakdown: per-type P/R/F1, factuality confusion, speaker errors."""
    stream = stream or sys.stderr
    w = stream.write
    if missing:
        w(f"events eval: stages not installed, skipped: {', '.join(missing)}\n")
    w(f"events: type P/R/F1 {metrics['type_precision']:.3f}/{metrics['type_recall']:.3f}/"
      f"{metrics['type_f1']:.3f}  type+actors F1 {metrics['actors_f1']:.3f} "
      f"(lenient {metrics['actors_lenient_f1']:.3f})  factuality {metrics['factuality_accuracy']:.3f}  "
      f"non_asserted_as_asserted {int(metrics['non_asserted_as_asserted'])}  "
      f"location {metrics['location_accuracy']:.3f}\n")
    for typ in sorted(tally.per_type):
        c = tally.per_type[typ]
        r = c.prf()
        w(f"  {typ:<10} gold {c.tp + c.fn:>3} pred {c.tp + c.fp:>3}  P {r['precision']:.2f} "
          f"R {r['recall']:.2f} F1 {r['f1']:.2f}\n")
    wrong = {k: v for k, v in tally.confusion.items() if k[0] != k[1]}
    if wrong:
        w("  factuality errors (gold -> predicted): "
          + ", ".join(f"{g}->{p} {n}" for (g, p), n in sorted(wrong.items())) + "\n")
    w(f"quotes: P {metrics['quote_precision']:.3f} R {metrics['quote_recall']:.3f}  speaker accuracy "
      f"{metrics['quote_speaker_accuracy']:.3f} (recall {metrics['quote_speaker_recall']:.3f})\n")
    for line in tally.speaker_errors[:20]:
        w(f"  speaker: {line}\n")
    if tally.dropped:
        w(f"  {tally.dropped} predicted mentions outside every gold sentence were ignored\n")


def score(folder: Path, settings: Settings, split: str | None = None) -> dict[str, float]:
    """Scores on every gold article, plus `dev_*` / `heldout_*` keys when the folder lists a
    held-out split; with `split`, the scores of that split alone."""
    gold = load_gold(folder)
    heldout = heldout_ids(folder)
    if split is not None:
        gold = split_gold(gold, heldout, split)
        if not gold:
            raise EvalError(f"events split {split!r} has no articles under {folder}")
    stages, missing = installed_stages()
    if "nlp" not in stages:
        raise EvalError("the events scorer needs the nlp stage (spaCy)")
    predictions = predict(gold, settings, stages)
    metrics, tally = score_predictions(gold, predictions)
    metrics["stages_missing"] = float(len(missing))
    report(metrics, tally, missing)
    if split is None and heldout:
        for name in SPLITS:
            part = split_gold(gold, heldout, name)
            if not part:
                continue
            sub, _ = score_predictions(part, predictions)
            metrics.update({f"{name}_{k}": v for k, v in sub.items()})
            sys.stderr.write(
                f"  {name} split ({len(part)} articles): type F1 {sub['type_f1']:.3f}  type+actors F1 "
                f"{sub['actors_f1']:.3f}  factuality {sub['factuality_accuracy']:.3f}  "
                f"non_asserted_as_asserted {int(sub['non_asserted_as_asserted'])}  "
                f"location {sub['location_accuracy']:.3f}\n")
    return metrics
