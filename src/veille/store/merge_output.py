"""The merge's output in the SQLite store: events (with their actors by side, for the web app's
filters) and stories, replaced as a whole by a full merge or in part by an incremental one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import fields

from ..models import Event, Story
from .sqlite_base import SQLiteBase, dumps, loads

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY, type TEXT NOT NULL, factuality TEXT NOT NULL,
    date TEXT, story_id TEXT, n_sources INTEGER NOT NULL DEFAULT 1, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE INDEX IF NOT EXISTS events_story ON events(story_id);
CREATE TABLE IF NOT EXISTS event_actors (
    event_id TEXT NOT NULL, actor_id TEXT, name TEXT, country TEXT, side TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_actors_event ON event_actors(event_id);
CREATE INDEX IF NOT EXISTS event_actors_actor ON event_actors(actor_id);
CREATE TABLE IF NOT EXISTS stories (story_id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stories_follows ON stories(json_extract(json, '$.follows'));
"""


MEMBERS = ("article_ids", "event_ids")  # a story's lists, kept as articles.story_id / events.story_id


class MergeOutput(SQLiteBase):
    """Events, their actors, stories."""

    # ------------------------------------------------------------------ writing

    def _clear_output(self, c: sqlite3.Connection) -> None:
        c.execute("DELETE FROM events")
        c.execute("DELETE FROM event_actors")
        c.execute("DELETE FROM stories")

    def _delete_output(self, c: sqlite3.Connection, event_ids: Iterable[str], story_ids: Iterable[str]) -> None:
        for eid in sorted(set(event_ids)):
            c.execute("DELETE FROM events WHERE event_id = ?", (eid,))
            c.execute("DELETE FROM event_actors WHERE event_id = ?", (eid,))
        for sid in sorted(set(story_ids)):
            c.execute("DELETE FROM stories WHERE story_id = ?", (sid,))

    def _write_event(self, c: sqlite3.Connection, e: Event, *, replace: bool) -> None:
        """The event row and its actor rows (`replace`: over a row of the same id)."""
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        c.execute(f"{verb} INTO events(event_id, type, factuality, date, story_id, n_sources, json)"
                  " VALUES (?,?,?,?,?,?,?)",
                  (e.event_id, e.type, e.factuality, e.date.value if e.date else None, e.story_id,
                   e.n_sources, dumps(e.to_dict())))
        if replace:
            c.execute("DELETE FROM event_actors WHERE event_id = ?", (e.event_id,))
        for side, refs in (("source", e.source), ("target", e.target)):
            for a in refs:
                c.execute("INSERT INTO event_actors(event_id, actor_id, name, country, side)"
                          " VALUES (?,?,?,?,?)", (e.event_id, a.actor_id, a.name, a.country, side))

    def _set_event_stories(self, c: sqlite3.Connection, event_stories: dict[str, str | None]) -> None:
        """Re-point kept events at their stories."""
        for eid, story_id in sorted(event_stories.items()):
            row = c.execute("SELECT json FROM events WHERE event_id = ?", (eid,)).fetchone()
            if row is None:
                continue
            data = loads(row["json"])
            if data.get("story_id") != story_id:
                data["story_id"] = story_id
                c.execute("UPDATE events SET story_id = ?, json = ? WHERE event_id = ?",
                          (story_id, dumps(data), eid))

    def _write_story(self, c: sqlite3.Connection, s: Story, *, replace: bool) -> None:
        """The story row: every field but its members (`MEMBERS`: articles.story_id and
        events.story_id say which articles and events a story holds; reads fill the lists in)."""
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        data = {f.name: getattr(s, f.name) for f in fields(s) if f.name not in MEMBERS}
        c.execute(f"{verb} INTO stories(story_id, json) VALUES (?, ?)", (s.story_id, dumps(data)))

    def _rename_stories(self, c: sqlite3.Connection, renamed: dict[str, str]) -> None:
        """Move every article and event of story `old` to story `new` (old → new)."""
        for old, new in sorted(renamed.items()):
            c.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (new, old))
            c.execute("UPDATE events SET story_id = ?, json = json_set(json, '$.story_id', ?) WHERE story_id = ?",
                      (new, new, old))

    # ------------------------------------------------------------------ reading

    def iter_events(self) -> Iterator[Event]:
        return self._decoded(Event, "SELECT json FROM events ORDER BY date, event_id")

    def get_event(self, event_id: str) -> Event | None:
        return next(self._decoded(Event, "SELECT json FROM events WHERE event_id = ?", (event_id,)), None)

    def _with_members(self, stories: list[Story], members: bool = True) -> list[Story]:
        """Fill in the stories' article and event lists from articles.story_id / events.story_id
        (sorted ids; indexes articles_story_id, events_story); `members=False`: leave them empty
        (the incremental merge never reads the members of a large story whole)."""
        for st in stories:
            st.article_ids, st.event_ids = [], []
        if members and stories:
            ids = [st.story_id for st in stories]
            arts = self._groups_in("SELECT story_id, article_id FROM articles WHERE story_id IN ({ids})", ids,
                                   group="story_id", member="article_id")
            evs = self._groups_in("SELECT story_id, event_id FROM events WHERE story_id IN ({ids})", ids,
                                  group="story_id", member="event_id")
            for st in stories:
                st.article_ids, st.event_ids = arts.get(st.story_id, []), evs.get(st.story_id, [])
        return stories

    def iter_stories(self) -> Iterator[Story]:
        batch: list[Story] = []
        for st in self._decoded(Story, "SELECT json FROM stories ORDER BY story_id"):
            batch.append(st)
            if len(batch) >= 500:
                yield from self._with_members(batch)
                batch = []
        yield from self._with_members(batch)

    def get_story(self, story_id: str) -> Story | None:
        st = next(self._decoded(Story, "SELECT json FROM stories WHERE story_id = ?", (story_id,)), None)
        return None if st is None else self._with_members([st])[0]

    def events_by_id(self, event_ids: Iterable[str]) -> list[Event]:
        return self._decoded_in(Event, "SELECT json FROM events WHERE event_id IN ({ids})", event_ids,
                                key=lambda e: e.event_id)

    def events_of_stories(self, story_ids: Iterable[str]) -> list[Event]:
        return self._decoded_in(Event, "SELECT json FROM events WHERE story_id IN ({ids})", story_ids,
                                key=lambda e: e.event_id)

    def stories_by_id(self, story_ids: Iterable[str], *, members: bool = True) -> list[Story]:
        return self._with_members(self._decoded_in(Story, "SELECT json FROM stories WHERE story_id IN ({ids})",
                                                   story_ids, key=lambda s: s.story_id), members)

    def stories_following(self, story_ids: Iterable[str], *, members: bool = True) -> list[Story]:
        """Stories whose `follows` names one of `story_ids` (index `stories_follows`), sorted by id."""
        return self._with_members(self._decoded_in(
            Story, "SELECT json FROM stories WHERE json_extract(json, '$.follows') IN ({ids})", story_ids,
            key=lambda s: s.story_id), members)
