"""Scorer for the merge pass (eval/merge/): event clusters (B-cubed), cross-document dates, stories.

Two modes, both on the same articles and gold (`gold.json`, see eval/merge/README.md):

* gold mentions (`*_gold_mentions` metrics): Documents are built from the gold annotations
  (type, actors, date as read in the sentence, place, factuality, numbers, relative timexes of
  undated articles) and only the merge pass runs — the merge logic measured on its own.
* pipeline (other metrics): the per-document stages that exist run on the articles
  (`Pipeline` + `api.ingest_raw` into an in-memory store), then the merge pass; predicted mentions
  are aligned to gold mentions by article and trigger overlap (else same type in the same
  sentence). Gold mentions left unaligned count as singletons, so extraction misses cost recall;
  `mention_recall` says how many were found.

Dates of undated articles count as right when the gold date lies in the predicted span (a "week"
published value is the earliest day of a 7-day span); `date_exact` needs the day itself.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from datetime import date, timedelta
from pathlib import Path

from ..config import DEFAULT_STAGES, Settings
from ..errors import EvalError
from ..models import (
    Actor,
    ActorRef,
    DateValue,
    Document,
    EventMention,
    Location,
    Published,
    RawDocument,
    Sentence,
    Timex,
    stable_id,
)
from ..pipeline import article_id_for
from ..stages import REGISTRY

_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def b_cubed(gold: Mapping[str, Hashable], pred: Mapping[str, Hashable]) -> dict[str, float]:
    """B-cubed precision, recall, F1 of `pred` against `gold` (item → cluster label, same items)."""
    items = sorted(gold)
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    g_members: dict[Hashable, set[str]] = defaultdict(set)
    p_members: dict[Hashable, set[str]] = defaultdict(set)
    for i in items:
        g_members[gold[i]].add(i)
        p_members[pred[i]].add(i)
    p = r = 0.0
    for i in items:
        both = len(g_members[gold[i]] & p_members[pred[i]])
        p += both / len(p_members[pred[i]])
        r += both / len(g_members[gold[i]])
    p, r = p / len(items), r / len(items)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def published_span(value: str | None, precision: str | None) -> tuple[date, date] | None:
    from ..merge.features import value_interval

    if not value:
        return None
    iv = value_interval(value, None if precision == "week" else precision)
    if iv is None:
        return None
    if precision == "week":
        return iv[0], iv[0] + timedelta(days=6)
    return iv


def load_gold(folder: Path) -> dict:
    path = folder / "gold.json"
    if not path.is_file():
        raise EvalError(f"missing {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def read_article(folder: Path, name: str) -> tuple[str, str]:
    """(title, body): the first line of the file is the title."""
    raw = (folder / "articles" / name).read_text(encoding="utf-8")
    title, _, body = raw.partition("\n")
    return title.strip(), body.strip("\n")


def _offset(text: str, trigger: str, n: int) -> int:
    starts = [m.start() for m in re.finditer(re.escape(trigger), text)]
    return starts[n] if len(starts) > n else -1


# --------------------------------------------------------------------------- gold-mention mode


def gold_documents(folder: Path, gold: dict) -> dict[str, Document]:
    """Documents carrying the gold mentions (file name → Document)."""
    actors, places = gold["actors"], gold["places"]

    def actor_id(key: str) -> str:
        return f"gold_{key}"

    def ref(key: str) -> ActorRef:
        a = actors[key]
        return ActorRef(a["name"], a.get("country"), a.get("sector"), actor_id=actor_id(key))

    docs: dict[str, Document] = {}
    for name, meta in sorted(gold["articles"].items()):
        title, body = read_article(folder, name)
        pub = Published(meta["published"], "day", "metadata") if meta.get("published") else Published()
        doc = Document(article_id=article_id_for(body), source_path=name, text=body, title=title,
                       outlet=meta.get("outlet"), published=pub)
        doc.sentences = [Sentence(m.start(), m.end(), m.group()) for m in _SENTENCE.finditer(body)]
        docs[name] = doc
    for name, meta in gold["articles"].items():
        if meta.get("duplicate_of"):
            docs[name].duplicate_of = docs[meta["duplicate_of"]].article_id
    for g in gold["mentions"]:
        doc = docs[g["article"]]
        ts = _offset(doc.text, g["trigger"], g.get("n", 0))
        sent = doc.sentence_at(ts)
        if sent is None:
            raise EvalError(f"{g['article']}: the trigger {g['trigger']!r} is in no sentence")
        for key in (*g["source"], *g["target"]):
            a = ref(key)
            doc.actors.setdefault(actor_id(key), Actor(actor_id(key), a.name, country=a.country, sector=a.sector))
        loc = places.get(g["place"]) if g.get("place") else None
        date_value = DateValue(g["date"], "day" if len(g["date"]) == 10 else "month") if g.get("date") else None
        doc.mentions.append(EventMention(
            mention_id=stable_id("men", doc.article_id, ts), article_id=doc.article_id, type=g["type"],
            trigger=g["trigger"], sentence=sent.text, char_start=sent.start, char_end=sent.end,
            trigger_start=ts, trigger_end=ts + len(g["trigger"]), mode=g.get("mode"),
            source=[ref(k) for k in g["source"]], target=[ref(k) for k in g["target"]], date=date_value,
            location=Location(**loc) if loc else None, factuality=g["factuality"],
            claimed_by=ref(g["claimed_by"]) if g.get("claimed_by") else None, confidence=0.8,
            numbers=dict(g.get("numbers") or {})))
        if g.get("timex"):
            t = g["timex"]
            lo = doc.text.find(t["text"], sent.start)
            doc.timexes.append(Timex(lo, lo + len(t["text"]), t["text"], "DATE", t.get("value"), rule=t.get("rule"),
                                     direction=t.get("direction")))
    return docs


def _merge_store(docs: list[Document], settings: Settings):
    from ..merge import Merger
    from ..store import open_store

    store = open_store(":memory:")
    for doc in docs:
        store.add_document(doc)
    Merger(settings).run(store)
    return store


def _date_scores(gold: dict, docs_by_name: dict[str, Document]) -> dict[str, float]:
    right = exact = total = 0
    for name, meta in sorted(gold["articles"].items()):
        if not meta.get("gold_published"):
            continue
        total += 1
        doc = docs_by_name.get(name)
        if doc is None:
            continue
        want = date.fromisoformat(meta["gold_published"])
        span = published_span(doc.published.value, doc.published.precision)
        if span and span[0] <= want <= span[1]:
            right += 1
        if doc.published.precision == "day" and doc.published.value == meta["gold_published"]:
            exact += 1
    return {"date_accuracy": round(right / total, 4) if total else 0.0,
            "date_exact": round(exact / total, 4) if total else 0.0}


def _story_scores(gold: dict, docs_by_name: dict[str, Document], store) -> dict[str, float]:
    names = sorted(n for n in gold["articles"] if n in docs_by_name)
    g = {n: gold["articles"][n]["story"] for n in names}
    p = {n: docs_by_name[n].story_id or f"none:{n}" for n in names}
    res = b_cubed(g, p)
    stories = {s.story_id: s for s in store.iter_stories()}
    of_gold: dict[str, str] = {}
    for gs in sorted(set(g.values())):
        votes = Counter(p[n] for n in names if g[n] == gs)
        of_gold[gs] = min(votes, key=lambda s: (-votes[s], s))
    follows = gold.get("stories", {})
    right = 0
    for gs, ps in of_gold.items():
        want = of_gold.get(follows.get(gs, {}).get("follows", ""))
        got = stories[ps].follows if ps in stories else None
        right += int(want == got)
    return {"story_b3_f1": res["f1"], "follows_accuracy": round(right / len(of_gold), 4) if of_gold else 0.0}


def score_gold_mentions(folder: Path, gold: dict, settings: Settings) -> dict[str, float]:
    docs = gold_documents(folder, gold)
    store = _merge_store(list(docs.values()), settings)
    try:
        by_id = {d.article_id: n for n, d in docs.items()}
        stored = {by_id[d.article_id]: d for d in store.iter_documents()}
        pred = {m.mention_id: m.event_id for m in store.iter_mentions()}
        gold_of: dict[str, str] = {}
        for g in gold["mentions"]:
            doc = docs[g["article"]]
            gold_of[stable_id("men", doc.article_id, _offset(doc.text, g["trigger"], g.get("n", 0)))] = g["event"]
        res = b_cubed(gold_of, {m: pred.get(m) or m for m in gold_of})
        out = {"b3_precision": res["precision"], "b3_recall": res["recall"], "b3_f1": res["f1"]}
        out.update(_date_scores(gold, stored))
        out.update(_story_scores(gold, stored, store))
        out["denials_flagged"] = _denials_flagged(store)
    finally:
        store.close()
    return {f"{k}_gold_mentions": v for k, v in out.items()}


def _denials_flagged(store) -> float:
    """Share of events holding an affirmative and a negated mention that carry a factuality
    contradiction (1.0 when there is none: a denial is never merged silently)."""
    mixed = flagged = 0
    for e in store.iter_events():
        facts = {m.factuality for m in store.mentions_of_event(e.event_id)}
        if "negated" in facts and facts - {"negated", "hypothetical"}:
            mixed += 1
            flagged += any(c.field == "factuality" for c in e.contradictions)
    return round(flagged / mixed, 4) if mixed else 1.0


# --------------------------------------------------------------------------- pipeline mode


def available_stages(settings: Settings) -> list[str]:
    """The configured per-document stages whose modules import (others are still being written)."""
    out = []
    for name in settings.stages if settings.stages else DEFAULT_STAGES:
        if REGISTRY.spec(name).available():
            out.append(name)
    return out


def align(gold: dict, docs: dict[str, Document]) -> dict[int, EventMention]:
    """Gold mention index → predicted mention (same article; trigger overlap, else same type in sentence)."""
    out: dict[int, EventMention] = {}
    used: set[str] = set()
    for loose in (False, True):  # trigger overlaps first, then same type in the same sentence
        for i, g in enumerate(gold["mentions"]):
            doc = docs.get(g["article"])
            if doc is None or i in out:
                continue
            ts = _offset(doc.text, g["trigger"], g.get("n", 0))
            if ts < 0:
                continue
            te = ts + len(g["trigger"])
            free = [m for m in doc.mentions if m.mention_id not in used]
            if loose:
                cands = sorted((m for m in free if m.type == g["type"] and m.char_start <= ts < m.char_end),
                               key=lambda m: (abs(m.trigger_start - ts), m.mention_id))
            else:
                cands = sorted((m for m in free if m.trigger_start < te and ts < m.trigger_end),
                               key=lambda m: (m.type != g["type"], m.mention_id))
            if cands:
                out[i] = cands[0]
                used.add(cands[0].mention_id)
    return out


def score_pipeline(folder: Path, gold: dict, settings: Settings) -> dict[str, float]:
    from ..api import ingest_raw
    from ..merge import Merger
    from ..pipeline import Pipeline
    from ..store import SQLiteStore

    raws = []
    for name, meta in sorted(gold["articles"].items()):
        title, body = read_article(folder, name)
        raws.append(RawDocument(source_path=name, text=body, title=title, outlet=meta.get("outlet"),
                                published=meta.get("published")))
    pipeline = Pipeline(settings, stages=available_stages(settings))
    store = SQLiteStore(":memory:")
    try:
        ingest_raw(raws, store, settings, pipeline=pipeline)
        Merger(settings).run(store)
        docs = {d.source_path: d for d in store.iter_documents()}
        events = {m.mention_id: m.event_id for m in store.iter_mentions()}
        for d in docs.values():
            for m in d.mentions:
                m.event_id = events.get(m.mention_id)
        aligned = align(gold, docs)
        gold_of = {str(i): g["event"] for i, g in enumerate(gold["mentions"])}
        pred = {str(i): (aligned[i].event_id or aligned[i].mention_id) if i in aligned else f"missing:{i}"
                for i in range(len(gold["mentions"]))}
        res = b_cubed(gold_of, pred)
        out = {"b3_precision": res["precision"], "b3_recall": res["recall"], "b3_f1": res["f1"],
               "mention_recall": round(len(aligned) / len(gold["mentions"]), 4) if gold["mentions"] else 0.0,
               "type_accuracy": round(sum(aligned[i].type == gold["mentions"][i]["type"] for i in aligned)
                                      / len(aligned), 4) if aligned else 0.0}
        # B-cubed over the aligned mentions only: the merge on what extraction found
        if aligned:
            res = b_cubed({str(i): gold_of[str(i)] for i in aligned}, {str(i): pred[str(i)] for i in aligned})
            out["b3_f1_aligned"] = res["f1"]
        out.update(_date_scores(gold, docs))
        out.update(_story_scores(gold, docs, store))
    finally:
        store.close()
    return out


def score(folder: Path, settings: Settings) -> dict[str, float]:
    gold = load_gold(Path(folder))
    out = score_gold_mentions(Path(folder), gold, settings)
    out.update(score_pipeline(Path(folder), gold, settings))
    return out
