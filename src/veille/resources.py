"""Access to packaged data files (lexicons, gazetteers, patterns) per language.

Data lives under `veille/data/<lang>/` (language-specific) and `veille/data/common/`.
Files are TSV (with a `#` comment header naming source and licence) or JSON/JSONL.
Loading is explicit and happens in stage constructors, never at import time.

User lexicons (`Settings.lexicon_dir`): a folder laid out like `data/` (`<dir>/fr/event_triggers.tsv`,
`<dir>/common/countries.tsv`) overlays the packaged TSV file of the same path, row by row:

- the user file has a header line naming columns of the packaged file (a column it leaves out is
  empty in its rows; `#` lines are comments, as in the packaged files);
- a row is identified by its key: the packaged file's first column, or the columns its
  `# key: a, b` header line names (files whose first column is a category, such as
  `event_triggers.tsv`, keyed by `kind, lemma`);
- a user row whose key some packaged rows have replaces them (all of them, in place of the first);
  several user rows with one key replace them together;
- a user row with a new key is added after the packaged rows;
- a user row whose first key column starts with `-` (`-frapper`) deletes the rows with that key.

Every stage that reads lexicons passes `settings.lexicon_dir` down; nothing is kept at module level.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from .errors import ConfigError

LexiconDir = str | os.PathLike[str] | None

_KEY_HEADER = "# key:"


def data_path(*parts: str) -> Path:
    """Path of a packaged data file, e.g. `data_path("fr", "boilerplate.tsv")`."""
    return Path(str(resources.files("veille").joinpath("data", *parts)))


def user_path(lexicon_dir: LexiconDir, *parts: str) -> Path | None:
    """The user's file overlaying `data/<parts>` under `lexicon_dir`, or None when there is none."""
    if not lexicon_dir:
        return None
    path = Path(lexicon_dir).joinpath(*parts)
    return path if path.is_file() else None


def data_stamp(*parts: str, lexicon_dir: LexiconDir = None) -> str:
    """Size and modification time of a data file and of its user overlay (for on-disk cache keys)."""
    stamps = []
    for path in (data_path(*parts), user_path(lexicon_dir, *parts)):
        if path is not None:
            st = path.stat()
            stamps.append(f"{path}|{st.st_size}|{st.st_mtime_ns}")
    return "+".join(stamps)


def read_tsv(*parts: str, lexicon_dir: LexiconDir = None) -> Iterator[dict[str, str]]:
    """Rows of a TSV data file as dicts; `#` lines are comments; first other line is the header.

    With `lexicon_dir`, the user's file of the same path overlays the packaged rows (module
    docstring: added, replaced or deleted by key)."""
    overlay = user_path(lexicon_dir, *parts)
    if overlay is None:
        yield from _rows(data_path(*parts))
        return
    yield from _overlaid(data_path(*parts), overlay)


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            yield {k: (v or "").strip() for k, v in row.items() if k is not None}


def _header(path: Path) -> tuple[list[str], list[str]]:
    """(columns, key columns) of a TSV file: its header line and its `# key:` comment (if any)."""
    key: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line in fh:
            if line.startswith(_KEY_HEADER):
                # "# key: kind, lemma   (a remark)"
                key = [c.strip() for c in line[len(_KEY_HEADER):].split("(")[0].split(",") if c.strip()]
            elif line.strip() and not line.startswith("#"):
                return [c.strip() for c in line.rstrip("\r\n").split("\t")], key
    return [], key


def _overlaid(packaged: Path, overlay: Path) -> Iterator[dict[str, str]]:
    columns, key = _header(packaged)
    key = key or columns[:1]
    user_columns, _ = _header(overlay)
    unknown = [c for c in user_columns if c not in columns]
    missing = [c for c in key if c not in user_columns]
    if unknown or missing or not user_columns:
        raise ConfigError(f"user lexicon {overlay}: its header must name columns of {packaged.name} "
                          f"({', '.join(columns)}) including its key ({', '.join(key)})"
                          + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                          + (f"; missing: {', '.join(missing)}" if missing else ""))

    def key_of(row: dict[str, str]) -> tuple[str, ...]:
        return tuple(row.get(c, "") for c in key)

    user_rows: dict[tuple[str, ...], list[dict[str, str]]] = {}
    deleted: set[tuple[str, ...]] = set()
    for row in _rows(overlay):
        full = {c: row.get(c, "") for c in columns}
        k = key_of(full)
        if k[0].startswith("-"):
            k = (k[0][1:], *k[1:])
            deleted.add(k)
            user_rows.pop(k, None)
        else:
            deleted.discard(k)
            user_rows.setdefault(k, []).append(full)
    yield from _merge(_rows(packaged), key_of, user_rows, deleted)


def _merge(rows: Iterable[dict[str, str]], key_of, user_rows: dict[tuple[str, ...], list[dict[str, str]]],
           deleted: set[tuple[str, ...]]) -> Iterator[dict[str, str]]:
    placed: set[tuple[str, ...]] = set()
    for row in rows:
        k = key_of(row)
        if k in deleted or k in placed:
            continue
        if k in user_rows:
            placed.add(k)
            yield from user_rows[k]
        else:
            yield row
    for k, replacement in user_rows.items():
        if k not in placed:
            yield from replacement


def read_json(*parts: str):
    with data_path(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)


def read_jsonl(*parts: str) -> Iterator[dict]:
    with data_path(*parts).open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                yield json.loads(line)
