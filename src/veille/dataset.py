"""The partitioned Parquet dataset: the contract's six tables as Hive-partitioned Parquet files.

    DIR/_veille.json                                   manifest (layout, contract version, counts)
    DIR/articles/month=2023-09/part-00000.parquet      by the article's publication month
    DIR/mentions/month=2023-09/part-00000.parquet      by the month of the article reporting it
    DIR/quotes/month=2023-09/part-00000.parquet        by the month of the article quoting it
    DIR/events/month=2023-09/part-00000.parquet        by the month the event happened
    DIR/stories/month=2023-09/part-00000.parquet       by the story's first month
    DIR/actors/bucket=0/part-00000.parquet             by a hash bucket of the actor id

`month` is `YYYY-MM`, or `unknown` when the date is unknown or coarser than a month (not Hive's null
`__HIVE_DEFAULT_PARTITION__`: pandas cannot yet read a partition column holding nulls). Columns are the contract's fields in record order, nested objects as Arrow structs and
lists of them (never JSON strings); the partition key is not stored in the files (Hive layout), readers
add it as a column. DuckDB, pandas (pyarrow) and Spark read the folder as it is; the manifest's name
starts with `_`, which pyarrow and Spark skip. Rows are sorted by id in each file and nothing in a file
or the manifest depends on the time of writing: the same store gives byte-identical files.
"""

from __future__ import annotations

import json
import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import ConfigError, StoreError

MANIFEST = "_veille.json"
LAYOUT_VERSION = 1
#: the version of docs/contract.md the columns follow ("Extensions in veille 0.1")
CONTRACT_VERSION = "0.1"
UNKNOWN_MONTH = "unknown"
ROWS_PER_FILE = 250_000
ACTORS_PER_BUCKET = 250_000

# --------------------------------------------------------------------------- schemas (docs/contract.md)

_s = pa.string()
ACTOR_REF = pa.struct([("name", _s), ("country", _s), ("sector", _s), ("role", _s), ("wikidata", _s),
                       ("actor_id", _s)])
DATE = pa.struct([("value", _s), ("precision", _s), ("end", _s), ("basis", _s)])
LOCATION = pa.struct([("name", _s), ("country", _s), ("lat", pa.float64()), ("lon", pa.float64()),
                      ("geonames_id", pa.int64()), ("precision", _s), ("admin1", _s), ("feature_class", _s),
                      ("raw", _s)])
PUBLISHED = pa.struct([("value", _s), ("precision", _s), ("method", _s)])
#: `values` as text: one field's values are strings (location, date, factuality), a `numbers.*` field's
#: numbers (`numbers.killed`): those are written as JSON writes them and read back as numbers
CONTRADICTION = pa.struct([("field", _s), ("values", pa.list_(_s)), ("mention_ids", pa.list_(_s))])

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("article_id", _s), ("source_path", _s), ("url", _s), ("outlet", _s), ("title", _s), ("byline", _s),
        ("language", _s), ("published", PUBLISHED), ("text", _s),
        ("removed_lines", pa.list_(pa.struct([("line", _s), ("reason", _s)]))),
        ("duplicate_of", _s), ("story_id", _s), ("credit", _s), ("fetched", _s)]),
    "events": pa.schema([
        ("event_id", _s), ("type", _s), ("mode", _s), ("contexts", pa.list_(_s)),
        ("source", pa.list_(ACTOR_REF)), ("target", pa.list_(ACTOR_REF)), ("date", DATE), ("location", LOCATION),
        ("factuality", _s), ("claimed_by", ACTOR_REF), ("confidence", pa.float64()), ("n_mentions", pa.int64()),
        ("n_sources", pa.int64()), ("first_reported", _s), ("contradictions", pa.list_(CONTRADICTION)),
        ("story_id", _s), ("mention_ids", pa.list_(_s))]),
    "mentions": pa.schema([
        ("mention_id", _s), ("article_id", _s), ("type", _s), ("trigger", _s), ("sentence", _s),
        ("char_start", pa.int64()), ("char_end", pa.int64()), ("trigger_start", pa.int64()),
        ("trigger_end", pa.int64()), ("mode", _s), ("contexts", pa.list_(_s)), ("source", pa.list_(ACTOR_REF)),
        ("target", pa.list_(ACTOR_REF)), ("date", DATE), ("location", LOCATION), ("factuality", _s),
        ("claimed_by", ACTOR_REF), ("confidence", pa.float64()), ("numbers", pa.map_(_s, pa.float64())),
        ("event_id", _s)]),
    "actors": pa.schema([
        ("actor_id", _s), ("name", _s), ("aliases", pa.list_(_s)), ("kind", _s), ("country", _s),
        ("sector", _s), ("role", _s), ("wikidata", _s), ("n_mentions", pa.int64())]),
    "quotes": pa.schema([
        ("quote_id", _s), ("article_id", _s), ("text", _s), ("direct", pa.bool_()), ("char_start", pa.int64()),
        ("char_end", pa.int64()), ("speaker", ACTOR_REF), ("date", _s)]),
    "stories": pa.schema([
        ("story_id", _s), ("title", _s), ("article_ids", pa.list_(_s)), ("event_ids", pa.list_(_s)),
        ("start", _s), ("end", _s), ("actors", pa.list_(_s)), ("follows", _s)]),
}
TABLES = tuple(SCHEMAS)
#: each table's partition column and what it is taken from (written into the manifest)
PARTITIONS = {
    "articles": ("month", "published.value"),
    "mentions": ("month", "articles.published.value of article_id"),
    "quotes": ("month", "articles.published.value of article_id"),
    "events": ("month", "date.value"),
    "stories": ("month", "start"),
    "actors": ("bucket", "crc32(actor_id) mod n_buckets"),
}


