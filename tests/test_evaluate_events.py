from __future__ import annotations

import json
from pathlib import Path

import pytest

from veille.errors import EvalError
from veille.evaluate import SCORERS
from veille.evaluate.events import _names_match, load_gold, score_predictions
from veille.models import ActorRef, EventMention, Location, Quote

GOLD_DIR = Path(__file__).resolve().parents[1] / "eval" / "events"

#           0         1         2         3         4         5         6         7
#           0123456789012345678901234567890123456789012345678901234567890123456789012345
TEXT = ("Moscou a rejeté l'offre. Aucun accord n'a été signé. "
        "Séoul accuse Pyongyang. Il fait beau.")
S1, S2, S3, S4 = (0, 24), (25, 52), (53, 76), (77, 90)


def actor(country, name="x"):
    return {"country": country, "sector": "GOV", "name": name}


def gold_article():
    return {
        "article_id": "a1", "dct": "2023-09-13", "text": TEXT,
        "sentences": [
            {"start": S1[0], "end": S1[1], "events": [
                {"type": "REJECT", "trigger": "rejeté", "trigger_start": 8, "trigger_end": 14,
                 "source": [actor("RUS")], "target": [], "factuality": "asserted",
                 "location": {"name": "Moscou", "country": "RUS"}}]},
            {"start": S2[0], "end": S2[1], "events": [
                {"type": "AGREE", "trigger": "accord", "trigger_start": 31, "trigger_end": 37,
                 "source": [], "target": [], "factuality": "negated"}]},
            {"start": S3[0], "end": S3[1], "events": [
                {"type": "ACCUSE", "trigger": "accuse", "trigger_start": 59, "trigger_end": 65,
                 "source": [actor("KOR")], "target": [actor("PRK")], "factuality": "asserted"}]},
            {"start": S4[0], "end": S4[1], "events": []},
        ],
        "quotes": [
            {"start": 25, "end": 51, "text": TEXT[25:51], "direct": False,
             "speaker": {"name": "Dmitri Peskov"}},
            {"start": 53, "end": 75, "text": TEXT[53:75], "direct": False,
             "speaker": {"name": "le ministère sud-coréen"}},
        ],
    }


def mention(typ, start, *, src=(), tgt=(), fact="asserted", sent=S1, loc=None):
    return EventMention(
        mention_id=f"m{start}", article_id="hash", type=typ, trigger="t", sentence="",
        char_start=sent[0], char_end=sent[1], trigger_start=start, trigger_end=start + 1,
        source=[ActorRef(name="s", country=c) for c in src],
        target=[ActorRef(name="t", country=c) for c in tgt], factuality=fact, location=loc)


def quote(start, end, speaker):
    return Quote(quote_id=f"q{start}", article_id="hash", text=TEXT[start:end], direct=False,
                 char_start=start, char_end=end, speaker=ActorRef(name=speaker) if speaker else None)


def test_scorer_is_registered():
    assert SCORERS["events"] == "veille.evaluate.events:score"


def test_perfect_predictions():
    preds = [mention("REJECT", 8, src=["RUS"], loc=Location(name="Moscou", country="RUS")),
             mention("AGREE", 31, fact="negated", sent=S2),
             mention("ACCUSE", 59, src=["KOR"], tgt=["PRK"], sent=S3)]
    quotes = [quote(25, 51, "Peskov"), quote(53, 75, "ministère sud-coréen de l'Unification")]
    m, _ = score_predictions([gold_article()], {"a1": (preds, quotes)})
    assert m["type_f1"] == 1.0
    assert m["actors_f1"] == 1.0
    assert m["factuality_accuracy"] == 1.0
    assert m["non_asserted_as_asserted"] == 0.0
    assert m["non_asserted_kept"] == 1.0
    assert m["location_accuracy"] == 1.0
    assert m["quote_recall"] == 1.0 and m["quote_precision"] == 1.0
    assert m["quote_speaker_accuracy"] == 1.0
    assert m["n_gold_events"] == 3.0


