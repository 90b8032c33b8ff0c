"""Run the entity recogniser's own token encoder beside the rest of the spaCy pipeline.

In the French spaCy models the NER has its own tok2vec (hash embeddings and a CNN over NORM,
PREFIX, SUFFIX, SHAPE), about 70 % of the NER's cost and a quarter of a warm `annotate` call. It
reads only those lexical attributes, which the tokenizer sets and no later component writes, but
the NER itself must run after the parser: its transitions stop at the sentence boundaries the
parser keeps (without them 3 to 10 entities in 50 change on a 600-word article). So the encoder's
work for a batch starts in a worker thread as soon as the batch is tokenized and overlaps the
shared tok2vec, the tagger and the parser; thinc's numeric kernels release the GIL, so the two run
on two cores (measured: both encoders 26 ms together, 24 + 23 ms one after the other). The NER
then takes the encoded docs instead of computing them. Its output is the same: the same layer runs
on the same docs, only earlier; `tests/test_nlp.py` compares entities, parses and lemmas with and
without the prefetch.

Two pieces share one `PrefetchSlot`:
- `NerPrefetch`, a pipeline component placed first, submits each batch it sees;
- a thin thinc layer put in place of the NER's tok2vec (`Model.replace_node`) answers the NER's
  request, doc by doc, from the prefetched encodings (the NER re-batches by length, so its
  requests are not the submitted batches), else runs the encoder inline.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc
from spacy.util import minibatch
from thinc.api import Model

#: token attributes the tokenizer sets and no component of the pipeline rewrites
LEXICAL_COLUMNS = frozenset({"ORTH", "LOWER", "NORM", "PREFIX", "SUFFIX", "SHAPE"})


class PrefetchSlot:
    """Docs whose NER encoding is under way in the worker thread, matched by identity.

    The worker encodes each doc of a submitted batch on its own: spaCy's parser and NER re-batch
    what they receive (sorted by length, in sub-batches of a quarter of the batch size), so a
    request is answered doc by doc and the arrays joined in its order (the same values as one
    encoding of the request: each doc is encoded independently, padding included; a test compares
    them bit for bit). At most `keep` batches wait: a batch the NER never asks for (a component
    failed on it) is dropped rather than kept alive."""

    def __init__(self, encoder: Model, keep: int = 6):
        self.encoder = encoder
        # (future, ids of its docs) per submitted batch, oldest first: ids only, so that a doc the
        # NER has taken is not kept alive here
        self._batches: deque[tuple[Future, list[int]]] = deque()
        self._keep = keep
        self._waiting: dict[int, tuple[SpacyDoc, Future, int]] = {}  # id(doc) -> (doc, batch's future, index)
        self._executor: ThreadPoolExecutor | None = None
        self._pid = 0  # the process that started the worker thread
        #: requests answered from the worker's encodings / left to the caller (for tests and tuning)
        self.hits = 0
        self.misses = 0

    def submit(self, docs: list[SpacyDoc]) -> None:
        if self._executor is None or self._pid != os.getpid():
            # (again) after a fork: a forked child has the executor but not its thread, and work
            # submitted there would never run
            self._batches.clear()
            self._waiting.clear()
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="veille-ner-encoder")
            self._pid = os.getpid()
        if len(self._batches) >= self._keep:
            old, ids = self._batches.popleft()
            for key in ids:
                if key in self._waiting and self._waiting[key][1] is old:
                    del self._waiting[key]
        docs = list(docs)
        future = self._executor.submit(self._encode_each, docs)
        self._batches.append((future, [id(doc) for doc in docs]))
        for i, doc in enumerate(docs):
            self._waiting[id(doc)] = (doc, future, i)

    def _encode_each(self, docs: list[SpacyDoc]) -> list[Any]:
        return [self.encoder.predict([doc]) for doc in docs]

    def take(self, docs: Sequence[SpacyDoc]) -> Any | None:
        """The encoder's output for these docs (waits for it), if every one was prefetched; else None
        and the caller encodes them itself."""
        found = [self._waiting.pop(id(doc), None) for doc in docs]
        if not docs or any(f is None or f[0] is not doc for f, doc in zip(found, docs, strict=True)):
            self.misses += 1
            return None
        self.hits += 1
        return self.encoder.ops.xp.concatenate([f[1].result()[f[2]] for f in found if f is not None])

    def close(self) -> None:
        self._batches.clear()
        self._waiting.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


class NerPrefetch:
    """Pipeline component (first in the pipeline): start the NER encoder on each batch."""

    def __init__(self, slot: PrefetchSlot | None = None):
        #: set by `add_ner_prefetch`, which also wraps the NER's encoder; without it, a pass-through
        self.slot = slot

    def __call__(self, doc: SpacyDoc) -> SpacyDoc:
        if self.slot is not None:
            self.slot.submit([doc])
        return doc

    def pipe(self, docs: Iterable[SpacyDoc], batch_size: int = 128) -> Iterator[SpacyDoc]:
        if self.slot is None:
            yield from docs
            return
        for batch in minibatch(docs, size=batch_size):
            self.slot.submit(batch)
            yield from batch


def _prefetched_encoder(encoder: Model, slot: PrefetchSlot) -> Model:
    def forward(model: Model, docs: list[SpacyDoc], is_train: bool) -> tuple[Any, Any]:
        if not is_train:
            ready = slot.take(docs)
            if ready is not None:
                def backprop(d_out: Any) -> Any:
                    raise RuntimeError("a prefetched encoding is for inference only")
                return ready, backprop
        return encoder(docs, is_train)

    dims: dict[str, int | None] = {"nO": encoder.get_dim("nO")} if encoder.has_dim("nO") else {}
    return Model("veille_prefetched_tok2vec", forward, layers=[encoder], dims=dims)


def _own_encoder(ner: Any) -> Model | None:
    """The NER's own tok2vec when it reads only lexical attributes (else None: a listener of the
    shared tok2vec, or an encoder reading what other components write)."""
    model = getattr(ner, "model", None)
    if model is None or not model.has_ref("tok2vec"):
        return None
    encoder = model.get_ref("tok2vec")
    features = [node for node in encoder.walk() if node.name == "extract_features"]
    if len(features) != 1:
        return None
    columns = {str(c) for c in features[0].attrs.get("columns", ())}
    return encoder if columns and columns <= LEXICAL_COLUMNS else None


def add_ner_prefetch(nlp: Language) -> bool:
    """Put the prefetch in `nlp` (component first, encoder wrapped). False, and `nlp` unchanged, when
    the NER has no encoder of its own to overlap (it listens to the shared tok2vec) or when a
    component may rewrite what the encoder reads."""
    if "ner" not in nlp.pipe_names or "veille_ner_prefetch" in nlp.pipe_names:
        return False
    ner: Any = nlp.get_pipe("ner")
    encoder = _own_encoder(ner)
    if encoder is None:
        return False
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        written = {str(key) for pattern in getattr(ruler, "patterns", []) for key in pattern.get("attrs", {})}
        if written & LEXICAL_COLUMNS:
            return False  # a rule rewrites what the encoder reads: it must wait for the ruler
    slot = PrefetchSlot(encoder)
    if not ner.model.replace_node(encoder, _prefetched_encoder(encoder, slot)):
        return False
    component = nlp.add_pipe("veille_ner_prefetch", first=True)
    assert isinstance(component, NerPrefetch)
    component.slot = slot
    return True


@Language.factory("veille_ner_prefetch", default_config={})
def make_ner_prefetch(nlp: Language, name: str) -> NerPrefetch:
    return NerPrefetch()
