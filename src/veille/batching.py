"""Cutting a stream into lists of bounded size: document batches, pages of rows, chunks of ids."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter), read lazily: `itertools.batched` of
    Python 3.12, with lists."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch
