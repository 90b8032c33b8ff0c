from __future__ import annotations

import time

import pytest

from veille.models import DateValue, Document, Published
from veille.nlp import fill_from_spacy
from veille.timex import TimexTagger, attach_date, fold_same_length, resolve_relative


@pytest.fixture(scope="module")
def tagger() -> TimexTagger:
    return TimexTagger()


def tag(tagger, text, dct=None, nlp=None, method="metadata"):
    doc = Document("art_test", "<test>", text)
    if dct:
        doc.published = Published(dct, "day", method)
    if nlp is not None:
        fill_from_spacy(doc, nlp(text))
    tagger(doc)
    return doc


def values(doc):
    return {t.text: t.value for t in doc.timexes}


def one(doc, text):
    found = [t for t in doc.timexes if t.text == text]
    assert found, f"{text!r} not found in {[t.text for t in doc.timexes]}"
    return found[0]


# ---------------------------------------------------------------- absolute


def test_absolute_dates(tagger):
    doc = tag(tagger, "Mardi 12 septembre 2023, le 15 septembre, September 13, 2023, en octobre, en 2000, "
                      "depuis 2000, le 1er mai, le 12/09/2023 et le 2023-09-14.", "2023-09-19")
    assert values(doc) == {
        "Mardi 12 septembre 2023": "2023-09-12", "le 15 septembre": "2023-09-15",
        "September 13, 2023": "2023-09-13", "octobre": "2023-10", "2000": "2000", "le 1er mai": "2023-05-01",
        "le 12/09/2023": "2023-09-12", "le 2023-09-14": "2023-09-14",
    }
    assert one(doc, "octobre").precision == "month"
    assert one(doc, "2000").precision == "year"
    assert [t.text for t in doc.timexes].count("2000") == 2


def test_offsets_index_the_text(tagger):
    text = "L’armée a frappé hier. Le 1er mai 2016, à 14h30, rien."
    doc = tag(tagger, text, "2016-05-03")
    for t in doc.timexes:
        assert text[t.start:t.end] == t.text
    assert values(doc) == {"hier": "2016-05-02", "Le 1er mai 2016": "2016-05-01", "14h30": "2016-05-01T14:30"}
    assert one(doc, "14h30").type == "TIME"


def test_month_year_and_modifiers(tagger):
    doc = tag(tagger, "Fin février 2016, puis en juin 2017 et au printemps 2016, les années 1990, le XXe siècle.",
              "2017-07-01")
    assert values(doc) == {"Fin février 2016": "2016-02", "juin 2017": "2017-06", "printemps 2016": "2016-SP",
                           "les années 1990": "199", "XXe siècle": "19"}
    assert one(doc, "printemps 2016").end_date == "2016-05"


def test_numbers_are_not_years(tagger):
    doc = tag(tagger, "Environ 2000 personnes et 1500 euros, mais en 2015 il y avait 1 500 soldats.", "2016-01-01")
    assert values(doc) == {"2015": "2015"}


def test_date_range(tagger):
    doc = tag(tagger, "Le festival a lieu du 12 au 15 septembre 2023.", "2023-09-01")
    t = one(doc, "12")
    assert (t.value, t.end_date) == ("2023-09-12", "2023-09-15")
    assert one(doc, "15 septembre 2023").value == "2023-09-15"


# ---------------------------------------------------------------- relative


@pytest.mark.parametrize(("text", "value", "precision"), [
    ("hier", "2023-09-18", "day"),
    ("aujourd'hui", "2023-09-19", "day"),
    ("avant-hier", "2023-09-17", "day"),
    ("demain", "2023-09-20", "day"),
    ("la semaine dernière", "2023-W37", "week"),
    ("le mois prochain", "2023-10", "month"),
    ("l'année dernière", "2022", "year"),
    ("l'an dernier", "2022", "year"),
    ("plus tôt cette semaine", "2023-W38", "week"),
    ("dimanche soir", "2023-09-17TEV", "day"),
    ("lundi matin", "2023-09-18TMO", "day"),
    ("mercredi dernier", "2023-09-13", "day"),
    ("samedi", "2023-09-16", "day"),
    ("il y a trois jours", "2023-09-16", "day"),
    ("dans deux semaines", "2023-W40", "week"),
    ("cette année", "2023", "year"),
    ("ce mois-ci", "2023-09", "month"),
    ("hier soir", "2023-09-18TEV", "day"),
    ("ce matin", "2023-09-19TMO", "day"),
    ("l'été dernier", "2023-SU", "season"),
])
def test_relative_to_article_date(tagger, text, value, precision):
    # 2023-09-19 is a Tuesday
    doc = tag(tagger, f"Il s'est exprimé {text}.", "2023-09-19")
    t = one(doc, text)
    assert (t.value, t.precision, t.anchor) == (value, precision, "2023-09-19")


def test_week_dates(tagger):
    t = one(tag(tagger, "Il est arrivé la semaine dernière.", "2023-09-19"), "la semaine dernière")
    assert (t.date, t.end_date) == ("2023-09-11", "2023-09-17")


