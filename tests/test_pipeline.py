"""The pipeline: stage order, error policy, time budget, rejection of empty pages."""

from __future__ import annotations

import threading
import time

import pytest

from veille.config import Settings, load_settings
from veille.errors import ConfigError, EmptyInputError, StageChainError, StageError
from veille.models import Document, RawDocument
from veille.pipeline import Pipeline, article_id_for
from veille.stages import REGISTRY, EventsConfig, QuotesConfig, StageConfig


class Slow:
    name = "slow"

    def __init__(self, settings=None):
        pass

    def __call__(self, doc: Document) -> Document:
        time.sleep(60)
        return doc


class Busy:
    """Pure-Python work that no signal could cut short: only the worker-thread watchdog stops it."""

    name = "busy"

    def __init__(self, settings=None):
        pass

    def __call__(self, doc: Document) -> Document:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            pass
        return doc


class Broken:
    name = "broken"

    def __init__(self, settings=None):
        pass

    def __call__(self, doc: Document) -> Document:
        raise ValueError("boom")


@pytest.fixture()
def registry():
    """The built-in stages plus two test stages, in a registry of their own (the shared one untouched)."""
    reg = REGISTRY.copy()
    reg.register("slow", Slow)
    reg.register("busy", Busy)
    reg.register("broken", f"{__name__}:Broken")
    return reg


def test_pipeline_unknown_stage_is_a_config_error():
    with pytest.raises(ConfigError, match=r"\[E300\] unknown stage"):
        Pipeline(stages=["clean", "nope"])


def test_pipeline_time_budget_cuts_a_slow_stage_and_goes_on(registry):
    pipe = Pipeline(Settings(stage_timeout_s=0.2), stages=["slow", "clean"], registry=registry)
    doc = pipe.run_text("Le Mali a annoncé lundi son retrait de la Cédéao.")  # would sleep 60 s otherwise
    assert doc.stage_errors and doc.stage_errors[0].startswith("[E201] stage exceeded its 0.2s budget")
    assert doc.language == "fr"  # the next stage still ran


def test_pipeline_time_budget_also_cuts_a_stage_on_a_worker_thread(registry):
    # the web app runs its pipeline in worker threads, which signals never reach
    pipe = Pipeline(Settings(stage_timeout_s=0.2), stages=["busy", "clean"], registry=registry)
    out: list[Document] = []
    worker = threading.Thread(target=lambda: out.append(pipe.run_text("Le Mali a annoncé son retrait.")))
    worker.start()
    worker.join(30)
    assert not worker.is_alive() and len(out) == 1
    assert out[0].stage_errors[0].startswith("[E201] stage exceeded its 0.2s budget (stage=busy, doc=art_")
    assert out[0].language == "fr"


def test_pipeline_failure_drops_only_that_layer_or_raises_by_policy(registry):
    doc = Pipeline(stages=["broken", "clean"], registry=registry).run_text("Le Mali a annoncé son retrait de la Cédéao.")
    assert len(doc.stage_errors) == 1
    assert doc.stage_errors[0].startswith("[E200] ValueError: boom (stage=broken, doc=art_")
    with pytest.raises(ValueError, match="boom"):  # the stage's own error, not wrapped
        Pipeline(Settings(on_error="raise"), stages=["broken"], registry=registry).run_text("Texte.")
    assert "slow" not in REGISTRY and "broken" not in REGISTRY  # the test stages stayed in their registry


def test_pipeline_a_stage_returning_no_document_is_a_stage_error(registry):
    registry.register("forgetful", lambda settings: lambda doc: None)
    with pytest.raises(StageError, match=r"^\[E200\] stage returned NoneType, expected Document \(stage=forgetful"):
        Pipeline(stages=["clean", "forgetful"], registry=registry).run_text("Le Mali a annoncé son retrait.")


# ---------------------------------------------------------------------------- the stage registry


def test_pipeline_refuses_a_stage_before_the_layer_it_requires():
    with pytest.raises(StageChainError, match=r"\[E302\] stage 'events' requires the layer 'sentences', which no "
                                              r"stage before it assigns \(add 'nlp' before it\) \(stage=events\)"):
        Pipeline(stages=["clean", "timex", "events"])
    with pytest.raises(StageChainError, match="stage 'geo' requires the layer 'tokens'"):
        Pipeline(stages=["clean", "geo", "nlp"])  # in the wrong order
    Pipeline(stages=["nlp", "timex", "events"])  # a layer it only reads (actors, places) may be absent
    assert issubclass(StageChainError, ConfigError)


