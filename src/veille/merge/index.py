"""The incremental merge's index in the store: block keys, linkable pairs, story profiles.

A full merge (`Merger.run`) rewrites it (`streamed.IndexWriter`, `story_stream.StoryStream`, `mark_complete`); the incremental merge
(`veille.merge.incremental`) extends it for the new articles. What is kept:

- `merge_blocks(key, lo, hi, mention_id)`: every coref block key of every mention with its date
  window as day ordinals (NULL: undated), so that the mentions a new report is compared with are
  found by an indexed range query instead of a pass over the store;
- `merge_pairs(a, b, score, merged)`: the linkable pairs and whether best-first clustering joined
  two clusters on them: with the events (the last pass's clusters), what `veille.merge.replay`
  needs to re-decide only the clusters a new report reaches;
- `story_profiles`, `story_keys`, `story_df`: each article's top terms and actors, its story index
  keys (actors, heaviest terms) by day, and the document frequency of every term;
- `story_descriptors`: each story larger than `descriptor_min_articles` described once for the follow-up
  links (`stories.StoryDescriptor`: the sum of its articles' vectors, its actors' counts), so that
  an incremental pass never re-reads its articles; grown by the articles that join it (an index
  written before descriptors has none: those stories are described from a sample of articles);
- meta `merge_index` (format version), `merge_seq` (the last article merged, in ingest order) and
  `dating_pending` (the undated articles whose clusters changed after the last pass dated
  articles: `merger.dating_pending`; the next incremental pass evaluates them with those it reaches).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from .coref import block_keys
from .features import ArticleInfo, MentionView
from .stories import ArticleProfile, _vector, index_keys

INDEX_VERSION = "3"  # 3: no link-graph components (the replay reads pairs and events)


def block_rows(views: Iterable[MentionView]) -> Iterator[tuple[str, int | None, int | None, str]]:
    """The (key, lo, hi, mention) rows of the views' block keys, in view order (lazily)."""
    for v in views:
        lo, hi = (v.window[0].toordinal(), v.window[1].toordinal()) if v.window is not None else (None, None)
        for t, k in block_keys(v):
            yield f"{t}|{k}", lo, hi, v.id


def profile_json(p: ArticleProfile) -> dict[str, Any]:
    return {"terms": dict(p.terms), "actors": p.actors, "counts": dict(p.actor_counts), "language": p.language}


def profile_from_json(article_id: str, data: dict[str, Any]) -> ArticleProfile:
    """The profile stored by `profile_json`; its terms and actor keys interned (one string each
    across the profiles, vectors and story centroids a merge holds at once)."""
    return ArticleProfile(article_id, Counter({sys.intern(t): c for t, c in (data.get("terms") or {}).items()}),
                          {sys.intern(k): v for k, v in (data.get("actors") or {}).items()},
                          Counter({sys.intern(k): c for k, c in (data.get("counts") or {}).items()}),
                          data.get("language"))


def profile_rows(profiles: dict[str, ArticleProfile], articles: dict[str, ArticleInfo] | Any,
                 idf: dict[str, float]) -> dict[str, tuple[str | None, dict[str, Any], list[str]]]:
    out = {}
    for a, p in profiles.items():
        day = articles[a].day
        out[a] = (day.isoformat() if day else None, profile_json(p), sorted(index_keys(p, _vector(p.terms, idf))))
    return out


def mark_complete(store, pending: Iterable[str] = ()) -> None:
    """A full merge's last index write: the meta that marks the index complete (`pending`: meta
    `dating_pending`), once the output it indexes is stored."""
    with store.transaction():
        for k, v in sorted({"merge_index": INDEX_VERSION, "merge_seq": str(store.max_article_seq()),
                            "dating_pending": json.dumps(sorted(pending))}.items()):
            store.set_meta(k, v)
