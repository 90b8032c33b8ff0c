"""A full merge's events staged in the SQLite store until its stories are known.

The full merge (`veille.merge.merger`) builds a store's events a component at a time and cannot
hold them all (≈ 1 KB each: a 1M-article store has 2.5M of them). They wait here, in temporary
tables of the store's connection (never in the database file), with the articles that report
them: the story pass reads their articles (links, votes) and, story by story, the events
themselves; then `SQLiteStore.replace_merge_output_staged` writes the whole output in one transaction, as
`replace_merge_output` does with lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from ..models import Event
from .sqlite_base import SQLiteBase, dumps, loads

STAGE_SCHEMA = """
CREATE TEMP TABLE IF NOT EXISTS stage_events (
    event_id TEXT PRIMARY KEY, sort_key TEXT NOT NULL, story_id TEXT, articles TEXT NOT NULL, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS temp.stage_events_story ON stage_events(story_id, event_id);
CREATE INDEX IF NOT EXISTS temp.stage_events_order ON stage_events(sort_key, event_id);
CREATE TEMP TABLE IF NOT EXISTS stage_mentions (mention_id TEXT PRIMARY KEY, event_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS stage_sweep (type TEXT NOT NULL, lo INTEGER, mention_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS temp.stage_sweep_order ON stage_sweep(type, lo, mention_id);
CREATE INDEX IF NOT EXISTS temp.stage_sweep_ids ON stage_sweep(type, mention_id);
CREATE TEMP TABLE IF NOT EXISTS stage_follow (
    story_id TEXT PRIMARY KEY, start TEXT NOT NULL, end_day TEXT NOT NULL, actors TEXT NOT NULL, centroid TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS temp.stage_follow_start ON stage_follow(start, story_id);
CREATE INDEX IF NOT EXISTS temp.stage_follow_end ON stage_follow(end_day, story_id);
"""

#: a story as the follow-up links read it back: (id, start, end, dominant actors, centroid)
FollowRow = tuple[str, str, str, list[str], dict[str, float]]


class MergeStage(SQLiteBase):
    """Staged events of a full merge (temporary tables)."""

    def clear_merge_stage(self, tables: Sequence[str] = ("stage_events", "stage_mentions")) -> None:
        """Create the stage's tables if needed and empty `tables`."""
        with self.transaction() as c:
            for statement in STAGE_SCHEMA.split(";"):
                if statement.strip():
                    c.execute(statement)  # (not executescript: it would commit the transaction)
            for table in tables:
                c.execute(f"DELETE FROM {table}")

    # the order a full merge sweeps mentions in: per event type, by date window, then the undated

    def stage_sweep_keys(self, rows: Iterable[tuple[str, int | None, str]]) -> None:
        """(event type, window start as a day ordinal or None, mention) rows."""
        with self.transaction() as c:
            c.executemany("INSERT INTO stage_sweep(type, lo, mention_id) VALUES (?,?,?)", rows)

    def staged_sweep_types(self) -> list[str]:
        return [r["type"] for r in self.query("SELECT DISTINCT type FROM stage_sweep ORDER BY type")]

    def iter_staged_sweep(self, event_type: str, *, dated: bool, batch: int = 5000) -> Iterator[str]:
        """The mentions of one type: `dated`, by (window start, id), else those with no window, by id."""
        if not dated:
            yield from self.iter_staged_type_ids(event_type, undated=True, batch=batch)
            return
        rows = self._paged("SELECT lo, mention_id FROM stage_sweep INDEXED BY stage_sweep_order"
                           " WHERE type = ? AND lo IS NOT NULL AND (lo, mention_id) > (?, ?)"
                           " ORDER BY lo, mention_id LIMIT ?", (event_type,), ("lo", "mention_id"), (-1, ""), batch)
        yield from (r["mention_id"] for r in rows)

    def iter_staged_type_ids(self, event_type: str, *, undated: bool = False, batch: int = 5000) -> Iterator[str]:
        """The mentions of one type by id (`undated`: only those with no window)."""
        only = " AND lo IS NULL" if undated else ""
        rows = self._paged(f"SELECT mention_id FROM stage_sweep INDEXED BY stage_sweep_ids WHERE type = ?{only}"
                           " AND mention_id > ? ORDER BY mention_id LIMIT ?", (event_type,), ("mention_id",), ("",),
                           batch)
        yield from (r["mention_id"] for r in rows)

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
        rows = self._paged("SELECT event_id, articles FROM stage_events WHERE event_id > ? ORDER BY event_id LIMIT ?",
                           (), ("event_id",), ("",), batch)
        yield from ((r["event_id"], loads(r["articles"])) for r in rows)

    def set_staged_stories(self, event_stories: Iterable[tuple[str, str]]) -> None:
        """(story, event) rows."""
        with self.transaction() as c:
            c.executemany("UPDATE stage_events SET story_id = ? WHERE event_id = ?", event_stories)

    def iter_staged_events_of_story(self, story_id: str, batch: int = 2000) -> Iterator[Event]:
        """The staged events of one story, by id, read `batch` at a time (a story of any size)."""
        rows = self._paged("SELECT event_id, json FROM stage_events INDEXED BY stage_events_story"
                           " WHERE story_id = ? AND event_id > ? ORDER BY event_id LIMIT ?",
                           (story_id,), ("event_id",), ("",), batch)
        yield from (Event.from_dict(loads(r["json"])) for r in rows)

    # the dated stories' centroids and dominant actors, until the follow-up links are made

    def stage_follow(self, rows: Iterable[FollowRow]) -> None:
        """(story, start, end, dominant actors, centroid) rows of dated stories."""
        with self.transaction() as c:
            c.executemany("INSERT INTO stage_follow(story_id, start, end_day, actors, centroid) VALUES (?,?,?,?,?)",
                          ((sid, start, end, dumps(sorted(actors)), dumps(centroid))
                           for sid, start, end, actors, centroid in rows))

    def iter_staged_follow(self, by: str, batch: int = 2000) -> Iterator[FollowRow]:
        """The staged stories by (`by` = "start" or "end" day, id), read `batch` at a time."""
        column, index = {"start": ("start", "stage_follow_start"), "end": ("end_day", "stage_follow_end")}[by]
        rows = self._paged(f"SELECT story_id, start, end_day, actors, centroid FROM stage_follow INDEXED BY {index}"
                           f" WHERE ({column}, story_id) > (?, ?) ORDER BY {column}, story_id LIMIT ?",
                           (), (column, "story_id"), ("", ""), batch)
        yield from ((r["story_id"], r["start"], r["end_day"], loads(r["actors"]), loads(r["centroid"])) for r in rows)

    def staged_events_of_stories(self, story_ids: Iterable[str]) -> dict[str, list[Event]]:
        """story → its staged events, sorted by id."""
        out: dict[str, list[Event]] = defaultdict(list)
        # (by the story index: ordered by event id, SQLite would scan every staged event instead)
        for r in self._chunked("SELECT story_id, json FROM stage_events INDEXED BY stage_events_story"
                               " WHERE story_id IN ({ids})", story_ids):
            out[r["story_id"]].append(Event.from_dict(loads(r["json"])))
        for evs in out.values():
            evs.sort(key=lambda e: e.event_id)
        return out
