"""Export: contract fields, deterministic bytes, flattened Parquet/CSV."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq

from veille.api import merge
from veille.export import export_store, flatten
from veille.store import open_store

from .test_store import make_doc

ARTICLE_FIELDS = {"article_id", "source_path", "url", "outlet", "title", "byline", "language", "published",
                  "text", "removed_lines", "duplicate_of", "story_id"}
MENTION_FIELDS = {"mention_id", "event_id", "article_id", "sentence", "char_start", "char_end", "type", "mode",
                  "factuality", "source", "target", "date", "location", "trigger"}
EVENT_FIELDS = {"event_id", "type", "mode", "contexts", "source", "target", "date", "location", "factuality",
                "claimed_by", "confidence", "n_mentions", "n_sources", "first_reported", "contradictions",
                "story_id"}


def _store():
    store = open_store(":memory:")
    store.add_document(make_doc("Kim Jong Un a rencontré Vladimir Poutine au cosmodrome."))
    store.add_document(make_doc("Kim Jong Un a menacé Séoul.", "b.txt", "THREATEN"))
    merge(store)
    return store


def test_export_jsonl_has_contract_fields_and_is_byte_identical(tmp_path):
    store = _store()
    counts = export_store(store, tmp_path / "a", "jsonl")
    export_store(store, tmp_path / "b", "jsonl")
    assert counts["articles"] == 2 and counts["mentions"] == 2 and counts["events"] == 2
    for table in ("articles", "events", "mentions", "actors", "quotes", "stories"):
        assert (tmp_path / "a" / f"{table}.jsonl").read_bytes() == (tmp_path / "b" / f"{table}.jsonl").read_bytes()
    article = json.loads((tmp_path / "a" / "articles.jsonl").read_text().splitlines()[0])
    assert ARTICLE_FIELDS <= set(article)
    assert article["published"] == {"value": "2023-09-13", "precision": "day", "method": "metadata"}
    mention = json.loads((tmp_path / "a" / "mentions.jsonl").read_text().splitlines()[0])
    assert MENTION_FIELDS <= set(mention)
    assert mention["event_id"] is not None
    event = json.loads((tmp_path / "a" / "events.jsonl").read_text().splitlines()[0])
    assert EVENT_FIELDS <= set(event)
    assert set(event["source"][0]) >= {"name", "country", "sector", "role", "wikidata"}


def test_export_flattens_nested_objects_with_underscore():
    assert flatten({"published": {"value": "2023", "precision": "year"}, "source": [{"name": "A"}]}) == {
        "published_value": "2023", "published_precision": "year", "source": '[{"name": "A"}]'}


def test_export_parquet_and_csv_carry_same_columns(tmp_path):
    store = _store()
    export_store(store, tmp_path / "p", "parquet")
    export_store(store, tmp_path / "c", "csv")
    table = pq.read_table(tmp_path / "p" / "articles.parquet")
    with (tmp_path / "c" / "articles.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert sorted(table.column_names) == sorted(header)
    assert "published_value" in header and table.num_rows == 2
