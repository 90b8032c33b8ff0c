"""Access to packaged data files (lexicons, gazetteers, patterns) per language.

Data lives under `veille/data/<lang>/` (language-specific) and `veille/data/common/`.
Files are TSV (with a `#` comment header naming source and licence) or JSON/JSONL.
Loading is explicit and happens in stage constructors, never at import time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path


def data_path(*parts: str) -> Path:
    """Path of a packaged data file, e.g. `data_path("fr", "boilerplate.tsv")`."""
    return Path(str(resources.files("veille").joinpath("data", *parts)))


def read_tsv(*parts: str) -> Iterator[dict[str, str]]:
    """Rows of a TSV data file as dicts; `#` lines are comments; first other line is the header."""
    path = data_path(*parts)
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            yield {k: (v or "").strip() for k, v in row.items() if k is not None}


def read_json(*parts: str):
    with data_path(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)


def read_jsonl(*parts: str) -> Iterator[dict]:
    with data_path(*parts).open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                yield json.loads(line)
