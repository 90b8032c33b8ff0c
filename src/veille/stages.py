"""The stage registry: each per-document stage by name, with the Document layers it needs and sets.

In the spirit of spaCy's `@Language.factory`: a stage is registered under a name with

- `requires`: layers that must exist before it runs (a chain without them is refused when the
  `Pipeline` is built, `[E302]`, naming the stage and the layer);
- `reads`: layers it uses when present and does without otherwise (no error; logged at info);
- `assigns`: layers it sets;
- `config`: one frozen `StageConfig` dataclass, loaded from the stage's TOML section
  (`[stage.<name>]`, i.e. `Settings.stage[name]`), unknown keys refused (`[E300]`).

Layers are names of what a `Document` carries: `raw_text` and `text` exist from ingest on; the
others are set by stages (`sentences`, `entities`, `tokens` — the spaCy parse and its token
columns —, `timexes`, `published`, `actors`, `places`, `mentions`, `quotes`, …). A `lookups.<name>`
layer is a cross-stage lookup a stage attaches to `Document.lookups` (`lookups.actor_at`: the actors
stage's actor at a span; `lookups.event_date`, the timex stage's; `lookups.event_place`, the geo
stage's): later stages ask the document, never import the owner's module.

The built-in stages are registered here by "module:Class" strings, so that nothing heavy (spaCy,
the gazetteer) is imported until a stage is built. A new stage is one call:

    >>> from veille.stages import register
    >>> @register("shout", requires=("text",), assigns=("title",))
    ... class Shout:
    ...     name = "shout"
    ...     def __init__(self, settings=None): ...
    ...     def __call__(self, doc): ...

A `Pipeline` uses `veille.stages.REGISTRY` unless given `registry=`; `REGISTRY.copy()` gives an
independent registry (tests register their stages there, leaving the shared one untouched).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import sys
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from .errors import ConfigError, StageChainError

if TYPE_CHECKING:
    from .config import Settings

#: layers a Document has before any stage runs (set by ingest / `Pipeline.start`)
INITIAL_LAYERS = frozenset({"raw_text", "text", "published"})

C = TypeVar("C", bound="StageConfig")


# --------------------------------------------------------------------------- typed stage settings


@dataclass(frozen=True)
class StageConfig:
    """Base of the per-stage settings: frozen, loaded from the stage's section, unknown keys refused.

    Field types are checked as TOML gives them: `bool`, `int`, `float` (an int is accepted),
    `str`, and `tuple[str, ...]` (from a list of strings)."""

    #: the stage name whose section (`Settings.stage[section]`) this config reads
    section: ClassVar[str] = ""

    @classmethod
    def from_section(cls: type[C], data: Mapping[str, Any] | None, *, stage: str | None = None) -> C:
        name = stage or cls.section
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ConfigError(f"the settings of stage {name!r} must be a table, not {type(data).__name__}")
        hints = typing.get_type_hints(cls)
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown setting(s) for stage {name!r}: {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(sorted(known)) or 'none'}")
        values = {key: _checked(name, key, hints[key], value) for key, value in data.items()}
        return cls(**values)

    @classmethod
    def from_settings(cls: type[C], settings: Settings | None) -> C:
        """This stage's config from `settings.stage[<section>]` (defaults when there is none)."""
        if settings is None:
            return cls()
        return cls.from_section((settings.stage or {}).get(cls.section))

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _checked(stage: str, key: str, hint: Any, value: Any) -> Any:
    """`value` for a field annotated `hint`, or a ConfigError naming the stage and the key."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    options = typing.get_args(hint) if union else (hint,)
    for option in options:
        if option is type(None) and value is None:
            return None
        if option is bool and isinstance(value, bool):
            return value
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if option is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if option is str and isinstance(value, str):
            return value
        if typing.get_origin(option) is tuple and isinstance(value, (list, tuple)) \
                and all(isinstance(v, str) for v in value):
            return tuple(value)
    raise ConfigError(f"stage {stage!r}: setting {key!r} expects {_type_name(hint)}, got {value!r}")


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


@dataclass(frozen=True)
class CleanConfig(StageConfig):
    section: ClassVar[str] = "clean"
    #: languages `langid` may answer (ISO 639-1); empty: `veille.clean.DEFAULT_LANGUAGES`
    #: (or the older `Settings.extra["languages"]` when that is set)
    languages: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings | None) -> CleanConfig:
        config = super().from_settings(settings)
        legacy = (settings.extra or {}).get("languages") if settings is not None else None
        if not config.languages and legacy:
            config = dataclasses.replace(config, languages=tuple(legacy))
        return config


@dataclass(frozen=True)
class NlpConfig(StageConfig):
    """The parser is chosen by `Settings.model`; the stage has no settings of its own (yet)."""

    section: ClassVar[str] = "nlp"


@dataclass(frozen=True)
class TimexConfig(StageConfig):
    section: ClassVar[str] = "timex"


@dataclass(frozen=True)
class ActorsConfig(StageConfig):
    section: ClassVar[str] = "actors"


@dataclass(frozen=True)
class GeoConfig(StageConfig):
    section: ClassVar[str] = "geo"
    #: keep place mentions the gazetteer cannot resolve (as unresolved names)
    keep_unresolved: bool = True


@dataclass(frozen=True)
class EventsConfig(StageConfig):
    section: ClassVar[str] = "events"
    #: "X affirme avoir frappé": claimed by X (the dev-set guidelines) or, when False, the act
    #: itself, as PLOVER codes an actor's statement about its own act
    self_reports_as_claims: bool = True


@dataclass(frozen=True)
class QuotesConfig(StageConfig):
    section: ClassVar[str] = "quotes"
    #: resolve speakers to actors of the `actors` layer; when False, spaCy PER/ORG entities and the
    #: speaker phrases themselves do
    use_actors: bool = True


# --------------------------------------------------------------------------- the registry


@dataclass(frozen=True)
class StageSpec:
    """What the registry knows of a stage without building it."""

    name: str
    #: a callable `(settings) -> stage` (a class is one) or a "module:attribute" string naming it
    factory: Callable[..., Any] | str
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    config: type[StageConfig] = field(default=StageConfig)

    def load_factory(self) -> Callable[..., Any]:
        """The factory itself (a "module:attribute" or "path/file.py:attribute" string is imported now)."""
        if not isinstance(self.factory, str):
            return self.factory
        return load_attribute(self.factory, self.name, "factory")

    def available(self) -> bool:
        """Whether the factory can be loaded (its module imports)."""
        try:
            self.load_factory()
        except ConfigError:
            return False
        return True


class StageRegistry:
    """Stage name → `StageSpec`. `register` adds one (as a decorator or a call)."""

    def __init__(self, specs: Iterable[StageSpec] = ()):
        self._specs: dict[str, StageSpec] = {s.name: s for s in specs}

    def register(self, name: str, factory: Callable[..., Any] | str | None = None, *,
                 requires: Sequence[str] = (), assigns: Sequence[str] = (), reads: Sequence[str] = (),
                 config: type[StageConfig] | None = None, replace: bool = False) -> Any:
        """Register `factory` under `name`; without `factory`, a decorator that registers what it
        decorates and returns it unchanged. A name already taken is refused unless `replace`."""
        if not name or not isinstance(name, str):
            raise ConfigError(f"a stage name must be a non-empty string, not {name!r}")
        if config is not None and not (isinstance(config, type) and issubclass(config, StageConfig)):
            raise ConfigError(f"stage {name!r}: config must be a StageConfig subclass, not {config!r}")

        def add(target: Callable[..., Any] | str) -> Any:
            if name in self._specs and not replace:
                raise ConfigError(f"stage {name!r} is already registered (pass replace=True to replace it)")
            self._specs[name] = StageSpec(name, target, tuple(requires), tuple(assigns), tuple(reads),
                                          config or StageConfig)
            return target

        if factory is None:
            return add
        return add(factory)

    def unregister(self, name: str) -> None:
        self._specs.pop(name, None)

    def copy(self) -> StageRegistry:
        return StageRegistry(self._specs.values())

    def with_plugins(self, plugins: Mapping[str, Mapping[str, Any]]) -> StageRegistry:
        """This registry, or a copy of it with the stages a TOML file declares (`Settings.plugins`,
        `[plugins.<name>]`) added; a plugin may not take a registered stage's name."""
        if not plugins:
            return self
        reg = self.copy()
        for name, section in plugins.items():
            config = load_attribute(section["config"], name, "config") if section.get("config") else None
            reg.register(name, section["factory"], requires=section.get("requires", ()),
                         assigns=section.get("assigns", ()), reads=section.get("reads", ()), config=config)
        return reg

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def spec(self, name: str) -> StageSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise ConfigError(f"unknown stage(s): {name}; known: {', '.join(self._specs)}") from None

    def build(self, name: str, settings: Settings) -> Any:
        """A new instance of stage `name` configured by `settings`."""
        return self.spec(name).load_factory()(settings)

    def check_settings(self, settings: Settings) -> None:
        """Every `[stage.<name>]` section names a registered stage and loads into its config."""
        for name, section in (settings.stage or {}).items():
            if name not in self._specs:
                raise ConfigError(f"settings given for an unknown stage {name!r}; known: {', '.join(self._specs)}")
            spec = self._specs[name]
            spec.config.from_section(section, stage=name)

    def check_chain(self, names: Sequence[str], *, initial: Iterable[str] = INITIAL_LAYERS) -> list[str]:
        """Refuse a chain where a stage runs before what it requires; returns the notes on optional
        layers (`reads`) that no earlier stage assigns."""
        unknown = [n for n in names if n not in self._specs]
        if unknown:
            raise ConfigError(f"unknown stage(s): {', '.join(unknown)}; known: {', '.join(self._specs)}")
        layers = set(initial)
        notes: list[str] = []
        for name in names:
            spec = self._specs[name]
            for layer in spec.requires:
                if layer not in layers:
                    providers = [n for n, s in self._specs.items() if layer in s.assigns and n != name]
                    hint = f" (add {' or '.join(repr(p) for p in providers)} before it)" if providers else ""
                    raise StageChainError(
                        f"stage {name!r} requires the layer {layer!r}, which no stage before it assigns{hint}",
                        stage=name)
            notes.extend(f"stage {name!r} runs without the layer {layer!r}"
                         for layer in spec.reads if layer not in layers)
            layers.update(spec.assigns)
        return notes


