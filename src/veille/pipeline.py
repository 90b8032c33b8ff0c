"""The per-document pipeline: named stages run in order, each checked, one error policy.

A stage is an object configured once (`Stage(settings)`) with `__call__(doc) -> doc`;
a stage that benefits from batching (spaCy) may also define `pipe(docs) -> docs`. Stages are
registered by name, with the layers they require and assign, in `veille.stages`.
Corpus-level passes (dedup, merge) are not stages: they run in `veille.api` around it.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

from .budget import time_budget
from .config import Settings
from .dating import metadata_date
from .errors import InputError, StageError, skip_reason
from .models import Document, RawDocument, normalise_for_hash, stable_id
from .stages import REGISTRY, StageRegistry

log = logging.getLogger("veille.pipeline")


@runtime_checkable
class Stage(Protocol):
    name: str

    def __call__(self, doc: Document) -> Document: ...


#: receives each document a stage rejects: its source path and the stage's `InputError`
RejectHandler = Callable[[str, InputError], None]


def article_id_for(text: str) -> str:
    """Content-hash id of an article: the same body always gets the same id."""
    return stable_id("art", normalise_for_hash(text))


def new_document(raw: RawDocument) -> Document:
    """A Document from ingest's output, before cleaning: text is the raw text."""
    published = metadata_date(raw.published)
    return Document(
        article_id=article_id_for(raw.text),
        source_path=raw.source_path,
        text=raw.text,
        raw_text=raw.text,
        url=raw.url,
        outlet=raw.outlet,
        title=raw.title,
        byline=raw.byline,
        language=raw.language,
        published=published,
        html_extract=raw.is_html_extract,
        fetched=raw.fetched,
    )