def test_type_actor_and_factuality_errors():
    preds = [
        # right type, wrong source country -> type TP, strict actors FP+FN, lenient same
        mention("REJECT", 8, src=["UKR"]),
        # right type but asserted although gold is negated
        mention("AGREE", 31, fact="asserted", sent=S2),
        # right type, target missing -> strict miss; lenient miss too (gold target set not empty)
        mention("ACCUSE", 59, src=["KOR"], sent=S3),
        # spurious event in the no-event sentence
        mention("ASSAULT", 80, sent=S4),
    ]
    m, tally = score_predictions([gold_article()], {"a1": (preds, [])})
    assert (m["type_precision"], m["type_recall"], m["type_f1"]) == (0.75, 1.0, 0.8571)
    # strict: only AGREE (empty = empty) matches
    assert (m["actors_precision"], m["actors_recall"], m["actors_f1"]) == (0.25, 0.3333, 0.2857)
    # lenient: AGREE; REJECT fails (gold source RUS given); ACCUSE fails (gold target PRK given)
    assert m["actors_lenient_f1"] == 0.2857
    assert m["factuality_accuracy"] == 0.6667
    assert m["non_asserted_as_asserted"] == 1.0
    assert m["non_asserted_kept"] == 0.0
    assert m["location_accuracy"] == 0.0  # gold has a location, prediction none
    assert m["quote_recall"] == 0.0 and m["quote_speaker_recall"] == 0.0
    assert tally.per_type["ASSAULT"].fp == 1


def test_lenient_empty_gold_target_matches_anything():
    art = gold_article()
    art["sentences"][0]["events"][0]["target"] = []
    preds = [mention("REJECT", 8, src=["RUS"], tgt=["USA"])]
    m, _ = score_predictions([art], {"a1": (preds, [])})
    assert m["actors_recall"] == 0.0  # strict: {USA} != {}
    assert m["actors_lenient_recall"] == 0.3333


def test_alignment_by_trigger_and_one_to_one_pairing():
    # two REJECT predictions in sentence 1: one pairs, the other is a false positive;
    # a REJECT whose trigger lies in sentence 3 does not pair with sentence 1's gold
    preds = [mention("REJECT", 20, src=["RUS"]), mention("REJECT", 9, src=["RUS"]),
             mention("REJECT", 60, sent=S3)]
    m, tally = score_predictions([gold_article()], {"a1": (preds, [])})
    assert tally.type.tp == 1 and tally.type.fp == 2 and tally.type.fn == 2
    assert m["actors_recall"] == 0.3333


def test_mention_without_trigger_offset_uses_span_overlap():
    m0 = mention("ACCUSE", -1, src=["KOR"], tgt=["PRK"], sent=S3)
    m, _ = score_predictions([gold_article()], {"a1": ([m0], [])})
    assert m["type_recall"] == 0.3333 and m["type_precision"] == 1.0


def test_quote_matching_and_speakers():
    quotes = [quote(30, 45, "Vladimir Poutine"),  # overlaps gold 1, wrong speaker
              quote(53, 60, "ministère sud-coréen"),  # overlaps gold 2, right (contained)
              quote(80, 89, "X")]  # matches nothing
    m, tally = score_predictions([gold_article()], {"a1": ([], quotes)})
    assert m["quote_recall"] == 1.0
    assert m["quote_precision"] == 0.6667
    assert m["quote_speaker_accuracy"] == 0.5
    assert m["quote_speaker_recall"] == 0.5
    assert tally.speaker_errors == ["a1: gold 'Dmitri Peskov' / predicted 'Vladimir Poutine'"]


def test_speaker_aliases():
    art = gold_article()
    art["quotes"][0]["speaker"] = {"name": "Kremlin", "aliases": ["Russie"]}
    m, _ = score_predictions([art], {"a1": ([], [quote(25, 51, "Russie"), quote(53, 75, "Corée du Sud")])})
    assert m["quote_speaker_accuracy"] == 0.5


def test_names_match():
    assert _names_match("Poutine", "Vladimir Poutine")
    assert _names_match("le Kremlin", "Kremlin")
    assert _names_match("Ministère de l’Intérieur", "ministère de l'Intérieur")
    assert not _names_match("Kim", "Kimberley")
    assert not _names_match(None, "Kremlin")
    assert _names_match("leur direction", "direction de France 24")


def test_load_gold_checks_offsets(tmp_path):
    art = gold_article()
    art["sentences"][1]["events"][0]["trigger_start"] = 30
    (tmp_path / "a.json").write_text(json.dumps(art), encoding="utf-8")
    with pytest.raises(EvalError):
        load_gold(tmp_path)


def test_dev_set_is_consistent():
    gold = load_gold(GOLD_DIR)
    assert len(gold) >= 25
    assert sum(len(a["sentences"]) for a in gold) >= 300
    assert sum(len(a["quotes"]) for a in gold) >= 40
    for art in gold:
        for s in art["sentences"]:
            for ev in s["events"]:
                assert s["start"] <= ev["trigger_start"] < s["end"]
