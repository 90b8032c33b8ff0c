"""Reading a regular expression's source text: its structure, not what it matches.

The lexicons' patterns are data; some speed-ups depend on their shape (anchored at the line start,
a required first element). These helpers walk the source once, skipping escapes and character
classes (a "]" right after "[" or "[^" is literal), and report the characters that give it shape.
"""

from __future__ import annotations

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
