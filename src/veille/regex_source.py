"""Reading a regular expression's source text: its structure, not what it matches.

The lexicons' patterns are data; some speed-ups depend on their shape (anchored at the line start,
a required first element). These helpers walk the source once, skipping escapes and character
classes (a "]" right after "[" or "[^" is literal), and report the characters that give it shape.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth before it) of each character outside escapes and classes."""
    depth, i = 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1 + (pattern[i + 1:i + 2] == "^")
            i += pattern[i:i + 1] == "]"
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        else:
            yield i, c, depth
            depth += (c == "(") - (c == ")")
        i += 1


def top_level_alternatives(pattern: str) -> list[str]:
    """The alternatives of the pattern at depth 0: "a|(b|c)" -> ["a", "(b|c)"]."""
    cuts = [i for i, c, depth in _structure(pattern) if c == "|" and depth == 0]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def first_group_end(pattern: str) -> int | None:
    """The index just after the ")" closing the group the pattern opens with (None if unclosed)."""
    return next((i + 1 for i, c, depth in _structure(pattern) if c == ")" and depth == 1), None)


#: cross products of alternatives larger than this are not spelt out
_MAX_SPELLED = 64


def required_literals(pattern: str, *, min_length: int = 4, max_alternatives: int = 12) -> tuple[str, ...] | None:
    """Strings one of which occurs in every match of `pattern` (None when none is found).

    Lets a caller skip a whole text with a few substring tests (`any(s in text for s in ...)`)
    before running a pattern that the engine can only try at every position. Found from the
    parsed pattern: runs of literals, with alternatives and groups of literals spelt out
    ("(?:jan|juin) 2019" requires one of "jan 2019", "juin 2019"); optional parts and character
    categories end a run. Only sets whose every string has `min_length` characters, and at most
    `max_alternatives` strings, are returned; a case-insensitive pattern gets None.
    """
    try:
        parsed = _sre_parse(pattern)
    except Exception:  # noqa: BLE001 - an unreadable pattern only loses the shortcut
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    best = _requirement(list(parsed))
    if not best:
        return None
    strings = tuple(sorted(best))
    if len(strings) > max_alternatives or min(len(s) for s in strings) < min_length:
        return None
    return strings


def _sre_parse(pattern: str):
    # re._parser is private, so typeshed does not declare it: imported by name, it types as a module
    try:
        parser = importlib.import_module("re._parser")  # Python ≥ 3.11
    except ImportError:  # pragma: no cover
        parser = importlib.import_module("sre_parse")
    return parser.parse(pattern)


def _case_blind(group_av) -> bool:
    """A group that turns IGNORECASE on ("(?i:…)"): its literals match other cases too."""
    return bool(group_av[1] & re.IGNORECASE)


def _spelled(item) -> frozenset[str] | None:
    """Every string one parsed element can match, when that is a small finite set of literals."""
    op, av = item
    name = str(op)
    if name == "LITERAL":
        return frozenset((chr(av),))
    if name == "IN":
        if all(str(o) == "LITERAL" for o, _ in av):
            return frozenset(chr(v) for _, v in av)
        return None
    if name == "SUBPATTERN":
        return None if _case_blind(av) else _spelled_sequence(list(av[-1]))
    if name == "BRANCH":
        out: set[str] = set()
        for seq in av[1]:
            s = _spelled_sequence(list(seq))
            if s is None:
                return None
            out |= s
            if len(out) > _MAX_SPELLED:
                return None
        return frozenset(out)
    return None


def _spelled_sequence(seq: list) -> frozenset[str] | None:
    out = frozenset(("",))
    for item in seq:
        s = _spelled(item)
        if s is None:
            return None
        out = frozenset(a + b for a in out for b in s)
        if len(out) > _MAX_SPELLED:
            return None
    return out


def _requirement(seq: list) -> frozenset[str] | None:
    """The most selective requirement of a sequence: runs of spelt-out elements, required groups,
    alternatives whose every branch has a requirement, repeats of at least one."""
    found: list[frozenset[str]] = []
    run: frozenset[str] | None = None

    def close() -> None:
        nonlocal run
        if run is not None and "" not in run:
            found.append(run)
        run = None

    for item in seq:
        spelled = _spelled(item)
        if spelled is not None:
            joined = frozenset(a + b for a in (run or frozenset(("",))) for b in spelled)
            if len(joined) <= _MAX_SPELLED:
                run = joined
                continue
            close()
            run = spelled
            continue
        close()
        op, av = item
        name = str(op)
        if name == "SUBPATTERN":
            inner = None if _case_blind(av) else _requirement(list(av[-1]))
        elif name == "BRANCH":
            branches = [_requirement(list(b)) for b in av[1]]
            required = [b for b in branches if b]
            inner = frozenset[str]().union(*required) if branches and len(required) == len(branches) else None
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
            inner = _requirement(list(av[2]))
        else:
            inner = None
        if inner:
            found.append(inner)
    close()
    if not found:
        return None
    return max(found, key=lambda s: (min(len(x) for x in s), -len(s)))
