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
from veille.timeline import event_words, timeline_table

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


def test_timeline_table_rows_markers_and_contradictions(store):
    text = render(timeline_table(store))
    lines = [line for line in text.splitlines() if "20" in line[:12]]
    assert lines[0].startswith("│ 2023-07-17")
    assert "armée russe (RUS) attacks Ukraine (UKR) [drone] — Odessa" in lines[0]
    assert "⚠ numbers.killed: 12 / 15" in lines[0]
    summit = next(line for line in lines if "meets Vladimir Poutine (RUS) — cosmodrome de Vostochny" in line)
    assert "✓ asserted" in summit and "3 (5)" in summit
    assert "⚠ location: cosmodrome de Vostochny / Vladivostok" in summit
    deal = next(line for line in lines if "agrees with" in line or "reaches an agreement" in line)
    assert "⚠ factuality: asserted / negated" in deal


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
    bad = CliRunner().invoke(app, ["timeline", "--db", db, "--since", "nope"])
    assert bad.exit_code == 2
