"""The partitioned Parquet dataset: written from a store, read as it is by pyarrow, pandas and DuckDB,
and opened read-only by the CLI and the web app (DuckDB) with the answers the SQLite store gives."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from veille import api
from veille.config import Settings
from veille.dataset import MANIFEST, SCHEMAS, TABLES, contract_row
from veille.export import export_store
from veille.serve import create_app, queries
from veille.store import open_store
from veille.store.dataset import DatasetStore, parse_query, snippet

from .serve_corpus import article_ids, build_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

duckdb = pytest.importorskip("duckdb")  # the [duckdb] extra; [dev] installs it
runner = CliRunner()
IDS = article_ids()
CLEAN_ONLY = Settings(db=":memory:", stages=("clean",))
ID = {"articles": "article_id", "events": "event_id", "mentions": "mention_id", "actors": "actor_id",
      "quotes": "quote_id", "stories": "story_id"}


def jsonl(folder: Path, table: str) -> list[dict]:
    return [json.loads(line) for line in (folder / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample corpus in a SQLite store, exported as JSONL and as a dataset."""
    tmp = tmp_path_factory.mktemp("sample")
    db = tmp / "sample.db"
    api.ingest([str(p) for p in api.sample_inputs()], Settings(db=str(db)))
    with open_store(str(db), must_exist=True) as store:
        export_store(store, tmp / "jsonl", "jsonl")
        counts = export_store(store, tmp / "ds", "parquet-dataset")
    return db, tmp / "jsonl", tmp / "ds", counts


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The web app's hand-made store (serve_corpus) and its dataset."""
    out = tmp_path_factory.mktemp("small") / "ds"
    store = build_store()
    export_store(store, out, "parquet-dataset")
    return store, out


# --------------------------------------------------------------------------- writing


def test_dataset_layout_partitions_and_manifest(small):
    _, out = small
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format"] == "veille-dataset" and manifest["layout"] == 1 and manifest["contract"] == "0.1"
    assert {t: manifest["tables"][t]["rows"] for t in TABLES} == {
        "articles": 4, "events": 6, "mentions": 7, "actors": 5, "quotes": 1, "stories": 2}
    assert manifest["sources"] == 4
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert files == sorted(f for t in TABLES for f in manifest["tables"][t]["files"])
    assert "articles/month=2023-09/part-00000.parquet" in files
    assert "actors/bucket=0/part-00000.parquet" in files
    assert manifest["tables"]["actors"]["partition"] == {
        "column": "bucket", "from": "crc32(actor_id) mod n_buckets", "n_buckets": 1}


def test_dataset_columns_are_the_contract_with_nested_types(small):
    _, out = small
    events = pq.read_table(out / "events")
    assert events.schema.field("source").type == pa.list_(SCHEMAS["events"].field("source").type.value_type)
    assert pa.types.is_struct(events.schema.field("location").type)
    assert pa.types.is_struct(events.schema.field("date").type)
    assert [f.name for f in events.schema][:-1] == SCHEMAS["events"].names  # + the partition column
    assert events.schema.names[-1] == "month"
    articles = pq.read_table(out / "articles")
    assert pa.types.is_struct(articles.schema.field("published").type)
    assert pa.types.is_list(articles.schema.field("removed_lines").type)


def test_dataset_rows_read_by_pyarrow_equal_the_jsonl_export(sample):
    _, jsonl_dir, ds, counts = sample
    for table in TABLES:
        expected = sorted(jsonl(jsonl_dir, table), key=lambda r: r[ID[table]])
        got = sorted((contract_row(table, r) for r in pq.read_table(ds / table).to_pylist()),
                     key=lambda r: r[ID[table]])
        assert counts[table] == len(expected) > 0, table
        assert got == expected, table


def test_dataset_reads_in_pandas_with_exact_values(sample):
    pd = pytest.importorskip("pandas")  # [dev] installs it
    _, jsonl_dir, ds, _ = sample
    events = jsonl(jsonl_dir, "events")
    df = pd.read_parquet(ds / "events")
    assert len(df) == len(events)
    first = min(events, key=lambda e: e["event_id"])
    row = df.set_index("event_id").loc[first["event_id"]]
    assert row["type"] == first["type"] and row["n_mentions"] == first["n_mentions"]
    assert row["date"]["value"] == first["date"]["value"]
    assert [a["name"] for a in row["source"]] == [a["name"] for a in first["source"]]
    articles = pd.read_parquet(ds / "articles")
    assert sorted(articles["article_id"]) == sorted(a["article_id"] for a in jsonl(jsonl_dir, "articles"))


