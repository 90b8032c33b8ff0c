"""`python -m bench [--articles N] [--model sm|md] [--memory-sizes 1000,10000]`.

Reports, in one run, on the generated corpus (bench/corpus.py):
- end-to-end articles/s and words/s (ingest into a fresh SQLite store: every stage + writes),
  time per stage, peak memory;
- bare spaCy `nlp.pipe` on the same cleaned texts with the same model and components, and
  the ratio end-to-end / bare (the parser is the limit). The bare pass runs on a model loaded
  and warmed up exactly as the end-to-end one, so that both meet the texts for the first time:
  a model that has already parsed them runs ≈3 % faster (its string store and lemmatizer cache
  hold their words), which the report also gives;
- scaling: the sharded runner with 1 and 2 processes;
- memory while the corpus streams through (RSS must not grow with the number of articles).
Writes the figures and the machine into bench/RESULTS.md (`--no-write` to skip).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from veille.api import ingest_raw, merge
from veille.config import MODELS, Settings
from veille.nlp import load_model
from veille.pipeline import Pipeline
from veille.store import open_store

from .corpus import generate

HERE = Path(__file__).resolve().parent


def _status_mb(field: str) -> float | None:
    """A memory figure of /proc/self/status in MiB ("VmRSS", "VmHWM"), None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Current resident set size in MiB (Linux /proc; falls back to peak)."""
    rss = _status_mb("VmRSS")
    return rss if rss is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mb() -> float:
    """Peak resident set size in MiB since the process started or since `reset_peak`."""
    hwm = _status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Start a new peak measurement (Linux: /proc/self/clear_refs); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler:
    """An ingest `on_document` callback: records (articles so far, RSS MiB, seconds since creation)
    when the count reaches each of `at`."""

    def __init__(self, at: list[int], *, echo: bool = False):
        self.wanted = sorted(at)
        self.samples: list[tuple[int, float, float]] = []
        self.count = 0
        self.echo = echo
        self.t0 = time.perf_counter()

    def __call__(self, _doc) -> None:
        self.count += 1
        if self.wanted and self.count == self.wanted[0]:
            self.samples.append((self.count, rss_mb(), time.perf_counter() - self.t0))
            self.wanted.pop(0)
            if self.echo:
                print(f"{self.count} articles: RSS {self.samples[-1][1]:.0f} MiB after "
                      f"{self.samples[-1][2]:.0f} s", flush=True)


def run_header() -> list[str]:
    """The date and machine lines every bench report starts with."""
    return [f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}"]


def publish(lines: list[str], filename: str, write: bool) -> None:
    """Print a report and, if `write`, store it as bench/<filename>."""
    text = "\n".join(lines) + "\n"
    print(text)
    if write:
        (HERE / filename).write_text(text, encoding="utf-8")


def bench_end_to_end(n: int, settings: Settings, memory_at: list[int]) -> dict:
    """One streaming ingest of n articles; RSS sampled when each size in `memory_at` is reached."""
    raws = list(generate(n))
    words = sum(len(r.text.split()) for r in raws)
    tmp = Path(tempfile.mkdtemp(prefix="veille-bench-"))
    pipeline = Pipeline(settings, freeze_when_loaded=True)  # as the CLI and the workers do
    pipeline.get_stage("nlp")  # load the model before timing, as a long run amortises it
    for name in pipeline.stage_names:
        pipeline.get_stage(name)
    # warm up every stage on other articles, so neither measurement pays first-call costs
    # (100 articles of another seed: spaCy's lemmatizer cache and string store reach the steady
    # state of a long run, as they already have when the bare pass runs second)
    warm = list(generate(100, seed=99))
    warm_texts = []
    for k in range(0, len(warm), settings.batch_size):
        docs = pipeline.run_stages([pipeline.start(r, None) for r in warm[k:k + settings.batch_size]])
        warm_texts += [d.text for d in docs]
    for name in pipeline.timings:
        pipeline.timings[name] = 0.0
    store = open_store(str(tmp / "b.db"))
    sampler = RssSampler(memory_at)
    t0, c0 = time.perf_counter(), time.process_time()
    report = ingest_raw(iter(raws), store, settings, pipeline=pipeline, on_document=sampler)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    ingest_peak = peak_mb()
    # the merge holds the whole store's mentions at once: its peak is reported apart
    merge_peak_known = reset_peak()
    t1 = time.perf_counter()
    merged = merge(store, settings)
    merge_seconds = time.perf_counter() - t1
    merge_peak = peak_mb() if merge_peak_known else None
    store.close()
    # the cleaned texts, for the bare spaCy comparison
    cleaner = pipeline.get_stage("clean") if "clean" in pipeline.stage_names else None
    texts = []
    for raw in raws:
        doc = pipeline.start(raw, None)
        texts.append(cleaner(doc).text if cleaner else doc.text)
    shutil.rmtree(tmp, ignore_errors=True)
    return {"articles": report.added, "words": words, "seconds": elapsed, "cpu": cpu, "timings": dict(pipeline.timings),
            "texts": texts, "warm_texts": warm_texts, "nlp": pipeline.get_stage("nlp").nlp,
            "peak": ingest_peak, "merge_peak": merge_peak,
            "memory": [(k, rss) for k, rss, _secs in sampler.samples],
            "merge_seconds": merge_seconds, "merged": merged}


def bench_bare_spacy(nlp, texts: list[str], batch_size: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) for `nlp.pipe` over `texts`, the docs thrown away."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - t0, time.process_time() - c0


def bench_scaling(n: int, settings: Settings) -> dict[int, float]:
    from veille.run import run

    src = Path(tempfile.mkdtemp(prefix="veille-bench-in-"))
    for raw in generate(n):
        (src / Path(raw.source_path).name).write_text(raw.text, encoding="utf-8")
    out: dict[int, float] = {}
    for workers in (1, 2):
        dst = Path(tempfile.mkdtemp(prefix="veille-bench-out-"))
        t0 = time.perf_counter()
        run([str(src)], dst, settings, engine="process", workers=workers, shard_size=max(1, n // 8))
        out[workers] = n / (time.perf_counter() - t0)
        shutil.rmtree(dst, ignore_errors=True)
    shutil.rmtree(src, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--model", default="sm")
    ap.add_argument("--scaling-articles", type=int, default=400)
    ap.add_argument("--memory-sizes", default="250,500,1000,2000",
                    help="RSS is sampled when the streaming ingest reaches each of these counts")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    settings = Settings(model=MODELS.get(args.model, args.model))
    sizes = [int(x) for x in args.memory_sizes.split(",") if int(x) <= args.articles]
    e2e = bench_end_to_end(args.articles, settings, sizes)
    # the same model again: it has parsed these texts once already (for reference only)
    bare_second, _ = bench_bare_spacy(e2e.pop("nlp"), e2e["texts"], settings.batch_size)
    # the comparison: a model loaded, warmed on the same 100 articles and frozen as the
    # end-to-end pipeline was, meeting the texts for the first time as the end-to-end pass did
    nlp = load_model(settings.model)
    gc.freeze()
    bench_bare_spacy(nlp, e2e["warm_texts"], settings.batch_size)
    bare, bare_cpu = bench_bare_spacy(nlp, e2e["texts"], settings.batch_size)
    n, secs = e2e["articles"], e2e["seconds"]
    scaling = bench_scaling(args.scaling_articles, settings)
    memory = e2e["memory"]
    lines = [
        "# Benchmark results",
        "",
        *run_header(),
        f"- model: {settings.model}; stages: {', '.join(settings.stages)}; batch size {settings.batch_size}",
        f"- corpus: {n} generated articles, {e2e['words']:,} words (~{e2e['words'] // max(n, 1)} words each)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| end-to-end (1 process, all stages + SQLite writes) | {n / secs:.2f} articles/s, "
        f"{e2e['words'] / secs:,.0f} words/s |",
        f"| bare spaCy `nlp.pipe`, same model and components, same warm-up | {n / bare:.2f} articles/s |",
        f"| ratio end-to-end / bare spaCy | {bare / secs:.2f} (CPU time: {bare_cpu / e2e['cpu']:.2f}) |",
        f"| (bare `nlp.pipe` again on the end-to-end model, which has seen the texts) | "
        f"{n / bare_second:.2f} articles/s, ratio {bare_second / secs:.2f} |",
        f"| sharded runner, 1 process ({args.scaling_articles} articles) | {scaling[1]:.2f} articles/s |",
        f"| sharded runner, 2 processes | {scaling[2]:.2f} articles/s (×{scaling[2] / scaling[1]:.2f}) |",
        f"| cross-document merge, full pass over the {n} articles | {e2e['merge_seconds']:.1f} s "
        f"({', '.join(f'{k} {v}' for k, v in e2e['merged'].items())}) |",
        f"| peak memory (RSS) of the end-to-end pass | {e2e['peak']:.0f} MiB |",
        f"| peak memory (RSS) during the cross-document merge | "
        f"{'n/a' if e2e['merge_peak'] is None else format(e2e['merge_peak'], '.0f') + ' MiB'} |",
        "",
        "Time per stage (1 process):",
        "",
        "| stage | seconds | share |",
        "|---|---|---|",
    ]
    total = sum(e2e["timings"].values()) or 1.0
    for stage, t in e2e["timings"].items():
        lines.append(f"| {stage} | {t:.1f} | {100 * t / total:.1f}% |")
    lines += ["", "Memory while streaming (RSS after N articles):", "", "| articles | RSS MiB |", "|---|---|"]
    lines += [f"| {k} | {v:.0f} |" for k, v in memory]
    publish(lines, "RESULTS.md", not args.no_write)


if __name__ == "__main__":
    main()
