"""Tests for the third-party scorers (veille.evaluate.popcorn, veille.evaluate.frtimebank) and the
recorded dev / held-out splits."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille.errors import EvalError
from veille.evaluate import hash_split, popcorn, read_split
from veille.evaluate.frtimebank import _Tally as TimebankTally
from veille.evaluate.frtimebank import metrics as timebank_metrics
from veille.evaluate.frtimebank import score_file, score_timexes
from veille.models import ActorRef, EventMention, Sentence, Timex
from veille.timeml import parse_tml_annotations

ROOT = Path(__file__).resolve().parents[1]


def mention(etype: str, start: int, end: int, *, factuality: str = "asserted", source=()) -> EventMention:
    return EventMention("m", "a", etype, "x", "s", 0, 10, trigger_start=start, trigger_end=end,
                        factuality=factuality, source=list(source))


def test_hash_split_is_stable():
    assert [hash_split(k) for k in ("1_1", "1_10", "5_1342")] == ["dev", "heldout", "dev"]


@pytest.mark.parametrize("folder", ["popcorn", "frtimebank", "webpages"])
def test_recorded_splits_follow_the_hash_rule(folder):
    split = read_split(ROOT / "eval" / folder)
    forced_dev = {"1_1777", "3_1597", "4_1503", "4_1648", "4_1849", "4_2004"}  # already read by rule authors
    assert all(s == ("dev" if k in forced_dev else hash_split(k)) for k, s in split.items())
    assert set(split.values()) == {"dev", "heldout"}


def test_read_split_rejects_an_unknown_split(tmp_path):
    (tmp_path / "split.tsv").write_text("a\tdev\nb\ttrain\n", encoding="utf-8")
    with pytest.raises(EvalError, match="split must be one of"):
        read_split(tmp_path)
    with pytest.raises(EvalError, match="no split.tsv"):
        read_split(tmp_path / "missing")


def test_popcorn_reader_maps_types_and_incidents():
    gold = {g.key: g for g in popcorn.load_gold(ROOT / "eval" / "popcorn")}
    assert len(gold) == 400
    fire = gold["5_1342"]  # the porridge fire in Denver
    assert fire.events == [] and (67, 75) in fire.incidents


TEXT = "La police a arrêté trois hommes. Un incendie a blessé deux personnes. Ils ont manifesté."
SENTS = [Sentence(0, 32, TEXT[0:32]), Sentence(33, 69, TEXT[33:69]), Sentence(70, 87, TEXT[70:87])]
GOLD = popcorn.GoldText("t", TEXT, events=[("COERCE", [(12, 18)]), ("PROTEST", [(78, 86)])],
                        incidents=[(36, 44)], others=[])


def test_popcorn_scores_per_sentence():
    tally = popcorn._Tally()
    police = [ActorRef("police", "FRA", "COP")]
    popcorn.score_text(tally, GOLD, SENTS, [
        mention("COERCE", 12, 18, source=police),  # right
        mention("ASSAULT", 46, 52),  # the fire's injuries read as an attack: wrong, and an incident hit
        mention("COERCE", 78, 86),  # right sentence, wrong type
    ])
    m = popcorn.metrics(tally)
    assert (m["precision"], m["recall"]) == (round(1 / 3, 4), 0.5)
    assert (m["coerce_precision"], m["coerce_recall"], m["protest_recall"]) == (0.5, 1.0, 0.0)
    assert (m["incident_sentences"], m["incident_as_conflict"], m["incident_kept_apart"]) == (1.0, 1.0, 0.0)
    assert m["no_participant"] == 2.0


def test_frtimebank_negation_agreement_and_timexes():
    ann = parse_tml_annotations(
        "<TimeML><DCT><TIMEX3 tid='t0' type='DATE' value='1999-05-17'/></DCT><TEXT>Il <EVENT eid='e1' "
        "eiid='ei1' polarity='NEG'>n'a pas signé</EVENT> <TIMEX3 tid='t1' type='DATE' value='1999-05-16'>"
        "hier</TIMEX3>, il <EVENT eid='e2' eiid='ei2'>partira</EVENT>.</TEXT>"
        "<TLINK lid='l1' eventInstanceID='ei1' relType='IS_INCLUDED' relatedToTime='t1'/></TimeML>")
    assert ann.text == "Il n'a pas signé hier, il partira."
    assert ann.dct == "1999-05-17"
    assert [(t.tag, t.text, t.id) for t in ann.tags] == [
        ("EVENT", "n'a pas signé", "e1"), ("TIMEX3", "hier", "t1"), ("EVENT", "partira", "e2")]
    assert ann.instances == {"ei1": "e1", "ei2": "e2"}
    assert ann.tlinks[0]["relatedToTime"] == "t1"
    tally = TimebankTally()
    score_file(tally, "f", ann.of("EVENT"), [mention("AGREE", 10, 16, factuality="negated"),
                                              mention("RETREAT", 26, 33, factuality="negated")])
    score_timexes(tally, [Timex(17, 21, "hier", "DATE", "1999-05-16")],
                  [Timex(17, 21, "hier", "DATE", "1999-05-16"), Timex(0, 2, "Il", "DATE", "X")])
    m = timebank_metrics(tally)
    assert (m["aligned"], m["negation_agreement"], m["neg_found"], m["false_negation"]) == (2.0, 0.5, 1.0, 1.0)
    assert (m["timex_strict_precision"], m["timex_strict_recall"], m["timex_value_f1"]) == (0.5, 1.0, 0.6667)


def test_evaluate_only_takes_comma_lists_and_refuses_unknown_stages(tmp_path, monkeypatch):
    """`veille eval --only timex,geo` selects two stages (as `--only timex --only geo` does); a
    misspelt stage is an EvalError naming it, not an empty run."""
    import veille.evaluate as ev

    for name in ("timex", "geo", "events"):
        (tmp_path / name).mkdir()
    monkeypatch.setattr(ev, "run_scorer", lambda name, folder, settings: {"folder": folder.name})
    assert ev.evaluate(tmp_path, only=["timex,geo"]) == {"geo": {"folder": "geo"}, "timex": {"folder": "timex"}}
    assert ev.evaluate(tmp_path, only=["timex", " geo"]) == ev.evaluate(tmp_path, only=["geo,timex"])
    with pytest.raises(EvalError, match="unknown stage 'timx' in --only"):
        ev.evaluate(tmp_path, only=["timx,geo"])
