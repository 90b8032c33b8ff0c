"""veille.dating: one owner of article and event dates, the same at ingest and in the merge."""

from __future__ import annotations

import pytest

from veille.dating import dateline_date, metadata_date, redate
from veille.models import DateLink, Document, Published
from veille.pipeline import Pipeline
from veille.timex import TimexTagger

# the negated signing is dated by "mercredi" through the parse (head chain), not by distance
PESKOV = ("« Aucun accord n'a été signé et ce n'était pas prévu », a répété le porte-parole du Kremlin, "
          "Dmitri Peskov, après le sommet de mercredi au cosmodrome de Vostochny.")


@pytest.fixture(scope="module")
def pipeline(settings):
    return Pipeline(settings)


def test_metadata_and_dateline_dates():
    assert metadata_date("2023-09-19T10:00:00+02:00") == Published("2023-09-19", "day", "metadata")
    assert metadata_date("2023-9") == Published("2023-09", "month", "metadata")
    assert metadata_date("hier") == Published()
    assert metadata_date(None) == Published()
    assert dateline_date("2012-05-22") == Published("2012-05-22", "day", "metadata")


def test_the_parse_leaves_its_dating_links_on_the_document(pipeline):
    doc = pipeline.run_text(PESKOV)  # undated: "mercredi" cannot be resolved yet
    signed = next(m for m in doc.mentions if m.trigger == "signé")
    assert signed.date is None
    mercredi = next(t for t in doc.timexes if t.text == "mercredi")
    link = next(k for k in doc.date_links if (k.start, k.end) == (signed.trigger_start, signed.trigger_end))
    assert link.tense == "past"
    assert [a[:2] for a in link.attached] == [[mercredi.start, mercredi.end]]
    # stored with the article, read back with it
    assert Document.from_dict(doc.to_dict()).date_links == doc.date_links


def test_redating_a_stored_article_dates_its_events_as_ingest_would(pipeline, settings):
    dated = pipeline.run_text(PESKOV, dct="2023-09-15")
    undated = Document.from_dict(pipeline.run_text(PESKOV).to_dict())  # as the merge reads it: no parse
    assert undated.spacy_doc is None
    redate(undated, Published("2023-09-15", "day", "cross-document"), TimexTagger(settings))
    assert undated.published == Published("2023-09-15", "day", "cross-document")
    expected = {m.mention_id: m.date for m in dated.mentions}
    assert {m.mention_id: m.date for m in undated.mentions} == expected
    signed = next(m for m in undated.mentions if m.trigger == "signé")
    assert (signed.date.value, signed.date.precision, signed.date.basis) == ("2023-09-13", "day", "text")
    # without the links (a store written before them), the same article falls back to the report's week
    old = Document.from_dict(pipeline.run_text(PESKOV).to_dict())
    old.date_links = []
    redate(old, Published("2023-09-15", "day", "cross-document"), TimexTagger(settings))
    signed = next(m for m in old.mentions if m.trigger == "signé")
    assert (signed.date.value, signed.date.basis) == ("2023-09-15", "reported")


def test_a_recorded_link_decides_without_a_parse():
    from veille.dating import attach_date
    from veille.models import Sentence, Timex

    text = "Le ministre a rencontré jeudi son homologue arrivé mardi."
    doc = Document("art_x", "x", text, published=Published("2023-09-15", "day", "metadata"))
    doc.sentences = [Sentence(0, len(text), text)]
    mardi, jeudi, met = text.index("mardi"), text.index("jeudi"), text.index("rencontré")
    doc.timexes = [Timex(jeudi, jeudi + 5, "jeudi", "DATE", "2023-09-14", date="2023-09-14", precision="day"),
                   Timex(mardi, mardi + 5, "mardi", "DATE", "2023-09-12", date="2023-09-12", precision="day")]
    # the link says which expression the parse attached to the trigger (here, for the test, "mardi")
    doc.date_links = [DateLink(met, met + 9, "past", [[mardi, mardi + 5, 1]])]
    assert attach_date(doc, met, met + 9).value == "2023-09-12"
    # a link that attaches nothing leaves the sentence's nearest agreeing expression to decide
    doc.date_links = [DateLink(met, met + 9, "past", [])]
    assert attach_date(doc, met, met + 9).value == "2023-09-14"
    # a past trigger is not dated by a coming day
    doc.timexes[0] = Timex(jeudi, jeudi + 5, "jeudi", "DATE", "2023-09-21", date="2023-09-21", precision="day")
    assert attach_date(doc, met, met + 9).value == "2023-09-12"


