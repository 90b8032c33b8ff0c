from __future__ import annotations

import pytest

from veille.models import Actor, ActorMention, ActorRef, Document, Published, stable_id
from veille.quotes import (
    QuoteExtractor,
    _DirectQuotes,
    _DocState,
    _IndirectQuotes,
    _Phrases,
    _Speakers,
    find_direct_spans,
)


@pytest.fixture(scope="module")
def plain(settings):
    """The stage without the actor layer: speakers from spaCy entities and phrases."""
    return QuoteExtractor(settings, use_actors=False)


def read(parser, extractor, text, *, actors=None, mentions=None):
    doc = parser(Document(article_id="art_1", source_path="t", text=text,
                          published=Published("2023-09-13", "day", "metadata")))
    if actors:
        doc.actors = {a.actor_id: a for a in actors}
        doc.actor_mentions = sorted(mentions, key=lambda m: m.start)
    return extractor(doc).quotes


def summary(quotes):
    return [(q.text, q.direct, q.speaker.name if q.speaker else None) for q in quotes]


# --------------------------------------------------------------------------- direct spans


def test_direct_spans_guillemets_nested_and_straight():
    text = ("Il a dit : « Le mot ‹ paix › et « trêve » comptent. » Puis “Nous verrons” et "
            "\"Non merci\". « Pas fermé")
    spans = [text[s.start:s.end] for s in find_direct_spans(text)]
    assert spans == ["Le mot ‹ paix › et « trêve » comptent.", "Nous verrons", "Non merci"]


def test_direct_span_over_two_sentences_not_over_a_blank_line():
    text = "« Ils sont venus. C'est grave. » Fin.\n\n« Début\n\nsuite »"
    assert [text[s.start:s.end] for s in find_direct_spans(text)] == ["Ils sont venus. C'est grave."]


# --------------------------------------------------------------------------- speakers, one pattern each


def test_after_quote_named_speaker(parser, plain):
    quotes = read(parser, plain, "« Nous aiderons la Corée du Nord à construire des satellites », "
                                 "a déclaré Vladimir Poutine à la télévision russe.")
    assert summary(quotes) == [("Nous aiderons la Corée du Nord à construire des satellites", True,
                                "Vladimir Poutine")]
    q = quotes[0]
    assert q.quote_id == stable_id("quo", "art_1", 2)
    assert (q.char_start, q.char_end) == (2, 60)
    assert q.date == "2023-09-13"


def test_pronoun_after_quote_is_previous_speaker(parser, plain):
    quotes = read(parser, plain, "Dmitri Peskov a précisé que les deux dirigeants se rencontreront mercredi. "
                                 "« Les discussions porteront sur des questions sensibles », a-t-il ajouté.")
    assert summary(quotes) == [
        ("les deux dirigeants se rencontreront mercredi", False, "Dmitri Peskov"),
        ("Les discussions porteront sur des questions sensibles", True, "Dmitri Peskov"),
    ]


def test_postposed_reporting_clause(parser, plain):
    quotes = read(parser, plain, "Kim Jong Un devrait rencontrer Vladimir Poutine dans les prochains jours, "
                                 "a indiqué le Kremlin dans un communiqué.")
    assert summary(quotes) == [("Kim Jong Un devrait rencontrer Vladimir Poutine dans les prochains jours",
                                False, "le Kremlin")]


def test_selon(parser, plain):
    quotes = read(parser, plain, "Selon Séoul, le dirigeant nord-coréen est accompagné de hauts "
                                 "responsables militaires.")
    assert summary(quotes) == [("le dirigeant nord-coréen est accompagné de hauts responsables militaires",
                                False, "Séoul")]


def test_postposed_selon_a_document_gives_its_author(parser, plain):
    quotes = read(parser, plain, "Six personnes ont été arrêtées dans la capitale britannique, "
                                 "selon un communiqué de la police londonienne.")
    assert summary(quotes) == [("Six personnes ont été arrêtées dans la capitale britannique", False,
                                "la police londonienne")]


def test_selon_pronoun_is_the_sentence_subject(parser, plain):
    quotes = read(parser, plain, "Les Talibans ont visé cet hôtel car selon eux, il était le siège de "
                                 "fêtes sauvages.")
    assert summary(quotes) == [("il était le siège de fêtes sauvages", False, "Talibans")]


def test_speaker_in_apposition_before_colon(parser, plain):
    quotes = read(parser, plain, "Le porte-parole du Kremlin, Dmitri Peskov, a déclaré : "
                                 "« Aucun accord n'a été signé. »")
    assert summary(quotes) == [("Aucun accord n'a été signé.", True, "Dmitri Peskov")]


