"""Readers: each input kind, each bad-input case, streaming order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veille.config import Settings
from veille.errors import BinaryInputError, EmptyInputError, TooLargeInputError
from veille.ingest import IngestReport, decode_bytes, read_inputs, read_path

FR = "Le président russe Vladimir Poutine a reçu mercredi Kim Jong Un au cosmodrome."


def _read(paths, settings=None):
    report = IngestReport()
    docs = list(read_inputs([str(p) for p in paths], settings or Settings(), report))
    return docs, report


def test_ingest_plain_text_utf8(tmp_path: Path):
    (tmp_path / "a.txt").write_text(FR + "\r\nDeuxième ligne.", encoding="utf-8")
    docs, report = _read([tmp_path / "a.txt"])
    assert [d.text for d in docs] == [FR + "\nDeuxième ligne."]
    assert report.read == 1 and report.skipped == []


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_ingest_legacy_encodings_decode_correctly(tmp_path: Path, encoding: str):
    text = "L'été à Bamako : « la junte a déclaré » que l'accord était signé."
    if encoding == "cp1252":
        text += " L’œuvre — coûteuse."
    (tmp_path / "p.txt").write_bytes(text.encode(encoding))
    docs, _ = _read([tmp_path / "p.txt"])
    assert docs[0].text == text


def test_decode_bytes_utf8_bom_and_utf16():
    assert decode_bytes("\ufeffé".encode("utf-8"), "x") == "é"
    assert decode_bytes("Séoul".encode("utf-16"), "x") == "Séoul"


def test_ingest_html_uses_trafilatura_text_and_metadata(tmp_path: Path):
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sommet à Vostotchny</title>
    <meta property="article:published_time" content="2023-09-13T09:00:00+00:00">
    <meta property="og:site_name" content="Le Quotidien"></head><body>
    <nav><a href="/">Accueil</a> / <a href="/monde">Monde</a></nav>
    <article><h1>Sommet à Vostotchny</h1><p>""" + FR + """</p>
    <p>Les deux dirigeants ont parlé pendant quatre heures, selon le Kremlin, qui n'a annoncé aucun accord.</p>
    </article><footer>Mentions légales</footer></body></html>"""
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    docs, report = _read([tmp_path / "p.html"])
    assert report.skipped == []
    doc = docs[0]
    assert doc.title == "Sommet à Vostotchny"
    assert doc.published == "2023-09-13"
    assert doc.outlet == "Le Quotidien"
    assert FR in doc.text and "Mentions légales" not in doc.text
    assert doc.is_html_extract is True


def test_ingest_jsonl_skips_bad_lines_and_keeps_good_ones(tmp_path: Path):
    lines = [json.dumps({"text": FR, "url": "https://ex.fr/a", "title": "T", "published": "2023-09-13"}),
             "{not json", json.dumps({"title": "no text"}), "", json.dumps({"text": "Autre article."})]
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, report = _read([tmp_path / "d.jsonl"])
    assert [(d.text, d.url, d.published, d.source_path.endswith(":1")) for d in docs] == [
        (FR, "https://ex.fr/a", "2023-09-13", True), ("Autre article.", None, None, False)]
    assert [(Path(s.source).name, s.reason[:4]) for s in report.skipped] == [("d.jsonl:2", "E105"),
                                                                            ("d.jsonl:3", "E105")]


def test_ingest_bad_inputs_are_skipped_with_named_reason_and_run_goes_on(tmp_path: Path):
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("   \n\n  ", encoding="utf-8")
    (tmp_path / "big.txt").write_bytes(b"a" * 2048)
    (tmp_path / "ok.txt").write_text(FR, encoding="utf-8")
    (tmp_path / "x.pdfx").write_text("?", encoding="utf-8")
    docs, report = _read([tmp_path, tmp_path / "missing.txt"], Settings(max_bytes=1024))
    assert [Path(d.source_path).name for d in docs] == ["ok.txt"]
    reasons = {Path(s.source).name: s.reason.split(":")[0] for s in report.skipped}
    assert reasons == {"big.txt": "E104", "bin.txt": "E101", "blank.txt": "E103", "empty.txt": "E103",
                       "x.pdfx": "E106", "missing.txt": "E107"}
    assert all(Path(s.source).name in s.reason or "no such" in s.reason for s in report.skipped)