def test_mardi_dernier_on_a_tuesday_is_one_week_earlier(tagger):
    doc = tag(tagger, "Il a parlé mardi dernier. Il a parlé mardi.", "2023-09-19")
    assert [t.value for t in doc.timexes] == ["2023-09-12", "2023-09-19"]


def test_mardi_prochain_on_a_tuesday(tagger):
    assert values(tag(tagger, "Il viendra mardi prochain.", "2023-09-19")) == {"mardi prochain": "2023-09-26"}


def test_monday_in_article_of_tuesday_2_january(tagger):
    assert values(tag(tagger, "Le ministre a parlé lundi.", "2024-01-02")) == {"lundi": "2024-01-01"}


def test_month_rollover(tagger):
    doc = tag(tagger, "Le mois prochain, et le mois dernier.", "2023-12-19")
    assert values(doc) == {"Le mois prochain": "2024-01", "le mois dernier": "2023-11"}
    doc = tag(tagger, "Le mois dernier.", "2024-01-05")
    assert values(doc) == {"Le mois dernier": "2023-12"}
    doc = tag(tagger, "Il a été élu la semaine dernière.", "2024-01-02")
    assert values(doc) == {"la semaine dernière": "2023-W52"}


def test_year_rollover_for_day_and_month(tagger):
    doc = tag(tagger, "Les faits remontent au 28 décembre.", "2024-01-02")
    assert values(doc) == {"28 décembre": "2023-12-28"}
    doc = tag(tagger, "Il avait été arrêté en novembre.", "2024-01-02")
    assert values(doc) == {"novembre": "2023-11"}
    doc = tag(tagger, "Les élections auront lieu en février.", "2023-12-15")
    assert values(doc) == {"février": "2024-02"}


def test_english_relative(tagger):
    doc = tag(tagger, "« We met yesterday and last week », a-t-il dit.", "2023-09-19")
    assert values(doc) == {"yesterday": "2023-09-18", "last week": "2023-W37"}


# ---------------------------------------------------------------- tense


def test_tense_regex_fallback(tagger):
    doc = tag(tagger, "Le président a rencontré mercredi son homologue. Il devrait arriver mardi soir à Moscou. "
                      "Il se rendra jeudi à Pékin.", "2023-09-19")
    assert [(t.value, t.direction) for t in doc.timexes] == [
        ("2023-09-13", "past"), ("2023-09-19TEV", "future"), ("2023-09-21", "future")]


def test_tense_from_parse(tagger, spacy_nlp):
    text = ("Le président a rencontré mercredi son homologue. Il devrait arriver vendredi soir à Moscou. "
            "Il se rendra jeudi à Pékin. Le ministre prévoit de se rendre à Kiev lundi. "
            "Les troupes ont quitté la ville samedi.")
    doc = tag(tagger, text, "2023-09-19", nlp=spacy_nlp)
    assert [(t.text, t.value, t.direction) for t in doc.timexes] == [
        ("mercredi", "2023-09-13", "past"), ("vendredi soir", "2023-09-22TEV", "future"),
        ("jeudi", "2023-09-21", "future"), ("lundi", "2023-09-25", "future"), ("samedi", "2023-09-16", "past")]


# ---------------------------------------------------------------- durations and sets


def test_durations_and_sets(tagger):
    doc = tag(tagger, "Un voyage de six jours, pendant quatre heures, au cours de la deuxième année de la guerre, "
                      "chaque mardi, une peine de 18 mois, pendant 48 heures.", "2023-09-19")
    got = {t.text: (t.type, t.value, t.date) for t in doc.timexes}
    assert got == {
        "six jours": ("DURATION", "P6D", None), "quatre heures": ("DURATION", "PT4H", None),
        "la deuxième année": ("DURATION", "P1Y", None), "chaque mardi": ("SET", "XXXX-WXX-2", None),
        "18 mois": ("DURATION", "P18M", None), "48 heures": ("DURATION", "PT48H", None),
    }


def test_un_jour_is_not_a_duration_without_cue(tagger):
    assert tag(tagger, "Un jour, il reviendra.", "2023-09-19").timexes == []


# ---------------------------------------------------------------- article date


def test_metadata_date_is_kept(tagger):
    doc = tag(tagger, "22 mai 2012. - Il est parti hier.", "2012-05-25")
    assert doc.published == Published("2012-05-25", "day", "metadata")
    assert one(doc, "hier").value == "2012-05-24"


def test_dateline_gives_article_date(tagger):
    doc = tag(tagger, "Titre\n\n22 mai 2012. - Prévu pour samedi dernier, le lancement a eu lieu ce matin.")
    assert doc.published == Published("2012-05-22", "day", "text")
    assert values(doc)["samedi dernier"] == "2012-05-19"


def test_ce_weekday_date_cue(tagger):
    doc = tag(tagger, "Le 3 mars 2023, un accord fut signé. Le ministre s'est exprimé ce vendredi 15 septembre 2023. "
                      "Il a parlé jeudi.")
    assert doc.published == Published("2023-09-15", "day", "text")
    assert one(doc, "jeudi").value == "2023-09-14"