def test_pipeline_stages_attach_their_lookups_which_are_never_stored(parser):
    from veille.actors import ActorResolver, actor_at
    from veille.timex import TimexTagger

    notes = REGISTRY.check_chain(["nlp", "timex", "events"])
    assert "stage 'events' runs without the layer 'lookups.actor_at'" in notes
    assert "stage 'events' runs without the layer 'lookups.event_date'" not in notes
    doc = parser(Document("art_1", "t", "Kim Jong Un a rencontré Vladimir Poutine mercredi."))
    assert (doc.lookups.actor_at, doc.lookups.event_date, doc.lookups.event_place) == (None, None, None)
    tagger = TimexTagger()
    doc = ActorResolver()(tagger(doc))
    # the timex stage's dating binds its lexicon's continuation words (veille.dating.attach_date)
    assert (doc.lookups.actor_at, doc.lookups.event_date) == (actor_at, tagger.event_date)
    assert "lookups" not in doc.to_dict() and "lookups" not in doc.record_fields()
    assert Document.from_dict(doc.to_dict()) == doc
    assert Document.from_dict(doc.to_dict()).lookups.actor_at is None  # a stored document has none


def test_document_from_dict_reads_none_as_none_as_every_record_does():
    from veille.models import Published

    assert Published.from_dict(None) is None
    assert Document.from_dict(None) is None  # (it used to fail on dict(None))


def test_registry_register_as_decorator_declares_layers_and_refuses_a_taken_name(registry):
    @registry.register("shout", requires=("title",), assigns=("title",))
    class Shout:
        def __init__(self, settings):
            self.settings = settings

        def __call__(self, doc):
            doc.title = (doc.title or "").upper()
            return doc

    assert registry.spec("shout").factory is Shout  # the decorator returns the class unchanged
    with pytest.raises(StageChainError, match="stage 'shout' requires the layer 'title'.*add 'clean' before it"):
        Pipeline(stages=["shout"], registry=registry)
    doc = Pipeline(stages=["clean", "shout"], registry=registry).run_text(
        "Le Mali quitte la Cédéao\nLe Mali a annoncé lundi son retrait de la Cédéao, a indiqué la junte.",
        title="Le Mali quitte la Cédéao")
    assert doc.title == "LE MALI QUITTE LA CÉDÉAO"
    with pytest.raises(ConfigError, match="stage 'shout' is already registered"):
        registry.register("shout", Shout)
    registry.register("shout", Shout, replace=True)


def test_stage_config_from_toml_sets_a_constructor_option(tmp_path):
    toml = tmp_path / "veille.toml"
    toml.write_text("[stage.events]\nself_reports_as_claims = false\n[stage.quotes]\nuse_actors = false\n",
                    encoding="utf-8")
    settings = load_settings(toml)
    assert EventsConfig.from_settings(settings) == EventsConfig(self_reports_as_claims=False)
    assert QuotesConfig.from_settings(settings).use_actors is False
    assert EventsConfig.from_settings(Settings()).self_reports_as_claims is True
    from veille.events import EventExtractor
    from veille.quotes import QuoteExtractor

    assert EventExtractor(settings).self_reports_as_claims is False
    assert EventExtractor(settings, self_reports_as_claims=True).self_reports_as_claims is True  # a keyword overrides
    assert QuoteExtractor(settings)._actor_at is None


