"""A full merge's events staged in the SQLite store until its stories are known.

The full merge (`veille.merge.merger`) builds a store's events a component at a time and cannot
hold them all (≈ 1 KB each: a 1M-article store has 2.5M of them). They wait here, in temporary
tables of the store's connection (never in the database file), with the articles that report
them: the story pass reads their articles (links, votes) and, story by story, the events
themselves; then `SQLiteStore.replace_merge_output_staged` writes the whole output in one transaction, as
`replace_merge_output` does with lists.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from ..models import Event
from .sqlite_base import SQLiteBase, dumps, loads

STAGE_SCHEMA = """
CREATE TEMP TABLE IF NOT EXISTS stage_events (
    event_id TEXT PRIMARY KEY, sort_key TEXT NOT NULL, story_id TEXT, articles TEXT NOT NULL, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS temp.stage_events_story ON stage_events(story_id);
CREATE INDEX IF NOT EXISTS temp.stage_events_order ON stage_events(sort_key, event_id);
CREATE TEMP TABLE IF NOT EXISTS stage_mentions (mention_id TEXT PRIMARY KEY, event_id TEXT NOT NULL) WITHOUT ROWID;
"""


class MergeStage(SQLiteBase):
    """Staged events of a full merge (temporary tables)."""

    def clear_merge_stage(self) -> None:
        with self.transaction() as c:
            for statement in STAGE_SCHEMA.split(";"):
                if statement.strip():
                    c.execute(statement)  # (not executescript: it would commit the transaction)
            c.execute("DELETE FROM stage_events")
            c.execute("DELETE FROM stage_mentions")

    def stage_events(self, events: Iterable[tuple[Event, str, Sequence[str]]]) -> None:
        """(event, order key, its articles) rows, and each of its mentions' link to it."""
        with self.transaction() as c:
            for e, order, articles in events:
                c.execute("INSERT INTO stage_events(event_id, sort_key, articles, json) VALUES (?,?,?,?)",
                          (e.event_id, order, dumps(list(articles)), dumps(e.to_dict())))
                c.executemany("INSERT INTO stage_mentions(mention_id, event_id) VALUES (?,?)",
                              [(m, e.event_id) for m in e.mention_ids])

    def iter_staged_event_articles(self, batch: int = 5000) -> Iterator[tuple[str, list[str]]]:
        """(event, its articles) of every staged event, by event id."""
        last = ""
        while rows := self.query("SELECT event_id, articles FROM stage_events WHERE event_id > ?"
                                 " ORDER BY event_id LIMIT ?", (last, batch)):
            yield from ((r["event_id"], loads(r["articles"])) for r in rows)
            last = rows[-1]["event_id"]

    def set_staged_stories(self, event_stories: Iterable[tuple[str, str]]) -> None:
        """(story, event) rows."""
        with self.transaction() as c:
            c.executemany("UPDATE stage_events SET story_id = ? WHERE event_id = ?", event_stories)

    def staged_events_of_stories(self, story_ids: Iterable[str]) -> dict[str, list[Event]]:
        """story → its staged events, sorted by id."""
        out: dict[str, list[Event]] = defaultdict(list)
        for r in self._chunked("SELECT story_id, json FROM stage_events WHERE story_id IN ({ids})"
                               " ORDER BY event_id", story_ids):
            out[r["story_id"]].append(Event.from_dict(loads(r["json"])))
        for evs in out.values():
            evs.sort(key=lambda e: e.event_id)
        return out


def pages(rows: Iterable[sqlite3.Row], size: int) -> Iterator[list[sqlite3.Row]]:
    """`rows` in lists of `size` (the last one shorter)."""
    it = iter(rows)
    while page := list(islice(it, size)):
        yield page