def test_year_only_article_date(tagger):
    doc = tag(tagger, "En 2023, le pays a connu une crise. Hier, il a plu. L'an dernier aussi.")
    assert doc.published == Published("2023", "year", "text")
    assert one(doc, "Hier").value == "XXXX-XX-XX"
    assert one(doc, "Hier").date is None
    assert one(doc, "L'an dernier").value == "2022"


def test_no_date_cue(tagger):
    doc = tag(tagger, "Il a parlé mardi, puis hier.")
    assert doc.published == Published()
    assert [(t.value, t.date) for t in doc.timexes] == [("XXXX-WXX-2", None), ("XXXX-XX-XX", None)]


def test_resolve_relative(tagger):
    doc = tag(tagger, "Il a parlé mardi, puis hier.")
    resolve_relative(doc, "2023-09-21", tagger)
    assert [t.value for t in doc.timexes] == ["2023-09-19", "2023-09-20"]
    assert doc.published == Published()


# ---------------------------------------------------------------- attach_date


def test_attach_date_by_parse(tagger, spacy_nlp):
    text = "Les forces russes ont bombardé Kharkiv mardi. Depuis 2000, le pays a changé. Rien n'a été signé."
    doc = tag(tagger, text, "2023-09-21", nlp=spacy_nlp)
    i = text.index("bombardé")
    assert attach_date(doc, i, i + 8) == DateValue("2023-09-19", "day", None, "text")
    i = text.index("changé")
    assert attach_date(doc, i, i + 6) == DateValue("2000", "year", None, "text")
    i = text.index("signé")
    assert attach_date(doc, i, i + 5) == DateValue("2023-09-21", "week", None, "reported")


def test_attach_date_without_parse_and_clause_boundary(tagger):
    text = "La réunion a eu lieu la semaine dernière; les combats ont repris pendant six jours."
    doc = tag(tagger, text, "2023-09-19")
    i = text.index("réunion")
    assert attach_date(doc, i, i + 7) == DateValue("2023-09-11", "week", "2023-09-17", "text")
    i = text.index("combats")
    assert attach_date(doc, i, i + 7) == DateValue("2023-09-19", "week", None, "reported")  # a duration is never a date


def test_attach_date_no_article_date(tagger):
    doc = tag(tagger, "Les combats ont repris.")
    assert attach_date(doc, 4, 11) is None


# ---------------------------------------------------------------- robustness


def test_fold_keeps_length():
    s = "Œuvre ﬁnale à l’été – İstanbul"
    assert len(fold_same_length(s)) == len(s)


@pytest.mark.parametrize("evil", [
    "1 " * 5000, "lundi " * 3000, "il y a " * 2000, "du 1 au " * 2000, "a" * 20000, "12/" * 5000,
    "mardi dernier matin " * 1500, "la la la " * 3000, "de " * 5000 + "deux", "1er " * 4000,
])
def test_linear_time_on_adversarial_strings(tagger, evil):
    t0 = time.perf_counter()
    tag(tagger, evil, "2023-09-19")
    assert time.perf_counter() - t0 < 2.0


# ---------------------------------------------------------------- lists, holidays, clock times


def test_day_lists_and_hyphen_ranges(tagger):
    doc = tag(tagger, "Le concours aura lieu les 8, 10 et 12 mai 2018, puis le tournoi les 3-4 mars 2018.", "2017-12-01")
    got = [(t.text, t.value, t.end_date) for t in doc.timexes]
    # "les" goes with the first day of a list (French TimeBank "les 6 et 13 avril prochains")
    assert got == [("les 8", "2018-05-08", None), ("10", "2018-05-10", None), ("12 mai 2018", "2018-05-12", None),
                   ("les 3", "2018-03-03", "2018-03-04"), ("4 mars 2018", "2018-03-04", None)]


def test_holidays(tagger):
    doc = tag(tagger, "À Noël et pour le jour de l'an 2017, la ville sera illuminée.", "2016-12-20")
    assert values(doc) == {"Noël": "2016-12-25", "jour de l'an 2017": "2017-01-01"}


def test_clock_times(tagger):
    doc = tag(tagger, "Le 3 mars 2016 à 19:15 (UTC), puis de 18 h-19 h, et jusqu'à minuit.", "2016-03-04")
    assert values(doc) == {"Le 3 mars 2016": "2016-03-03", "19:15 (UTC)": "2016-03-03T19:15",
                           "18 h": "2016-03-03T18:00", "19 h": "2016-03-03T19:00", "minuit": "2016-03-03T24:00"}


def test_bare_year_deep_in_body_is_not_the_article_year(tagger):
    doc = tag(tagger, "Diplomatie\n\n" + "Le ministre a parlé avec son homologue. " * 8 + "Un accord avait été signé en 2019.")
    assert doc.published == Published()


def test_compound_numbers_and_clock_words(tagger):
    doc = tag(tagger, "Moins de quarante cinq minutes après le départ, puis vingt et un jours, et quatre-vingt-dix ans.", "2012-05-22")
    assert values(doc) == {"quarante cinq minutes": "PT45M", "vingt et un jours": "P21D", "quatre-vingt-dix ans": "P90Y"}
    doc = tag(tagger, "Il est mort dans la nuit de vendredi à samedi à trois heures du matin.", "2012-06-16")
    assert values(doc) == {"la nuit de vendredi à samedi": "2012-06-15TNI", "trois heures": "2012-06-16T03:00"}
    doc = tag(tagger, "Le train part à cinq heures de l'après-midi.", "2012-06-16")
    assert values(doc) == {"cinq heures": "2012-06-16T17:00"}