def test_title_and_role_before_the_name(parser, plain):
    quotes = read(parser, plain, "La procureure de la Cour pénale internationale, Mme Fatou Bensouda, a "
                                 "déclaré : « Mon message à ceux qui sont impliqués est clair. »")
    assert summary(quotes) == [("Mon message à ceux qui sont impliqués est clair.", True, "Fatou Bensouda")]


def test_incise_inside_the_quote(parser, plain):
    quotes = read(parser, plain, "« Tous ces retards posent beaucoup de questions », ajoute Hassan, un autre "
                                 "manifestant. « Moi, dit-il, je pense que le conseil militaire ment. »")
    assert summary(quotes) == [
        ("Tous ces retards posent beaucoup de questions", True, "Hassan"),
        ("Moi, dit-il, je pense que le conseil militaire ment.", True, "Hassan"),
    ]


def test_subject_pronoun_resolves_to_previous_sentence_subject(parser, plain):
    quotes = read(parser, plain, "Gilles Simeoni a appris ce décès au volant de sa voiture. Très ému, il "
                                 "confie au Figaro que « Nous aurions dû plaider l'un contre l'autre cet "
                                 "après-midi ».")
    assert summary(quotes) == [("Nous aurions dû plaider l'un contre l'autre cet après-midi", True,
                                "Gilles Simeoni")]


def test_quote_over_two_sentences_with_descriptive_speaker(parser, plain):
    quotes = read(parser, plain, "Un ancien guide touristique a indiqué : « Ils sont venus avec des pioches. "
                                 "C'est très grave. » La porte est fermée.")
    assert summary(quotes) == [("Ils sont venus avec des pioches. C'est très grave.", True,
                                "Un ancien guide touristique")]


def test_colon_gives_the_clause_subject(parser, plain):
    quotes = read(parser, plain, "Le négociateur palestinien a appelé à la formation d'une commission : "
                                 "« Nous appelons à la formation d'une commission d'enquête internationale ».")
    assert summary(quotes) == [("Nous appelons à la formation d'une commission d'enquête internationale", True,
                                "Le négociateur palestinien")]


def test_faire_savoir_que(parser, plain):
    quotes = read(parser, plain, "Le Conseil des droits de l'Homme de l'ONU a fait savoir qu'il pourrait "
                                 "s'agir de crimes contre l'humanité.")
    assert summary(quotes) == [("il pourrait s'agir de crimes contre l'humanité", False,
                                "Conseil des droits de l'Homme de l'ONU")]


def test_curly_and_straight_quotes(parser, plain):
    quotes = read(parser, plain, "Le ministre a dit : “Nous ne céderons pas sur ce point essentiel”. Le chef "
                                 "de l'opposition a répondu \"Nous verrons bien ce que le peuple décidera\".")
    assert summary(quotes) == [
        ("Nous ne céderons pas sur ce point essentiel", True, "Le ministre"),
        ("Nous verrons bien ce que le peuple décidera", True, "Le chef de l'opposition"),
    ]


def test_fragments_are_not_quotes(parser, plain):
    assert read(parser, plain, "Séoul et Tokyo ont exprimé leur « vive inquiétude » et appelé Moscou "
                               "à respecter l'embargo.") == []
    assert read(parser, plain, "La Maison Blanche a promis de « surveiller de très près » la coopération.") == []


def test_indirect_clause_holding_a_direct_quote_is_one_quote(parser, plain):
    quotes = read(parser, plain, "Le Figaro annonce que le journaliste aurait été tué par « un tir d'obus "
                                 "lancé par les rebelles de Homs, qui visaient un quartier alaouite ».")
    assert summary(quotes) == [("un tir d'obus lancé par les rebelles de Homs, qui visaient un quartier "
                                "alaouite", True, "Le Figaro")]


# --------------------------------------------------------------------------- with the actor layer


def test_speaker_is_the_resolved_actor(parser, settings):
    from veille.actors import actor_at

    text = "« Nous soutiendrons la Russie », a déclaré le dirigeant nord-coréen."
    kim = Actor(actor_id="act_kim", name="Kim Jong Un", kind="person", country="PRK", sector="GOV")
    start = text.index("dirigeant")
    mention = ActorMention(start, start + len("dirigeant nord-coréen"), "dirigeant nord-coréen", "act_kim", "role")
    quotes = read(parser, QuoteExtractor(settings, actor_at=actor_at), text, actors=[kim], mentions=[mention])
    assert len(quotes) == 1
    sp = quotes[0].speaker
    assert (sp.name, sp.country, sp.sector, sp.actor_id) == ("Kim Jong Un", "PRK", "GOV", "act_kim")


