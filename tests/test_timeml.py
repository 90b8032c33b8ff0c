from __future__ import annotations

import pytest

from veille.errors import MalformedInputError
from veille.models import Document, Published
from veille.timeml import parse_tml, read_tml, to_timeml
from veille.timex import TimexTagger

TML = """<?xml version="1.0" encoding="UTF-8"?>
<TimeML>
<DOCID>d1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2023-09-19" functionInDocument="CREATION_TIME"/></DCT>
<TEXT>Le ministre a <EVENT eid="e1">parlé</EVENT> <TIMEX3 tid="t1" type="DATE" value="2023-09-18">hier</TIMEX3> &amp; \
<TIMEX3 tid="t2" type="DURATION" value="P6D">six jours</TIMEX3> durant.</TEXT>
</TimeML>
"""


def test_read_tml(tmp_path):
    path = tmp_path / "d1.tml"
    path.write_text(TML, encoding="utf-8")
    text, dct, timexes = read_tml(path)
    assert text == "Le ministre a parlé hier & six jours durant."
    assert dct == "2023-09-19"
    assert [(t.start, t.end, t.text, t.type, t.value) for t in timexes] == [
        (20, 24, "hier", "DATE", "2023-09-18"), (27, 36, "six jours", "DURATION", "P6D")]
    for t in timexes:
        assert text[t.start:t.end] == t.text


def test_round_trip_of_tagger_output():
    doc = Document("art_1", "<t>", "Mardi dernier, il a dit « <non> » & il partira dans deux semaines, pendant six jours.")
    doc.published = Published("2023-09-19", "day", "metadata")
    TimexTagger()(doc)
    text, dct, timexes = parse_tml(to_timeml(doc))
    assert text == doc.text
    assert dct == "2023-09-19"
    assert [(t.start, t.end, t.type, t.value) for t in timexes] == [
        (t.start, t.end, t.type, t.value) for t in doc.timexes]
    assert [t.value for t in timexes] == ["2023-09-12", "2023-W40", "P6D"]


def test_writer_marks_relative_values_and_skips_overlaps():
    doc = Document("a", "<t>", "hier soir")
    doc.published = Published("2023-09-19", "day", "metadata")
    TimexTagger()(doc)
    out = to_timeml(doc)
    assert 'anchorTimeID="t0"' in out
    assert '<TIMEX3 tid="t1" type="TIME" value="2023-09-18TEV" temporalFunction="true" anchorTimeID="t0">hier soir' in out


def test_malformed():
    with pytest.raises(MalformedInputError):
        parse_tml("<TimeML><TEXT>oops</TimeML>")
    with pytest.raises(MalformedInputError):
        parse_tml("<TimeML><DOCID>x</DOCID></TimeML>")


def test_dev_set_files_read(tmp_path):
    from pathlib import Path

    files = sorted((Path(__file__).resolve().parents[1] / "eval" / "timeml").glob("*.tml"))
    assert len(files) >= 15
    for f in files:
        text, dct, timexes = read_tml(f)
        assert dct and timexes
        assert all(text[t.start:t.end] == t.text for t in timexes)