def month_of(value: str | None) -> str | None:
    """`YYYY-MM` of an ISO date or month; None for a year, a week, or no date."""
    if value and len(value) >= 7 and value[:4].isdigit() and value[4] == "-" and value[5:7].isdigit():
        return value[:7]
    return None


def actor_buckets(n_actors: int) -> int:
    """Hash buckets for the actors table: a power of two keeping a bucket near ACTORS_PER_BUCKET rows."""
    n = 1
    while n * ACTORS_PER_BUCKET < n_actors:
        n *= 2
    return n


def actor_bucket(actor_id: str, n_buckets: int) -> int:
    return zlib.crc32(actor_id.encode("utf-8")) % n_buckets


# --------------------------------------------------------------------------- rows → Arrow


def arrow_row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A contract record as its Arrow row: contradiction values as text (see CONTRADICTION)."""
    unknown = set(row) - set(SCHEMAS[table].names)
    if unknown:
        raise StoreError(f"the {table} dataset schema has no column for {', '.join(sorted(unknown))}: "
                         "add it to veille.dataset.SCHEMAS and docs/contract.md", stage="export")
    if table == "events" and row.get("contradictions"):
        row = dict(row)
        row["contradictions"] = [{**c, "values": [_value_text(c["field"], v) for v in c["values"]]}
                                 for c in row["contradictions"]]
    return row


def _value_text(field_name: str, value: Any) -> str | None:
    if value is None or isinstance(value, str) and not field_name.startswith("numbers."):
        return value
    if field_name.startswith("numbers.") and isinstance(value, int | float) and not isinstance(value, bool):
        return json.dumps(value)
    raise StoreError(f"a contradiction of {field_name} holds {value!r}: the dataset keeps text values, and "
                     "numbers for numbers.* fields (veille.dataset.CONTRADICTION)", stage="export")


def contract_row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `arrow_row` on a row read back (partition column dropped): the record as the
    JSONL export writes it. Numbers come back as Parquet doubles: an integral one is an int, as
    `veille.events.numbers` writes it."""
    row = {k: row.get(k) for k in SCHEMAS[table].names}
    if table == "mentions":
        numbers = row.get("numbers")
        if isinstance(numbers, list):  # pyarrow gives a map as (key, value) pairs
            numbers = dict(numbers)
        row["numbers"] = {k: _number(v) for k, v in (numbers or {}).items()}
    elif table == "events":
        row["contradictions"] = [
            {**c, "values": [_text_value(c["field"], v) for v in c["values"]]} for c in row.get("contradictions") or []]
    return row


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _text_value(field_name: str, value: str | None) -> Any:
    if value is None or not field_name.startswith("numbers."):
        return value
    return _number(json.loads(value))


# --------------------------------------------------------------------------- writing