def test_date_with_part_of_day_semester_and_event_relative(tagger):
    doc = tag(tagger, "Jusqu'au mercredi 11 juillet au matin, au premier semestre 2012, à la veille du sommet.", "2012-07-06")
    got = {t.text: (t.value, t.date, t.end_date) for t in doc.timexes}
    assert got == {"mercredi 11 juillet au matin": ("2012-07-11TMO", "2012-07-11", None),
                   "premier semestre 2012": ("2012-H1", "2012-01", "2012-06"),
                   "la veille": ("XXXX-XX-XX", None, None)}


def test_offsets_from_the_previous_date(tagger):
    doc = tag(tagger, "Il est arrêté le 3 mars 2016. Trois jours plus tard, il est libéré. Il part deux ans après.",
              "2018-01-10")
    assert values(doc) == {"le 3 mars 2016": "2016-03-03", "Trois jours plus tard": "2016-03-06",
                           "deux ans après": "2018"}
    doc = tag(tagger, "Quelques jours après la victoire, il a payé.", "2017-03-19")
    assert values(doc) == {"Quelques jours": "PXD"}


def test_numeric_dates_day_first_then_us_order(tagger):
    doc = tag(tagger, "Le 09/10/2023, puis le 09/13/2023.", "2023-09-19")
    assert [t.value for t in doc.timexes] == ["2023-10-09", "2023-09-13"]


def test_word_start_pattern_matches_exactly_what_the_lookbehind_regex_matches():
    import re

    from veille.timex import WordStartPattern, _required_start

    lb = r"(?<![\w-])"
    pattern = lb + r"(?:ce|cette)\s{1,3}(?P<part>matin|soir)"
    fast = WordStartPattern(pattern, lb)
    assert fast.body is not None  # scanned by its literal body
    text = "glace matin, ce matin, x-ce soir, _ce soir, cette   soir, ce ce matin"
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(pattern, text)] == [
        (13, 21), (44, 56), (61, 69)]
    assert [m.group("part") for m in fast.finditer(text)] == ["matin", "soir", "matin"]
    assert [_required_start(b) for b in ("abc", "a?b", "(?:x|y)z", "(?:x|y)?z", "(?:x){0,2}", "a|b", "(?:a)|b",
                                         r"\d+", "[ab]c")] == [
        True, False, True, False, False, False, False, False, False]


def test_spans_follow_the_french_timebank_convention(tagger):
    doc = tag(tagger, "Le jeudi 12 septembre, vers 15 h 30, il a parlé pendant environ deux mois, depuis le mois de "
                      "juin. Le mardi, rien.", "2002-09-10")
    assert values(doc) == {"Le jeudi 12 septembre": "2002-09-12", "vers 15 h 30": "2002-09-12T15:30",
                           "environ deux mois": "P2M", "mois de juin": "2002-06", "mardi": "2002-09-10"}


def test_attach_date_carries_the_paragraphs_day(tagger, spacy_nlp):
    text = ("L'armée a bombardé Kharkiv mardi. Les frappes ont détruit une école.\n"
            "Le ministre a réagi. Le 19 mars dernier, Merah a tué trois enfants. Il a été arrêté.")
    doc = tag(tagger, text, "2023-09-21", nlp=spacy_nlp)
    i = text.index("détruit")  # the next sentence of the paragraph: that Tuesday
    assert attach_date(doc, i, i + 7) == DateValue("2023-09-19", "day", None, "context")
    i = text.index("réagi")  # a new paragraph: no carry, reported that week
    assert attach_date(doc, i, i + 5) == DateValue("2023-09-21", "week", None, "reported")
    i = text.index("arrêté")  # a background date months old does not carry
    assert attach_date(doc, i, i + 6) == DateValue("2023-09-21", "week", None, "reported")


def test_a_bare_clock_time_is_on_the_day_the_narrative_is_at(tagger, spacy_nlp):
    doc = tag(tagger, "Le président est arrivé hier à Salt Lake City. Il a atterri vers 12 h 30.", "2002-02-09",
              nlp=spacy_nlp)
    assert values(doc) == {"hier": "2002-02-08", "vers 12 h 30": "2002-02-08T12:30"}


def test_attach_date_skips_a_day_its_tense_disagrees_with(tagger, spacy_nlp):
    text = "Kim a quitté Moscou pour le sommet de dimanche prochain. Kim partira pour le sommet de dimanche prochain."
    doc = tag(tagger, text, "2023-09-14", nlp=spacy_nlp)
    i = text.index("quitté")  # past tense: not dated by the coming Sunday the summit is on
    assert attach_date(doc, i, i + 6) == DateValue("2023-09-14", "week", None, "reported")
    i = text.index("partira")  # future tense: it is
    assert attach_date(doc, i, i + 7) == DateValue("2023-09-17", "day", None, "text")


