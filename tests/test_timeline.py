"""`veille timeline` and `timeline_table` on a store merged from hand-built mentions."""

from __future__ import annotations

import pytest
from rich.console import Console
from typer.testing import CliRunner

from veille.config import Settings
from veille.errors import ConfigError
from veille.merge import Merger
from veille.models import ActorRef, DateValue, Event, Location
from veille.store import open_store
from veille.timeline import event_words, load_phrases, timeline_table

from .test_merge import summit_corpus


def render(table) -> str:
    console = Console(width=250, record=True, color_system=None)
    console.print(table)
    return console.export_text()


@pytest.fixture()
def store():
    s = open_store(":memory:")
    for doc in summit_corpus().values():
        s.add_document(doc)
    Merger(Settings()).run(s)
    yield s
    s.close()


def test_timeline_event_words():
    e = Event("ev_1", "CONSULT", source=[ActorRef("Kim Jong Un", "PRK")], target=[ActorRef("Vladimir Putin", "RUS")],
              location=Location("Vostochny cosmodrome"), date=DateValue("2023-09-13", "day"))
    assert event_words(e) == "Kim Jong Un (PRK) meets Vladimir Putin (RUS) — Vostochny cosmodrome"
    e.mode = "phone"
    e.location = None
    assert event_words(e) == "Kim Jong Un (PRK) talks by phone with Vladimir Putin (RUS)"
    assert event_words(Event("ev_2", "ASSAULT", mode="drone", target=[ActorRef("Ukraine", "UKR")])) == \
        "? attacks Ukraine (UKR) [drone]"
    fr = load_phrases("fr")
    e.mode = "visit"
    assert event_words(e, fr) == "Kim Jong Un (PRK) se rend auprès de Vladimir Putin (RUS)"
    assert event_words(Event("ev_3", "PROTEST", source=[ActorRef("manifestants", "FRA")]), fr) == \
        "manifestants (FRA) manifeste"
    assert set(load_phrases("xx")) == set(load_phrases("en"))  # unknown language: English


def test_timeline_table_rows_markers_and_contradictions(store):
    lines = render(timeline_table(store)).splitlines()
    rows = [i for i, line in enumerate(lines) if line[2:4] == "20"]
    first = lines[rows[0]]
    assert first.startswith("│ 2023-07-17 │ armée russe (RUS) attacks Ukraine (UKR) [drone] — Odessa")
    assert "✓ asserted" in first and first.rstrip().endswith("│     2 │")
    assert "⚠ numbers.killed: 12 / 15" in lines[rows[0] + 1]
    summit = next(i for i in rows if "meets Vladimir Poutine (RUS) — cosmodrome de Vostochny" in lines[i])
    assert "✓ asserted" in lines[summit] and "3 (5)" in lines[summit]
    assert "⚠ location: cosmodrome de Vostochny / Vladivostok" in lines[summit + 1]
    deal = next(i for i in rows if "reaches an agreement" in lines[i] and lines[i].startswith("│ 2023"))
    assert "⚠ factuality: asserted / negated" in lines[deal + 1]


def test_timeline_date_words():
    from veille.timeline import date_words

    assert date_words(Event("e", "CONSULT", date=DateValue("2023-09-13", "day"))) == "2023-09-13"
    assert date_words(Event("e", "CONSULT", date=DateValue("2023-09", "month"))) == "2023-09"
    assert date_words(Event("e", "CONSULT", date=DateValue("2023-09-13", "week"))) == "≤ 2023-09-13"
    assert date_words(Event("e", "CONSULT", date=DateValue("2023-09-11", "day", "2023-09-13"))) == \
        "2023-09-11 → 2023-09-13"
    assert date_words(Event("e", "CONSULT")) == "?"


def test_timeline_filters(store):
    assert "Odessa" not in render(timeline_table(store, actor="PRK"))
    assert "Pyongyang" in render(timeline_table(store, actor="poutine", since="2024-01-01"))
    assert "Vostochny —" not in render(timeline_table(store, since="2024-01-01"))
    story = next(m.event_id for m in store.iter_mentions("art_b1"))
    sid = store.get_event(story).story_id
    text = render(timeline_table(store, story=sid))
    assert "Frappe meurtrière sur le port d'Odessa" in text or "Odessa" in text.splitlines()[0]
    assert "Kim" not in text
    with pytest.raises(ConfigError):
        timeline_table(store, since="hier")


def test_timeline_cli(tmp_path):
    from veille.cli import app

    db = str(tmp_path / "t.db")
    with open_store(db) as s:
        for doc in summit_corpus().values():
            s.add_document(doc)
        Merger(Settings()).run(s)
    result = CliRunner().invoke(app, ["timeline", "--db", db, "--actor", "UKR"])
    assert result.exit_code == 0, result.output
    assert "Odessa" in result.output and "Pyongyang" not in result.output
    result = CliRunner().invoke(app, ["timeline", "--db", db, "--actor", "UKR", "--lang", "fr"])
    assert "attaque Ukraine (UKR)" in result.output
    assert "Stories" not in result.output
    result = CliRunner(env={"COLUMNS": "120"}).invoke(app, ["timeline", "--db", db])
    stories = result.output[result.output.index("Stories"):]
    assert "Frappe meurtrière sur le port d'Odessa" in stories
    assert "↳ follows: Sommet Kim-Poutine au cosmodrome de Vostochny" in stories
    bad = CliRunner().invoke(app, ["timeline", "--db", db, "--since", "nope"])
    assert bad.exit_code == 2
