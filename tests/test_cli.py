"""End-to-end: the `veille` command on the bundled sample corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veille.api import sample_inputs
from veille.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    db, out = tmp / "demo.db", tmp / "export"
    result = runner.invoke(app, ["demo", "--db", str(db), "--out", str(out)])
    return result, db, out


def test_cli_demo_ingests_sample_corpus_and_prints_summary(demo_run):
    result, db, out = demo_run
    assert result.exit_code == 0, result.output
    n_inputs = len(sample_inputs())
    assert n_inputs >= 10
    assert "added" in result.output and "skipped 0" in result.output
    articles = [json.loads(x) for x in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(articles) >= n_inputs  # JSONL files hold several documents
    assert all(a["text"] and a["language"] for a in articles)
    mentions = (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()
    events = (out / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert mentions and events


def test_cli_reingest_changes_nothing(demo_run):
    _, db, out = demo_run
    before = (out / "articles.jsonl").read_bytes()
    result = runner.invoke(app, ["ingest", *[str(p) for p in sample_inputs()], "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "added 0" in result.output
    again = out.parent / "again"
    assert runner.invoke(app, ["export", "--out", str(again), "--db", str(db)]).exit_code == 0
    assert (again / "articles.jsonl").read_bytes() == before


def test_cli_search_finds_sample_articles(demo_run):
    _, db, _ = demo_run
    result = runner.invoke(app, ["search", "Poutine", "--db", str(db)])
    assert result.exit_code == 0
    assert "no match" not in result.output


def test_cli_ingest_nothing_readable_exits_nonzero(tmp_path: Path):
    (tmp_path / "bin.txt").write_bytes(b"%PDF-1.7 \x00\x01")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "E101" in result.output


@pytest.mark.slow
def test_cli_annotate_offsets_slice_the_cleaned_text(tmp_path: Path):
    page = tmp_path / "p.txt"
    page.write_text("Accueil / Monde\nKim Jong Un a rencontré mercredi Vladimir Poutine à Vladivostok.\n"
                    "Partager sur Facebook\n", encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(page), "--dct", "2023-09-15", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    text = data["text"]
    for layer in ("sentences", "entities", "actor_mentions", "timexes", "places"):
        for item in data[layer]:
            assert text[item["start"]:item["end"]] == item["text"], (layer, item)
    for m in data["mentions"]:
        assert text[m["char_start"]:m["char_end"]] == m["sentence"]
    assert any(t["value"] == "2023-09-13" for t in data["timexes"])
    html = runner.invoke(app, ["annotate", str(page), "--dct", "2023-09-15", "--format", "html"]).output
    assert "<mark" in html and "Partager sur Facebook" in html  # removed lines folded away, still shown


@pytest.mark.parametrize("command", [["search", "Poutine"], ["stats"], ["merge"], ["timeline"],
                                     ["export", "--out", "out"]])
def test_cli_read_commands_never_create_a_store(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*command, "--db", "typo/stroy.db"])
    assert result.exit_code == 2
    assert "[E401] no store at typo/stroy.db" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["search", "Poutine"], ["stats"], ["merge"], ["timeline"]])
def test_cli_a_corrupt_store_is_a_coded_error_not_a_traceback(tmp_path, command):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is no database " * 500)
    result = runner.invoke(app, [*command, "--db", str(bad)])
    assert result.exit_code == 2
    assert "[E400]" in result.output and "Traceback" not in result.output


def test_cli_errors_print_the_command_to_type_whole(monkeypatch):
    from veille import cli
    from veille.errors import MissingExtraError

    def no_spark(*args, **kw):
        raise MissingExtraError("the Spark engine needs pyspark: pip install 'veille[spark]'", stage="run")

    monkeypatch.setattr(cli.api, "ingest", no_spark)
    result = runner.invoke(app, ["ingest", "nothing.txt", "--db", "unused.db"])
    assert result.exit_code == 2
    assert "pip install 'veille[spark]'" in result.output