def write_dataset(store, out_dir: str | Path, tables: Iterable[str] = TABLES) -> dict[str, int]:
    """Write the store as a partitioned Parquet dataset into `out_dir`; returns the row count of each
    table. The manifest is written last: a folder whose export was interrupted is not a dataset."""
    from .export import table_rows

    tables = list(tables)
    for t in tables:
        if t not in SCHEMAS:
            raise ConfigError(f"unknown table {t!r}; expected one of {', '.join(TABLES)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out, tables)
    article_month: dict[str, str | None] = {}
    articles = sorted(store.iter_articles(), key=lambda a: a["article_id"])  # mentions and quotes need months
    for a in articles:
        article_month[a["article_id"]] = month_of((a.get("published") or {}).get("value"))
    manifest_tables: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for t in tables:
        rows = articles if t == "articles" else list(table_rows(store, t))
        column, source = PARTITIONS[t]
        keys: list[str | None]
        if t == "actors":
            n_buckets = actor_buckets(len(rows))
            keys = [str(actor_bucket(r["actor_id"], n_buckets)) for r in rows]
        elif t in ("mentions", "quotes"):
            keys = [article_month.get(r["article_id"]) for r in rows]
        elif t == "events":
            keys = [month_of((r.get("date") or {}).get("value")) for r in rows]
        elif t == "stories":
            keys = [month_of(r.get("start")) for r in rows]
        else:
            keys = [month_of((r.get("published") or {}).get("value")) for r in rows]
        files = _write_table(out, t, column, rows, keys)
        counts[t] = len(rows)
        manifest_tables[t] = {"rows": len(rows), "partition": {"column": column, "from": source}, "files": files}
        if t == "actors":
            manifest_tables[t]["partition"]["n_buckets"] = n_buckets
    manifest = {
        "format": "veille-dataset", "layout": LAYOUT_VERSION, "contract": CONTRACT_VERSION,
        "tables": manifest_tables,
        # input paths per article (the store's `sources`): `veille stats` reports it, the tables cannot
        "sources": store.count("sources") if hasattr(store, "count") else len(articles),
    }
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(out / MANIFEST)
    return counts


def _clear(out: Path, tables: list[str]) -> None:
    """Remove an earlier export's table folders (stale partitions would be read as data); refuse to
    write over a table folder that no veille export made."""
    manifest = out / MANIFEST
    for t in tables:
        folder = out / t
        if not folder.exists():
            continue
        if not manifest.is_file():
            raise ConfigError(f"{folder} exists and {out} has no {MANIFEST}: not overwriting a folder that "
                              "veille did not write; choose another --out", stage="export")
        shutil.rmtree(folder)
    manifest.unlink(missing_ok=True)


def _write_table(out: Path, table: str, column: str, rows: list[dict[str, Any]], keys: list[str | None]) -> list[str]:
    schema = SCHEMAS[table]
    parts: dict[str | None, list[dict[str, Any]]] = {}
    for row, key in zip(rows, keys, strict=True):
        parts.setdefault(key, []).append(arrow_row(table, row))
    if not parts:
        parts[None] = []  # an empty table is one empty file: readers find its schema
    files = []
    for key in sorted(parts, key=lambda k: (k is None, k or "")):
        folder = out / table / f"{column}={UNKNOWN_MONTH if key is None else key}"
        folder.mkdir(parents=True, exist_ok=True)
        part = parts[key]
        for i, start in enumerate(range(0, max(len(part), 1), ROWS_PER_FILE)):
            path = folder / f"part-{i:05d}.parquet"
            pq.write_table(pa.Table.from_pylist(part[start:start + ROWS_PER_FILE], schema=schema), path,
                           compression="zstd")
            files.append(path.relative_to(out).as_posix())
    return files


# --------------------------------------------------------------------------- reading


def is_dataset(path: str | Path) -> bool:
    """A folder with a `_veille.json` manifest."""
    p = Path(path)
    return p.is_dir() and (p / MANIFEST).is_file()


def read_manifest(path: str | Path) -> dict[str, Any]:
    p = Path(path) / MANIFEST
    try:
        manifest = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"cannot read the dataset manifest {p}: {err}", stage="store") from err
    if manifest.get("format") != "veille-dataset" or manifest.get("layout") != LAYOUT_VERSION:
        raise StoreError(f"{p} is not a veille dataset of layout {LAYOUT_VERSION}", stage="store")
    return manifest