# ---------------------------------------------------------------- the rule table

#: one example per family of `TIMEX_RULES`: (text, article date, the family's name, expected value)
FAMILY_EXAMPLES = [
    ("Il est venu du 12 au 15 avril.", "2023-05-19", "range_day", "2023-04-12"),
    ("Le 1er mai 2016, la fête du travail.", "2023-09-19", "holiday", "2023-05-01"),
    ("Il est parti le 15 septembre.", "2023-09-19", "date_full", "2023-09-15"),
    ("Hier, il est arrivé. Il est reparti dans la soirée.", "2023-09-19", "narrative_part", "2023-09-18TEV"),
    ("La demande augmente en été.", "2023-09-19", "season", "XXXX-SU"),
    ("La violence n'est désormais plus de mise.", "2023-09-19", "present_ref", "PRESENT_REF"),
    ("Ces derniers jours, le président a annulé ses rendez-vous.", "2023-09-19", "recent_period", "PXD"),
    ("He said on September 13, 2023.", "2023-09-19", "date_en", "2023-09-13"),
    ("Signé le 12/09/2023.", "2023-09-19", "date_num", "2023-09-12"),
    ("Publié le 2023-09-14.", "2023-09-19", "date_iso", "2023-09-14"),
    ("Depuis début mai 2012, rien.", "2023-09-19", "month_year", "2012-05"),
    ("Il est parti en mars.", "2023-09-19", "month", "2023-03"),
    ("Au second semestre 2020, rien.", "2023-09-19", "semester", "2020-H2"),
    ("Au premier trimestre 2019, rien.", "2023-09-19", "quarter", "2019-Q1"),
    ("Durant l'été 2018, rien.", "2023-09-19", "season_year", "2018-SU"),
    ("Dans les années 90, rien.", "2023-09-19", "decade", "199"),
    ("Au XXe siècle, rien.", "2023-09-19", "century", "19"),
    ("Il est né en 1975.", "2023-09-19", "year", "1975"),
    ("Il est arrivé hier.", "2023-09-19", "relday", "2023-09-18"),
    ("Il est arrivé ce matin.", "2023-09-19", "this_part", "2023-09-19TMO"),
    ("Des tirs ont été entendus la nuit dernière.", "2023-09-19", "last_night", "2023-09-18TNI"),
    ("Il partira à la fin de l'année.", "2023-09-19", "period_edge", "2023"),
    ("Il a parlé à la mi-journée.", "2023-09-19", "midday", "2023-09-19T12:00"),
    ("Il est arrivé hier. Le lendemain, il est parti.", "2023-09-19", "anaphoric", "2023-09-19"),
    ("Un avion s'est écrasé le 3 juin. Le pays a connu le même jour un attentat.", "2023-09-19", "same_day",
     "2023-06-03"),
    ("Les émeutes ont commencé en mars 2011. Le même mois, l'armée a tiré.", "2023-09-19", "same_period", "2011-03"),
    ("Il est arrivé la nuit de vendredi à samedi.", "2023-09-19", "night_span", "2023-09-15TNI"),
    ("Il est arrivé samedi 16 à Paris.", "2023-09-19", "weekday_day", "2023-09-16"),
    ("Il est arrivé lundi dernier.", "2023-09-19", "weekday", "2023-09-18"),
    ("Il est arrivé la semaine dernière.", "2023-09-19", "rel_unit", "2023-W37"),
    ("He came last month.", "2023-09-19", "rel_unit_en", "2023-08"),
    ("Il est arrivé il y a trois jours.", "2023-09-19", "ago", "2023-09-16"),
    ("Il arrivera dans deux semaines.", "2023-09-19", "in", "2023-W40"),
    ("Il vient tous les lundis.", "2023-09-19", "set", "XXXX-WXX-1"),
    ("Il vient deux fois par semaine.", "2023-09-19", "frequency", "P1W"),
    ("Durant la première année du mandat, rien.", "2023-09-19", "ordinal_period", "P1Y"),
    ("Il est arrivé hier à 14h30.", "2023-09-19", "time", "2023-09-18T14:30"),
    ("Il est arrivé hier à midi.", "2023-09-19", "midnoon", "2023-09-18T12:00"),
    ("Il a parlé pendant trois jours.", "2023-09-19", "duration", "P3D"),
    ("Il a parlé pendant des semaines.", "2023-09-19", "duration_vague", "PXW"),
    ("Il est favorable à un quinquennat.", "2023-09-19", "period_noun", "P5Y"),
    ("Les frappes ont duré toute la nuit.", "2023-09-19", "whole_unit", "P1D"),
    ("Pendant les mois d'été, la demande augmente.", "2023-09-19", "season_months", "XXXX-SU"),
    ("Il est arrivé hier. Il n'y avait personne à ce moment-là.", "2023-09-19", "that_moment", "2023-09-18"),
    ("Ils sont entrés dans la nouvelle année.", "2024-01-02", "new_year", "2024"),
    ("Le 12 mai 2023, il part. Trois jours plus tard, il revient.", "2023-09-19", "offset", "2023-05-15"),
    ("He left 5 years ago.", "2023-09-19", "ago_en", "2018"),
]


