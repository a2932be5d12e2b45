"""Candidate story pairs: MinHash LSH over each document's heaviest features.

The same datasketch machinery as the copy level, on a different set: instead of
word shingles (which rewrites do not share), each document is the set of its
``top_terms`` heaviest TF-IDF features. Two write-ups of one event share many
of them (names, figures, rare words) even when no sentence is shared. The LSH
threshold is low because these sets overlap far less than copies' shingles;
every candidate is then scored exactly (:mod:`dedup.story.verify`).
"""

from __future__ import annotations

import numpy as np
import xxhash

from dedup.index import MemoryIndex
from dedup.sketch import Sketcher
from dedup.story.params import StoryParams
from dedup.story.verify import Vector, top_features


def feature_hashes(features: list[str]) -> np.ndarray:
    """Sorted unique 32-bit hashes of feature strings (xxh3: stable across processes)."""
    hashed = (xxhash.xxh3_64_intdigest(f.encode()) >> 32 for f in features)
    return np.unique(np.fromiter(hashed, dtype=np.uint32, count=len(features)))


class CandidateIndex:
    """LSH over the top features of inserted documents; keys are integers."""

    def __init__(self, params: StoryParams, seed: int = 1) -> None:
        self._top = params.top_terms
        self._sketcher = Sketcher(1, params.num_perm, seed)
        self._lsh = MemoryIndex(params.lsh_threshold, params.num_perm, seed)

    def signature(self, vector: Vector) -> np.ndarray:
        return self._sketcher.signature(feature_hashes(top_features(vector, self._top)))

    def insert(self, key: int, signature: np.ndarray) -> None:
        self._lsh.insert(key, signature)

    def query(self, signature: np.ndarray) -> list[int]:
        return self._lsh.query(signature)