class Pipeline:
    """Runs the configured stages over documents.

    >>> pipe = Pipeline(stages=["clean"])
    >>> doc = pipe.run_text("Accueil / Monde\\nLe sommet a eu lieu hier à Paris.")
    """

    #: allocations between two collections of the youngest generation once the pipeline is frozen.
    #: A batch of parsed documents holds tens of thousands of young containers (records, token
    #: columns) until it is stored; at Python's default of 700 the collector walks them ≈30 times
    #: per article and each full collection, triggered that often, walks them all again (measured
    #: on 300 articles: 951 → 34 young and 7 → 1 full collections, end-to-end time −2 %).
    YOUNG_GC_THRESHOLD = 10_000

    def __init__(self, settings: Settings | None = None, *, stages: Sequence[str] | None = None,
                 freeze_when_loaded: bool = False, registry: StageRegistry | None = None):
        """`freeze_when_loaded`: once every stage exists (spaCy model, gazetteer, lexicons), move
        all objects loaded so far out of the cyclic garbage collector's reach (`gc.freeze`);
        otherwise each full collection walks the gazetteer's and vocab's long-lived objects again
        (measured: a few per cent of end-to-end time on long runs). It also raises the youngest
        generation's collection threshold to `YOUNG_GC_THRESHOLD`. It acts on the whole process,
        so only long-running entry points (CLI, workers, server, benchmarks) ask for it.

        `registry` (default `veille.stages.REGISTRY`, plus the settings' `plugins`) names the stages;
        the chain is checked here:
        an unknown stage or stage settings are a `ConfigError` (E300), a stage placed before a layer
        it requires a `StageChainError` (E302) naming the stage and the layer."""
        self.settings = settings or Settings()
        # stages a TOML file declares (`[plugins.<name>]`) join a copy of the registry
        self.registry = (registry if registry is not None else REGISTRY).with_plugins(self.settings.plugins)
        self.stage_names: list[str] = list(stages if stages is not None else self.settings.stages)
        for note in self.registry.check_chain(self.stage_names):
            log.info("%s", note)
        self.registry.check_settings(self.settings)
        self._stages: dict[str, Stage] = {}
        self.timings: dict[str, float] = dict.fromkeys(self.stage_names, 0.0)
        self._freeze_pending = freeze_when_loaded

    def get_stage(self, name: str) -> Stage:
        if name not in self._stages:
            self._stages[name] = self.registry.build(name, self.settings)
            if self._freeze_pending and len(self._stages) == len(self.stage_names):
                self._freeze_pending = False
                gc.collect()
                gc.freeze()
                young, *older = gc.get_threshold()
                gc.set_threshold(max(young, self.YOUNG_GC_THRESHOLD), *older)
        return self._stages[name]

    @property
    def stages(self) -> list[tuple[str, Stage]]:
        return [(n, self.get_stage(n)) for n in self.stage_names]

    # ------------------------------------------------------------------ running

    def process(self, raws: Iterable[RawDocument], *, dct: str | None = None,
                on_reject: RejectHandler | None = None) -> Iterator[Document]:
        """Stream documents through all stages, in batches of `settings.batch_size`; each rejected
        document goes to `on_reject` (see `run_stages`)."""
        batch: list[Document] = []
        for raw in raws:
            batch.append(self.start(raw, dct))
            if len(batch) >= self.settings.batch_size:
                yield from self.run_stages(batch, on_reject=on_reject)
                batch = []
        if batch:
            yield from self.run_stages(batch, on_reject=on_reject)

    def run_document(self, raw: RawDocument, *, dct: str | None = None) -> Document:
        """Process one document; an input the stages reject raises its `InputError`."""
        rejected: list[InputError] = []
        docs = self.run_stages([self.start(raw, dct)], on_reject=lambda source, err: rejected.append(err))
        if not docs:
            raise rejected[-1]
        return docs[0]

    def run_text(self, text: str, *, dct: str | None = None, source_path: str = "<text>",
                 **meta) -> Document:
        return self.run_document(RawDocument(source_path=source_path, text=text, **meta), dct=dct)

    def start(self, raw: RawDocument, dct: str | None) -> Document:
        doc = new_document(raw)
        if dct:
            # an explicit creation date overrides whatever the page says
            doc.published = metadata_date(dct)
        return doc

    def run_stages(self, docs: list[Document], names: Sequence[str] | None = None, *,
                   on_reject: RejectHandler | None = None) -> list[Document]:
        """Run the named stages (default: all) over a batch; rejected documents are dropped.

        A stage raising an `InputError` (e.g. clean finding nothing but furniture) rejects the
        document: it is logged and handed to `on_reject(source_path, error)` (as spaCy hands a
        component's failure to its error handler), so that each caller collects the rejections
        of its own call. Any other failure drops only that stage's layer for that document
        (policy "skip") or propagates ("raise").
        """
        for name in names if names is not None else self.stage_names:
            if not docs:
                break
            stage = self.get_stage(name)
            t0 = time.perf_counter()
            pipe = getattr(stage, "pipe", None)
            if pipe is not None and len(docs) > 1:
                try:
                    docs = list(pipe(docs))
                except Exception as err:  # noqa: BLE001 - one error policy for every stage
                    if self.settings.on_error == "raise":
                        raise
                    log.warning("stage %s failed on a batch, retrying one by one: %s", name, err)
                    docs = [d for d in (self._apply(name, stage, d, on_reject) for d in docs) if d is not None]
            else:
                docs = [d for d in (self._apply(name, stage, d, on_reject) for d in docs) if d is not None]
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0
        return docs

    def _apply(self, name: str, stage: Stage, doc: Document,
               on_reject: RejectHandler | None = None) -> Document | None:
        try:
            with time_budget(self.settings.stage_timeout_s, name, doc.article_id):
                out = stage(doc)
        except InputError as err:
            if self.settings.on_error == "raise":
                raise
            log.warning("rejected %s at stage %s: %s", doc.source_path, name, skip_reason(err))
            if on_reject is not None:
                on_reject(doc.source_path, err)
            return None
        except Exception as err:  # noqa: BLE001
            if self.settings.on_error == "raise":
                raise
            error = err if isinstance(err, StageError) else StageError(
                f"{type(err).__name__}: {err}", stage=name, document=doc.article_id)
            log.warning("%s (%s)", error, doc.source_path)
            doc.stage_errors.append(str(error))
            return doc
        if not isinstance(out, Document):
            raise StageError(f"stage returned {type(out).__name__}, expected Document",
                             stage=name, document=doc.article_id)
        return out
