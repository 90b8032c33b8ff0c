"""`python -m bench.annotate`: the cost of `veille.annotate` as a library user meets it.

One cold call (the pipeline is built: spaCy model, gazetteer, lexicons) and then warm calls on
generated ~600-word articles (bench.corpus), which reuse the cached pipeline. Writes
bench/ANNOTATE.md unless --no-write.
"""

from __future__ import annotations

import argparse
import statistics
import time

import veille
from veille.config import Settings

from .__main__ import MODELS, publish, run_header
from .corpus import generate


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.annotate")
    ap.add_argument("--model", default="sm")
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    settings = Settings(model=MODELS.get(args.model, args.model))
    texts = [raw.text for raw in generate(args.calls + 1)]
    t0 = time.perf_counter()
    veille.annotate(texts[0], dct="2023-09-19", settings=settings)
    cold = time.perf_counter() - t0
    warm: list[float] = []
    words = 0
    for text in texts[1:]:
        t0 = time.perf_counter()
        veille.annotate(text, dct="2023-09-19", settings=settings)
        warm.append(time.perf_counter() - t0)
        words += len(text.split())
    warm.sort()
    lines = [
        "# veille.annotate: cold and warm calls",
        "",
        *run_header(),
        f"- model: {settings.model}; {args.calls} warm calls on generated articles of "
        f"~{words // max(len(warm), 1)} words (offsets mapped back to the text passed)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| first call (builds and caches the pipeline) | {cold:.2f} s |",
        f"| warm call, median | {statistics.median(warm) * 1000:.0f} ms |",
        f"| warm call, 90th percentile | {warm[int(len(warm) * 0.9) - 1] * 1000:.0f} ms |",
    ]
    publish(lines, "ANNOTATE.md", not args.no_write)


if __name__ == "__main__":
    main()