def test_named_person_preferred_to_organisation(parser, settings):
    from veille.actors import actor_at

    text = "Aucun accord n'a été signé, a indiqué le porte-parole du Kremlin, Dmitri Peskov."
    kremlin = Actor(actor_id="act_rus", name="Russie", kind="state", country="RUS", sector="GOV")
    peskov = Actor(actor_id="act_pes", name="Dmitri Peskov", kind="person", country="RUS", sector="GOV")
    k, p = text.index("Kremlin"), text.index("Dmitri")
    mentions = [ActorMention(k, k + 7, "Kremlin", "act_rus", "metonymy"),
                ActorMention(p, p + 13, "Dmitri Peskov", "act_pes", "name")]
    quotes = read(parser, QuoteExtractor(settings, actor_at=actor_at), text,
                  actors=[kremlin, peskov], mentions=mentions)
    assert summary(quotes) == [("Aucun accord n'a été signé", False, "Dmitri Peskov")]
    assert quotes[0].speaker.actor_id == "act_pes"


def test_reporting_verbs_load_from_data(settings):
    ex = QuoteExtractor(settings, use_actors=False)
    for lemma in ("declarer", "affirmer", "indiquer", "ajouter", "estimer", "souligner", "assurer",
                  "expliquer", "preciser", "annoncer", "confier", "repondre", "dire", "lancer",
                  "insister", "rappeler", "dementir", "nier"):
        assert lemma in ex.verbs
    assert ex.forms["dit"] == "dire"
    assert ex.forms["indique"] == "indiquer"


def test_definite_description_is_the_preceding_actor_of_its_sector(parser, settings):
    from veille.actors import actor_at

    text = ("Le Figaro publie mardi une enquête sur la mort du journaliste. « Les analyses montrent "
            "assez précisément la source du tir », indique le quotidien.")
    figaro = Actor(actor_id="act_fig", name="Le Figaro", kind="organisation", country="FRA", sector="MED")
    mention = ActorMention(0, 9, "Le Figaro", "act_fig", "name")
    quotes = read(parser, QuoteExtractor(settings, actor_at=actor_at), text, actors=[figaro], mentions=[mention])
    assert summary(quotes) == [("Les analyses montrent assez précisément la source du tir", True, "Le Figaro")]


def test_definite_description_prefers_the_actor_it_introduced(parser, settings):
    from veille.actors import actor_at

    text = ("Le quotidien Le Figaro affirme que le journaliste de France 2 a été tué. « Les analyses "
            "montrent la source du tir », indique le quotidien.")
    figaro = Actor(actor_id="act_fig", name="Le Figaro", kind="organisation", country="FRA", sector="MED")
    f2 = Actor(actor_id="act_f2", name="France 2", kind="organisation", country="FRA", sector="MED")
    mentions = [ActorMention(12, 21, "Le Figaro", "act_fig", "name"),
                ActorMention(text.index("France 2"), text.index("France 2") + 8, "France 2", "act_f2", "name")]
    quotes = read(parser, QuoteExtractor(settings, actor_at=actor_at), text, actors=[figaro, f2], mentions=mentions)
    assert summary(quotes)[-1] == ("Les analyses montrent la source du tir", True, "Le Figaro")


def test_role_phrase_named_earlier_in_apposition(parser, settings):
    from veille.actors import actor_at

    text = ("L'ancien porte-parole de la mission onusienne, Timor Goksel, a parlé hier. Mais l'ancien "
            "porte-parole de la mission onusienne fait remarquer que les combattants peuvent agir de "
            "manière débridée.")
    goksel = Actor(actor_id="act_tg", name="Timor Goksel", kind="person")
    g = text.index("Timor")
    quotes = read(parser, QuoteExtractor(settings, actor_at=actor_at), text, actors=[goksel],
                  mentions=[ActorMention(g, g + 12, "Timor Goksel", "act_tg", "name")])
    assert summary(quotes) == [("les combattants peuvent agir de manière débridée", False, "Timor Goksel")]


def test_quote_date_from_the_reporting_clause_only(parser, settings):
    from veille.timex import TimexTagger

    text = ("Vladimir Poutine a déclaré mercredi que la Russie aiderait la Corée du Nord. "
            "Au moins dix soldats ont été tués jeudi dans le nord du pays, a annoncé le gouvernement.")
    doc = parser(Document(article_id="art_1", source_path="t", text=text,
                          published=Published("2023-09-15", "day", "metadata")))
    doc = TimexTagger(settings)(doc)
    quotes = QuoteExtractor(settings, use_actors=False)(doc).quotes
    assert [(q.text, q.date) for q in quotes] == [
        ("la Russie aiderait la Corée du Nord", "2023-09-13"),
        ("Au moins dix soldats ont été tués jeudi dans le nord du pays", "2023-09-15"),
    ]