def test_dataset_duckdb_sql_as_in_the_readme(sample):
    _, jsonl_dir, ds, _ = sample
    con = duckdb.connect()
    got = con.execute(f"SELECT type, count(*) FROM read_parquet('{ds}/events/**/*.parquet', hive_partitioning = true)"
                      " GROUP BY type ORDER BY type").fetchall()
    expected: dict[str, int] = {}
    for e in jsonl(jsonl_dir, "events"):
        expected[e["type"]] = expected.get(e["type"], 0) + 1
    assert got == sorted(expected.items())
    months = con.execute(f"SELECT DISTINCT month FROM read_parquet('{ds}/articles/**/*.parquet',"
                         " hive_partitioning = true) ORDER BY month").fetchall()
    assert [m for (m,) in months] == sorted({a["published"]["value"][:7] for a in jsonl(jsonl_dir, "articles")})


def test_dataset_export_is_byte_identical_and_replaces_an_earlier_one(tmp_path, small):
    store, _ = small
    export_store(store, tmp_path / "a", "parquet-dataset")
    export_store(store, tmp_path / "b", "parquet-dataset")
    stale = tmp_path / "b" / "events" / "month=1999-01"
    stale.mkdir()
    (stale / "part-00000.parquet").write_bytes(b"stale")
    export_store(store, tmp_path / "b", "parquet-dataset")  # over the first: stale partitions go
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_dataset_export_refuses_a_folder_it_did_not_write(tmp_path, small):
    store, _ = small
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "mine.txt").write_text("keep me")
    with pytest.raises(Exception, match=r"\[E300\].*not overwriting"):
        export_store(store, tmp_path, "parquet-dataset")
    assert (tmp_path / "events" / "mine.txt").read_text() == "keep me"


# --------------------------------------------------------------------------- the read-only store


def test_dataset_store_exports_the_same_jsonl(sample, tmp_path):
    _, jsonl_dir, ds, _ = sample
    with open_store(str(ds), must_exist=True) as store:
        assert isinstance(store, DatasetStore)
        export_store(store, tmp_path, "jsonl")
    for table in TABLES:
        assert (tmp_path / f"{table}.jsonl").read_bytes() == (jsonl_dir / f"{table}.jsonl").read_bytes(), table


def test_both_stores_implement_the_read_interface(sample):
    from veille.store import ReadStore

    db_path, _, ds_path, _ = sample
    with open_store(str(ds_path)) as ds, open_store(str(db_path), must_exist=True) as db:
        assert isinstance(ds, ReadStore) and isinstance(db, ReadStore)
        assert (ds.writable, db.writable) == (False, True)


def test_dataset_store_answers_the_web_queries_as_sqlite(sample):
    db, _, ds, _ = sample
    with open_store(str(db), must_exist=True) as lite, open_store(str(ds)) as duck:
        assert duck.stats() == lite.stats()
        for f in (queries.EventFilter(), queries.EventFilter(country="RUS"), queries.EventFilter(actor="poutine"),
                  queries.EventFilter(type="consult", factuality="asserted"), queries.EventFilter(q="Poutine"),
                  queries.EventFilter(date_from="2023-09-01", date_to="2023-09-15")):
            a, b = queries.list_events(lite, f, limit=200), queries.list_events(duck, f, limit=200)
            assert a.total == b.total and [e.to_dict() for e in a.items] == [e.to_dict() for e in b.items], f
        assert queries.facet_values(duck) == queries.facet_values(lite)
        for kw in ({}, {"q": "pout"}, {"country": "FRA"}):
            a, b = queries.list_actors(lite, **kw), queries.list_actors(duck, **kw)
            assert [x.to_dict() for x in a.items] == [x.to_dict() for x in b.items], kw
        assert [s.to_dict() for s in queries.list_stories(duck).items] == [
            s.to_dict() for s in queries.list_stories(lite).items]
        assert [m.to_dict() for m in queries.list_mentions(duck, limit=200).items] == [
            m.to_dict() for m in queries.list_mentions(lite, limit=200).items]
        # articles: newest first; articles of one day come in id order here, in ingest order in SQLite
        a, b = queries.list_articles(lite, limit=200).items, queries.list_articles(duck, limit=200).items
        assert [r["published"] for r in a] == [r["published"] for r in b]
        assert sorted(a, key=lambda r: r["article_id"]) == sorted(b, key=lambda r: r["article_id"])
        for query in ("Poutine", "Poutine AND Kim", "Niger OR Russie", '"Kim Jong Un"', "manif*", "Niger NOT France",
                      "état", "etats-unis"):
            assert sorted(duck.search_ids(query)) == sorted(lite.search_ids(query)), query
        first = a[0]["article_id"]
        assert duck.get_document(first).text == lite.get_document(first).text
        assert [m.to_dict() for m in duck.get_document(first).mentions] == [
            m.to_dict() for m in lite.iter_mentions(first)]


