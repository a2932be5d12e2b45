"""LSH banding for a whole batch at once, in a few numpy arrays instead of datasketch objects.

datasketch's in-memory ``MinHashLSH`` keeps, per band, a dict from a byte
string to a set of keys, next to one MinHash object per document: about 5 MB
per 1,000 documents. A batch run (``dedup cluster``) knows every signature
before it clusters, so the bands are grouped once by sorting: a document
that shares no band with any other (most documents of a corpus) needs no
index entry at all, and the rest get one int32 bucket id per shared band.

Candidates are the same as ``MinHashLSH``'s at the same (bands, rows):
documents that agree on every row of some band. Bands are compared through a
64-bit hash of their rows; a collision could only add a candidate, which
exact verification then judges like any other.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_BASE = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT = np.uint64(33)


@lru_cache(maxsize=32)
def lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) as datasketch's ``MinHashLSH`` chooses them for the threshold.

    datasketch minimises the false-positive area below the threshold plus the
    false-negative area above it (weights 0.5 each) over every ``b * r <=
    num_perm``, integrating with scipy. The same sums are computed here
    without scipy (importing datasketch costs about a second): the integrands
    are polynomials of degree at most ``num_perm``, which Gauss-Legendre
    quadrature with ``num_perm // 2 + 1`` nodes integrates exactly. The
    first minimum in datasketch's order (b, then r, ascending) wins, as there;
    tests check the choice equals datasketch's over a grid of thresholds and
    sizes. Like datasketch, it refuses a shape of fewer than two bands.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be in [0.0, 1.0]")
    if num_perm < 2:
        raise ValueError("Too few permutation functions")
    bands = np.array([b for b in range(1, num_perm + 1) for _ in range(num_perm // b)])
    rows = np.array([r for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)])
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def collide(s: np.ndarray) -> np.ndarray:  # (shapes, nodes): P(some band agrees)
        return 1.0 - (1.0 - s[np.newaxis, :] ** rows[:, np.newaxis]) ** bands[:, np.newaxis]

    def integral(f: np.ndarray, low: float, high: float) -> np.ndarray:
        return f @ weights * (high - low) / 2

    below = (nodes + 1) * threshold / 2  # nodes mapped to [0, threshold]
    above = threshold + (nodes + 1) * (1 - threshold) / 2  # and to [threshold, 1]
    false_positive = integral(collide(below), 0.0, threshold)
    false_negative = integral(1.0 - collide(above), threshold, 1.0)
    best = int(np.argmin(false_positive * 0.5 + false_negative * 0.5))
    if bands[best] < 2:
        raise ValueError("The number of bands are too small (b < 2)")
    return int(bands[best]), int(rows[best])


def band_hashes(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 per band of each signature: ``(n, bands)`` from ``(n, num_perm)`` uint32."""
    n = signatures.shape[0]
    cells = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        acc = np.repeat((np.arange(bands, dtype=np.uint64) + np.uint64(1))[None, :], n, axis=0)
        for row in range(rows):
            acc *= _BASE
            acc += cells[:, :, row]
        acc ^= acc >> _SHIFT
        acc *= _MIX1
        acc ^= acc >> _SHIFT
        acc *= _MIX2
        acc ^= acc >> _SHIFT
    return acc


class BandBuckets:
    """Which documents share a band, and which of them lead a cluster so far.

    Documents are numbered 0..n-1 (ranks in visiting order). Only buckets
    holding two or more documents are kept, as CSR arrays: ``bucket[start[i]:
    start[i + 1]]`` are document i's shared buckets. ``leader[g]`` is the
    first leader added to bucket g (-1: none yet); further leaders of the same
    bucket (rare: similar texts that failed verification) go to ``_more``.
    """

    def __init__(self, hashes: np.ndarray, eligible: np.ndarray) -> None:
        n = hashes.shape[0]
        members: list[np.ndarray] = []
        groups: list[np.ndarray] = []
        total = 0
        candidates = np.flatnonzero(eligible)
        for band in range(hashes.shape[1]):
            column = hashes[candidates, band]
            order = np.argsort(column, kind="stable")
            ordered = column[order]
            starts = np.empty(ordered.size, dtype=bool)
            starts[:1] = True
            np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
            run = np.cumsum(starts) - 1
            shared = np.bincount(run)[run] >= 2
            _, dense = np.unique(run[shared], return_inverse=True)
            members.append(candidates[order[shared]])
            groups.append(dense.astype(np.int64) + total)
            total += int(dense.max()) + 1 if dense.size else 0
        docs = np.concatenate(members) if members else np.empty(0, dtype=np.int64)
        buckets = np.concatenate(groups) if groups else np.empty(0, dtype=np.int64)
        by_doc = np.argsort(docs, kind="stable")
        self.bucket = buckets[by_doc].astype(np.int32)
        self.start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(docs, minlength=n), out=self.start[1:])
        self.leader = np.full(total, -1, dtype=np.int32)
        self._has_more = np.zeros(total, dtype=bool)
        self._more: dict[int, list[int]] = {}

    def shares_a_band(self, doc: int) -> bool:
        """Whether any other document shares a band with ``doc`` (else it can never be compared)."""
        return bool(self.start[doc + 1] > self.start[doc])

    def candidates(self, doc: int) -> list[int]:
        """Leaders added so far that share a band with ``doc``, sorted."""
        groups = self.bucket[self.start[doc] : self.start[doc + 1]]
        if groups.size == 0:
            return []
        firsts = self.leader[groups]
        found = set(firsts[firsts >= 0].tolist())
        if self._more and self._has_more[groups].any():
            for group in groups[self._has_more[groups]].tolist():
                found.update(self._more[group])
        return sorted(found)

    def add_leader(self, doc: int) -> None:
        """Record ``doc`` as a leader in each of its shared buckets."""
        groups = self.bucket[self.start[doc] : self.start[doc + 1]]
        free = self.leader[groups] < 0
        self.leader[groups[free]] = doc
        for group in groups[~free].tolist():
            self._more.setdefault(group, []).append(doc)
            self._has_more[group] = True

    def nbytes(self) -> int:
        """Bytes held by the index arrays (the dict of extra leaders counted roughly)."""
        arrays = (self.bucket, self.start, self.leader, self._has_more)
        return sum(a.nbytes for a in arrays) + 100 * sum(len(v) + 1 for v in self._more.values())