def test_without_a_parse_only_direct_quotes(settings):
    doc = Document(article_id="art_1", source_path="t",
                   text="Il a dit : « Nous ne céderons sur rien, jamais. » Selon Séoul, rien n'a changé.")
    quotes = QuoteExtractor(settings, use_actors=False)(doc).quotes
    assert summary(quotes) == [("Nous ne céderons sur rien, jamais.", True, None)]


# --------------------------------------------------------------------------- one rule at a time


def rules(extractor, text, *, parsed=None):
    """The per-document state and the rule objects over it, as `read_quotes` builds them."""
    doc = parsed if parsed is not None else Document(article_id="art_1", source_path="t", text=text)
    st = _DocState(doc, doc.spacy_doc, None)
    phrases = _Phrases(st, extractor)
    speakers = _Speakers(st, extractor, phrases)
    return st, phrases, speakers


def test_state_in_quote_and_sentence_bounds_without_sentences(plain):
    text = "Il a dit « oui » puis « non »."
    st, _, _ = rules(plain, text)
    assert [(sp.open_at, sp.close_at) for sp in st.spans] == [(9, 15), (22, 28)]
    assert [p for p in range(len(text)) if st.in_quote(p)] == [*range(9, 16), *range(22, 29)]
    assert st.sent_bounds(12) == (0, len(text))  # no sentences: the whole text
    assert st.tok_at(3) is None and st.tokens_between(0, 5) == []  # no parse: no tokens


def test_rule_quote_like_without_a_parse(plain):
    text = ("Ils expriment une « vive inquiétude ». « Nous partirons demain matin » dit-il. "
            "« Trop tard »")
    st, _, speakers = rules(plain, text)
    direct = _DirectQuotes(st, plain, speakers)
    assert [(text[sp.start:sp.end], direct.quote_like(sp)) for sp in st.spans] == [
        ("vive inquiétude", False),  # embedded in narration, short, no reporting verb before it
        ("Nous partirons demain matin", False),  # four words: a finite verb is needed, and no parse
        ("Trop tard", False),  # under MIN_WORDS
    ]
    long = "Il a dit : « Nous partirons tous demain matin à l'aube »."
    st, _, speakers = rules(plain, long)
    assert _DirectQuotes(st, plain, speakers).quote_like(st.spans[0]) is True  # five words, free-standing


def test_rule_emit_trims_and_refuses_short_overlapping_or_unattributed_clauses(plain):
    text = "Il a dit : « Tout va bien ici ». , les négociations reprendront lundi ; Fin."
    st, _, speakers = rules(plain, text)
    indirect = _IndirectQuotes(st, plain, speakers)
    st.spans_kept = list(st.spans)
    who = ActorRef(name="le Kremlin")
    start = text.index(", les")
    end = text.index(" ; Fin") + 2
    assert indirect.emit(start, end, None, (0, 2)) is False  # no speaker
    assert indirect.emit(0, end, who, (0, 2)) is False  # holds the direct quote
    assert indirect.emit(text.index("Fin"), len(text), who, (0, 2)) is False  # "Fin" is under 8 characters
    assert indirect.emit(start, end, who, (3, 7)) is True
    assert [(text[f.start:f.end], f.direct, f.speaker, f.anchor) for f in st.found] == [
        ("les négociations reprendront lundi", False, who, (3, 7))]
    assert indirect.emit(start + 6, end, who, (3, 7)) is False  # overlaps the quote just found


def test_rule_head_kind_and_through_document(plain):
    text = "le porte-parole ; un communiqué de la police ; le quotidien ; la semaine"
    _, phrases, _ = rules(plain, text)

    def at(phrase):
        s = text.index(phrase)
        return s, s + len(phrase)

    assert phrases.head_kind(*at("le porte-parole")) == "speaker"
    assert phrases.head_kind(*at("le quotidien")) == "speaker"
    assert phrases.head_kind(*at("un communiqué de la police")) == "document"
    assert phrases.head_kind(*at("la police")) == "speaker"
    assert phrases.head_kind(*at("la semaine")) is None  # no speaker noun, and no parse for a head
    assert phrases.through_document(*at("le porte-parole")) == at("le porte-parole")
    assert phrases.through_document(*at("un communiqué")) is None  # a document, and no parse for its "de X"


def test_rule_apposition_name_and_noun_phrase(parser, plain):
    text = "Le porte-parole du Kremlin, Dmitri Peskov, a parlé."
    doc = parser(Document(article_id="art_1", source_path="t", text=text))
    _, phrases, _ = rules(plain, text, parsed=doc)
    comma = next(t.i for t in doc.spacy_doc if t.text == ",")
    assert phrases.apposition_name(comma) == (text.index("Dmitri"), text.index(", a parlé"))
    assert phrases.apposition_name(0) is None  # not at a comma
    assert phrases.np_after(0) == [(text.index("Dmitri"), text.index(", a parlé")),
                                   (0, text.index(", Dmitri"))]