def test_dataset_search_syntax_and_snippet():
    t = parse_query('Poutine AND "Kim Jong" OR Séoul NOT Pékin manif*')
    assert t.required == [r"\bpoutine\b", r"\bmanif"]
    assert t.any_of == [r"\bkim\W+jong\b", r"\bseoul\b"]
    assert t.excluded == [r"\bpekin\b"]
    import re

    assert snippet("Le président Vladimir Poutine a reçu Kim.", [re.compile(r"\bpoutine\b")]) == (
        "Le président Vladimir [Poutine] a reçu Kim")


def test_dataset_cli_search_stats_timeline_match_sqlite(sample):
    from veille.cli import app

    db, _, ds, _ = sample
    for command in (["stats"], ["timeline"], ["timeline", "--actor", "Poutine"], ["timeline", "--since", "2023-09-01"]):
        lite = runner.invoke(app, [*command, "--db", str(db)], env={"COLUMNS": "250"})
        duck = runner.invoke(app, [*command, "--db", str(ds)], env={"COLUMNS": "250"})
        assert lite.exit_code == duck.exit_code == 0, duck.output
        assert duck.output == lite.output, command
    with open_store(str(db)) as lite:
        expected = lite.search_ids("Poutine")
    duck = runner.invoke(app, ["search", "Poutine", "--db", str(ds)], env={"COLUMNS": "250"})
    assert duck.exit_code == 0 and expected
    assert sorted(set(duck.output.split()) & set(expected)) == sorted(expected)


# --------------------------------------------------------------------------- writes refused


def test_dataset_writes_are_refused_with_e402(small, tmp_path):
    from veille.cli import app

    _, out = small
    before = sorted((p.relative_to(out), p.stat().st_mtime_ns) for p in out.rglob("*"))
    with open_store(str(out)) as store, pytest.raises(Exception, match=r"\[E402\].*read-only"):
        api.merge(store)
    page = tmp_path / "p.txt"
    page.write_text("Kim Jong Un a rencontré Vladimir Poutine mercredi à Vladivostok.\n", encoding="utf-8")
    for command in (["ingest", str(page)], ["merge"]):
        result = runner.invoke(app, [*command, "--db", str(out)])
        assert result.exit_code == 2 and "[E402]" in result.output, result.output
    client = TestClient(create_app(CLEAN_ONLY, open_store(str(out))), base_url="http://127.0.0.1")
    r = client.post("/api/ingest", json={"text": "Kim Jong Un a rencontré Vladimir Poutine."})
    assert r.status_code == 409 and "[E402]" in r.json()["error"]["message"]
    r = client.post("/ingest", data={"text": "Kim Jong Un a rencontré Vladimir Poutine."})
    assert r.status_code == 409 and "E402" in r.text
    assert sorted((p.relative_to(out), p.stat().st_mtime_ns) for p in out.rglob("*")) == before


def test_dataset_a_folder_without_manifest_is_no_store(tmp_path):
    from veille.cli import app

    result = runner.invoke(app, ["stats", "--db", str(tmp_path)])
    assert result.exit_code == 2 and "[E401]" in result.output and MANIFEST in result.output


# --------------------------------------------------------------------------- the web app


def test_dataset_web_app_answers_as_on_sqlite(small):
    store, out = small
    lite = TestClient(create_app(CLEAN_ONLY, store))
    duck = TestClient(create_app(CLEAN_ONLY, open_store(str(out))))
    for url in ("/api/events", "/api/events?country=RUS", "/api/events?q=Vladivostok", "/api/actors",
                "/api/actors?q=kim", "/api/stories", "/api/events/ev_meet", "/api/actors/act_kim",
                "/api/stories/sto_kim", "/api/mentions"):
        a, b = lite.get(url), duck.get(url)
        assert a.status_code == b.status_code == 200, url
        assert b.json() == a.json(), url
    a, b = lite.get("/api/articles").json(), duck.get("/api/articles").json()
    assert b["total"] == a["total"] == 4
    assert sorted(b["items"], key=lambda r: r["article_id"]) == sorted(a["items"], key=lambda r: r["article_id"])
    assert duck.get(f"/api/articles/{IDS['a']}").json()["mentions"] == lite.get(f"/api/articles/{IDS['a']}").json()[
        "mentions"]
    for url in ("/", "/events", "/timeline", "/map", "/articles", f"/articles/{IDS['a']}", "/actors",
                "/actors/act_kim", "/stories/sto_kim", "/events/ev_meet", "/search?q=Poutine"):
        r = duck.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), url
    assert "Kim Jong Un" in duck.get("/").text
