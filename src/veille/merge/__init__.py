"""Cross-document merge: events from mentions, contradictions, cross-document dates, stories.

`veille.api.merge()` calls `Merger(settings).run(store)` (after an ingest:
`IncrementalMerger(settings).run(store)`, see `incremental`); see `merger` for the steps and
`coref`, `aggregate`, `dating`, `stories` for the rules.
"""

from __future__ import annotations

from .config import MergeConfig
from .incremental import IncrementalMerger
from .merger import Merger

__all__ = ["IncrementalMerger", "MergeConfig", "Merger"]
