"""Sharded batch runs: `veille run --input … --out DIR [--engine local|process|spark]`.

The unit of work is a shard: a list of input files streamed through the per-document
pipeline into `DIR/shards/<shard_id>/documents.jsonl` (every document with all its
layers) plus `skipped.jsonl`, finished by a `_SUCCESS` marker written last (the shard
folder is built under a temporary name and renamed, so a killed job leaves either a
whole shard or none). A rerun skips finished shards: a kill loses at most the shards
in flight.

Then a single merge pass, in shard order, loads the documents into `DIR/veille.db`,
links near duplicates, runs the cross-document merge and exports the contract's files
into DIR. Processing a document depends only on the document, and the merge pass
reads shards in a fixed order, so every executor yields byte-identical exports. With
`SparkExecutor` the merge pass runs as Spark jobs (`veille.merge.spark`: the same
decision functions, no store) and writes the same files.

Executors share one interface, `map(shards) -> iterator of finished shard ids`:
`InProcessExecutor`, `ProcessExecutor` (local multiprocessing, the model loaded once per
worker) and `SparkExecutor` (`mapPartitions` over shards on an existing cluster,
`local[2]` in tests).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .config import Settings
from .errors import ConfigError, MissingExtraError, install_command
from .ingest import IngestReport, expand_paths, read_path
from .models import Document, stable_id
from .pipeline import Pipeline

log = logging.getLogger("veille.run")

ENGINES = ("local", "process", "spark")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")  # two letters at least: not a Windows drive


@dataclass
class Shard:
    shard_id: str
    paths: list[str]
    # local copy → original name, when executors read remote files (s3a://, hdfs://) from copies
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class RunReport:
    shards: int = 0
    shards_skipped: int = 0  # already finished by an earlier run
    documents: int = 0
    skipped: int = 0
    exported: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def plan_shards(inputs: Iterable[str], shard_size: int = 64, report: IngestReport | None = None) -> list[Shard]:
    """Group input files into shards of `shard_size` files; a WARC file is a shard of its own."""
    report = report or IngestReport()
    shards: list[Shard] = []
    current: list[str] = []

    def close() -> None:
        if current:
            shards.append(Shard(stable_id("shard", *current, length=12), list(current)))
            current.clear()

    for path in expand_paths(inputs, report.skip):
        p = str(path)
        if p.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
            close()
            current.append(p)
            close()
            continue
        current.append(p)
        if len(current) >= shard_size:
            close()
    close()
    return shards


def plan_remote_shards(uris: list[str], shard_size: int) -> list[Shard]:
    """Shards of remote files listed by Spark; a WARC file is a shard of its own."""
    shards: list[Shard] = []
    batch: list[str] = []
    for uri in uris:
        if uri.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
            shards.append(Shard(stable_id("shard", uri, length=12), [uri]))
            continue
        batch.append(uri)
        if len(batch) >= shard_size:
            shards.append(Shard(stable_id("shard", *batch, length=12), batch))
            batch = []
    if batch:
        shards.append(Shard(stable_id("shard", *batch, length=12), batch))
    return shards


def shard_dir(out_dir: Path, shard_id: str) -> Path:
    return out_dir / "shards" / shard_id


def is_done(out_dir: Path, shard_id: str) -> bool:
    return (shard_dir(out_dir, shard_id) / "_SUCCESS").is_file()


def process_shard(shard: Shard, pipeline: Pipeline, out_dir: Path) -> str:
    """Process one shard into its folder; atomic (temporary folder renamed at the end)."""
    final = shard_dir(out_dir, shard.shard_id)
    if (final / "_SUCCESS").is_file():
        return shard.shard_id
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{shard.shard_id}-", dir=final.parent))
    report = IngestReport()
    settings = pipeline.settings

    def raws():
        for p in shard.paths:
            original = shard.names.get(p)
            try:
                for raw in read_path(Path(p), settings, report):
                    if original:
                        raw.source_path = original + raw.source_path[len(p):]
                    yield raw
            except Exception as err:  # noqa: BLE001 - every bad input is reported, the shard goes on
                report.skip(original or p, err)

    with (tmp / "documents.jsonl").open("w", encoding="utf-8") as fh:
        for doc in pipeline.process(raws(), on_reject=report.skip):
            fh.write(json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    with (tmp / "skipped.jsonl").open("w", encoding="utf-8") as fh:
        for s in report.skipped:
            fh.write(json.dumps({"source": s.source, "reason": s.reason}, ensure_ascii=False) + "\n")
    (tmp / "_SUCCESS").write_text("ok\n", encoding="utf-8")
    if final.exists():  # an unfinished earlier attempt (no marker)
        shutil.rmtree(final)
    os.replace(tmp, final)
    return shard.shard_id


# --------------------------------------------------------------------------- executors


class InProcessExecutor:
    name = "local"

    def __init__(self, settings: Settings):
        self.settings = settings

    def map(self, shards: list[Shard], out_dir: Path) -> Iterator[str]:
        pipeline = Pipeline(self.settings, freeze_when_loaded=True)
        for shard in shards:
            yield process_shard(shard, pipeline, out_dir)


class _Worker:
    """Per-process state of the multiprocessing executor: one pipeline (one spaCy model)."""

    pipeline: Pipeline | None = None


def _init_worker(settings: Settings) -> None:
    _Worker.pipeline = Pipeline(settings, freeze_when_loaded=True)


def _run_in_worker(shard: Shard, out_dir: str) -> str:
    assert _Worker.pipeline is not None  # set by the pool initializer
    return process_shard(shard, _Worker.pipeline, Path(out_dir))


def worker_settings(settings: Settings, workers: int) -> Settings:
    """The settings of each of `workers` processes: without the NER prefetch thread when the
    processes fill every core (measured on 2 cores, 2 workers: 13.3 articles/s without, 12.6 with;
    1 worker: 8.7 without, 10.5 with)."""
    if workers >= (os.cpu_count() or 1) and settings.ner_prefetch:
        return replace(settings, ner_prefetch=False)
    return settings


class ProcessExecutor:
    name = "process"

    def __init__(self, settings: Settings, workers: int | None = None):
        self.settings = settings
        self.workers = workers or os.cpu_count() or 1

    def map(self, shards: list[Shard], out_dir: Path) -> Iterator[str]:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        if self.workers <= 1 or len(shards) <= 1:
            yield from InProcessExecutor(self.settings).map(shards, out_dir)
            return
        ctx = mp.get_context("forkserver" if os.name == "posix" else "spawn")
        workers = min(self.workers, len(shards))
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(worker_settings(self.settings, workers),)) as pool:
            futures = [pool.submit(_run_in_worker, s, str(out_dir)) for s in shards]
            for fut in as_completed(futures):
                yield fut.result()


def is_remote(path: str) -> bool:
    """True for URIs read through Spark's Hadoop filesystems (s3a://, hdfs://, gs://, file://…).

    Plain paths are read by the executors directly.
    """
    return bool(_SCHEME.match(path))


def _spark_remote_partition(settings_dict: dict, out_dir: str,
                            items: Iterable[tuple[str, Iterable[tuple[str, bytes]]]]) -> Iterator[str]:
    """Executor side for remote inputs: the bytes came through `binaryFiles`; write local copies."""
    settings = Settings(**settings_dict)
    pipeline = None
    for shard_id, files in items:
        if is_done(Path(out_dir), shard_id):
            yield shard_id
            continue
        pipeline = pipeline or Pipeline(settings, freeze_when_loaded=True)
        with tempfile.TemporaryDirectory(prefix="veille-shard-") as tmp:
            paths, names = [], {}
            for i, (uri, content) in enumerate(sorted(files)):
                local = Path(tmp) / f"{i:05d}-{uri.rstrip('/').rsplit('/', 1)[-1]}"
                local.write_bytes(content)
                paths.append(str(local))
                names[str(local)] = uri
            yield process_shard(Shard(shard_id, paths, names), pipeline, Path(out_dir))


def _spark_partition(settings_dict: dict, out_dir: str, items: Iterable[tuple[str, list[str]]]) -> Iterator[str]:
    """Runs on a Spark executor: one pipeline per partition, shards processed in turn."""
    settings = Settings(**settings_dict)
    pipeline = None
    for shard_id, paths in items:
        if is_done(Path(out_dir), shard_id):
            yield shard_id
            continue
        pipeline = pipeline or Pipeline(settings, freeze_when_loaded=True)
        yield process_shard(Shard(shard_id, paths), pipeline, Path(out_dir))


class SparkExecutor:
    """`mapPartitions` over shard paths on an existing Spark cluster (or `local[N]`).

    Input paths must be readable by the executors and `--out` must be a filesystem they all
    share (on a cluster: a mounted network filesystem).
    """

    name = "spark"

    def __init__(self, settings: Settings, master: str | None = None):
        self.settings = settings
        self.master = master or os.environ.get("VEILLE_SPARK_MASTER")
        self._spark = None

    def session(self):
        if self._spark is None:
            try:
                from pyspark.sql import SparkSession
            except ImportError as err:
                raise MissingExtraError(f"the Spark engine needs pyspark: {install_command('spark')}",
                                        stage="run") from err
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            # executors must run a Python that has veille installed; in local mode that is ours
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            builder = SparkSession.builder.appName("veille")
            if self.master:
                builder = builder.master(self.master)
            self._spark = builder.getOrCreate()
        return self._spark

    def stop(self) -> None:
        if self._spark is not None and not os.environ.get("VEILLE_SPARK_KEEP"):
            self._spark.stop()
        self._spark = None

    def list_remote(self, patterns: Iterable[str]) -> list[str]:
        """Expand remote globs (s3a://bucket/crawl/*.warc.gz) with the cluster's Hadoop filesystem."""
        spark = self.session()
        jvm, conf = spark._jvm, spark._jsc.hadoopConfiguration()
        found: list[str] = []
        for pattern in patterns:
            path = jvm.org.apache.hadoop.fs.Path(pattern)
            statuses = path.getFileSystem(conf).globStatus(path) or []
            found += [str(s.getPath().toString()) for s in statuses if s.isFile()]
        return sorted(set(found))

    def _settings_dict(self) -> dict:
        # one Python worker per executor core: the cores are full, a prefetch thread only costs CPU
        settings_dict = asdict(replace(self.settings, ner_prefetch=False))
        settings_dict["stages"] = tuple(settings_dict["stages"])
        return settings_dict

    def map(self, shards: list[Shard], out_dir: Path) -> Iterator[str]:
        if not shards:
            return
        spark = self.session()
        settings_dict, out = self._settings_dict(), str(out_dir)
        if any(is_remote(p) for s in shards for p in s.paths):
            shard_of = {p: s.shard_id for s in shards for p in s.paths}
            files = spark.sparkContext.binaryFiles(",".join(shard_of))
            grouped = files.map(lambda kv: (shard_of.get(kv[0], kv[0]), kv)).groupByKey(len(shards))
            done = grouped.mapPartitions(
                lambda items: _spark_remote_partition(settings_dict, out, items)).collect()
        else:
            rdd = spark.sparkContext.parallelize([(s.shard_id, s.paths) for s in shards], len(shards))
            done = rdd.mapPartitions(lambda items: _spark_partition(settings_dict, out, items)).collect()
        yield from done

    def merge(self, out_dir: Path, shards: list[Shard], fmt: str = "jsonl") -> dict[str, int]:
        """The merge pass and export as Spark jobs (`veille.merge.spark`): no store, same files."""
        from .merge.spark import SparkMerge

        files = [str(shard_dir(out_dir, s.shard_id) / "documents.jsonl") for s in shards]
        return SparkMerge(self.settings, self.session()).run(files, out_dir, fmt)


def make_executor(engine: str, settings: Settings, workers: int | None = None, master: str | None = None):
    if engine == "local":
        return InProcessExecutor(settings)
    if engine == "process":
        return ProcessExecutor(settings, workers)
    if engine == "spark":
        return SparkExecutor(settings, master)
    raise ConfigError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


# --------------------------------------------------------------------------- merge pass


def iter_shard_documents(out_dir: Path, shards: list[Shard]) -> Iterator[Document]:
    for shard in shards:
        with (shard_dir(out_dir, shard.shard_id) / "documents.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                yield Document.from_dict(json.loads(line))


def merge_shards(out_dir: Path, shards: list[Shard], settings: Settings, fmt: str = "jsonl") -> dict[str, int]:
    """Load finished shards in order into a fresh store, link duplicates, merge, export."""
    from .api import link_near_duplicates, merge
    from .dedup import Deduplicator
    from .export import export_store
    from .store import open_store, require_writable

    db = out_dir / "veille.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    opened = open_store(str(db))
    try:
        store = require_writable(opened)  # a file path: SQLite
        dedup = Deduplicator(settings)
        store.ensure_band_index(dedup.band_layout, lambda sig: dedup.band_keys(dedup.from_bytes(sig)))
        for doc in iter_shard_documents(out_dir, shards):
            if store.has_article(doc.article_id):
                store.add_source(doc.article_id, doc.source_path)
                continue
            signature, keys = link_near_duplicates([doc], store, dedup)[doc.article_id]
            store.add_document(doc, signature, keys)
        merge(store, settings)
        return export_store(store, out_dir, fmt)
    finally:
        opened.close()


def run(inputs: Iterable[str], out_dir: str | Path, settings: Settings | None = None, *,
        engine: str = "process", workers: int | None = None, shard_size: int = 64,
        master: str | None = None, fmt: str = "jsonl") -> RunReport:
    """Shard the inputs, process unfinished shards with the chosen executor, then merge and export."""
    settings = settings or Settings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    inputs = list(inputs)
    executor = make_executor(engine, settings, workers, master)
    try:
        return _run(executor, inputs, out, settings, shard_size, fmt)
    finally:
        if isinstance(executor, SparkExecutor):
            executor.stop()


def _run(executor, inputs: list, out: Path, settings: Settings, shard_size: int, fmt: str) -> RunReport:
    plan_report = IngestReport()
    if any(is_remote(str(i)) for i in inputs):
        if not isinstance(executor, SparkExecutor):
            raise ConfigError("remote inputs (s3a://, hdfs://…) need --engine spark")
        remote = executor.list_remote([str(i) for i in inputs if is_remote(str(i))])
        local = [i for i in inputs if not is_remote(str(i))]
        shards = plan_shards(local, shard_size, plan_report) + plan_remote_shards(remote, shard_size)
    else:
        shards = plan_shards(inputs, shard_size, plan_report)
    report = RunReport(shards=len(shards), skipped=len(plan_report.skipped))
    todo = [s for s in shards if not is_done(out, s.shard_id)]
    report.shards_skipped = len(shards) - len(todo)
    for shard_id in executor.map(todo, out):
        log.info("shard %s done", shard_id)
    for shard in shards:
        skipped = shard_dir(out, shard.shard_id) / "skipped.jsonl"
        report.skipped += sum(1 for _ in skipped.open(encoding="utf-8"))
    if isinstance(executor, SparkExecutor):
        report.exported = executor.merge(out, shards, fmt)
    else:
        report.exported = merge_shards(out, shards, settings, fmt)
    report.documents = report.exported.get("articles", 0)
    return report
