"""The library API that the CLI and the web server both call.

    ingest(paths)  → read, clean, dedup, analyse and store new documents (idempotent)
    merge()        → cross-document events and stories over the whole store
    export(out)    → the contract's files
    annotate(text) → one document through every stage, no store
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from .batching import batched
from .config import Settings, load_settings
from .dedup import BandIndex, Deduplicator
from .errors import InputError
from .ingest import IngestReport, read_inputs
from .models import Document, RawDocument
from .pipeline import Pipeline
from .store import AnyStore, SQLiteStore, open_store, require_writable
from .store.sqlite import MERGE_PENDING

log = logging.getLogger("veille.api")

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"


def ingest_raw(raws: Iterable[RawDocument], store: AnyStore, settings: Settings | None = None, *,
               pipeline: Pipeline | None = None, report: IngestReport | None = None,
               dct: str | None = None, on_document: Callable[[Document], None] | None = None
               ) -> IngestReport:
    """Process RawDocuments into the store, skipping the ones already there (by content hash).

    Cleaning runs first so the content-hash id is known before the expensive stages: an
    article already in the store costs only its cleaning on re-ingest.
    """
    store = require_writable(store)
    settings = settings or Settings()
    pipeline = pipeline or Pipeline(settings)
    report = report if report is not None else IngestReport()
    dedup = Deduplicator(settings)
    store.ensure_band_index(dedup.band_layout, lambda sig: dedup.band_keys(dedup.from_bytes(sig)))
    first = [n for n in pipeline.stage_names if n == "clean"]
    rest = [n for n in pipeline.stage_names if n != "clean"]
    for batch in batched(raws, settings.batch_size):
        docs = pipeline.run_stages([pipeline.start(raw, dct) for raw in batch], first, on_reject=report.skip)
        fresh: list[Document] = []
        seen_in_batch: set[str] = set()
        for doc in docs:
            if doc.article_id in seen_in_batch or store.has_article(doc.article_id):
                store.add_source(doc.article_id, doc.source_path)
                report.unchanged += 1
                continue
            seen_in_batch.add(doc.article_id)
            fresh.append(doc)
        signatures = link_near_duplicates(fresh, store, dedup)
        report.near_duplicates += sum(1 for doc in fresh if doc.duplicate_of)
        processed = pipeline.run_stages(fresh, rest, on_reject=report.skip)
        with store.transaction():  # one commit per batch: a killed run loses at most this batch
            added = 0
            for doc in processed:
                signature, bands = signatures.get(doc.article_id, (None, None))
                if store.add_document(doc, signature, bands):
                    added += 1
                    report.article_ids.append(doc.article_id)
                else:
                    report.unchanged += 1
            if added:
                # with the articles, atomically: a run killed before its merge ends is finished later
                store.set_meta(MERGE_PENDING, "1")
            report.added += added
        if on_document:
            for doc in processed:
                on_document(doc)
    return report


def link_near_duplicates(docs: list[Document], store: SQLiteStore, dedup: Deduplicator
                         ) -> dict[str, tuple[bytes, list[tuple[int, int]]]]:
    """Set `duplicate_of` on each new document: the earliest near duplicate among the stored
    articles (one indexed lookup of its band keys, never the whole corpus in memory) and the
    earlier documents of `docs`. Returns each document's signature and band keys for the store."""
    batch = BandIndex()
    out: dict[str, tuple[bytes, list[tuple[int, int]]]] = {}
    for doc in docs:
        m = dedup.signature(doc.text)
        keys = dedup.band_keys(m)
        candidates = [(aid, seq, dedup.from_bytes(sig)) for aid, seq, sig in store.band_candidates(keys)]
        candidates += [(aid, (1 << 62) + order, other) for aid, order, other in batch.candidates(keys)]
        doc.duplicate_of = dedup.choose_original(m, (c for c in candidates if c[0] != doc.article_id))
        batch.add(doc.article_id, m, keys)
        out[doc.article_id] = (dedup.signature_bytes(m), keys)
    return out


def ingest(inputs: Iterable[str | Path], settings: Settings | None = None, *,
           store: SQLiteStore | None = None, dct: str | None = None,
           on_document: Callable[[Document], None] | None = None, run_merge: bool = True,
           pipeline: Pipeline | None = None) -> IngestReport:
    """Ingest files, directories or globs into the store named by `settings.db`."""
    settings = settings or load_settings()
    own = store is None
    opened = store or open_store(settings.db)
    try:
        writable = require_writable(opened)
        report = IngestReport()
        raws = read_inputs(inputs, settings, report)
        ingest_raw(raws, writable, settings, report=report, dct=dct, on_document=on_document, pipeline=pipeline)
        if run_merge and (report.added or writable.merge_pending()):
            merge(writable, settings, new_article_ids=report.article_ids)
        return report
    finally:
        if own:
            opened.close()


def ingest_text(text: str, store: AnyStore, settings: Settings | None = None, *,
                source_path: str = "<upload>", pipeline: Pipeline | None = None, **meta) -> IngestReport:
    """Ingest one pasted or uploaded text (the web app's upload; it passes its long-lived pipeline)."""
    report = IngestReport(read=1)
    raw = RawDocument(source_path=source_path, text=text, **meta)
    if not text.strip():
        report.skip(source_path, InputError("the text is empty", stage="ingest", document=source_path))
        return report
    ingest_raw([raw], store, settings, report=report, pipeline=pipeline)
    if report.added or store.merge_pending():
        merge(store, settings, new_article_ids=report.article_ids)
    return report


def finish_pending_merge(store: AnyStore, settings: Settings | None = None) -> bool:
    """Run the merge an interrupted ingest left unfinished (any command that opens a store calls
    this first); True when there was one."""
    if not store.merge_pending():
        return False
    log.warning("the last ingest into %s stopped before its merge ended: finishing it", store.path)
    merge(store, settings, new_article_ids=[])
    return True


