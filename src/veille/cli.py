"""The `veille` command. Each command validates its arguments and calls one library function."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import api
from .config import Settings, load_settings
from .errors import StoreError, VeilleError
from .pipeline import Pipeline

if TYPE_CHECKING:
    from .store import AnyStore

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="veille: French news pages → actors, events, cross-source timelines.")
console = Console()
err_console = Console(stderr=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="SQLite store path (default: veille.db or $VEILLE_DB), or "
                                                        "a Parquet dataset folder to read (read-only).")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="spaCy model: md (default), sm, or a package name.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="TOML settings file.")]


def make_settings(db: str | None = None, model: str | None = None, config: Path | None = None,
                  **overrides) -> Settings:
    """The one place where flags become settings."""
    return load_settings(config, db=db, model=model, **overrides)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _fail(err: Exception) -> None:
    # escaped: "pip install 'veille[spark]'" is a command to type, not rich markup to swallow
    err_console.print(f"[red]error:[/red] {escape(str(err))}")
    raise typer.Exit(2)


@contextmanager
def _reading_store(settings: Settings) -> Iterator[AnyStore]:
    """The existing store at `settings.db` for a command that reads it: never created on a mistyped
    path, an interrupted merge finished first, every store failure a coded line."""
    from .store import open_store

    with _store_errors(), open_store(settings.db, must_exist=True) as store:
        api.finish_pending_merge(store, settings)
        yield store


@contextmanager
def _store_errors():
    """Every failure of a command on a store is one coded line and exit status 2, never a traceback:
    our own errors as they are, SQLite's (a corrupted page, a file that is no database) as E400."""
    try:
        yield
    except VeilleError as err:
        _fail(err)
    except sqlite3.DatabaseError as err:
        _fail(StoreError(f"the store cannot be read: {err}", stage="store"))


@app.callback()
def main_options(verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Log each skipped input.")] = False
                 ) -> None:
    _setup_logging(verbose)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories or glob patterns.")],
    db: DbOpt = None, model: ModelOpt = None, config: ConfigOpt = None,
    dct: Annotated[str | None, typer.Option(help="Creation date for all inputs (YYYY-MM-DD).")] = None,
    no_merge: Annotated[bool, typer.Option("--no-merge", help="Skip the cross-document pass.")] = False,
    batch_size: Annotated[int | None, typer.Option(help="Documents per spaCy batch.")] = None,
) -> None:
    """Read, clean, deduplicate and analyse documents into the store (idempotent)."""
    with _store_errors():
        settings = make_settings(db, model, config, batch_size=batch_size)
        with console.status("ingesting…"):
            report = api.ingest(paths, settings, dct=dct, run_merge=not no_merge,
                                pipeline=Pipeline(settings, freeze_when_loaded=True))
    _print_report(report, settings.db)
    if report.read == 0 and report.unchanged == 0:
        raise typer.Exit(1)


def _print_report(report, db: str) -> None:
    console.print(f"read {report.read}, added [bold]{report.added}[/bold], unchanged {report.unchanged}, "
                  f"near-duplicates {report.near_duplicates}, skipped {len(report.skipped)} → {db}")
    for s in report.skipped:
        err_console.print(f"  [yellow]skipped[/yellow] {escape(s.source)}: {escape(s.reason)}")


@app.command()
def search(query: Annotated[str, typer.Argument(help="FTS5 query, e.g. 'Poutine AND Kim' (on a Parquet "
                                                    "dataset: whole words, \"phrases\", pref*, OR, NOT).")],
           db: DbOpt = None, limit: int = 20) -> None:
    """Full-text search over the stored articles."""
    settings = make_settings(db)
    with _reading_store(settings) as store:
        rows = store.search(query, limit=limit)
    table = Table("article", "published", "outlet", "title", "match")
    for r in rows:
        table.add_row(r["article_id"], r["published"] or "", r["outlet"] or "", r["title"] or "", r["snippet"])
    console.print(table)
    if not rows:
        console.print("no match")


@app.command()
def export(out: Annotated[Path, typer.Option("--out", help="Output directory.")],
           fmt: Annotated[str, typer.Option("--format", help="jsonl, parquet, csv, or parquet-dataset (one "
                                                             "partitioned folder per table).")] = "jsonl",
           db: DbOpt = None) -> None:
    """Write articles, events, mentions, actors, quotes and stories files (see docs/contract.md)."""
    try:
        counts = api.export(out, fmt, make_settings(db))
    except VeilleError as err:
        _fail(err)
    console.print(", ".join(f"{k}: {v}" for k, v in counts.items()) + f" → {out}")


@app.command()
def merge(db: DbOpt = None) -> None:
    """Re-run the cross-document pass (events, stories, contradictions, dates)."""
    from .store import open_store

    settings = make_settings(db)
    with _store_errors():
        with open_store(settings.db, must_exist=True) as store:
            counts = api.merge(store, settings)
    console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command()
def timeline(story: Annotated[str | None, typer.Option("--story", help="Only this story (id).")] = None,
             actor: Annotated[str | None, typer.Option("--actor", help="Only events with this actor "
                                                                       "(name, id or ISO3 country).")] = None,
             since: Annotated[str | None, typer.Option("--since", help="Only events on or after this date "
                                                                       "(YYYY-MM-DD).")] = None,
             lang: Annotated[str, typer.Option(help="Language of the event phrases: en or fr.")] = "en",
             db: DbOpt = None) -> None:
    """The merged events as a dated timeline: who did what, how certain, how many sources, contradictions."""
    from .timeline import stories_table, timeline_table

    settings = make_settings(db)
    with _reading_store(settings) as store:
        console.print(timeline_table(store, story=story, actor=actor, since=since, lang=lang,
                                     lexicon_dir=settings.lexicon_dir))
        if not (story or actor or since):
            console.print(stories_table(store))


