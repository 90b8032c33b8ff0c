"""Export the store as the contract's files: JSONL (nested), Parquet and CSV (flattened with `_`), or a
partitioned Parquet dataset with nested columns (`parquet-dataset`, veille.dataset).

Rows are sorted by id so the same store always gives byte-identical files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import ConfigError

FORMATS = ("jsonl", "parquet", "csv", "parquet-dataset")
TABLES = ("articles", "events", "mentions", "actors", "quotes", "stories")


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects → `parent_child` columns; lists → JSON strings (one cell)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}_"))
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            out[name] = value
    return out


def table_rows(store, table: str) -> Iterator[dict[str, Any]]:
    if table == "articles":
        rows = sorted(store.iter_articles(), key=lambda a: a["article_id"])
        yield from rows
    elif table == "mentions":
        for m in sorted(store.iter_mentions(), key=lambda m: m.mention_id):
            d = m.to_dict()
            yield d
    elif table == "events":
        for e in sorted(store.iter_events(), key=lambda e: e.event_id):
            yield e.to_dict()
    elif table == "actors":
        for a in sorted(store.iter_actors(), key=lambda a: a.actor_id):
            yield a.to_dict()
    elif table == "quotes":
        for q in sorted(store.iter_quotes(), key=lambda q: q.quote_id):
            yield q.to_dict()
    elif table == "stories":
        for s in sorted(store.iter_stories(), key=lambda s: s.story_id):
            yield s.to_dict()
    else:
        raise ConfigError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")


def write_jsonl(rows: Iterable[dict[str, Any]], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n


def write_csv(rows: Iterable[dict[str, Any]], path: Path) -> int:
    flat = [flatten(r) for r in rows]
    columns = sorted({k for r in flat for k in r})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in flat:
            writer.writerow(r)
    return len(flat)


def write_parquet(rows: Iterable[dict[str, Any]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    flat = [flatten(r) for r in rows]
    columns = sorted({k for r in flat for k in r})
    data = {c: [r.get(c) for r in flat] for c in columns}
    # one type per column: stringify columns whose values mix types (e.g. numbers and None are fine)
    arrays = {}
    for c, values in data.items():
        kinds = {type(v) for v in values if v is not None}
        if len(kinds) > 1 and not kinds <= {int, float}:
            values = [None if v is None else str(v) for v in values]
        arrays[c] = values
    table = pa.table(arrays) if columns else pa.table({})
    pq.write_table(table, path)
    return len(flat)


def export_store(store, out_dir: str | Path, fmt: str = "jsonl",
                 tables: Iterable[str] = TABLES) -> dict[str, int]:
    """Write one file per table into `out_dir` (`parquet-dataset`: one folder per table, and the
    manifest); returns the row count of each."""
    if fmt == "parquet-dataset":
        from .dataset import write_dataset

        return write_dataset(store, out_dir, tables)
    return write_tables(lambda table: table_rows(store, table), out_dir, fmt, tables)


def write_tables(rows_of: Callable[[str], Iterable[dict[str, Any]]], out_dir: str | Path, fmt: str = "jsonl",
                 tables: Iterable[str] = TABLES) -> dict[str, int]:
    """Write `rows_of(table)` (each table's records, sorted by id) as one file per table into
    `out_dir`; returns the row count of each. The store's export and the Spark merge's both write here."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "parquet-dataset":
        raise ConfigError("the parquet-dataset format is written from a store (veille export --format "
                          "parquet-dataset); this output has no store: use jsonl, csv or parquet")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    writer = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}[fmt]
    counts = {}
    for table in tables:
        counts[table] = writer(rows_of(table), out / f"{table}.{fmt}")
    return counts
