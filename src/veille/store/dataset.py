"""A read-only store over a partitioned Parquet dataset (veille.dataset), queried with DuckDB.

`open_store("path/to/dataset")` gives one when the folder holds `_veille.json`: `veille search`,
`stats`, `timeline`, `export` and the web app read a cluster's output on a laptop without loading it
into SQLite. DuckDB reads the Parquet files in place (`read_parquet(…, hive_partitioning=true)`);
views named like the SQLite store's tables (`events`, `mentions`, `event_actors`, …, each with a
`json` column holding the record) let `veille.store.views` run the same SQL on both. Every write
raises ReadOnlyStoreError (E402).

Full-text search: DuckDB's `fts` extension is downloaded at run time, which veille never does, so
search here is a token match (accent- and case-insensitive whole words, `"a phrase"`, `prefix*`,
`OR`, `NOT`) ranked by the number of matched occurrences, not SQLite's BM25.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from ..dataset import SCHEMAS, read_manifest
from ..errors import MissingExtraError, ReadOnlyStoreError, StoreError, install_command
from ..models import Actor, Document, Event, EventMention, Quote, RemovedLine, Story
from .connection import LockedConnection
from .views import ReadViews


def read_only_error(path: str) -> ReadOnlyStoreError:
    return ReadOnlyStoreError(f"the dataset {path} is read-only: ingest and merge into a SQLite store "
                              "(--db store.db), then export it again", stage="store")


class DuckDBDialect:
    """The SQL pieces that differ from SQLite's (`views.ReadViews` builds the rest)."""

    @staticmethod
    def location_country(alias: str) -> str:
        return f"{alias}.location_country"

    @staticmethod
    def story_end() -> str:
        return '"end"'

    #: SQLite's LIKE ignores the case of ASCII letters; DuckDB's ILIKE does that (of every letter)
    like = "ILIKE"

    @staticmethod
    def alias_like() -> str:
        """True when one of the actor's aliases is LIKE the parameter."""
        return "array_to_string(aliases, chr(10)) ILIKE ? ESCAPE '\\'"


#: the columns stored otherwise than the JSONL export writes them (veille.dataset), back to its JSON:
#: a contradiction's values are text, numbers for a `numbers.*` field; `numbers` are doubles, an
#: integral one is an int
_CONTRACT_JSON = {
    "events": """list_transform(contradictions, lambda c: struct_pack(field := c.field,
        "values" := list_transform(c."values", lambda v: CASE WHEN c.field LIKE 'numbers.%' THEN v::JSON
                                                             ELSE to_json(v) END),
        mention_ids := c.mention_ids)) AS contradictions""",
    "mentions": """map_from_entries(list_transform(map_entries(numbers), lambda e: {'key': e.key,
        'value': CASE WHEN e.value = trunc(e.value) AND abs(e.value) < 1e15 THEN e.value::BIGINT::JSON
                      ELSE e.value::JSON END})) AS numbers""",
}