@pytest.mark.parametrize(("text", "dct", "rule", "value"), FAMILY_EXAMPLES, ids=[e[2] for e in FAMILY_EXAMPLES])
def test_timex_each_family_resolves_its_example(tagger, text, dct, rule, value):
    doc = tag(tagger, text, dct)
    assert [t.value for t in doc.timexes if t.rule == rule] == [value], [(t.rule, t.value) for t in doc.timexes]


def test_timex_every_family_of_the_table_has_an_example():
    from veille.timex_grammar import TIMEX_RULES

    # "duration_w" gives "duration", "time", "offset" or "ago_en" matches, never its own name; "year_pair"
    # gives two "year" matches (test_timex_year_pairs), "season_pair" two "season" ones
    assert {r.name for r in TIMEX_RULES} - {"duration_w", "year_pair", "season_pair"} == {
        e[2] for e in FAMILY_EXAMPLES}


def test_timex_a_family_added_to_the_table_is_used_by_the_tagger():
    from datetime import timedelta

    from veille.errors import ConfigError
    from veille.timex_grammar import TIMEX_RULES, TimexRule
    from veille.timex_lexicon import Res

    class Fortnight(TimexRule):
        """"la quinzaine prochaine": the day two weeks after the article's."""

        name = "fortnight"

        def pattern(self, f):
            return rf"{f.B}la{f.S}quinzaine{f.S}prochaine{f.E}"

        def relative(self, m, anchor, ref):
            d = anchor.day + timedelta(days=14)
            return Res("DATE", d.isoformat(), d.isoformat(), "day")

    base = TimexTagger()
    text = "Il reviendra la quinzaine prochaine, puis demain."
    assert [t.rule for t in tag(base, text, "2023-09-19").timexes] == ["relday"]
    doc = tag(TimexTagger(rules=(*TIMEX_RULES, Fortnight)), text, "2023-09-19")
    assert [(t.rule, t.text, t.value) for t in doc.timexes] == [
        ("fortnight", "la quinzaine prochaine", "2023-10-03"), ("relday", "demain", "2023-09-20")]
    with pytest.raises(ConfigError, match=r"\[E300\]"):
        TimexTagger(rules=(*TIMEX_RULES, Fortnight, Fortnight))


