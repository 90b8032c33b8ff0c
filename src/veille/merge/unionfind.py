"""The root lookup shared by the merge's union-find passes (mentions, components, stories)."""

from __future__ import annotations


def find_root(parent: dict[str, str], x: str) -> str:
    """The root of `x` in the forest `parent` (child → parent, a root is its own parent); halves
    the path on the way up, which changes no root."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