def _views(root: Path) -> str:
    def src(table: str) -> str:
        glob = str(root / table / "**" / "*.parquet").replace("'", "''")
        column = "bucket" if table == "actors" else "month"
        kind = "INTEGER" if table == "actors" else "VARCHAR"
        replace = f" REPLACE ({_CONTRACT_JSON[table]})" if table in _CONTRACT_JSON else ""
        return (f"(SELECT * EXCLUDE ({column}){replace} FROM read_parquet('{glob}', hive_partitioning = true,"
                f" hive_types = {{'{column}': '{kind}'}}))")

    return f"""
CREATE VIEW articles_data AS {src('articles')};
CREATE VIEW articles AS SELECT article_id, article_id AS seq, source_path, url, outlet, title, byline,
    language, published.value AS published, published.precision AS published_precision,
    published.method AS published_method, duplicate_of, story_id, text, to_json(r) AS json
    FROM articles_data r;
CREATE VIEW mentions_data AS {src('mentions')};
CREATE VIEW mentions AS SELECT mention_id, article_id, event_id, type, factuality, date.value AS date,
    source, target, claimed_by, to_json(r) AS json FROM mentions_data r;
CREATE VIEW quotes_data AS {src('quotes')};
CREATE VIEW quotes AS SELECT quote_id, article_id, speaker, to_json(r) AS json FROM quotes_data r;
CREATE VIEW actors_data AS {src('actors')};
CREATE VIEW actors AS SELECT actor_id, name, country, sector, n_mentions, aliases, to_json(r) AS json
    FROM actors_data r;
CREATE VIEW events_data AS {src('events')};
CREATE VIEW events AS SELECT event_id, type, factuality, date.value AS date, story_id, n_sources,
    location.country AS location_country, source, target, to_json(r) AS json FROM events_data r;
CREATE VIEW event_actors AS
    SELECT event_id, a.actor_id AS actor_id, a.name AS name, a.country AS country, 'source' AS side
        FROM (SELECT event_id, unnest(source) AS a FROM events_data)
    UNION ALL
    SELECT event_id, a.actor_id, a.name, a.country, 'target' FROM (SELECT event_id, unnest(target) AS a
        FROM events_data);
CREATE VIEW stories_data AS {src('stories')};
CREATE VIEW stories AS SELECT story_id, "end", to_json(r) AS json FROM stories_data r;
-- the dataset has no per-article actor counts (the SQLite store counts every name in the text): an
-- actor is in an article when one of its mentions or quotes names the actor
CREATE VIEW article_actors AS SELECT article_id, actor_id, COUNT(*) AS n FROM (
    SELECT article_id, unnest(source).actor_id AS actor_id FROM mentions_data
    UNION ALL SELECT article_id, unnest(target).actor_id FROM mentions_data
    UNION ALL SELECT article_id, claimed_by.actor_id FROM mentions_data
    UNION ALL SELECT article_id, speaker.actor_id FROM quotes_data
) WHERE actor_id IS NOT NULL GROUP BY article_id, actor_id;
"""


