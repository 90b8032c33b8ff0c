"""`python -m bench.memory [--articles 10000] [--model sm]`: memory while a long corpus streams in.

Ingests N generated articles (bench/corpus.py, the same generator as `python -m bench`) into a
fresh SQLite store through the library API, one batch at a time, and samples the resident set
size at 1k, 2k, 5k and 10k articles (and at N). Memory must not grow with the corpus: documents
leave memory once written, the store holds the rest. Writes bench/MEMORY.md (`--no-write` skips).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from veille.api import ingest_raw
from veille.config import MODELS, Settings
from veille.pipeline import Pipeline
from veille.store import open_store

from .__main__ import RssSampler, peak_mb, publish, run_header
from .corpus import generate


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.memory")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--model", default="sm")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    settings = Settings(model=MODELS.get(args.model, args.model))
    wanted = sorted({n for n in (1_000, 2_000, 5_000, 10_000, args.articles) if n <= args.articles})
    tmp = Path(tempfile.mkdtemp(prefix="veille-bench-mem-"))
    sampler = RssSampler(wanted, echo=True)
    store = open_store(str(tmp / "m.db"))
    try:
        report = ingest_raw(generate(args.articles), store, settings, pipeline=Pipeline(settings, freeze_when_loaded=True),
                            on_document=sampler)
    finally:
        store.close()
    db_mb = sum(f.stat().st_size for f in tmp.glob("m.db*")) / 2**20
    shutil.rmtree(tmp, ignore_errors=True)
    lines = [
        "# Memory while a long corpus streams in",
        "",
        *run_header(),
        f"- model: {settings.model}; {report.added} generated articles ingested into one SQLite store "
        f"({db_mb:,.0f} MiB on disk at the end); `python -m bench.memory --articles {args.articles}`",
        f"- peak RSS {peak_mb():.0f} MiB",
        "",
        "| articles | RSS MiB | elapsed s |",
        "|---|---|---|",
        *[f"| {n:,} | {rss:.0f} | {secs:.0f} |" for n, rss, secs in sampler.samples],
    ]
    publish(lines, "MEMORY.md", not args.no_write)


if __name__ == "__main__":
    main()
