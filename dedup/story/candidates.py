"""Candidate story pairs: MinHash LSH over each document's heaviest features.

The same machinery as the copy level, on a different set: instead of word
shingles (which rewrites do not share), each document is the set of its
``top_terms`` heaviest TF-IDF features. Two write-ups of one event share many
of them (names, figures, rare words) even when no sentence is shared. The LSH
threshold is low because these sets overlap far less than copies' shingles;
every candidate is then scored exactly (:mod:`dedup.story.verify`).

Every vector is known before grouping starts, so the bands are grouped once,
in the copy level's numpy band buckets (the bands and rows datasketch's
``MinHashLSH`` would choose, and the same candidates).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xxhash

from dedup.index.bands import BandBuckets, band_hashes, lsh_shape
from dedup.sketch import Sketcher
from dedup.story.params import StoryParams
from dedup.story.verify import Vector, top_features


def feature_hashes(features: list[str]) -> np.ndarray:
    """Sorted unique 32-bit hashes of feature strings (xxh3: stable across processes)."""
    hashed = (xxhash.xxh3_64_intdigest(f.encode()) >> 32 for f in features)
    return np.unique(np.fromiter(hashed, dtype=np.uint32, count=len(features)))


class CandidateIndex:
    """Which documents added so far share a band with a given one; documents are numbered
    by their position in ``vectors``, and empty vectors never share a band."""

    def __init__(self, vectors: Sequence[Vector], params: StoryParams, seed: int = 1) -> None:
        sketcher = Sketcher(1, params.num_perm, seed)
        signatures = np.zeros((len(vectors), params.num_perm), dtype=np.uint32)
        for i, vector in enumerate(vectors):
            if vector:
                top = top_features(vector, params.top_terms)
                signatures[i] = sketcher.signature(feature_hashes(top))
        bands, rows = lsh_shape(params.lsh_threshold, params.num_perm)
        eligible = np.fromiter(map(bool, vectors), dtype=bool, count=len(vectors))
        self._buckets = BandBuckets(band_hashes(signatures, bands, rows), eligible)

    def add(self, doc: int) -> None:
        self._buckets.add_leader(doc)

    def candidates(self, doc: int) -> list[int]:
        """Documents added so far that share a band with ``doc``, sorted."""
        return self._buckets.candidates(doc)
