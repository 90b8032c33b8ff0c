"""A readable terminal timeline of the merged events (`veille timeline`, the demo summary).

Each row: the date (its ISO form shows its precision), the event in words ("Kim Jong-un (PRK)
meets Vladimir Poutine (RUS) — cosmodrome de Vostochny") with the contradictions between sources
under it, a factuality marker, the number of independent sources (and reports).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from types import MappingProxyType

from rich.table import Table
from rich.text import Text

from .dates import normalise_iso_date
from .errors import ConfigError
from .merge.features import date_interval, first_day
from .models import ActorRef, Event, fold

Phrases = dict[tuple[str, str], tuple[str, str]]


def load_phrases(lang: str = "en", *, lexicon_dir: str | None = None) -> Phrases:
    """(type, mode or "") → (verb with a target, verb without one), from data/common/plover_phrases.tsv
    (overlaid by `lexicon_dir`/common/plover_phrases.tsv)."""
    from .resources import read_tsv

    rows = list(read_tsv("common", "plover_phrases.tsv", lexicon_dir=lexicon_dir))
    chosen = [r for r in rows if r["lang"] == lang] or [r for r in rows if r["lang"] == "en"]
    return {(r["type"], r["mode"]): (r["with_target"], r["alone"]) for r in chosen}


MARKERS = MappingProxyType({
    "asserted": ("✓", "green"),
    "negated": ("✗", "red"),
    "hypothetical": ("?", "yellow"),
    "planned": ("→", "cyan"),
    "claimed": ("«»", "magenta"),
    "historical": ("⟲", "blue"),
})


def actor_words(actors: Iterable[ActorRef]) -> str:
    return ", ".join(f"{a.name} ({a.country})" if a.country and a.country != a.name else a.name for a in actors)


def event_words(e: Event, phrases: Phrases | None = None) -> str:
    """"Kim Jong-un (PRK) meets Vladimir Poutine (RUS) — cosmodrome de Vostochny"."""
    phrases = phrases if phrases is not None else load_phrases()
    mode = e.mode or ""
    with_target, alone = phrases.get((e.type, mode)) or phrases.get((e.type, ""), (e.type.lower(),) * 2)
    src, tgt = actor_words(e.source), actor_words(e.target)
    words = f"{src or '?'} {with_target} {tgt}" if tgt else f"{src or '?'} {alone}"
    if mode and (e.type, mode) not in phrases:
        words += f" [{mode}]"
    if e.location is not None:
        words += f" — {e.location.name}"
    return words


def factuality_marker(e: Event) -> Text:
    symbol, colour = MARKERS.get(e.factuality, ("·", "white"))
    label = f"{symbol} {e.factuality}"
    if e.factuality == "claimed" and e.claimed_by is not None:
        label = f"« » {e.claimed_by.name}"
    return Text(label, style=colour)


def date_words(e: Event) -> str:
    """ISO values show their own precision (2023-09-13, 2023-09, 2023, 2023-W37); "≤ 2023-09-13" is an
    event its reports do not date: it happened by the article's date, that week."""
    d = e.date
    if d is None or not d.value:
        return "?"
    if d.precision == "week" and not d.end:
        return f"≤ {d.value}"
    text = d.value
    if d.end and d.end != d.value:
        text += f" → {d.end}"
    return text


def contradiction_words(e: Event) -> Text:
    out = Text()
    for c in e.contradictions:
        values = list(dict.fromkeys(str(v) for v in c.values))
        if out:
            out.append("; ")
        out.append(f"⚠ {c.field}: {' / '.join(values)}", style="bold yellow")
    return out


def _has_actor(e: Event, needle: str) -> bool:
    n = fold(needle).strip()
    for a in (*e.source, *e.target):
        if a.actor_id == needle or (a.country or "").lower() == n or n in fold(a.name or ""):
            return True
    return False


def select_events(store, story: str | None = None, actor: str | None = None, since: str | None = None
                  ) -> list[Event]:
    floor: date | None = None
    if since:
        value = normalise_iso_date(since)
        if not value:
            raise ConfigError(f"--since expects a date like 2023-09-13, got {since!r}")
        floor = first_day(value)
    out = []
    for e in store.iter_events():
        if story and e.story_id != story:
            continue
        if actor and not _has_actor(e, actor):
            continue
        if floor is not None:
            iv = date_interval(e.date)
            if iv is None or iv[1] < floor:
                continue
        out.append(e)
    out.sort(key=lambda e: ((iv := date_interval(e.date)) and iv[0].isoformat() or "9999",
                            e.first_reported or "", e.event_id))
    return out


def timeline_table(store, story: str | None = None, actor: str | None = None, since: str | None = None,
                   lang: str = "en", lexicon_dir: str | None = None) -> Table:
    """The events (optionally one story's, one actor's, or from a date on) as a rich table;
    `lang` picks the language of the event phrases (en, fr)."""
    phrases = load_phrases(lang, lexicon_dir=lexicon_dir)
    title = "Timeline"
    if story:
        s = store.get_story(story)
        if s is None:
            raise ConfigError(f"no story {story!r} in the store")
        title = f"{s.title} ({s.start or '?'} → {s.end or '?'})"
        if s.follows:
            prev = store.get_story(s.follows)
            title += f"\nfollows: {prev.title if prev else s.follows}"
    table = Table(title=title, caption="✓ asserted  ✗ negated  ? hypothetical  → planned  « » claimed by  "
                  "⟲ historical  ⚠ sources disagree  ≤ date: undated, reported by then  src: outlets (reports)")
    table.add_column("date", min_width=10, max_width=12)
    table.add_column("event", ratio=1, min_width=24)
    table.add_column("", max_width=16, overflow="ellipsis", no_wrap=True)
    table.add_column("src", justify="right", no_wrap=True)
    for e in select_events(store, story, actor, since):
        reports = f"{e.n_sources}" + (f" ({e.n_mentions})" if e.n_mentions != e.n_sources else "")
        cell = Text(event_words(e, phrases))
        if e.contradictions:
            cell.append("\n")
            cell.append_text(contradiction_words(e))
        table.add_row(Text(date_words(e)), cell, factuality_marker(e), reports)
    return table


def stories_table(store) -> Table:
    """The stories (span, title and id, size, what they follow): where `--story` ids come from."""
    table = Table(title="Stories")
    table.add_column("span", min_width=10, max_width=12)
    table.add_column("story", ratio=1)
    table.add_column("articles", justify="right", no_wrap=True)
    table.add_column("events", justify="right", no_wrap=True)
    stories = sorted(store.iter_stories(), key=lambda st: (st.start or "9999", st.story_id))
    titles = {st.story_id: st.title for st in stories}
    for st in stories:
        cell = Text(st.title)
        cell.append(f"\n{st.story_id}", style="dim")
        if st.follows:
            cell.append(f"\n↳ follows: {titles.get(st.follows, st.follows)}", style="dim")
        span = f"{st.start or '?'} → {st.end or '?'}" if st.end != st.start else (st.start or "?")
        table.add_row(span, cell, str(len(st.article_ids)), str(len(st.event_ids)))
    return table