def test_read_path_raises_coded_errors(tmp_path: Path):
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"%PDF-1.4 binary")
    (tmp_path / "l.txt").write_bytes(b"x" * 100)
    with pytest.raises(EmptyInputError, match=r"\[E103\].*e\.txt"):
        list(read_path(tmp_path / "e.txt", Settings()))
    with pytest.raises(BinaryInputError, match=r"\[E101\].*b\.txt"):
        list(read_path(tmp_path / "b.txt", Settings()))
    with pytest.raises(TooLargeInputError, match=r"\[E104\]"):
        list(read_path(tmp_path / "l.txt", Settings(max_bytes=10)))


def test_ingest_globs_and_directories_in_sorted_order(tmp_path: Path):
    for name in ("b.txt", "a.txt", "sub/c.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f"Texte {name}.", encoding="utf-8")
    docs, _ = _read([tmp_path])
    assert [Path(d.source_path).name for d in docs] == ["a.txt", "b.txt", "c.txt"]
    docs, _ = _read([str(tmp_path / "*.txt")])
    assert [Path(d.source_path).name for d in docs] == ["a.txt", "b.txt"]


def test_ingest_is_a_stream(tmp_path: Path):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Texte {i}.", encoding="utf-8")
    gen = read_inputs([str(tmp_path)], Settings())
    first = next(gen)
    assert first.text == "Texte 0."


def test_ingest_truncates_overlong_text_with_limit(tmp_path: Path):
    (tmp_path / "long.txt").write_text("mot " * 1000, encoding="utf-8")
    docs, _ = _read([tmp_path / "long.txt"], Settings(max_chars=100))
    assert len(docs[0].text) == 100


def test_a_text_file_of_nuls_and_spaces_is_empty(tmp_path):
    from veille.config import Settings
    from veille.ingest import IngestReport, read_inputs

    path = tmp_path / "page.txt"
    path.write_bytes("\x00 \x00\n".encode("utf-16"))
    report = IngestReport()
    assert list(read_inputs([str(path)], Settings(), report)) == []
    assert [s.reason.split(":")[0] for s in report.skipped] == ["E103"]


def test_utf8_with_a_few_broken_bytes_stays_utf8(caplog):
    from veille.ingest import decode_bytes

    data = "Le président français a rencontré le député. ".encode() * 20 + b"\xff\xfe\x80 fin."
    with caplog.at_level("WARNING", logger="veille.ingest"):
        text = decode_bytes(data, "page.txt")
    assert text.startswith("Le président français a rencontré le député.")
    assert "Ã" not in text and text.count("\ufffd") == 3
    assert "E102" in caplog.text and "page.txt" in caplog.text


def test_cp1252_is_not_mistaken_for_broken_utf8():
    from veille.ingest import decode_bytes

    assert decode_bytes("Le président a été reçu à l'Élysée.".encode("cp1252"), "p.txt") == \
        "Le président a été reçu à l'Élysée."


def test_html_nested_deeper_than_the_parser_reads_falls_back_to_its_visible_text(tmp_path):
    from veille.config import Settings
    from veille.ingest import IngestReport, read_inputs

    page = tmp_path / "deep.html"
    page.write_text("<html><head><script>var x = 1;</script></head><body>" + "<div>" * 300
                    + "<p>Le président a rencontré le ministre à Paris.</p><p>Un second paragraphe &amp; fin.</p>"
                    + "</div>" * 300 + "</body></html>", encoding="utf-8")
    report = IngestReport()
    [raw] = list(read_inputs([str(page)], Settings(), report))
    assert raw.text == "Le président a rencontré le ministre à Paris.\nUn second paragraphe & fin."
    assert raw.is_html_extract is False and report.skipped == []


def test_a_file_that_vanishes_mid_run_is_e107(tmp_path, monkeypatch):
    from veille import ingest
    from veille.config import Settings

    page = tmp_path / "gone.txt"
    page.write_text("Un texte.", encoding="utf-8")

    def vanish(path, settings, report=None):
        path.unlink()
        raise FileNotFoundError(2, "No such file or directory", str(path))

    monkeypatch.setattr(ingest, "read_path", vanish)
    report = ingest.IngestReport()
    assert list(ingest.read_inputs([str(page)], Settings(), report)) == []
    assert [s.reason[:5] for s in report.skipped] == ["E107:"]
