"""Tunable parameters of the merge pass (overridable through `Settings.extra["merge"]`)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..config import Settings
from ..errors import ConfigError


@dataclass(frozen=True)
class MergeConfig:
    # event coreference
    before_days: int = 10  # an undated mention may report an event up to this long before publication
    after_days: int = 1  # … or just after (time zones, evening editions)
    planned_days: int = 90  # planned / hypothetical events may lie this far ahead
    date_tolerance_days: int = 1  # day-precise dates this far apart still merge on strong actor evidence
    max_km: float = 100.0  # places further apart than this disagree
    min_confidence: float = 0.3  # mentions below this do not decide an event's factuality
    conflict_sample: int = 64  # cluster-level checks compare at most this many members per side
    # stories
    story_window_days: int = 14
    story_threshold: float = 0.25  # 0.6 * TF-IDF cosine + 0.4 * actor Jaccard
    story_neighbours: int = 20  # per shared key, each article is compared with the next N in date order
    follow_threshold: float = 0.25
    follow_candidates: int = 20  # earlier stories scored as what a story follows (most recent first)
    follow_max_gap_days: int = 730
    terms_per_article: int = 120
    # incremental merge (veille.merge.incremental)
    incremental_full_ratio: float = 0.25  # more new articles than this share of the store: full merge
    story_rebuild_max: int = 300  # larger stories are appended to, not rebuilt
    # larger stories keep a descriptor in the story index (stories.StoryDescriptor): the follow-up
    # links of an incremental merge read it instead of the story's articles
    descriptor_min_articles: int = 30

    @classmethod
    def from_settings(cls, settings: Settings | None) -> MergeConfig:
        data = dict((settings.extra or {}).get("merge", {})) if settings else {}
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown merge setting(s): {', '.join(sorted(unknown))}")
        return cls(**data)
