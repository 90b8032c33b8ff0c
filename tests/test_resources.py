"""Packaged data files and the user lexicons that overlay them (`Settings.lexicon_dir`)."""

from __future__ import annotations

import pytest

from veille.errors import ConfigError
from veille.resources import data_stamp, read_tsv


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_resources_without_a_user_file_read_the_packaged_rows_only(tmp_path):
    packaged = list(read_tsv("fr", "reporting_verbs.tsv"))
    assert list(read_tsv("fr", "reporting_verbs.tsv", lexicon_dir=tmp_path)) == packaged
    assert list(read_tsv("fr", "reporting_verbs.tsv", lexicon_dir=None)) == packaged


def test_resources_user_rows_add_override_and_delete_by_the_first_column(tmp_path):
    packaged = {r["lemma"]: r for r in read_tsv("fr", "reporting_verbs.tsv")}
    assert "grommeler" not in packaged and packaged["affirmer"]["use"] != "direct" and "ajouter" in packaged
    write(tmp_path / "fr" / "reporting_verbs.tsv",
          "# my verbs\nlemma\tuse\ngrommeler\tdirect\naffirmer\tdirect\n-ajouter\n")
    rows = list(read_tsv("fr", "reporting_verbs.tsv", lexicon_dir=tmp_path))
    lemmas = [r["lemma"] for r in rows]
    assert lemmas[-1] == "grommeler"  # a new key comes after the packaged rows
    assert rows[-1] == {"lemma": "grommeler", "use": "direct", "forms": ""}  # a column left out is empty
    assert lemmas.index("affirmer") == list(packaged).index("affirmer")  # replaced in place
    assert rows[lemmas.index("affirmer")]["use"] == "direct"
    assert "ajouter" not in lemmas  # "-key" deletes
    assert len(rows) == len(packaged)


def test_resources_a_key_header_names_the_columns_that_identify_a_row(tmp_path):
    """event_triggers.tsv is keyed by (kind, lemma): an override replaces every row of that key and
    only those; several user rows with one key replace them together."""
    packaged = list(read_tsv("fr", "event_triggers.tsv"))
    bombarder = [r for r in packaged if (r["kind"], r["lemma"]) == ("verb", "bombarder")]
    assert len(bombarder) > 1
    write(tmp_path / "fr" / "event_triggers.tsv",
          "kind\tlemma\ttype\tmode\tcontexts\tsource\ttarget\n"
          "verb\tbombarder\tASSAULT\taerial\tmilitary\tsubj\tobj,p:sur\n"
          "noun\tbombarder\tASSAULT\taerial\tmilitary\t\t\n")
    rows = list(read_tsv("fr", "event_triggers.tsv", lexicon_dir=tmp_path))
    assert [r["target"] for r in rows if (r["kind"], r["lemma"]) == ("verb", "bombarder")] == ["obj,p:sur"]
    assert rows[-1]["kind"] == "noun" and rows[-1]["lemma"] == "bombarder"  # another kind: a new key
    assert len(rows) == len(packaged) - len(bombarder) + 2


def test_resources_a_user_header_must_name_packaged_columns_and_the_key(tmp_path):
    write(tmp_path / "fr" / "reporting_verbs.tsv", "lemma\tweight\ngrommeler\t2\n")
    with pytest.raises(ConfigError, match=r"\[E300\] user lexicon .*reporting_verbs.tsv.*unknown: weight"):
        list(read_tsv("fr", "reporting_verbs.tsv", lexicon_dir=tmp_path))
    write(tmp_path / "fr" / "event_triggers.tsv", "lemma\ttype\nbrailler\tPROTEST\n")
    with pytest.raises(ConfigError, match="including its key \\(kind, lemma\\); missing: kind"):
        list(read_tsv("fr", "event_triggers.tsv", lexicon_dir=tmp_path))


def test_resources_data_stamp_changes_with_the_user_file(tmp_path):
    plain = data_stamp("fr", "geo_cues.tsv", lexicon_dir=tmp_path)
    assert plain == data_stamp("fr", "geo_cues.tsv")
    write(tmp_path / "fr" / "geo_cues.tsv", "word\tkind\nbled\tplace_noun\n")
    assert data_stamp("fr", "geo_cues.tsv", lexicon_dir=tmp_path) != plain


def test_resources_lexicon_dir_reaches_the_stages_from_settings(tmp_path):
    """A TOML file and a folder, no code: the stages built from the settings read the user rows."""
    from veille.config import load_settings
    from veille.pipeline import Pipeline

    write(tmp_path / "lex" / "fr" / "reporting_verbs.tsv", "lemma\tuse\ngrommeler\tdirect\n")
    write(tmp_path / "lex" / "fr" / "timex_lexicon.tsv", "kind\tform\tvalue\nrelday\tavant-avant-hier\t-3\n")
    write(tmp_path / "lex" / "fr" / "boilerplate.tsv",
          "kind\treason\tweight\tprecision\tscope\ton\tpattern\n"
          "pattern\tpattern:my-widget\t8\thigh\tline\tfold\t^votez pour nous\n")
    toml = write(tmp_path / "veille.toml", f'lexicon_dir = "{tmp_path / "lex"}"\n')
    settings = load_settings(toml)
    pipe = Pipeline(settings, stages=["clean", "timex", "quotes"])
    assert pipe.get_stage("quotes").verbs["grommeler"] == "direct"
    assert pipe.get_stage("timex").lexicon.reldays["avant-avant-hier"] == -3
    assert "grommeler" not in Pipeline(stages=["quotes"]).get_stage("quotes").verbs
    doc = pipe.run_text("Votez pour nous sur notre site\nLe Mali a annoncé son retrait de la Cédéao.")
    assert [(r.line, r.reason) for r in doc.removed_lines] == [("Votez pour nous sur notre site", "pattern:my-widget")]


def test_package_ships_py_typed_as_package_data():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["veille"]
    assert (root / "src" / "veille" / "py.typed").is_file()