@app.command()
def stats(db: DbOpt = None) -> None:
    """Counts of what the store holds."""
    settings = make_settings(db)
    with _reading_store(settings) as store:
        console.print(store.stats())


@app.command("eval")
def eval_cmd(gold_dir: Annotated[Path, typer.Argument(help="Folder with one sub-folder per stage (eval/).")],
             only: Annotated[list[str] | None, typer.Option(help="Score only these stages.")] = None,
             model: ModelOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Score each stage against annotated documents and print one table."""
    from .evaluate import evaluate

    try:
        results = evaluate(gold_dir, make_settings(model=model), only=only)
    except VeilleError as err:
        _fail(err)
    if as_json:
        console.print_json(json.dumps(results))
        return
    table = Table("stage", "metric", "value")
    for stage, metrics in results.items():
        for k, v in metrics.items():
            table.add_row(stage, k, f"{v:.4f}" if isinstance(v, float) else str(v))
    console.print(table)


@app.command()
def annotate(
    path: Annotated[str, typer.Argument(help="A text, HTML or TimeML file, or - for stdin.")],
    dct: Annotated[str | None, typer.Option(help="Document creation date (YYYY-MM-DD) for relative dates.")] = None,
    lang: Annotated[str, typer.Option(help="Language of the document.")] = "fr",
    fmt: Annotated[str, typer.Option("--format", help="json, html, text or timeml.")] = "json",
    model: ModelOpt = None,
) -> None:
    """Show every stage's reading of one document (nothing is stored)."""
    from . import render

    settings = make_settings(model=model, lang=lang)
    try:
        if path == "-":
            doc = api.annotate(sys.stdin.read(), dct=dct, settings=settings, source_path="<stdin>", offsets="clean")
        else:
            doc = api.annotate_path(path, dct=dct, settings=settings)
        out = render.render(doc, fmt)
    except VeilleError as err:
        _fail(err)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")


@app.command("run")
def run_cmd(
    inputs: Annotated[list[str], typer.Option("--input", help="Files, directories, globs (repeatable).")],
    out: Annotated[Path, typer.Option("--out", help="Output directory (shards, store, exports).")],
    engine: Annotated[str, typer.Option(help="local, process (default) or spark.")] = "process",
    workers: Annotated[int | None, typer.Option(help="Processes for the process engine (default: all cores).")] = None,
    shard_size: Annotated[int, typer.Option(help="Input files per shard.")] = 64,
    master: Annotated[str | None, typer.Option(help="Spark master URL (default: the cluster's own).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, parquet, csv or parquet-dataset.")] = "jsonl",
    model: ModelOpt = None, config: ConfigOpt = None,
) -> None:
    """Batch run over many files in shards (resumable), then merge and export into --out."""
    from .run import run

    try:
        report = run(inputs, out, make_settings(model=model, config=config), engine=engine, workers=workers,
                     shard_size=shard_size, master=master, fmt=fmt)
    except VeilleError as err:
        _fail(err)
    console.print(f"shards {report.shards} (already done {report.shards_skipped}), documents "
                  f"{report.documents}, skipped inputs {report.skipped} → {out}")
    console.print(", ".join(f"{k}: {v}" for k, v in report.exported.items()))
    if report.documents == 0:
        raise typer.Exit(1)


@app.command()
def serve(db: DbOpt = None, config: ConfigOpt = None, model: ModelOpt = None,
          host: Annotated[str, typer.Option(help="Address to bind; anything but loopback needs $VEILLE_TOKEN "
                                                 "for writes.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          pipelines: Annotated[int | None, typer.Option(
              help="Pipelines kept for annotate/ingest requests, one request each at a time (each "
                   "loads a spaCy model; default 1, setting serve_pipelines).")] = None) -> None:
    """Web UI and JSON API over the store (timeline, events, articles, actors, map; works offline)."""
    _serve(make_settings(db, model, config).with_overrides(serve_pipelines=pipelines), host, port)


def _serve(settings: Settings, host: str, port: int) -> None:
    try:
        import uvicorn

        from .serve import create_app

        web_app = create_app(settings, host=host)
    except ImportError as err:
        from .serve import missing_web_dependency

        _fail(missing_web_dependency(err))
    except VeilleError as err:
        _fail(err)
    console.print(f"serving {settings.db} on http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


@app.command()
def demo(db: DbOpt = None, model: ModelOpt = None,
         out: Annotated[Path | None, typer.Option(help="Also export the demo dataset here.")] = None,
         serve_after: Annotated[bool, typer.Option("--serve", help="Then open the web UI on the demo store.")] = False,
         port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000) -> None:
    """Run the whole pipeline on the bundled sample corpus and print a summary."""
    from . import render
    from .store import open_store

    tmp = None
    if db is None:
        tmp = tempfile.mkdtemp(prefix="veille-demo-")
        db = str(Path(tmp) / "demo.db")
    settings = make_settings(db, model)
    inputs = api.sample_inputs()
    if not inputs:
        _fail(VeilleError("the sample corpus is missing from the installed package"))
    with console.status(f"ingesting {len(inputs)} sample files…"):
        report = api.ingest([str(p) for p in inputs], settings, pipeline=Pipeline(settings, freeze_when_loaded=True))
    _print_report(report, settings.db)
    with open_store(settings.db) as store:
        console.print(render.store_summary(store))
        if out:
            counts = api.export(out, "jsonl", settings, store=store)
            console.print(", ".join(f"{k}: {v}" for k, v in counts.items()) + f" → {out}")
    console.print(f"store: {settings.db}  (try: veille search Poutine --db {settings.db})")
    if serve_after:
        _serve(settings, "127.0.0.1", port)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