def merge(store: AnyStore, settings: Settings | None = None, new_article_ids: Iterable[str] | None = None
          ) -> dict[str, int]:
    """Cross-document pass: events from mentions, stories, contradictions, cross-document dates.

    With `new_article_ids` (what an ingest just added) the pass is incremental: it folds every
    article stored since the last merge into the stored output (`veille.merge.incremental`; a full
    pass when the store has no merge index yet). Without, it re-merges the whole store."""
    from .merge import IncrementalMerger, Merger

    store = require_writable(store)
    if new_article_ids is not None:
        counts = IncrementalMerger(settings or Settings()).run(store)
    else:
        counts = Merger(settings or Settings()).run(store)
    store.set_meta(MERGE_PENDING, None)
    return counts


def export(out_dir: str | Path, fmt: str = "jsonl", settings: Settings | None = None,
           store: AnyStore | None = None) -> dict[str, int]:
    from .export import export_store

    settings = settings or load_settings()
    own = store is None
    opened = store or open_store(settings.db, must_exist=True)
    try:
        finish_pending_merge(opened, settings)
        return export_store(opened, out_dir, fmt)
    finally:
        if own:
            opened.close()


class PipelineCache:
    """One loaded pipeline per distinct settings, built on first use (loading the spaCy model and the
    gazetteer takes seconds; a warm call on an article takes milliseconds). Calls on one pipeline are
    serialised: the stages keep per-document scratch state."""

    def __init__(self, size: int = 4):
        self.size = size
        self._pipelines: dict[str, tuple[Pipeline, threading.Lock]] = {}
        self._lock = threading.Lock()

    def get(self, settings: Settings) -> tuple[Pipeline, threading.Lock]:
        key = repr(settings)
        with self._lock:
            if key not in self._pipelines:
                if len(self._pipelines) >= self.size:
                    self._pipelines.pop(next(iter(self._pipelines)))
                self._pipelines[key] = (Pipeline(settings), threading.Lock())
            return self._pipelines[key]


#: the pipelines behind `annotate` when the caller passes none (a library convenience: a
#: long-running program that wants its own lifetime passes `pipeline=`)
DEFAULT_PIPELINES = PipelineCache()


def annotate(text: str, *, dct: str | None = None, settings: Settings | None = None,
             source_path: str = "<text>", pipeline: Pipeline | None = None, offsets: str = "input",
             **meta) -> Document:
    """Every per-document stage on one text; nothing is stored.

    `offsets="input"` (the default): `doc.text` is `text` itself and every offset (sentences,
    entities, actors, timexes, places, mentions, quotes) indexes it; the cleaned text stays in
    `doc.clean_text`. `offsets="clean"`: offsets index the cleaned text in `doc.text`, as in the
    store and the export. The pipeline is built once per settings and reused."""
    if offsets not in ("input", "clean"):
        raise ValueError(f"offsets must be 'input' or 'clean', not {offsets!r}")
    if pipeline is not None:
        doc = pipeline.run_text(text, dct=dct, source_path=source_path, **meta)
    else:
        cached, lock = DEFAULT_PIPELINES.get(settings or Settings())
        with lock:
            doc = cached.run_text(text, dct=dct, source_path=source_path, **meta)
    return on_input_text(doc) if offsets == "input" else doc


def on_input_text(doc: Document) -> Document:
    """A copy of `doc` whose text is the text given to the pipeline (`doc.raw_text`) and whose
    offsets index it; lines removed as boilerplate are in the text but carry no annotation."""
    from dataclasses import replace

    from .clean import align_to_input

    raw = doc.raw_text or doc.text
    if raw == doc.text:
        out = replace(doc)
        out.clean_text = doc.text
        return out
    m = align_to_input(raw, doc.text)

    def span(r, a: str = "start", b: str = "end"):
        sa, sb = getattr(r, a), getattr(r, b)
        if sa is None or sa < 0:
            return r
        return replace(r, **{a: m.start(sa), b: m.end(sb)})

    out = replace(
        doc, text=raw, spacy_doc=None, token_columns=None,
        sentences=[span(x) for x in doc.sentences],
        entities=[span(x) for x in doc.entities],
        actor_mentions=[span(x) for x in doc.actor_mentions],
        timexes=[span(x) for x in doc.timexes],
        places=[span(x) for x in doc.places],
        mentions=[span(span(x, "char_start", "char_end"), "trigger_start", "trigger_end") for x in doc.mentions],
        quotes=[span(x, "char_start", "char_end") for x in doc.quotes],
        date_links=[],  # (the parse's dating facts index the cleaned text; they stay with it)
    )
    out.clean_text = doc.text
    return out


def annotate_path(path: str | Path, *, dct: str | None = None, settings: Settings | None = None,
                  pipeline: Pipeline | None = None) -> Document:
    """Read one file (text, HTML, TimeML) and annotate it; an unreadable file raises its InputError.
    Pass `pipeline` when annotating many files: building one loads the spaCy model and gazetteer."""
    settings = pipeline.settings if pipeline is not None else settings or Settings()
    report = IngestReport()
    raws = list(read_inputs([path], settings, report))
    if not raws:
        reason = report.skipped[0].reason if report.skipped else "nothing to read"
        raise InputError(f"{path}: {reason}", stage="ingest", document=str(path))
    return (pipeline or Pipeline(settings)).run_document(raws[0], dct=dct)


def sample_inputs() -> list[Path]:
    return sorted(p for p in SAMPLE_DIR.rglob("*") if p.is_file() and p.suffix.lower() in
                  {".txt", ".html", ".htm", ".jsonl"})