class DatasetStore(LockedConnection, ReadViews):
    """The store interface's read side over a Parquet dataset folder; writes raise E402."""

    dialect = DuckDBDialect()
    writable = False

    def __init__(self, path: str | Path):
        try:
            import duckdb
        except ImportError as err:
            raise MissingExtraError(f"reading a Parquet dataset needs DuckDB: {install_command('duckdb')}",
                                    stage="store") from err
        self._duckdb = duckdb
        self.path = str(path)
        self.root = Path(path)
        self.manifest = read_manifest(self.root)
        self._lock = threading.RLock()
        try:
            # never a download at run time (DuckDB would fetch a missing extension)
            self.conn = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
            # SQLite's order: NULL first ascending, last descending (the web app's lists rely on it)
            self.conn.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
            self.conn.execute(_views(self.root))
        except duckdb.Error as err:
            raise StoreError(f"cannot open dataset {self.path}: {err}", stage="store") from err

    # ------------------------------------------------------------------ plumbing

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Run one read statement; rows as dicts (`r["n"]`, `dict(r)` as on SQLite rows)."""
        with self._lock:
            try:
                cur = self.conn.execute(sql, list(params))
                names = [d[0] for d in cur.description]
                return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
            except self._duckdb.Error as err:
                raise StoreError(f"the dataset {self.path} cannot be read: {err}", stage="store") from err

    def _records(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """The records' JSON (each view's `json` column is the JSONL export's record)."""
        return [json.loads(r["json"]) for r in self.query(sql, params)]

    def _record(self, table: str, key: str, value: str) -> dict[str, Any] | None:
        """The JSON of the one record of `table` whose `key` column is `value`, or None."""
        found = self._records(f"SELECT json FROM {table} WHERE {key} = ?", (value,))
        return found[0] if found else None

    # ------------------------------------------------------------------ writes: refused

    def _read_only(self, *args: Any, **kw: Any) -> NoReturn:
        raise read_only_error(self.path)

    add_document = add_source = update_document = replace_merge_output = replace_merge_part = _read_only
    write_merge_index = write_mention_index = write_story_index = set_meta = ensure_band_index = _read_only

    @contextmanager
    def transaction(self):
        self._read_only()
        yield  # pragma: no cover - never reached

    def merge_pending(self) -> bool:
        return False

    def get_meta(self, key: str) -> str | None:
        return None

    # ------------------------------------------------------------------ counts

    def count(self, table: str) -> int:
        if table == "sources":
            return int(self.manifest.get("sources", self.count("articles")))
        if table not in SCHEMAS:
            raise StoreError(f"unknown table {table}", stage="store")
        return self.query(f"SELECT COUNT(*) AS n FROM {table}_data")[0]["n"]

    def stats(self) -> dict[str, int]:
        return {t: self.count(t) for t in ("articles", "sources", "mentions", "events", "actors", "quotes", "stories")}

    # ------------------------------------------------------------------ articles

    def has_article(self, article_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM articles_data WHERE article_id = ?", (article_id,)))

    def iter_articles(self, batch: int = 500) -> Iterator[dict[str, Any]]:
        yield from self._records("SELECT json FROM articles ORDER BY article_id")

    def get_document(self, article_id: str) -> Document | None:
        """The article with its mentions and quotes (the dataset holds no other annotation layer)."""
        data = self._record("articles", "article_id", article_id)
        if data is None:
            return None
        doc = Document.from_dict({k: v for k, v in data.items() if k != "removed_lines"})
        doc.removed_lines = [RemovedLine.from_dict(r) for r in data.get("removed_lines") or []]
        doc.mentions = list(self.iter_mentions(article_id))
        doc.quotes = list(self.iter_quotes(article_id))
        return doc

    def list_articles(self, *, limit: int = 50, offset: int = 0, story_id: str | None = None
                      ) -> list[dict[str, Any]]:
        where, params = ("WHERE story_id = ?", [story_id]) if story_id else ("", [])
        return self.query(
            f"SELECT article_id, title, outlet, url, published, published_precision, published_method,"
            f" language, duplicate_of, story_id, source_path FROM articles {where}"
            f" ORDER BY published DESC, seq LIMIT ? OFFSET ?", (*params, limit, offset))

    # ------------------------------------------------------------------ derived records

    def iter_mentions(self, article_id: str | None = None) -> Iterator[EventMention]:
        where, params = ("WHERE article_id = ?", (article_id,)) if article_id else ("", ())
        for r in self._records(f"SELECT json FROM mentions {where} ORDER BY mention_id", params):
            yield EventMention.from_dict(r)

    def iter_quotes(self, article_id: str | None = None) -> Iterator[Quote]:
        where, params = ("WHERE article_id = ?", (article_id,)) if article_id else ("", ())
        for r in self._records(f"SELECT json FROM quotes {where} ORDER BY quote_id", params):
            yield Quote.from_dict(r)

    def iter_actors(self) -> Iterator[Actor]:
        for r in self._records("SELECT json FROM actors ORDER BY actor_id"):
            yield Actor.from_dict(r)

    def get_actor(self, actor_id: str) -> Actor | None:
        found = self._record("actors", "actor_id", actor_id)
        return Actor.from_dict(found) if found is not None else None

    def iter_events(self) -> Iterator[Event]:
        for r in self._records("SELECT json FROM events ORDER BY date, event_id"):
            yield Event.from_dict(r)

    def get_event(self, event_id: str) -> Event | None:
        found = self._record("events", "event_id", event_id)
        return Event.from_dict(found) if found is not None else None

    def mentions_of_event(self, event_id: str) -> list[EventMention]:
        return [EventMention.from_dict(r) for r in self._records(
            "SELECT json FROM mentions WHERE event_id = ? ORDER BY mention_id", (event_id,))]

    def iter_stories(self) -> Iterator[Story]:
        for r in self._records("SELECT json FROM stories ORDER BY story_id"):
            yield Story.from_dict(r)

    def get_story(self, story_id: str) -> Story | None:
        found = self._record("stories", "story_id", story_id)
        return Story.from_dict(found) if found is not None else None

    # ------------------------------------------------------------------ search

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Articles whose title or text match every term (see the module's note), most matches first."""
        terms = parse_query(query)
        if not terms.required and not terms.any_of:
            return []
        clauses, params, score, score_params = [], [], [], []
        for pattern in terms.required:
            clauses.append("regexp_matches(body, ?)")
            params.append(pattern)
        if terms.any_of:
            clauses.append("(" + " OR ".join("regexp_matches(body, ?)" for _ in terms.any_of) + ")")
            params += terms.any_of
        for pattern in terms.excluded:
            clauses.append("NOT regexp_matches(body, ?)")
            params.append(pattern)
        for pattern in (*terms.required, *terms.any_of):
            score.append("len(regexp_extract_all(body, ?))")
            score_params.append(pattern)
        sql = (f"SELECT article_id, title, outlet, published, text, {' + '.join(score)} AS hits FROM"
               " (SELECT *, strip_accents(lower(coalesce(title, '') || chr(10) || text)) AS body FROM articles)"
               f" WHERE {' AND '.join(clauses)} ORDER BY hits DESC, published DESC, article_id LIMIT ? OFFSET ?")
        found = self.query(sql, [*score_params, *params, limit, offset])
        words = [re.compile(p) for p in (*terms.required, *terms.any_of)]
        return [{"article_id": r["article_id"], "title": r["title"], "outlet": r["outlet"],
                 "published": r["published"], "snippet": snippet(r["text"], words), "rank": -r["hits"]}
                for r in found]

    def search_ids(self, query: str, limit: int = 10_000) -> list[str]:
        return [r["article_id"] for r in self.search(query, limit=limit)]


# --------------------------------------------------------------------------- token match


def fold(text: str) -> str:
    """Lower case without accents, one character for one (offsets into `text` stay valid)."""
    return "".join(unicodedata.normalize("NFD", ch)[0] for ch in text.lower()) if text else ""


class Terms:
    def __init__(self) -> None:
        self.required: list[str] = []
        self.any_of: list[str] = []
        self.excluded: list[str] = []


_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+")


def _pattern(words: list[str], prefix: bool) -> str:
    """A regular expression (RE2 and Python alike) for whole folded words in sequence."""
    body = r"\W+".join(re.escape(w) for w in words)
    return rf"\b{body}" + ("" if prefix else r"\b")


def parse_query(query: str) -> Terms:
    """FTS5-like syntax, read loosely: terms are all required (`AND` optional); `a OR b` needs one of
    them; `NOT a` excludes; `"a phrase"`; `pref*` a prefix. Punctuation inside a term separates words."""
    terms = Terms()
    items: list[tuple[str, str | None]] = []  # (operator or "", pattern)
    for quoted, bare in _TOKEN.findall(query):
        if bare in ("AND", "OR", "NOT"):
            items.append((bare, None))
            continue
        raw = quoted if quoted or not bare else bare
        prefix = raw.endswith("*") and not quoted
        words = _WORD.findall(fold(raw.rstrip("*")))
        if words:
            items.append(("", _pattern(words, prefix)))
    groups: list[list[str]] = []
    negate = False
    join_next = False
    for op, pattern in items:
        if op == "NOT":
            negate = True
        elif op == "OR":
            join_next = bool(groups)
        elif op == "AND":
            continue
        elif pattern is not None:
            if negate:
                terms.excluded.append(pattern)
            elif join_next:
                groups[-1].append(pattern)
            else:
                groups.append([pattern])
            negate = join_next = False
    for group in groups:
        if len(group) == 1:
            terms.required.append(group[0])
        elif not terms.any_of:
            terms.any_of = group
        else:  # a second OR group: every term of it becomes one more alternative (loose reading)
            terms.any_of += group
    return terms


def snippet(text: str, patterns: list[re.Pattern[str]], width: int = 12) -> str:
    """About `width` words around the first match, matched words in [brackets] (as SQLite's snippet)."""
    if not text:
        return ""
    folded = fold(text)
    words = list(_WORD.finditer(text))
    hits: set[int] = set()
    for p in patterns:
        for m in p.finditer(folded):
            hits.update(i for i, w in enumerate(words) if w.start() < m.end() and m.start() < w.end())
    if not words:
        return ""
    first = min(hits) if hits else 0
    lo = max(0, min(first - width // 4, len(words) - width))
    hi = min(len(words), lo + width)
    out = []
    for i in range(lo, hi):
        w = words[i].group()
        out.append(f"[{w}]" if i in hits else w)
    return ("…" if lo > 0 else "") + " ".join(out) + ("…" if hi < len(words) else "")
