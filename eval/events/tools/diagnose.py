"""Events mismatches on the DEV split only (held-out articles are never shown), by cause.

    .venv/bin/python eval/events/tools/diagnose.py [--refresh] [--only ID] [--verbose]

The parse, timex, actors and geo layers are cached (pickle under /tmp) so that re-running after an
events-stage change only re-runs the events stage; `--refresh` rebuilds the cache (after an actors
change).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
from collections import Counter
from pathlib import Path

from veille.config import Settings
from veille.evaluate.events import (
    _countries,
    _pair_by_type,
    heldout_ids,
    load_gold,
    score_predictions,
    split_gold,
)

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "eval" / "events"
CACHE = Path(os.environ.get("VEILLE_DIAG_CACHE", "/tmp/veille_events_dev_cache.pkl"))
PRE = ("nlp", "timex", "actors", "geo")


def docs_for(gold, refresh: bool):
    from veille.pipeline import Pipeline

    if CACHE.exists() and not refresh:
        with CACHE.open("rb") as fh:
            return pickle.load(fh)
    pipe = Pipeline(Settings(), stages=list(PRE))
    docs = {}
    for art in gold:
        docs[art["article_id"]] = pipe.run_text(art["text"], dct=art.get("dct"),
                                                source_path=f"gold:{art['article_id']}")
    with CACHE.open("wb") as fh:
        pickle.dump(docs, fh)
    return docs


def fmt(actors) -> str:
    return "[" + ", ".join(f"{getattr(a, 'name', None) if not isinstance(a, dict) else a.get('name')}"
                           f"/{(a.get('country') if isinstance(a, dict) else a.country)}"
                           for a in actors or ()) + "]"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--refresh", action="store_true")
    ap.add_argument("--only")
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--cause")
    args = ap.parse_args()
    gold = split_gold(load_gold(FOLDER), heldout_ids(FOLDER), "dev")
    docs = docs_for(gold, args.refresh)
    from veille.events import EventExtractor
    from veille.quotes import QuoteExtractor

    ex = EventExtractor(Settings())
    qx = QuoteExtractor(Settings())
    preds = {}
    for art in gold:
        doc = docs[art["article_id"]]
        ex(doc)
        qx(doc)
        preds[art["article_id"]] = (list(doc.mentions), list(doc.quotes))
    metrics, tally = score_predictions(gold, preds)
    causes: Counter = Counter()
    lines = []
    for art in gold:
        if args.only and art["article_id"] != args.only:
            continue
        mentions = preds[art["article_id"]][0]
        for si, sent in enumerate(art["sentences"]):
            gold_ev = sent.get("events", [])
            pred = [m for m in mentions if m.trigger_start is not None
                    and sent["start"] <= m.trigger_start < sent["end"]]
            pairs = _pair_by_type(gold_ev, pred)
            pg = {g for g, _ in pairs}
            pp = {p for _, p in pairs}
            text = art["text"][sent["start"]:sent["end"]]
            here = []
            for gi, pi in pairs:
                g, p = gold_ev[gi], pred[pi]
                for role in ("source", "target"):
                    gc, pc = _countries(g.get(role)), _countries(getattr(p, role))
                    if gc != pc:
                        if not pc and gc:
                            cause = f"{role}: missing"
                        elif pc and not gc:
                            cause = f"{role}: spurious"
                        elif pc < gc:
                            cause = f"{role}: partial"
                        else:
                            cause = f"{role}: wrong country"
                        causes[cause] += 1
                        here.append(f"  {cause:<22} {g['type']:<9} '{g['trigger']}' gold {fmt(g.get(role))} "
                                    f"pred {fmt(getattr(p, role))}")
                if g["factuality"] != p.factuality:
                    causes[f"fact {g['factuality']}->{p.factuality}"] += 1
                    here.append(f"  fact {g['factuality']}->{p.factuality:<12} {g['type']:<9} '{g['trigger']}'")
            for gi, g in enumerate(gold_ev):
                if gi not in pg:
                    causes["FN type"] += 1
                    here.append(f"  FN {g['type']:<9} '{g['trigger']}' {fmt(g.get('source'))}->"
                                f"{fmt(g.get('target'))} {g['factuality']}")
            for pi, p in enumerate(pred):
                if pi not in pp:
                    causes["FP type"] += 1
                    here.append(f"  FP {p.type:<9} '{p.trigger}' {fmt(p.source)}->{fmt(p.target)} "
                                f"{p.factuality}")
            if here and (not args.cause or any(args.cause in h for h in here)):
                lines.append(f"{art['article_id']} s{si}: {text}")
                lines.extend(here)
    print("\n".join(lines))
    print()
    for k, v in causes.most_common():
        print(f"{v:>4}  {k}")
    print({k: metrics[k] for k in ("type_f1", "actors_f1", "actors_lenient_f1", "factuality_accuracy",
                                   "non_asserted_as_asserted", "location_accuracy", "quote_speaker_accuracy")},
          file=sys.stderr)


if __name__ == "__main__":
    main()