@pytest.mark.parametrize("text, expected", [
    # ages are no temporal expressions (French TimeBank does not mark them)
    ("Une fillette de 6 ans s'est noyée.", []),
    ("Un chauffeur de bus de 38 ans a été blessé.", []),
    ("Agé de 54 ans, il devra partir.", []),
    ("Alain Parmentier, 53 ans, employé, a témoigné.", []),
    ("Une Alsacienne de 6 ans se noie.", []),
    # durations stay durations
    ("Il a travaillé pendant 38 ans à l'usine.", [("38 ans", "P38Y")]),
    ("Les habitants attendent depuis plus de 10 ans.", [("10 ans", "P10Y")]),
    ("Il a signé un contrat de travail de 5 ans.", [("5 ans", "P5Y")]),
])
def test_timex_ages_are_not_durations(tagger, text, expected):
    doc = tag(tagger, text, "2023-09-19")
    assert [(t.text, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, expected", [
    # a part of the day the narrative is at; the preposition stays out of the span
    ("Hier, il est arrivé à Paris. Il est reparti dans la soirée.",
     [("Hier", "2023-09-18"), ("la soirée", "2023-09-18TEV")]),
    ("Il est arrivé dans la soirée.", [("la soirée", "2023-09-19TEV")]),
    ("Le matin même, une opération a eu lieu.", [("Le matin même", "2023-09-19TMO")]),
    ("Les tirs ont eu lieu dans la nuit de samedi à dimanche.", [("la nuit de samedi à dimanche", "2023-09-16TNI")]),
    # a season with no year; "été" alone is a verb form
    ("La demande augmente en été.", [("été", "XXXX-SU")]),
    ("Il a été arrêté au printemps dernier.", [("printemps dernier", "2023-SP")]),
    ("Il a été arrêté.", []),
    # "été comme hiver": two seasons; "les mois d'été": one, the whole phrase in the span
    ("Des prestations évidentes. Eté comme hiver.", [("Eté", "XXXX-SU"), ("hiver", "XXXX-WI")]),
    ("Pendant les mois d'été, et particulièrement en août.", [("les mois d'été", "XXXX-SU"), ("août", "2023-08")]),
    # a season naming something else is no timex
    ("Les Jeux Olympiques d'hiver ont été ouverts.", []),
])
def test_timex_parts_of_the_narrative_day_and_seasons(tagger, text, expected):
    doc = tag(tagger, text, "2023-09-19")
    assert [(t.text, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, expected", [
    # a plural "derniers"/"prochains" after a list of days places every day of it, and is in the span
    ("Les votes des 3 et 4 mai derniers ont été annulés.", [("3", "2023-05-03"), ("4 mai derniers", "2023-05-04")]),
    # "les" before the first day of a list is in its span, as "le" before a day date (French TimeBank)
    ("Les élections auront lieu les 6 et 13 avril prochains.",
     [("les 6", "2024-04-06"), ("13 avril prochains", "2024-04-13")]),
    # "locales" after a clock time belongs to it (French TimeBank: "vers 12 h 30 locales")
    ("Il est arrivé vers 12 h 30 locales.", [("vers 12 h 30 locales", "2023-09-19T12:30")]),
])
def test_timex_plural_modifiers_and_local_times(tagger, text, expected):
    doc = tag(tagger, text, "2023-09-19")
    assert [(t.text, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, expected", [
    # after "à partir de" / "aux alentours de" a number of hours is a clock time, not a length of time
    ("La réunion aura lieu le jeudi 12 septembre, à partir de 14 h.",
     [("le jeudi 12 septembre", "2002-09-12"), ("14 h", "2002-09-12T14:00")]),
    ("Il est arrivé hier aux alentours de 18 h 30.", [("hier", "2002-09-09"), ("18 h 30", "2002-09-09T18:30")]),
    ("Il a parlé de 3 h à 5 h, puis pendant 2 h.",
     [("3 h", "2002-09-10T03:00"), ("5 h", "2002-09-10T05:00"), ("2 h", "PT2H")]),
])
def test_timex_clock_time_after_a_point_cue(tagger, text, expected):
    doc = tag(tagger, text, "2002-09-10")
    assert [(t.text, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, expected", [
    # two years around a slash are two timexes (French TimeBank: "saison <2002>/<2003>")
    ("Pour cette saison 2002/2003, la réunion aura lieu.", [("2002", "2002"), ("2003", "2003")]),
    ("L'exercice 2001 / 2002 est clos.", [("2001", "2001"), ("2002", "2002")]),
    # not a pair of years: a ratio, a backward pair
    ("Le score est de 2003/1999.", []),
])
def test_timex_year_pairs(tagger, text, expected):
    doc = tag(tagger, text, "2002-09-10")
    assert [(t.text, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, expected", [
    # a noun naming a length of time of its own, times the number before it (in the span)
    ("Le local sert depuis un quart de siècle.", [("un quart de siècle", "DURATION", "P25Y")]),
    ("Fabius est favorable à un «quinquennat», après deux septennats.",
     [("quinquennat", "DURATION", "P5Y"), ("deux septennats", "DURATION", "P14Y")]),
    ("Il a attendu une demi-heure, puis environ trois quarts d'heure.",
     [("une demi-heure", "DURATION", "PT30M"), ("environ trois quarts d'heure", "DURATION", "PT45M")]),
    ("La gauche dénonce les héritages du précédent quinquennat, et du septennat suivant.",
     [("précédent quinquennat", "DURATION", "P5Y"), ("septennat suivant", "DURATION", "P7Y")]),
])
def test_timex_period_nouns(tagger, text, expected):
    doc = tag(tagger, text, "2002-09-10")
    assert [(t.text, t.type, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, expected", [
    # one whole unit of time is a duration of one; "toutes les semaines" is a set
    ("Les frappes ont duré toute la nuit.", [("toute la nuit", "DURATION", "P1D")]),
    ("C'est toute l'année, et tout le mois.", [("toute l'année", "DURATION", "P1Y"), ("tout le mois", "DURATION", "P1M")]),
    # the unit of a month or year named after it is that month or year's
    ("Il a plu tout le mois de mai.", [("mois de mai", "DATE", "2002-05")]),
    ("Il vient toutes les semaines.", [("toutes les semaines", "SET", "P1W")]),
])
def test_timex_whole_units(tagger, text, expected):
    doc = tag(tagger, text, "2002-09-10")
    assert [(t.text, t.type, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, expected", [
    # a clock time takes the day named just after it, in one span (French TimeBank); "à ce moment-là"
    # is the last day or time named
    ("Le feu a pris vers 15 h 30, hier. Il n'y avait personne à ce moment là.",
     [("vers 15 h 30, hier", "TIME", "2003-02-22T15:30"), ("ce moment là", "TIME", "2003-02-22T15:30")]),
    ("Le 28 juin dernier, il a nommé X qui, jusqu'à ce moment-là, dirigeait.",
     [("Le 28 juin dernier", "DATE", "2002-06-28"), ("ce moment-là", "DATE", "2002-06-28")]),
    ("Jusqu'à ce moment-là, rien.", [("ce moment-là", "DATE", "XXXX-XX-XX")]),
    ("Il part à 8 h 30 demain.", [("8 h 30 demain", "TIME", "2003-02-24T08:30")]),
    # … and the day named just before it with "à": "hier à 10 h" is one TIMEX3; not across "vers"
    ("Hier à 10 h, une dizaine de grévistes sont arrivés.", [("Hier à 10 h", "TIME", "2003-02-22T10:00")]),
    ("Le vote aura lieu demain à 14 h 30.", [("demain à 14 h 30", "TIME", "2003-02-24T14:30")]),
    ("Hier soir à 20 h, la police est intervenue.", [("Hier soir à 20 h", "TIME", "2003-02-22T20:00")]),
    ("Il a été agressé hier vers 18 h.", [("hier", "DATE", "2003-02-22"), ("vers 18 h", "TIME", "2003-02-22T18:00")]),
    ("Samedi à 23 heures, la police est intervenue.",
     [("Samedi", "DATE", "2003-02-22"), ("23 heures", "TIME", "2003-02-22T23:00")]),
])
def test_timex_that_moment_and_day_after_a_time(tagger, text, expected):
    doc = tag(tagger, text, "2003-02-23")
    assert [(t.text, t.type, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, dct, expected", [
    # the calendar year that begins around the article date; a school year is no calendar year
    ("Les Français sont entrés dans la nouvelle année sous le signe de l'euro.", "2002-01-02",
     [("la nouvelle année", "2002")]),
    ("Il prépare la nouvelle année.", "2001-12-20", [("la nouvelle année", "2002")]),
    ("Il prépare la nouvelle année scolaire.", "2001-08-20", []),
])
def test_timex_new_year(tagger, text, dct, expected):
    doc = tag(tagger, text, dct)
    assert [(t.text, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, dct, expected", [
    # French time said after a clock time is in its span and gives its UTC offset (French TimeBank "+1")
    ("Il est arrivé hier vers 12 h 30 locales (20 h 30 en France).", "2002-02-09",
     [("hier", "2002-02-08"), ("vers 12 h 30 locales", "2002-02-08T12:30"), ("20 h 30 en France", "2002-02-08T20:30+1")]),
    ("Le match a commencé hier à 21 h heure de Paris.", "2002-07-10",
     [("hier à 21 h heure de Paris", "2002-07-09T21:00+2")]),
])
def test_timex_french_time(tagger, text, dct, expected):
    doc = tag(tagger, text, dct)
    assert [(t.text, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize("text, expected", [
    # half a unit more is in the span of a duration, a count from now or a clock time
    ("Il a purgé une peine de quatre ans et demi.", [("quatre ans et demi", "DURATION", "P4Y6M")]),
    ("Il a attendu une heure et demie.", [("une heure et demie", "DURATION", "PT1H30M")]),
    ("La grève a duré trois jours et demi.", [("trois jours et demi", "DURATION", "P3.5D")]),
    ("Il a parlé pendant 2 heures et demie.", [("2 heures et demie", "DURATION", "PT2H30M")]),
    ("Il est arrivé à 8 heures et demie.", [("8 heures et demie", "TIME", "2002-02-13T08:30")]),
    ("Il est venu il y a deux ans et demi.", [("il y a deux ans et demi", "DATE", "1999-08")]),
    ("Il reviendra dans un an et demi.", [("dans un an et demi", "DATE", "2003-08")]),
    # a number of times per unit is a set of that unit
    ("Le conseil se réunit trois fois par an.", [("trois fois par an", "SET", "P1Y")]),
    ("Il passe une fois par mois.", [("une fois par mois", "SET", "P1M")]),
    # the night before the article date
    ("La nuit dernière, des tirs ont été entendus.", [("La nuit dernière", "TIME", "2002-02-12TNI")]),
])
def test_timex_halves_frequencies_and_last_night(tagger, text, expected):
    doc = tag(tagger, text, "2002-02-13")
    assert [(t.text, t.type, t.value) for t in doc.timexes] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # anaphoric: from the last day (or, for a week, month or year, the last date) the text named
    ("Le sommet s'est tenu le 13 septembre. Ce jour-là, Kim a visité le cosmodrome. Le surlendemain, il est "
     "reparti.", [("le 13 septembre", "2023-09-13"), ("Ce jour-là", "2023-09-13"), ("Le surlendemain", "2023-09-15")]),
    ("Il est arrivé lundi. Le jour même, il a rencontré Poutine.", [("lundi", "2023-09-18"), ("Le jour même", "2023-09-18")]),
    ("L'avant-veille du scrutin, des émeutes ont éclaté.", [("L'avant-veille", "XXXX-XX-XX")]),
    ("La guerre a éclaté en 1914. Cette année-là, la France a mobilisé. Le même mois, l'Italie est restée neutre.",
     [("1914", "1914"), ("Cette année-là", "1914"), ("Le même mois", "XXXX-XX")]),
    ("Les émeutes ont commencé le 15 mars 2011. La même semaine, l'armée a tiré.",
     [("le 15 mars 2011", "2011-03-15"), ("La même semaine", "2011-W11")]),
])
def test_timex_same_day_and_same_period(tagger, text, expected):
    assert [(t.text, t.value) for t in tag(tagger, text, "2023-09-19").timexes] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # "après l'altercation": a preposition, also before an elided article; "de 52 ans" is an age
    ("La police a interpellé un individu de 52 ans après l'altercation.", []),
    ("Il est mort 52 ans après l'armistice.", [("52 ans", "P52Y")]),
    ("Il est arrivé le 3 mai. Deux jours après, il est reparti.", [("le 3 mai", "2023-05-03"),
                                                                 ("Deux jours après", "2023-05-05")]),
])
def test_timex_apres_before_an_elided_article_is_a_preposition(tagger, text, expected):
    assert [(t.text, t.value) for t in tag(tagger, text, "2023-09-19").timexes] == expected
