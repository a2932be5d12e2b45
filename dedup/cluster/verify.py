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
    inter = np.intersect1d(a, b, assume_unique=True).size
    if measure == "jaccard":
        return inter / (a.size + b.size - inter)
    return inter / min(a.size, b.size)
