"""Near-duplicate detection (syndicated wire copies) with MinHash LSH (datasketch).

Exact duplicates share a content-hash `article_id` and collapse into one article with
several sources. Near duplicates (same wire story lightly edited by two outlets) keep
their own article and point to the first one seen with `duplicate_of`: linked, never
dropped, so source counts stay honest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from .config import Settings
from .models import Document, fold

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int) -> set[bytes]:
    words = _WORD.findall(fold(text))
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class BandIndex:
    """In-memory index of signatures by LSH band key (the store's `lsh_bands` table, in memory)."""

    def __init__(self) -> None:
        self.signatures: dict[str, tuple[int, MinHash]] = {}  # article id → (order seen, signature)
        self._bands: dict[tuple[int, int], list[str]] = {}

    def add(self, article_id: str, m: MinHash, keys: list[tuple[int, int]]) -> None:
        """First sight wins: an id already indexed keeps its order."""
        if article_id in self.signatures:
            return
        self.signatures[article_id] = (len(self.signatures), m)
        for key in keys:
            self._bands.setdefault(key, []).append(article_id)

    def candidates(self, keys: list[tuple[int, int]]) -> list[tuple[str, int, MinHash]]:
        """Indexed signatures sharing a band key: (article_id, order seen, signature)."""
        ids = dict.fromkeys(aid for key in keys for aid in self._bands.get(key, ()))
        return [(aid, *self.signatures[aid]) for aid in ids]


@dataclass(frozen=True)
class BandLayout:
    """b bands of r rows, and each band's slice of the signature (datasketch's `MinHashLSH` layout)."""

    b: int
    r: int
    hashranges: tuple[tuple[int, int], ...]


@lru_cache(maxsize=8)
def _band_layout(threshold: float, num_perm: int) -> BandLayout:
    """The LSH band layout for a threshold (datasketch integrates the error curves to choose it:
    ~0.1 s, once per process rather than once per ingest call). Only the immutable layout is
    cached, never an index that could be filled."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return BandLayout(lsh.b, lsh.r, tuple((int(a), int(z)) for a, z in lsh.hashranges))


@lru_cache(maxsize=8)
def _permutations(num_perm: int):
    return MinHash(num_perm=num_perm, seed=1, scheme="affine32").permutations


class Deduplicator:
    """MinHash signatures and LSH band keys, with an in-memory index of the articles seen so far.

    The same band keys serve the in-memory `BandIndex` (a batch being ingested, tests) and the
    store's `lsh_bands` table, so candidates are found the same way in both.
    """

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.num_perm = self.settings.dedup_num_perm
        # only its band layout (b bands of r rows, optimal for the threshold) is used
        self.lsh = _band_layout(self.settings.dedup_threshold, self.num_perm)
        self.index = BandIndex()
        # the seeded permutations, drawn once (MinHash would draw them again for each signature)
        self._permutations = _permutations(self.num_perm)

    def signature(self, text: str) -> MinHash:
        m = MinHash(num_perm=self.num_perm, seed=1, scheme="affine32", permutations=self._permutations)
        m.update_batch(list(shingles(text, self.settings.dedup_shingle)))
        return m

    def signature_bytes(self, m: MinHash) -> bytes:
        return np.asarray(m.hashvalues, dtype=np.uint64).tobytes()

    def from_bytes(self, data: bytes) -> MinHash:
        return MinHash(num_perm=self.num_perm, seed=1, scheme="affine32", hashvalues=np.frombuffer(data, dtype=np.uint64),
                       permutations=self._permutations)

    @property
    def band_layout(self) -> str:
        """`<bands>x<rows>`: band keys computed under another layout are not comparable."""
        return f"{self.lsh.b}x{self.lsh.r}"

    def band_keys(self, m: MinHash) -> list[tuple[int, int]]:
        """The LSH band keys of a signature, (band, 63-bit hash): what a store indexes so that
        candidates are found with one indexed lookup instead of loading every signature."""
        values = np.asarray(m.hashvalues, dtype=np.uint64)
        keys = []
        for band, (start, end) in enumerate(self.lsh.hashranges):
            digest = hashlib.blake2b(values[start:end].tobytes(), digest_size=8).digest()
            keys.append((band, int.from_bytes(digest, "big") >> 1))
        return keys

    def load(self, rows: Iterable[tuple[str, bytes]]) -> None:
        """Index stored (article_id, signature bytes) pairs in memory, in the order given."""
        for article_id, data in rows:
            m = self.from_bytes(data)
            self.index.add(article_id, m, self.band_keys(m))

    def choose_original(self, m: MinHash, candidates: Iterable[tuple[str, int, MinHash]]) -> str | None:
        """Among (article_id, order, signature) candidates, the earliest whose Jaccard estimate with
        `m` reaches the threshold."""
        best: tuple[int, str] | None = None
        for article_id, order, other in candidates:
            if other.jaccard(m) >= self.settings.dedup_threshold and (best is None or (order, article_id) < best):
                best = (order, article_id)
        return best[1] if best else None

    def __call__(self, doc: Document) -> MinHash:
        """Set `doc.duplicate_of` to the first-seen near duplicate in memory, index the doc, and
        return its signature."""
        m = self.signature(doc.text)
        keys = self.band_keys(m)
        found = self.choose_original(m, (c for c in self.index.candidates(keys) if c[0] != doc.article_id))
        if found is not None:
            doc.duplicate_of = found
        self.index.add(doc.article_id, m, keys)
        return m
