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


class Deduplicator:
    """Holds the LSH index of the articles seen so far (loaded from the store at start)."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.num_perm = self.settings.dedup_num_perm
        self.lsh = MinHashLSH(threshold=self.settings.dedup_threshold, num_perm=self.num_perm)
        self.signatures: dict[str, MinHash] = {}

    def signature(self, text: str) -> MinHash:
        m = MinHash(num_perm=self.num_perm, seed=1, scheme="affine32")
        m.update_batch(list(shingles(text, self.settings.dedup_shingle)))
        return m

    def signature_bytes(self, m: MinHash) -> bytes:
        return np.asarray(m.hashvalues, dtype=np.uint64).tobytes()

    def from_bytes(self, data: bytes) -> MinHash:
        return MinHash(num_perm=self.num_perm, seed=1, scheme="affine32", hashvalues=np.frombuffer(data, dtype=np.uint64))

    def load(self, rows: Iterable[tuple[str, bytes]]) -> None:
        for article_id, data in rows:
            self.add(article_id, self.from_bytes(data))

    def add(self, article_id: str, m: MinHash) -> None:
        if article_id in self.signatures:
            return
        self.signatures[article_id] = m
        self.lsh.insert(article_id, m)

    def find_original(self, doc: Document, m: MinHash, order: dict[str, int] | None = None) -> str | None:
        """The earliest-seen near duplicate of `doc` (Jaccard estimate ≥ threshold), or None."""
        candidates = [c for c in self.lsh.query(m) if c != doc.article_id]
        close = [c for c in candidates if self.signatures[c].jaccard(m) >= self.settings.dedup_threshold]
        if not close:
            return None
        if order:
            return min(close, key=lambda c: (order.get(c, 1 << 62), c))
        return min(close)

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

    def choose_original(self, m: MinHash, candidates: Iterable[tuple[str, int, MinHash]]) -> str | None:
        """Among (article_id, order, signature) candidates, the earliest whose Jaccard estimate with
        `m` reaches the threshold."""
        best: tuple[int, str] | None = None
        for article_id, order, other in candidates:
            if other.jaccard(m) >= self.settings.dedup_threshold and (best is None or (order, article_id) < best):
                best = (order, article_id)
        return best[1] if best else None

    def __call__(self, doc: Document, order: dict[str, int] | None = None) -> MinHash:
        """Set `doc.duplicate_of` and index the doc; returns its signature (the store keeps it)."""
        m = self.signature(doc.text)
        original = self.find_original(doc, m, order)
        if original is not None:
            doc.duplicate_of = original
        self.add(doc.article_id, m)
        return m
