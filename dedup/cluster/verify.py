"""Exact similarity of two shingle-hash sets, used to confirm every LSH candidate."""

from __future__ import annotations

import numpy as np


def set_similarity(a: np.ndarray, b: np.ndarray, measure: str) -> float:
    """Jaccard, or containment of the smaller set in the larger (sorted unique arrays).

    Containment forgives what syndication does to a copy (a trimmed last
    paragraph, an added line), which Jaccard punishes twice.
    """
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = shared_count(a, b)
    if measure == "jaccard":
        return inter / (a.size + b.size - inter)
    return inter / min(a.size, b.size)


def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted unique arrays share: a binary search of the smaller in the larger.

    Same count as ``np.intersect1d``, without concatenating and re-sorting both arrays.
    """
    small, large = (a, b) if a.size <= b.size else (b, a)
    where = np.searchsorted(large, small)
    where[where == large.size] = 0
    return int(np.count_nonzero(large[where] == small))
