"""The incremental merge's story index in the SQLite store: each article's cached story profile,
its story keys by day (the candidates a new article is compared with), the document frequency
of profile terms, and the descriptors of the stories too large to re-read (`StoryDescriptor`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from .sqlite_base import SQLiteBase, dumps, loads

SCHEMA = """
CREATE TABLE IF NOT EXISTS story_profiles (article_id TEXT PRIMARY KEY, day TEXT, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS story_keys (key TEXT NOT NULL, day TEXT, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_keys_key ON story_keys(key, day);
CREATE INDEX IF NOT EXISTS story_keys_article ON story_keys(article_id);
CREATE TABLE IF NOT EXISTS story_df (term TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS story_profiles_day ON story_profiles(day, article_id);
CREATE TABLE IF NOT EXISTS story_descriptors (story_id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
"""

#: the lookups of the story keys: dropped while a full merge rewrites the keys, built once at the
#: end (`SQLiteStore.index_lookups_rebuilt`)
LOOKUPS = ("story_keys_key", "story_keys_article")

#: what a full merge rewrites
INDEX_TABLES = ("story_profiles", "story_keys", "story_df", "story_descriptors")

#: an article's (day, profile json, story keys)
ProfileRow = tuple[str | None, dict[str, Any], list[str]]
#: article → its ProfileRow
Profiles = dict[str, ProfileRow]


class StoryIndex(SQLiteBase):
    """Story profiles, story keys and term document frequencies."""

    def _write_story_index(self, c: sqlite3.Connection, *, full: bool, profiles: Profiles | Iterable[tuple[str, ProfileRow]],
                           df_delta: dict[str, int], descriptors: Mapping[str, dict[str, Any] | None] | None = None
                           ) -> None:
        """Write (full: replace) the profiles and keys of `profiles`' articles (a mapping, or with
        `full` (article, row) pairs in article order, streamed); add `df_delta` to the document
        frequencies (full: they are the frequencies); write the story `descriptors` (json, or None:
        the story's is dropped)."""
        if full:
            for table in INDEX_TABLES:
                c.execute(f"DELETE FROM {table}")
        elif isinstance(profiles, dict):
            for aid in sorted(profiles):
                c.execute("DELETE FROM story_keys WHERE article_id = ?", (aid,))
        else:
            raise TypeError("an incremental story index write takes a mapping of profiles")
        items = sorted(profiles.items()) if isinstance(profiles, dict) else profiles
        for aid, (day, prof, keys) in items:
            c.execute("INSERT OR REPLACE INTO story_profiles(article_id, day, json) VALUES (?,?,?)",
                      (aid, day, dumps(prof)))
            c.executemany("INSERT INTO story_keys(key, day, article_id) VALUES (?,?,?)",
                          [(k, day, aid) for k in keys])
        c.executemany("INSERT INTO story_df(term, n) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET n = n + ?",
                      [(t, n, n) for t, n in sorted(df_delta.items())])
        for sid, data in sorted((descriptors or {}).items()):
            if data is None:
                c.execute("DELETE FROM story_descriptors WHERE story_id = ?", (sid,))
            else:
                c.execute("INSERT OR REPLACE INTO story_descriptors(story_id, json) VALUES (?, ?)", (sid, dumps(data)))

    # a full merge's story index, written in batches as the merge streams the documents
    # (`veille.merge.story_stream`): cleared, profiles, then keys and frequencies once known

    def clear_story_index(self) -> None:
        with self.transaction() as c:
            for table in INDEX_TABLES:
                c.execute(f"DELETE FROM {table}")

    def add_story_profiles(self, rows: Iterable[tuple[str, str | None, dict[str, Any]]]) -> None:
        """(article, day, profile json) rows, written over those of the same articles."""
        with self.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO story_profiles(article_id, day, json) VALUES (?,?,?)",
                          ((aid, day, dumps(prof)) for aid, day, prof in rows))

    def add_story_keys(self, rows: Iterable[tuple[str, str | None, str]]) -> None:
        """(key, day, article) rows."""
        with self.transaction() as c:
            c.executemany("INSERT INTO story_keys(key, day, article_id) VALUES (?,?,?)", rows)

    def add_story_descriptors(self, rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """(story, descriptor json) rows."""
        with self.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO story_descriptors(story_id, json) VALUES (?, ?)",
                          ((sid, dumps(data)) for sid, data in rows))

    def story_descriptors(self, story_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self._chunked("SELECT story_id, json FROM story_descriptors WHERE story_id IN ({ids})", story_ids)
        return {r["story_id"]: loads(r["json"]) for r in rows}

    def add_story_df(self, df: dict[str, int]) -> None:
        with self.transaction() as c:
            c.executemany("INSERT INTO story_df(term, n) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET n = n + ?",
                          [(t, n, n) for t, n in sorted(df.items())])

    def iter_story_profiles(self, batch: int = 1000, *, undated_only: bool = False
                            ) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
        """Every (article, day, profile json) in date order (day, then article id), the undated last
        (by id); read `batch` rows at a time."""
        if not undated_only:
            rows = self._paged("SELECT article_id, day, json FROM story_profiles INDEXED BY story_profiles_day"
                               " WHERE day IS NOT NULL AND (day, article_id) > (?, ?) ORDER BY day, article_id LIMIT ?",
                               (), ("day", "article_id"), ("", ""), batch)
            yield from ((r["article_id"], r["day"], loads(r["json"])) for r in rows)
        rows = self._paged("SELECT article_id, day, json FROM story_profiles WHERE day IS NULL AND article_id > ?"
                           " ORDER BY article_id LIMIT ?", (), ("article_id",), ("",), batch)
        yield from ((r["article_id"], r["day"], loads(r["json"])) for r in rows)

    def story_profiles(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = self._chunked("SELECT article_id, json FROM story_profiles WHERE article_id IN ({ids})", article_ids)
        return {r["article_id"]: loads(r["json"]) for r in rows}

    def story_key_neighbours(self, key: str, day: str | None, window_days: int, limit: int) -> list[str]:
        """Articles indexed under `key`: the `limit` nearest on each side of `day` within the window
        (undated articles and an undated `day`: the first `limit` by id)."""
        if day is None:
            rows = self.query("SELECT article_id FROM story_keys WHERE key = ? ORDER BY day, article_id LIMIT ?",
                              (key, limit))
            return [r["article_id"] for r in rows]
        d = date.fromisoformat(day)
        lo, hi = (d - timedelta(days=window_days)).isoformat(), (d + timedelta(days=window_days)).isoformat()
        before = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day >= ? AND day <= ?"
                            " ORDER BY day DESC, article_id DESC LIMIT ?", (key, lo, day, limit))
        after = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day > ? AND day <= ?"
                           " ORDER BY day, article_id LIMIT ?", (key, day, hi, limit))
        undated = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day IS NULL"
                             " ORDER BY article_id LIMIT ?", (key, limit))
        return [r["article_id"] for r in (*before, *after, *undated)]

    def story_key_between(self, key: str, lo: str, hi: str, limit: int) -> list[str]:
        """The latest `limit` articles indexed under `key` with a day in [lo, hi]."""
        rows = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day >= ? AND day <= ?"
                          " ORDER BY day DESC, article_id LIMIT ?", (key, lo, hi, limit))
        return [r["article_id"] for r in rows]

    def story_key_after(self, key: str, lo: str, hi: str, limit: int) -> list[str]:
        """The earliest `limit` articles indexed under `key` with a day in [lo, hi]."""
        rows = self.query("SELECT article_id FROM story_keys WHERE key = ? AND day >= ? AND day <= ?"
                          " ORDER BY day, article_id LIMIT ?", (key, lo, hi, limit))
        return [r["article_id"] for r in rows]

    def story_df(self, terms: Iterable[str]) -> dict[str, int]:
        return self._mapping_in("SELECT term, n FROM story_df WHERE term IN ({ids})", terms)
