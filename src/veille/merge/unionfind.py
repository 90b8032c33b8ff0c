"""The union-find shared by the merge's passes (mentions, components, clusters, stories)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def find_root(parent: dict[str, str], x: str) -> str:
    """The root of `x` in the forest `parent` (child → parent, a root is its own parent); halves
    the path on the way up, which changes no root."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


class MinRootForest:
    """Disjoint sets of ids, each named by its smallest id (a set's name never depends on the order
    of the unions, so every pass that joins the same pairs names its sets alike). An id that no
    union has touched is its own set and is not stored unless given at the start."""

    __slots__ = ("parent",)

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self.parent: dict[str, str] = {x: x for x in ids}

    def __contains__(self, x: str) -> bool:
        return x in self.parent

    def __iter__(self) -> Iterator[str]:
        """The stored ids (those given at the start and those joined since)."""
        return iter(self.parent)

    def find(self, x: str) -> str:
        return find_root(self.parent, x) if x in self.parent else x

    def union(self, a: str, b: str) -> bool:
        """Join the sets of `a` and `b`; False when they were one already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        parent = self.parent
        parent.setdefault(ra, ra)
        parent.setdefault(rb, rb)
        parent[max(ra, rb)] = min(ra, rb)
        return True