def test_stage_config_refuses_unknown_keys_wrong_types_and_unknown_stages(tmp_path):
    toml = tmp_path / "veille.toml"
    toml.write_text("[stage.events]\nself_report_as_claims = false\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[E300\] unknown setting\(s\) for stage 'events': self_report_as_claims"):
        load_settings(toml)
    toml.write_text("[stage.geo]\nkeep_unresolved = 'no'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="stage 'geo': setting 'keep_unresolved' expects bool, got 'no'"):
        load_settings(toml)
    with pytest.raises(ConfigError, match="settings given for an unknown stage 'nope'"):
        Pipeline(Settings(stage={"nope": {"x": 1}}), stages=["clean"])
    with pytest.raises(ConfigError, match="unknown setting"):
        Pipeline(Settings(stage={"clean": {"langs": ["fr"]}}), stages=["clean"])
    with pytest.raises(AttributeError):  # frozen
        EventsConfig().self_reports_as_claims = False  # type: ignore[misc]
    assert StageConfig.from_section({}) == StageConfig()


PLUGIN = """\
from dataclasses import dataclass

from veille.stages import StageConfig


@dataclass(frozen=True)
class CountConfig(StageConfig):
    kinds: tuple[str, ...] = ()


class CountEvents:
    \"\"\"Counts the event mentions of the kinds it is told to count, in Document.notes.\"\"\"

    name = "count_events"

    def __init__(self, settings=None):
        self.config = CountConfig.from_section((settings.stage or {}).get("count_events"), stage="count_events")

    def __call__(self, doc):
        doc.notes["counted"] = sum(m.type in self.config.kinds for m in doc.mentions)
        return doc
"""


def test_a_toml_file_and_a_folder_add_a_stage_and_a_lexicon_row(tmp_path):
    """No code edit, no monkeypatching: the stage comes from `[plugins.<name>]` (a file beside the
    TOML), the trigger from `lexicon_dir`; both paths are relative to the TOML file."""
    project = tmp_path / "project"
    (project / "lexicons" / "fr").mkdir(parents=True)
    (project / "count_events.py").write_text(PLUGIN, encoding="utf-8")
    (project / "lexicons" / "fr" / "event_triggers.tsv").write_text(
        "kind\tlemma\ttype\tmode\tcontexts\tsource\ttarget\n"
        "verb\thouspiller\tACCUSE\tdisapprove\tpolitical\tsubj\tobj\n", encoding="utf-8")
    (project / "veille.toml").write_text(
        'stages = ["clean", "nlp", "actors", "events", "count_events"]\n'
        'lexicon_dir = "lexicons"\n'
        "[plugins.count_events]\n"
        'factory = "count_events.py:CountEvents"\n'
        'config = "count_events.py:CountConfig"\n'
        'requires = ["mentions"]\n'
        'assigns = ["notes"]\n'
        "[stage.count_events]\n"
        'kinds = ["ACCUSE"]\n', encoding="utf-8")
    settings = load_settings(project / "veille.toml")
    assert settings.lexicon_dir == str(project.resolve() / "lexicons")
    doc = Pipeline(settings).run_text("La Russie a houspillé l'Ukraine.")
    assert [(m.type, m.trigger) for m in doc.mentions] == [("ACCUSE", "houspillé")]
    assert doc.notes["counted"] == 1
    assert "count_events" not in REGISTRY  # declared for that pipeline, the shared registry untouched
    # the chain is checked as for built-in stages: the plugin needs the events' mentions
    with pytest.raises(StageChainError, match="count_events"):
        Pipeline(settings, stages=["clean", "count_events"])


def test_plugin_tables_are_checked(tmp_path):
    with pytest.raises(ConfigError, match="no factory"):
        Settings().with_overrides(plugins={"x": {"requires": ["text"]}})
    with pytest.raises(ConfigError, match="unknown key"):
        Settings().with_overrides(plugins={"x": {"factory": "m:C", "needs": ["text"]}})
    with pytest.raises(ConfigError, match="cannot load its factory"):
        Pipeline(Settings().with_overrides(plugins={"x": {"factory": str(tmp_path / "none.py") + ":C"}}),
                 stages=["clean", "x"]).run_text("Texte.")
    with pytest.raises(ConfigError, match="already registered"):
        Pipeline(Settings().with_overrides(plugins={"clean": {"factory": "veille.clean:Cleaner"}}))


def test_stage_config_clean_languages_from_toml_or_the_older_extra():
    from veille.stages import CleanConfig

    assert CleanConfig.from_settings(Settings(stage={"clean": {"languages": ["fr", "en"]}})).languages == ("fr", "en")
    assert CleanConfig.from_settings(Settings(extra={"languages": ["fr", "de"]})).languages == ("fr", "de")
    assert CleanConfig.from_settings(Settings()).languages == ()


def test_pipeline_rejects_a_page_of_pure_furniture():
    pipe = Pipeline(stages=["clean"])
    with pytest.raises(EmptyInputError):
        pipe.run_document(RawDocument("p.txt", "Partager sur Facebook\nLaisser un commentaire\n"))


def test_pipeline_hands_each_rejection_to_the_callers_handler():
    pipe = Pipeline(stages=["clean"])
    furniture = RawDocument("p.txt", "Partager sur Facebook\nLaisser un commentaire\n")
    article = RawDocument("a.txt", "Le Mali a annoncé son retrait de la Cédéao, a indiqué la junte.")
    seen: list[tuple[str, str]] = []
    docs = list(pipe.process([furniture, article], on_reject=lambda source, err: seen.append((source, err.code))))
    assert [d.source_path for d in docs] == ["a.txt"]
    assert seen == [("p.txt", "E103")]
    # the pipeline keeps no list of its own: a later call without a handler reports nothing to it
    assert [d.source_path for d in pipe.process([furniture, article])] == ["a.txt"]
    assert seen == [("p.txt", "E103")]


def test_pipeline_article_id_is_a_content_hash_of_the_cleaned_body():
    pipe = Pipeline(stages=["clean"])
    a = pipe.run_text("Accueil / Monde\nLe Mali a annoncé son retrait de la Cédéao, a indiqué la junte.\n"
                      "Partager sur Facebook")
    b = pipe.run_text("Le Mali a annoncé son retrait de la Cédéao, a indiqué la junte.")
    assert a.article_id == b.article_id == article_id_for(a.text)


def test_pipeline_dct_overrides_the_page_date():
    doc = Pipeline(stages=["clean", "nlp", "timex"]).run_text(
        "Publié le 2 janvier 2020.\nLe Mali a annoncé hier son retrait de la Cédéao.", dct="2024-01-29")
    assert (doc.published.value, doc.published.method) == ("2024-01-29", "metadata")
    assert any(t.date == "2024-01-28" for t in doc.timexes)


def test_freeze_when_loaded_freezes_once_every_stage_exists():
    import gc

    from veille.pipeline import Pipeline

    gc.unfreeze()
    threshold = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    pipe = Pipeline(stages=["clean"], freeze_when_loaded=True)
    assert gc.get_freeze_count() == 0  # stages load lazily: nothing yet
    pipe.get_stage("clean")
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (Pipeline.YOUNG_GC_THRESHOLD, 10, 10)  # older generations kept
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    assert Pipeline(stages=["clean"]).get_stage("clean") is not None and gc.get_freeze_count() == 0


def test_annotate_path_reuses_a_given_pipeline(tmp_path):
    from veille.api import annotate_path

    pipe = Pipeline(stages=["clean"])
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Le Mali a annoncé son retrait de la Cédéao, a indiqué la junte.", encoding="utf-8")
    second.write_text("Partager sur Facebook\n", encoding="utf-8")
    doc = annotate_path(first, pipeline=pipe)
    assert (doc.text, doc.source_path) == ("Le Mali a annoncé son retrait de la Cédéao, a indiqué la junte.", str(first))
    # the given pipeline ran (its one stage), not a default one with a parser
    assert doc.spacy_doc is None and pipe.timings["clean"] > 0
    with pytest.raises(EmptyInputError):
        annotate_path(second, pipeline=pipe)


PAGE = ("Accueil > Monde\r\nPartager sur Facebook\n\n  Vladimir   Poutine a rencontré Kim Jong Un mardi à "
        "Vostotchny.\nLe Kremlin a indiqué que Moscou n'avait signé aucun accord.\n© 2023 Le Journal")


def test_annotate_offsets_index_the_text_passed():
    import veille

    doc = veille.annotate(PAGE, dct="2023-09-15")
    assert doc.text == PAGE
    assert doc.clean_text == ("Vladimir Poutine a rencontré Kim Jong Un mardi à Vostotchny.\n"
                              "Le Kremlin a indiqué que Moscou n'avait signé aucun accord.")
    assert [PAGE[s.start:s.end] for s in doc.sentences] == [
        "Vladimir   Poutine a rencontré Kim Jong Un mardi à Vostotchny.",
        "Le Kremlin a indiqué que Moscou n'avait signé aucun accord."]
    assert [(PAGE[t.start:t.end], t.value) for t in doc.timexes] == [("mardi", "2023-09-12")]
    assert [(PAGE[m.trigger_start:m.trigger_end], m.type) for m in doc.mentions] == [
        ("rencontré", "CONSULT"), ("signé", "AGREE")]
    assert [PAGE[a.start:a.end] for a in doc.actor_mentions] == [
        "Vladimir   Poutine", "Kim Jong Un", "Kremlin", "Moscou"]
    clean = veille.annotate(PAGE, dct="2023-09-15", offsets="clean")
    assert clean.text == doc.clean_text
    assert [clean.text[t.start:t.end] for t in clean.timexes] == ["mardi"]


def test_annotate_reuses_one_pipeline_per_settings():
    from veille.api import DEFAULT_PIPELINES, PipelineCache
    from veille.config import Settings

    first, _ = DEFAULT_PIPELINES.get(Settings())
    again, _ = DEFAULT_PIPELINES.get(Settings())
    assert first is again
    cache = PipelineCache(size=1)
    a, _ = cache.get(Settings(stages=("clean",)))
    b, _ = cache.get(Settings(stages=("clean", "nlp")))
    assert a is not b and cache.get(Settings(stages=("clean",)))[0] is not a  # evicted


def test_align_to_input_maps_composed_characters_and_space_runs():
    from veille.clean import align_to_input

    raw = "menu\n  Le  Cafe\u0301 ferme.\r\nfin"
    m = align_to_input(raw, "Le Café ferme.\nfin")
    assert raw[m.start(0):m.end(2)] == "Le"
    assert raw[m.start(3):m.end(7)] == "Cafe\u0301"
    assert raw[m.start(15):m.end(18)] == "fin"


def _export_bytes(db, out) -> dict[str, bytes]:
    from veille import api
    from veille.config import Settings

    api.export(out, "jsonl", Settings(db=str(db), stages=("clean",)))
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.slow
def test_an_ingest_stopped_between_commit_and_merge_is_finished_by_the_next_command(tmp_path):
    """The state a SIGKILL leaves between the last batch's commit and the end of the merge: the articles
    are stored with `merge_pending`; re-running the same ingest (nothing new to add) or any other command
    that opens the store finishes the merge, and the export equals a clean run's, byte for byte."""
    from veille import api
    from veille.config import Settings
    from veille.store import open_store

    pages = tmp_path / "pages"
    pages.mkdir()
    for i, text in enumerate(["Kim Jong-un a rencontré Vladimir Poutine mercredi à Vostotchny.",
                              "Vladimir Poutine a reçu Kim Jong-un mercredi au cosmodrome de Vostotchny.",
                              "La police a arrêté trois manifestants à Paris."]):
        (pages / f"{i}.txt").write_text(text, encoding="utf-8")
    clean = tmp_path / "clean.db"
    api.ingest([str(pages)], Settings(db=str(clean)), dct="2023-09-14")
    killed = tmp_path / "killed.db"
    api.ingest([str(pages)], Settings(db=str(killed)), dct="2023-09-14", run_merge=False)  # killed before merge
    with open_store(str(killed)) as store:
        assert store.merge_pending() and store.count("events") == 0
    report = api.ingest([str(pages)], Settings(db=str(killed)), dct="2023-09-14")  # the same ingest again
    assert (report.added, report.unchanged) == (0, 3)
    with open_store(str(killed)) as store:
        assert not store.merge_pending() and store.count("events") > 0
    assert _export_bytes(killed, tmp_path / "a") == _export_bytes(clean, tmp_path / "b")

    other = tmp_path / "other.db"
    api.ingest([str(pages)], Settings(db=str(other)), dct="2023-09-14", run_merge=False)
    assert _export_bytes(other, tmp_path / "c") == _export_bytes(clean, tmp_path / "d")  # export finishes it


def test_developing_guide_stage_table_matches_the_registry():
    import re
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[1] / "docs" / "DEVELOPING.md").read_text(encoding="utf-8")
    table = guide.split("<!-- stage-table")[1].split("<!-- /stage-table -->")[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("stage", "") and not re.fullmatch(r"-+", cells[0]):
            rows[cells[0]] = tuple(tuple(x.strip() for x in c.split(",") if x.strip()) for c in cells[1:])
    expected = {name: (REGISTRY.spec(name).requires, REGISTRY.spec(name).reads, REGISTRY.spec(name).assigns)
                for name in REGISTRY}
    assert rows == expected


def test_load_settings_warns_that_n_process_is_not_used(tmp_path, caplog):
    import logging

    from veille.config import load_settings

    config = tmp_path / "veille.toml"
    config.write_text("n_process = 4\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="veille.config"):
        settings = load_settings(config)
    assert settings.n_process == 4  # an older file still loads
    assert [r.getMessage() for r in caplog.records] == [
        "n_process = 4 is not used: run several processes with `veille run --engine process --workers N`"]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="veille.config"):
        load_settings(config, n_process=1)
    assert caplog.records == []