def load_attribute(ref: str, stage: str, what: str) -> Any:
    """`module:attribute` (imported) or `path/file.py:attribute` (a user's file, loaded by path)."""
    target, _, attr = ref.partition(":")
    try:
        if target.endswith(".py"):
            path = Path(target)
            if not path.is_file():
                raise ImportError(f"no file {path}")
            module_name = f"veille_plugin_{stage}_{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]}"
            module = sys.modules.get(module_name)
            if module is None:
                spec = importlib.util.spec_from_file_location(module_name, path)
                if spec is None or spec.loader is None:
                    raise ImportError(f"cannot load {path} as a module")
                module = importlib.util.module_from_spec(spec)
                sys.modules[module_name] = module  # (dataclasses and pickling look the module up by name)
                spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
        return getattr(module, attr)
    except (ImportError, AttributeError, SyntaxError) as err:
        raise ConfigError(f"stage {stage!r}: cannot load its {what} {ref!r}: {err}", stage=stage) from err


def _builtin() -> StageRegistry:
    reg = StageRegistry()
    reg.register("clean", "veille.clean:Cleaner", config=CleanConfig, requires=("raw_text",),
                 assigns=("text", "title", "byline", "credit", "language", "removed_lines"))
    reg.register("nlp", "veille.nlp:SpacyParser", config=NlpConfig, requires=("text",),
                 assigns=("sentences", "entities", "tokens"))
    reg.register("timex", "veille.timex:TimexTagger", config=TimexConfig, requires=("text",),
                 reads=("sentences", "tokens"), assigns=("timexes", "published", "lookups.event_date"))
    reg.register("actors", "veille.actors:ActorResolver", config=ActorsConfig, requires=("tokens",),
                 reads=("sentences", "entities", "published"), assigns=("actors", "lookups.actor_at"))
    reg.register("geo", "veille.geo:Geoparser", config=GeoConfig, requires=("tokens",),
                 reads=("entities", "actors"), assigns=("places", "lookups.event_place"))
    reg.register("events", "veille.events:EventExtractor", config=EventsConfig, requires=("sentences", "tokens"),
                 reads=("actors", "timexes", "places", "lookups.actor_at", "lookups.event_date",
                        "lookups.event_place"), assigns=("mentions",))
    reg.register("quotes", "veille.quotes:QuoteExtractor", config=QuotesConfig, requires=("text",),
                 reads=("sentences", "tokens", "entities", "actors", "timexes", "lookups.actor_at",
                        "lookups.event_date"), assigns=("quotes",))
    return reg


#: the registry `Pipeline` uses by default: the built-in stages, and those registered with `register`
REGISTRY = _builtin()

register = REGISTRY.register