def test_a_reference_to_the_present_never_dates_an_event(pipeline):
    doc = pipeline.run_text("Le président russe a désormais rencontré le dirigeant nord-coréen à Moscou.",
                            dct="2023-09-15")
    assert [(t.text, t.value) for t in doc.timexes] == [("désormais", "PRESENT_REF")]
    met = next(m for m in doc.mentions if m.trigger == "rencontré")
    assert (met.date.value, met.date.precision, met.date.basis) == ("2023-09-15", "week", "reported")


CONTINUED = ("Le 3 mars 1999, le militant a été arrêté à Lyon par la police. "
             "Il a ensuite été inculpé par un juge. Le procès a été reporté.")


def test_a_clause_that_continues_the_narrative_takes_its_date(pipeline, settings):
    doc = pipeline.run_text(CONTINUED, dct="1999-06-10")
    dates = {m.trigger: (m.date.value, m.date.precision, m.date.basis) for m in doc.mentions}
    # "ensuite": the charge follows the arrest of 3 March, months before the article
    assert dates["inculpé"] == ("1999-03-03", "day", "context")
    # with no continuation word, a date that old frames its own sentence only
    plain = pipeline.run_text(CONTINUED.replace("Il a ensuite été", "Il a été"), dct="1999-06-10")
    (charged,) = [m for m in plain.mentions if m.trigger == "inculpé"]
    assert (charged.date.value, charged.date.precision, charged.date.basis) == ("1999-06-10", "week", "reported")
    # the merge's re-dating binds the same words
    undated = Document.from_dict(pipeline.run_text(CONTINUED).to_dict())
    redate(undated, Published("1999-06-10", "day", "cross-document"), TimexTagger(settings))
    assert {m.mention_id: m.date for m in undated.mentions} == {m.mention_id: m.date for m in doc.mentions}


def test_a_sentence_that_places_itself_in_time_takes_no_date_from_the_one_before(pipeline):
    text = ("Le pays a connu le 3 juin un attentat-suicide près d'une église. "
            "Plusieurs attaques contre des chrétiens ont eu lieu {} dans cette région.")
    dates = {}
    for when in ("récemment", "ce jour-là"):
        doc = pipeline.run_text(text.format(when), dct="2012-06-05")
        dates[when] = {m.trigger: (m.date.value, m.date.precision, m.date.basis) for m in doc.mentions}
    assert dates["récemment"] == {"attentat-suicide": ("2012-06-03", "day", "text"),
                                  "attaques": ("2012-06-05", "week", "reported")}
    assert dates["ce jour-là"] == {"attentat-suicide": ("2012-06-03", "day", "text"),
                                   "attaques": ("2012-06-03", "day", "text")}


@pytest.mark.parametrize("text, trigger, expected", [
    # a temporal clause opening just after a date is at that date, the clause boundary notwithstanding
    ("Le sondage montre une hausse par rapport à celui du 26 septembre dernier lorsque 59 % des "
     "Français craignaient un attentat.", "craignaient", ("2001-09-26", "day", "text")),
    ("La ville a changé depuis le 11 septembre 2001, quand les tours sont tombées.", "tombées",
     ("2001-09-11", "day", "text")),
])
def test_a_when_clause_after_a_date_takes_that_date(settings, text, trigger, expected):
    doc = Pipeline(settings, stages=["nlp", "timex"]).run_text(text, dct="2002-02-09")
    start = text.index(trigger)
    dv = doc.lookups.event_date(doc, start, start + len(trigger))
    assert (dv.value, dv.precision, dv.basis) == expected
